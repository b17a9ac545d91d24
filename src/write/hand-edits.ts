// Files a person edited since infra-migrate wrote them: found BEFORE anything is generated (so
// `run` stops at once with the list, not after minutes of generation), and, when `--force`
// overwrites them, copied first to .infra-migrate/backup/<time>/<path> in the same atomic write.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { STATE_DIR, sha256, type Manifest } from "./manifest.js";

export const BACKUP_DIR = `${STATE_DIR}/backup`;

/**
 * Files of these phases whose content on disk is not what the manifest says was written. A
 * create-only file (a Dockerfile handed over to the team) is theirs to edit: the writer keeps it.
 */
export async function editedFiles(outDir: string, manifest: Manifest, phases: readonly string[]): Promise<string[]> {
  const wanted = new Set(phases);
  const edited: string[] = [];
  for (const [file, entry] of Object.entries(manifest.files)) {
    if (!wanted.has(entry.phase) || entry.policy === "create-only") continue;
    const current = await readFile(path.join(outDir, file)).catch(() => undefined);
    if (current !== undefined && sha256(current) !== entry.sha256) edited.push(file);
  }
  return edited.sort();
}

/** `.infra-migrate/backup/2026-12-01T19-30-05Z`: one folder per overwriting write, sortable by time. */
export function backupFolder(now = new Date()): string {
  return `${BACKUP_DIR}/${now
    .toISOString()
    .replace(/\.\d+Z$/, "Z")
    .replace(/:/g, "-")}`;
}

/** The copies to write beside an overwrite: each edited file's current content under the backup folder. */
export function backupCopies(
  overwritten: { path: string; current: string | Uint8Array }[],
  folder = backupFolder(),
): { path: string; content: string | Uint8Array; executable: boolean }[] {
  return overwritten.map((file) => ({ path: `${folder}/${file.path}`, content: file.current, executable: false }));
}
