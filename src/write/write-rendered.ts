// Rendered diagrams (SVG/PNG beside their .mmd) go into the target repo through the same atomic
// write as generated files, and into the manifest under the pseudo-phase `render`, so a rendered
// file edited by hand is refused like any other (exit 4, `--force` overwrites). A rendered file
// the manifest does not know is replaced: it sits beside its diagram, so it is that diagram's
// earlier rendering (what `render` always did before rendered files entered the manifest).
import { OverwriteRefusedError } from "../errors.js";
import { MANIFEST_PATH, readManifest, serializeManifest, sha256 } from "./manifest.js";
import path from "node:path";
import { backupCopies } from "./hand-edits.js";
import { assertSafeRelativePath, readBytesIfExists, writeAtomically, type FileAction } from "./writer.js";

export const RENDER_PHASE = "render";

export interface RenderedFile {
  /** Relative to the target repo. */
  path: string;
  data: Uint8Array;
}

export interface RenderWriteOptions {
  outDir: string;
  toolVersion: string;
  force?: boolean;
}

export interface RenderWriteReport {
  changes: { path: string; action: Exclude<FileAction, "kept" | "conflict"> }[];
  /** With --force: where each overwritten hand-edited file was copied first. */
  backups: { path: string; copy: string }[];
}

export async function applyRendered(files: RenderedFile[], options: RenderWriteOptions): Promise<RenderWriteReport> {
  const manifest = await readManifest(options.outDir, options.toolVersion);
  const changes: RenderWriteReport["changes"] = [];
  const edited: string[] = [];
  const overwritten: { path: string; current: Uint8Array }[] = [];
  for (const file of files) {
    assertSafeRelativePath(file.path);
    const current = await readBytesIfExists(path.join(options.outDir, file.path));
    const entry = manifest.files[file.path];
    if (current === undefined) changes.push({ path: file.path, action: "create" });
    else if (Buffer.compare(current, file.data) === 0) changes.push({ path: file.path, action: "unchanged" });
    else if (entry && entry.sha256 !== sha256(current) && !options.force) edited.push(file.path);
    else {
      if (entry && entry.sha256 !== sha256(current)) overwritten.push({ path: file.path, current });
      changes.push({ path: file.path, action: "update" });
    }
  }
  if (edited.length > 0) throw new OverwriteRefusedError(edited);
  const next = { ...manifest, toolVersion: options.toolVersion, files: { ...manifest.files } };
  for (const file of files)
    next.files[file.path] = {
      sha256: sha256(file.data),
      phase: RENDER_PHASE,
      provider: "mermaid-cli",
      model: "chromium",
    };
  const changed = new Set(changes.filter((c) => c.action !== "unchanged").map((c) => c.path));
  const copies = backupCopies(overwritten);
  await writeAtomically(options.outDir, [
    ...files.filter((f) => changed.has(f.path)).map((f) => ({ path: f.path, content: f.data, executable: false })),
    ...copies,
    { path: MANIFEST_PATH, content: serializeManifest(next), executable: false },
  ]);
  return { changes, backups: overwritten.map((f, i) => ({ path: f.path, copy: copies[i]!.path })) };
}
