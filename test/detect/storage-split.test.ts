// A folder of user files that also holds the app's code (Ghost's content/themes linked into the
// release, WordPress's wp-content/plugins) is sorted into subfolders of user files and of code;
// a plain upload folder is left whole. Small VM trees, one case a row.
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { splitStorage } from "../../src/detect/storage-split.js";

const temps: string[] = [];
afterAll(() => Promise.all(temps.map((d) => rm(d, { recursive: true, force: true }))));
async function tree(files: string[], links: Record<string, string>): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), "im-split-"));
  temps.push(root);
  for (const file of files) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), "");
  }
  for (const [link, target] of Object.entries(links)) {
    await mkdir(path.dirname(path.join(root, link)), { recursive: true });
    await symlink(target, path.join(root, link));
  }
  return root;
}

const GHOST_FILES = [
  "srv/ghost/versions/5.96.1/package.json",
  "srv/ghost/content/images/2024/a.png",
  "srv/ghost/content/media/v.mp4",
  "srv/ghost/content/files/doc.pdf",
  "srv/ghost/content/settings/routes.yaml",
  "srv/ghost/content/logs/site.log",
];
type Case = {
  name: string;
  files: string[];
  links: Record<string, string>;
  folder: string;
  appDirs?: string[];
  want: Record<string, unknown>;
};
const cases: Case[] = [
  {
    name: "themes linked into the release through `current` (absolute links): code; logs neither",
    files: GHOST_FILES,
    links: {
      "srv/ghost/current": "/srv/ghost/versions/5.96.1",
      "srv/ghost/content/themes/casper": "/srv/ghost/current/content/themes/casper",
    },
    folder: "/srv/ghost/content",
    want: {
      uploadFolders: ["files", "images", "media", "settings"],
      codeFolders: ["themes"],
      codeLinks: [{ path: "themes/casper", target: "versions/5.96.1/content/themes/casper" }],
    },
  },
  {
    name: "a relative link at the folder's top into the release",
    files: [...GHOST_FILES, "srv/ghost/versions/5.96.1/adapters/storage/s3.js"],
    links: { "srv/ghost/content/adapters": "../versions/5.96.1/adapters" },
    folder: "/srv/ghost/content",
    want: {
      uploadFolders: ["files", "images", "media", "settings"],
      codeFolders: ["adapters"],
      codeLinks: [{ path: "adapters", target: "versions/5.96.1/adapters" }],
    },
  },
  {
    name: "WordPress's wp-content: plugins and themes are code by name, uploads are user files",
    files: [
      "var/www/wp/wp-content/uploads/2024/a.jpg",
      "var/www/wp/wp-content/plugins/akismet/akismet.php",
      "var/www/wp/wp-content/themes/twenty/style.css",
    ],
    links: {},
    folder: "/var/www/wp/wp-content",
    appDirs: ["/var/www/wp"],
    want: { uploadFolders: ["uploads"], codeFolders: ["plugins", "themes"] },
  },
  {
    name: "a plain upload folder (dated subfolders, no code): whole",
    files: ["srv/ghost/content/images/2024/a.png", "srv/ghost/content/images/2025/b.png"],
    links: {},
    folder: "/srv/ghost/content/images",
    want: {},
  },
  {
    name: "a link to a disk outside the app is user files, not code",
    files: ["srv/ghost/content/images/a.png", "mnt/big/media/v.mp4"],
    links: { "srv/ghost/content/media": "/mnt/big/media" },
    folder: "/srv/ghost/content",
    want: {},
  },
  {
    name: "a link inside the folder itself is not code",
    files: ["srv/ghost/content/images/a.png"],
    links: { "srv/ghost/content/pictures": "images" },
    folder: "/srv/ghost/content",
    want: {},
  },
  {
    name: "no app folder holds the storage folder: nothing to tell code by",
    files: GHOST_FILES,
    links: { "srv/ghost/content/themes/casper": "/srv/ghost/versions/5.96.1/content/themes/casper" },
    folder: "/srv/ghost/content",
    appDirs: ["/opt/other"],
    want: {},
  },
];

describe("splitStorage", () => {
  it.each(cases)("$name", async ({ files, links, folder, appDirs, want }) => {
    const root = await tree(files, links);
    const storage = { path: folder, purpose: "user uploads" };
    const got = await splitStorage(storage, root, appDirs ?? ["/srv/ghost"]);
    expect(got).toEqual({ ...storage, ...want });
  });
});
