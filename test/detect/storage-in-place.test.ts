// What a storage folder keeps in place (detect/storage-in-place.ts, and app.ini's folders in
// ini-settings.ts): git repositories, index folders and SQLite files are marked, and only the
// subfolders of whole files beside them stay mountable. A folder of uploads is left as it is.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { iniFacts } from "../../src/detect/ini-settings.js";
import { mergeInPlace, withInPlace } from "../../src/detect/storage-in-place.js";

let root: string;
const put = async (file: string, text: string | Buffer = "x") => {
  await mkdir(path.dirname(path.join(root, file)), { recursive: true });
  await writeFile(path.join(root, file), text);
};
const sqlite = Buffer.concat([Buffer.from("SQLite format 3\0", "latin1"), Buffer.alloc(84)]);

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "in-place-"));
  // A forge's data folder: a bare repository, LevelDB queues, a bleve index, uploads beside them.
  await put("srv/forge/data/repos/alice/hello.git/HEAD", "ref: refs/heads/main\n");
  await mkdir(path.join(root, "srv/forge/data/repos/alice/hello.git/objects"), { recursive: true });
  await mkdir(path.join(root, "srv/forge/data/repos/alice/hello.git/refs"), { recursive: true });
  await put("srv/forge/data/queues/common/CURRENT", "MANIFEST-000001\n");
  await put("srv/forge/data/queues/common/LOCK", "");
  await put("srv/forge/data/indexers/issues.bleve/index_meta.json", "{}");
  await put("srv/forge/data/attachments/1/2/file.png");
  await put("srv/forge/data/log/forge.log");
  // An app whose data folder holds its SQLite database (no extension) beside uploads.
  await put("srv/notes/data/notes", sqlite);
  await put("srv/notes/data/uploads/a.png");
  // A work tree checked out in the folder itself.
  await mkdir(path.join(root, "srv/site/.git/objects"), { recursive: true });
  // Uploads alone, one of them named like a database but not one.
  await put("srv/media/photos/a.jpg");
  await put("srv/media/export.db", "not sqlite");
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe("what a storage folder keeps in place, read from the VM's disk", () => {
  it.each([
    {
      name: "git, LevelDB and bleve beside uploads: the uploads stay mountable, logs do not count",
      folder: "/srv/forge/data",
      inPlace: [
        { path: "indexers/issues.bleve", kind: "index" },
        { path: "queues/common", kind: "index" },
        { path: "repos/alice/hello.git", kind: "git" },
      ],
      uploads: ["attachments"],
    },
    {
      name: "a SQLite file in the data folder (found by its header)",
      folder: "/srv/notes/data",
      inPlace: [{ path: "notes", kind: "sqlite" }],
      uploads: ["uploads"],
    },
    {
      name: "the folder itself a git work tree",
      folder: "/srv/site",
      inPlace: [{ path: ".", kind: "git" }],
      uploads: undefined,
    },
    { name: "uploads alone: unchanged", folder: "/srv/media", inPlace: undefined, uploads: undefined },
  ])("$name", async ({ folder, inPlace, uploads }) => {
    const got = await withInPlace({ path: folder, purpose: "data" }, root);
    expect(got.inPlace).toEqual(inPlace);
    expect(got.uploadFolders).toEqual(uploads);
  });

  it("without the disk (an ssh read) keeps what the settings said and names no upload folder", async () => {
    const got = await withInPlace({ path: "/srv/x", inPlace: [{ path: "repos", kind: "git" }] }, undefined);
    expect(got).toEqual({ path: "/srv/x", inPlace: [{ path: "repos", kind: "git" }] });
  });

  it("merges the settings' paths with the disk's: an inner path is dropped", () => {
    expect(
      mergeInPlace(
        [{ path: "queues", kind: "index" }],
        [
          { path: "queues/common", kind: "index" },
          { path: "repos", kind: "git" },
        ],
      ),
    ).toEqual([
      { path: "queues", kind: "index" },
      { path: "repos", kind: "git" },
    ]);
  });
});

describe("app.ini's folders written in place", () => {
  const ini = (extra: string) => `[server]\nHTTP_PORT = 3000\nAPP_DATA_PATH = /var/lib/gitea/data\n${extra}`;
  it.each([
    {
      name: "defaults: repositories, LevelDB queues and the bleve issue index under APP_DATA_PATH",
      text: ini(""),
      folders: [
        {
          path: "/var/lib/gitea/data",
          inPlace: [
            { path: "gitea-repositories", kind: "git" },
            { path: "queues", kind: "index" },
            { path: "indexers/issues.bleve", kind: "index" },
          ],
        },
      ],
    },
    {
      name: "queues on Redis, issues indexed in the database, repositories elsewhere: a folder of their own",
      text: ini(
        "[queue]\nTYPE = redis\n[indexer]\nISSUE_INDEXER_TYPE = db\n[repository]\nROOT = /srv/git\n[database]\nDB_TYPE = sqlite3\nPATH = /var/lib/gitea/data/gitea.db\n",
      ),
      folders: [
        { path: "/var/lib/gitea/data", inPlace: [{ path: "gitea.db", kind: "sqlite" }] },
        { path: "/srv/git", inPlace: [{ path: ".", kind: "git" }] },
      ],
    },
  ])("$name", ({ text, folders }) => {
    const got = iniFacts(text)!.folders.map((f) => ({ path: f.path, inPlace: f.inPlace }));
    expect(got).toEqual(folders);
  });
});
