// Data a Cloud Storage mount cannot carry. Cloud Storage FUSE writes an object whole when a file is
// closed, has no file locking, and renames a folder one object at a time: right for uploads
// (files written once), wrong for what the app rewrites in place under locks — git repositories
// (lock files and atomic renames of refs and packs), index folders (LevelDB, bleve, Lucene: a LOCK
// file one process holds, pages rewritten in place) and SQLite files (POSIX locks, a WAL beside).
// https://cloud.google.com/storage/docs/cloud-storage-fuse/overview#differences-and-limitations
// Read from the VM's disk: what each storage folder holds, by the files that make each kind.
import { readdir, open } from "node:fs/promises";
import path from "node:path";
import { type Storage, storageOnVm } from "../inventory/schema.js";

export type InPlace = NonNullable<Storage["inPlace"]>[number];

/** Neither user files nor data: logs, caches and scratch space the app makes again. */
const NOT_USER_FILES = /^(logs?|cache|tmp|temp)$/;
const PLAIN = /^[A-Za-z0-9._@+-]{1,100}$/;
const SQLITE_NAME = /\.(sqlite3?|db3?)$/i;
const SQLITE_MAGIC = "SQLite format 3\0";
/** How deep and how much of a folder is looked at (a data folder can hold millions of files). */
const MAX_DEPTH = 4;
const MAX_ENTRIES = 2000;

type Entries = Awaited<ReturnType<typeof readEntries>>;
const readEntries = (dir: string) => readdir(dir, { withFileTypes: true }).catch(() => []);

/** What a folder is, by the names in it: a git repository, an index folder, or neither. */
function kindOfFolder(name: string, entries: Entries): InPlace["kind"] | undefined {
  const names = new Set(entries.map((e) => e.name));
  const dirs = new Set(entries.filter((e) => e.isDirectory()).map((e) => e.name));
  // A bare repository (HEAD, objects/, refs/) or a work tree's .git folder.
  if ((names.has("HEAD") && dirs.has("objects") && dirs.has("refs")) || dirs.has(".git")) return "git";
  // LevelDB (CURRENT + LOCK or MANIFEST-*), bleve (index_meta.json, *.bleve), Lucene (segments_N, write.lock).
  if (names.has("CURRENT") && (names.has("LOCK") || [...names].some((n) => n.startsWith("MANIFEST-")))) return "index";
  if (names.has("index_meta.json") || name.endsWith(".bleve")) return "index";
  if (names.has("write.lock") || [...names].some((n) => /^segments_\w+$/.test(n))) return "index";
  return undefined;
}

async function isSqlite(file: string): Promise<boolean> {
  const handle = await open(file, "r").catch(() => undefined);
  if (!handle) return false;
  try {
    const buf = Buffer.alloc(16);
    await handle.read(buf, 0, 16, 0);
    return buf.toString("latin1") === SQLITE_MAGIC;
  } finally {
    await handle.close();
  }
}

/**
 * What in `vmFolder` is written in place (paths relative to it, the first found on each branch),
 * and its subfolders of other files. `hostRoot` holds the VM's disk.
 */
export async function inPlaceOnDisk(
  hostRoot: string,
  vmFolder: string,
): Promise<{ inPlace: InPlace[]; subfolders: string[] }> {
  const top = path.join(hostRoot, vmFolder);
  const found: InPlace[] = [];
  let seen = 0;
  const walk = async (dir: string, rel: string, depth: number): Promise<void> => {
    const entries = (await readEntries(dir)).sort((a, b) => (a.name < b.name ? -1 : 1));
    seen += entries.length;
    const kind = kindOfFolder(path.basename(dir), entries);
    if (kind) {
      found.push({ path: rel || ".", kind });
      return;
    }
    for (const e of entries) {
      if (seen > MAX_ENTRIES) return;
      const at = rel ? `${rel}/${e.name}` : e.name;
      if (!PLAIN.test(e.name)) continue;
      if (e.isFile() && (SQLITE_NAME.test(e.name) || !e.name.includes(".")) && (await isSqlite(path.join(dir, e.name))))
        found.push({ path: at, kind: "sqlite" });
      else if (e.isDirectory() && depth < MAX_DEPTH && !NOT_USER_FILES.test(e.name))
        await walk(path.join(dir, e.name), at, depth + 1);
    }
  };
  await walk(top, "", 0);
  const subfolders = (await readEntries(top))
    .filter((e) => e.isDirectory() && PLAIN.test(e.name) && !e.name.startsWith(".") && !NOT_USER_FILES.test(e.name))
    .map((e) => e.name)
    .sort();
  return { inPlace: found, subfolders };
}

/** The top folder (or file) of the storage folder an in-place path lies in; "." for the folder itself. */
export const topOf = (p: InPlace): string => p.path.split("/")[0]!;

/** The two lists joined, one entry per path (a path inside another's is dropped). */
export function mergeInPlace(a: readonly InPlace[], b: readonly InPlace[]): InPlace[] {
  const out: InPlace[] = [];
  const sorted = [...a, ...b].sort((x, y) => x.path.split("/").length - y.path.split("/").length);
  for (const p of sorted) {
    if (out.some((o) => o.path === "." || o.path === p.path || p.path.startsWith(`${o.path}/`))) continue;
    out.push(p);
  }
  return out.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
}

/**
 * The storage folder with what it holds in place: those parts are never mounted from a bucket,
 * and its other subfolders (uploads beside them: Gitea's lfs/, attachments/) still may be.
 */
export async function withInPlace(s: Storage, hostRoot: string | undefined): Promise<Storage> {
  // What the folder holds is read where it is on the VM (a compose volume's hostPath).
  const disk = hostRoot ? await inPlaceOnDisk(hostRoot, storageOnVm(s)) : undefined;
  const inPlace = mergeInPlace(s.inPlace ?? [], disk?.inPlace ?? []);
  if (inPlace.length === 0) return s;
  const tops = new Set(inPlace.map(topOf));
  const others = disk && !tops.has(".") ? disk.subfolders.filter((f) => !tops.has(f)) : undefined;
  // A folder that also holds code keeps its own split (storage-split.ts) less what is written in place.
  const uploads = s.codeFolders?.length ? (s.uploadFolders ?? []).filter((f) => !tops.has(f)) : others;
  return { ...s, inPlace, ...(uploads ? { uploadFolders: uploads } : {}) };
}
