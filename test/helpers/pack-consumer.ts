// A head start for pack.test's `npm install <tarball>` in an empty project. Unpacking the ~400
// runtime packages (41,000 files, 600 MB) from npm's cache took 47 s of a 48 s test; the repo's
// own node_modules already holds every one of them, byte for byte as `npm ci` unpacked them.
//
// So the project gets, before npm runs, a hard-linked copy of each runtime (non-dev) package of
// the repo's lockfile at the same path, plus npm's "hidden lockfile" (node_modules/.package-lock.json,
// which npm writes after every install and trusts when it is newer than the folders) naming
// their versions and integrity hashes. npm then still works out the ideal tree from the
// tarball's own package.json, with no package-lock.json in the project: it adds the tarball,
// removes whatever prewarmed package the tarball does not need, and unpacks any package whose
// version or integrity differs. A dependency missing from package.json is still missing after
// the install; only unpacking work that would give the same bytes is skipped.
// https://docs.npmjs.com/cli/v10/configuring-npm/package-lock-json#hidden-lockfiles
import {
  constants,
  copyFileSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
} from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";

interface LockEntry {
  version?: string;
  dev?: boolean;
  optional?: boolean;
  link?: boolean;
}

/** Hard-links src into dst (made here), leaving out src's own node_modules folder. */
function linkTree(src: string, dst: string, top: boolean): void {
  mkdirSync(dst, { recursive: true });
  for (const entry of readdirSync(src, { withFileTypes: true })) {
    if (top && entry.name === "node_modules") continue;
    const from = path.join(src, entry.name);
    const to = path.join(dst, entry.name);
    if (entry.isDirectory()) linkTree(from, to, false);
    else if (entry.isSymbolicLink()) symlinkSync(readlinkSync(from), to);
    else linkFile(from, to);
  }
}

/** A hard link; a copy when the temp folder is on another file system (tmpfs /tmp) than the repo. */
function linkFile(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EXDEV") throw error;
    copyFileSync(from, to, constants.COPYFILE_FICLONE);
  }
}

/**
 * Seeds `project`/node_modules with the runtime packages of `root`'s lockfile. Returns how many
 * packages it placed. Throws when a package the lockfile lists is absent or at another version
 * on disk (an optional one for another platform is left out, as npm leaves it out).
 */
export async function prewarmConsumer(root: string, project: string): Promise<number> {
  const lock = JSON.parse(readFileSync(path.join(root, "package-lock.json"), "utf8")) as {
    packages: Record<string, LockEntry>;
  };
  const { name } = JSON.parse(readFileSync(path.join(project, "package.json"), "utf8")) as { name: string };
  const placed: Record<string, LockEntry> = {};
  for (const [where, entry] of Object.entries(lock.packages)) {
    if (!where.startsWith("node_modules/") || entry.dev || entry.link) continue;
    const src = path.join(root, where);
    if (!existsSync(src) && entry.optional) continue;
    const { version } = JSON.parse(readFileSync(path.join(src, "package.json"), "utf8")) as { version: string };
    if (version !== entry.version) throw new Error(`${where} is ${version} on disk, ${entry.version} in the lockfile`);
    if (!lstatSync(src).isDirectory()) throw new Error(`${where} is not a folder`);
    linkTree(src, path.join(project, where), true);
    placed[where] = entry;
  }
  // Written last: npm trusts a hidden lockfile only when it is newer than every folder it names.
  await writeFile(
    path.join(project, "node_modules/.package-lock.json"),
    JSON.stringify({ name, lockfileVersion: 3, requires: true, packages: placed }, null, 2),
  );
  return Object.keys(placed).length;
}
