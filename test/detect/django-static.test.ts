// Django's STATIC_ROOT, read from the settings as Python would build it: the folder collectstatic
// fills with files built from the code (Weblate's DATA_DIR/cache/static), wherever it sits.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { djangoStaticRoots } from "../../src/detect/django-static.js";
import { readFromDisk, readOverSsh } from "../helpers/host-reads.js";

const VM = path.resolve(import.meta.dirname, "../fixtures/real/weblate/vm");
const WEBLATE = path.join(VM, "home/weblate/weblate-src");

// nginx serves /static from that folder: init marks it built, /media (user uploads) not.
describe("Weblate's VM", () => {
  it.each([
    ["disk", readFromDisk],
    ["ssh", readOverSsh],
  ])("read from its %s: /static is built from the code", async (_how, read) => {
    const facts = await read(VM, WEBLATE);
    expect(facts.services.find((s) => s.name === "nginx")?.servedFolders).toEqual([
      { path: "/media", folder: "/home/weblate/data/media" },
      { path: "/static", folder: "/home/weblate/data/cache/static", built: true },
    ]);
  });
});

describe("djangoStaticRoots", () => {
  it("Weblate: os.path.join(CACHE_DIR, 'static'), CACHE_DIR an f-string of DATA_DIR", () => {
    const text = readFileSync(path.join(WEBLATE, "weblate/settings.py"), "utf8");
    expect(djangoStaticRoots([{ file: "weblate/settings.py", text }], "/home/weblate/weblate-src")).toEqual([
      "/home/weblate/data/cache/static",
    ]);
  });

  it.each<[string, string, Record<string, string>, string[]]>([
    [
      "a base from __file__ and a climb",
      'import os\nBASE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))\nSTATIC_ROOT = os.path.join(BASE_DIR, "..", "static")\n',
      {},
      ["/srv/static"],
    ],
    [
      "pathlib",
      'BASE_DIR = Path(__file__).resolve().parent.parent\nSTATIC_ROOT = BASE_DIR / "staticfiles"\n',
      {},
      ["/srv/app/staticfiles"],
    ],
    [
      "the environment's value",
      'STATIC_ROOT = os.getenv("STATIC_ROOT", "/var/static")  # collected\n',
      { STATIC_ROOT: "/data/st/" },
      ["/data/st"],
    ],
    [
      "the default when the environment is silent",
      'STATIC_ROOT = env("STATIC_ROOT", default="/var/static")\n',
      {},
      ["/var/static"],
    ],
    ["the last assignment wins", 'STATIC_ROOT = "/a"\nSTATIC_ROOT = "/b"\n', {}, ["/b"]],
    ["a name never set", 'STATIC_ROOT = os.path.join(SOMEWHERE, "static")\n', {}, []],
    ["a relative folder", 'STATIC_ROOT = "static"\n', {}, []],
    ["not a settings file", 'STATIC_ROOT = "/var/static"\n', {}, []],
  ])("%s", (name, text, env, expected) => {
    const file = name === "not a settings file" ? "app/urls.py" : "app/settings.py";
    expect(djangoStaticRoots([{ file, text }], "/srv/app", env)).toEqual(expected);
  });
});
