// A bounded, sorted listing of a repository: enough to find unit files and nginx configs in
// folders like deploy/systemd/, without wandering into node_modules or a virtualenv.
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";

export const SKIP_DIRS = new Set([
  ".git",
  "node_modules",
  ".venv",
  "venv",
  "env",
  "__pycache__",
  "dist",
  "build",
  ".tox",
  ".mypy_cache",
  ".pytest_cache",
  ".infra-migrate",
  "site-packages",
]);
export const MAX_DEPTH = 6;
const MAX_FILES = 20_000;
/** Config files are small; anything bigger is not one we want to parse. */
export const MAX_FILE_BYTES = 512 * 1024;

/** Repo-relative POSIX paths of regular files, sorted, skipping vendored and build folders. */
export async function listRepoFiles(root: string): Promise<string[]> {
  const files: string[] = [];
  async function visit(rel: string, depth: number): Promise<void> {
    if (depth > MAX_DEPTH || files.length >= MAX_FILES) return;
    let entries;
    try {
      entries = await readdir(path.join(root, rel), { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name)) await visit(child, depth + 1);
      } else if (entry.isFile() && files.length < MAX_FILES) {
        files.push(child);
      }
    }
  }
  await visit("", 0);
  return files;
}

/** Reads a small text file; undefined when missing, too big or unreadable. */
export async function readSmallText(root: string, rel: string, maxBytes = MAX_FILE_BYTES): Promise<string | undefined> {
  const file = path.join(root, rel);
  try {
    const info = await stat(file);
    if (!info.isFile() || info.size > maxBytes) return undefined;
    return await readFile(file, "utf8");
  } catch {
    return undefined;
  }
}
