// Django's MEDIA_ROOT read from the settings file: the folder it builds from the project's base
// folder, whatever its name, kept when it exists in the app's folder on the VM.
import { describe, expect, it } from "vitest";
import { djangoMediaFolders } from "../../src/detect/django-media.js";
import { detectStorage, pythonFolderSettings } from "../../src/detect/storage.js";

const settings = (file: string, base: string, media: string) => [{ file, text: `${base}\n\n${media}\n` }];
const OS_BASE = "BASE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))";
const PATH_BASE = "BASE_DIR = Path(__file__).resolve().parent.parent";

describe("djangoMediaFolders", () => {
  it.each([
    // Tandoor: an env variable's default, os.path.join on BASE_DIR two folders up.
    [
      "recipes/settings.py",
      OS_BASE,
      `MEDIA_ROOT = os.getenv('MEDIA_ROOT', os.path.join(BASE_DIR, "mediafiles"))`,
      ["mediafiles"],
    ],
    ["app/settings.py", PATH_BASE, `MEDIA_ROOT = BASE_DIR / "data" / "uploads"`, ["data/uploads"]],
    ["app/settings.py", PATH_BASE, `MEDIA_ROOT = str(BASE_DIR / "files")`, ["files"]],
    ["app/settings.py", "BASE_DIR = Path(__file__).resolve().parents[1]", `MEDIA_ROOT = BASE_DIR / "up"`, ["up"]],
    // A settings package one folder deeper (settings/base.py): three dirname() calls.
    [
      "proj/settings/base.py",
      "BASE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))",
      `MEDIA_ROOT = env("MEDIA_ROOT", default=os.path.join(BASE_DIR, "public", "media"))`,
      ["public/media"],
    ],
    // Saleor's PROJECT_ROOT: dirname of the file, then "..".
    [
      "saleor/settings.py",
      `PROJECT_ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), ".."))`,
      `MEDIA_ROOT: str = os.path.join(PROJECT_ROOT, "media")`,
      ["media"],
    ],
    // Nothing to place: an absolute path, a base not built from __file__, a folder outside the app.
    ["app/settings.py", OS_BASE, `MEDIA_ROOT = "/srv/media"`, []],
    ["app/settings.py", `BASE_DIR = os.environ["APP_HOME"]`, `MEDIA_ROOT = os.path.join(BASE_DIR, "media")`, []],
    ["app/settings.py", PATH_BASE, `MEDIA_ROOT = BASE_DIR / ".." / "media"`, []],
    // Not a settings file.
    ["app/conf.py", OS_BASE, `MEDIA_ROOT = os.path.join(BASE_DIR, "mediafiles")`, []],
  ])("%s: %s", (file, base, media, want) => {
    expect(djangoMediaFolders(settings(file, base, media), {})).toEqual(want);
  });

  it("leaves the default alone when the deployment sets the variable the setting reads", () => {
    const text = settings(
      "recipes/settings.py",
      OS_BASE,
      `MEDIA_ROOT = os.getenv('MEDIA_ROOT', os.path.join(BASE_DIR, "mediafiles"))`,
    );
    expect(djangoMediaFolders(text, { MEDIA_ROOT: "/srv/recipes/media" })).toEqual([]);
  });
});

describe("a Django MEDIA_ROOT in user-file folders", () => {
  const text = settings(
    "recipes/settings.py",
    OS_BASE,
    `MEDIA_ROOT = os.getenv('MEDIA_ROOT', os.path.join(BASE_DIR, "mediafiles"))`,
  );
  it("is a storage folder when it exists in the app's folder on the VM, unless object storage is on", () => {
    const files = ["recipes/settings.py", "mediafiles/recipes/a.jpg", "staticfiles/app.css"];
    expect(detectStorage({}, "/var/www/recipes", files, text).map((s) => s.path)).toEqual([
      "/var/www/recipes/mediafiles",
    ]);
    expect(detectStorage({}, "/var/www/recipes", ["recipes/settings.py"], text)).toEqual([]);
    expect(detectStorage({ S3_ENABLED: "true" }, "/var/www/recipes", files, text)).toEqual([]);
    // The deployment's own MEDIA_ROOT is the folder, not the default.
    expect(detectStorage({ MEDIA_ROOT: "/srv/media" }, "/var/www/recipes", files, text).map((s) => s.path)).toEqual([
      "/srv/media",
    ]);
  });
});

describe("pythonFolderSettings", () => {
  const text = [
    'DATA_DIR = "/home/weblate/data"',
    'CACHE_DIR = f"{DATA_DIR}/cache"',
    'MEDIA_ROOT = os.path.join(DATA_DIR, "media")',
    "STATIC_ROOT = '/srv/static/'",
    'UPLOAD_PATH: str = "/srv/uploads/"  # user files',
    '    DATA_ROOT = "/indented/not/top/level"',
  ].join("\n");

  it("takes a folder setting set to an absolute literal, a whole data directory as written in place", () => {
    expect(pythonFolderSettings([{ file: "weblate/settings.py", text }])).toEqual([
      {
        path: "/home/weblate/data",
        purpose: "data dir (DATA_DIR in settings.py)",
        absoluteSetting: true,
        inPlace: [{ path: ".", kind: "files" }],
      },
      { path: "/srv/uploads", purpose: "upload path (UPLOAD_PATH in settings.py)", absoluteSetting: true },
    ]);
    expect(pythonFolderSettings([{ file: "weblate/urls.py", text }])).toEqual([]);
  });

  it("keeps a folder found inside another one with it", () => {
    const named = [
      { path: "/home/weblate/data/media", purpose: "user uploads" },
      { path: "/home/weblate/data", purpose: "data dir", absoluteSetting: true as const },
    ];
    expect(detectStorage({}, undefined, [], [], named).map((s) => s.path)).toEqual(["/home/weblate/data"]);
  });
});
