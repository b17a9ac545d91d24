// The only code that touches the target repo. It compares each planned file with the disk and
// the manifest, refuses to clobber hand edits, and writes the whole set atomically: every file
// is staged to a temp file first, then renamed; a failed rename restores what was there before.
import { mkdir, readFile, rename, unlink, writeFile, chmod } from "node:fs/promises";
import path from "node:path";
import { GenerationError, OverwriteRefusedError } from "../errors.js";
import {
  MANIFEST_PATH,
  readManifest,
  serializeManifest,
  sha256,
  type Manifest,
  type PhaseOptionsRecord,
} from "./manifest.js";
import type { Plan } from "./plan.js";
import { withProvenance } from "./provenance.js";
import { backupCopies } from "./hand-edits.js";

export type FileAction = "create" | "update" | "unchanged" | "kept" | "conflict";

export interface FileChange {
  path: string;
  phase: string;
  action: FileAction;
  /** Final content (with provenance header) the plan wants on disk. */
  content: string;
  /** What is on disk now, if anything. */
  current?: string;
  executable: boolean;
  /** conflict: why the file counts as edited by a person. */
  reason?: string;
}

export interface StateFile {
  /** Relative to the target repo, inside .infra-migrate/. */
  path: string;
  content: string;
}

export interface WriteOptions {
  outDir: string;
  toolVersion: string;
  dryRun?: boolean;
  force?: boolean;
  /** Extra files under .infra-migrate/ (stored phase results) written in the same atomic set. */
  stateFiles?: StateFile[];
  /** Per phase written, the output-shaping options it was generated with (recorded in the manifest). */
  phaseOptions?: PhaseOptionsRecord;
}

export interface WriteReport {
  dryRun: boolean;
  changes: Omit<FileChange, "content" | "current">[];
  /** With --force: where each overwritten hand-edited file was copied first (repository-relative). */
  backups: { path: string; copy: string }[];
}

/** Refuse anything that could escape the target repo: a generator bug, or a hostile model answer. */
export function assertSafeRelativePath(p: string): void {
  const normal = path.posix.normalize(p);
  if (!p || path.isAbsolute(p) || p.includes("\\") || p.includes("\0") || normal.startsWith("..") || normal !== p) {
    throw new GenerationError("Refusing to write outside the target repository", [`unsafe path: ${JSON.stringify(p)}`]);
  }
}

async function readIfExists(file: string): Promise<string | undefined> {
  return (await readBytesIfExists(file))?.toString("utf8");
}

export async function readBytesIfExists(file: string): Promise<Buffer | undefined> {
  try {
    return await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** Decide, file by file, what applying the plans would do. Reads only. */
export async function planChanges(
  plans: Plan[],
  outDir: string,
  manifest: Manifest,
  force = false,
): Promise<FileChange[]> {
  const seen = new Set<string>();
  const wanted: { plan: Plan; artifact: Plan["artifacts"][number] }[] = [];
  // The paths are checked in order first; only those before the first refused one are read, as
  // a file-by-file loop would, but hundreds of reads (a big inventory's 700 files) run together.
  let refused: unknown;
  try {
    for (const plan of plans) {
      for (const artifact of plan.artifacts) {
        assertSafeRelativePath(artifact.path);
        if (seen.has(artifact.path)) throw new GenerationError("Two artifacts want the same path", [artifact.path]);
        seen.add(artifact.path);
        wanted.push({ plan, artifact });
      }
    }
  } catch (error) {
    refused = error;
  }
  const reads = await settleLimited(wanted, IO_CONCURRENCY, ({ artifact }) =>
    readIfExists(path.join(outDir, artifact.path)),
  );
  const changes: FileChange[] = [];
  wanted.forEach(({ plan, artifact }, i) => {
    const read = reads[i]!;
    if (!read.ok) throw read.error;
    const content = withProvenance(artifact, plan.provenance);
    const current = read.value;
    const base = {
      path: artifact.path,
      phase: plan.phase,
      content,
      current,
      executable: artifact.executable === true,
    };
    const entry = manifest.files[artifact.path];
    const currentHash = sha256(current ?? "");
    const ours =
      (entry !== undefined && entry.sha256 === currentHash) ||
      (current !== undefined && artifact.basedOn !== undefined && artifact.basedOn === currentHash);
    if (current === undefined) {
      changes.push({ ...base, action: "create" });
    } else if (artifact.policy === "create-only" && !ours) {
      // Someone else's file (or ours, edited since): a create-only artifact never replaces it.
      changes.push({
        ...base,
        action: "kept",
        reason: entry ? "edited since it was generated; never overwritten" : "exists already; never overwritten",
      });
    } else if (current === content) {
      changes.push({ ...base, action: "unchanged" });
    } else {
      const reason = entry ? "edited since it was generated" : "not generated by infra-migrate (no manifest entry)";
      changes.push({ ...base, action: ours || force ? "update" : "conflict", reason: ours ? undefined : reason });
    }
  });
  if (refused !== undefined) throw refused;
  return changes;
}

/**
 * How many file reads or writes are in flight at once: each is a few round trips to libuv's
 * thread pool, and one after the other they took most of a second for a big plan's 700 files.
 * Well under the usual limit of 1,024 open files.
 */
export const IO_CONCURRENCY = 32;

type Settled<R> = { ok: true; value: R } | { ok: false; error: unknown };

/**
 * `task` for every item, at most `limit` at a time; each outcome in the items' order. With
 * `stopAfterFailure`, no item starts once one has failed (those in flight settle): the items never
 * started have no outcome, and all come after every item that did start.
 */
export async function settleLimited<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
  { stopAfterFailure = false }: { stopAfterFailure?: boolean } = {},
): Promise<(Settled<R> | undefined)[]> {
  const out: (Settled<R> | undefined)[] = new Array(items.length).fill(undefined);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < items.length && !(stopAfterFailure && failed)) {
      const index = next++;
      try {
        out[index] = { ok: true, value: await task(items[index]!, index) };
      } catch (error) {
        out[index] = { ok: false, error };
        failed = true;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return out;
}

export function nextManifest(
  previous: Manifest,
  plans: Plan[],
  changes: FileChange[],
  toolVersion: string,
  phaseOptions: PhaseOptionsRecord = {},
): Manifest {
  const files = { ...previous.files };
  const byPath = new Map(changes.map((c) => [c.path, c]));
  for (const plan of plans) {
    for (const artifact of plan.artifacts) {
      const change = byPath.get(artifact.path);
      if (!change || change.action === "kept") continue;
      files[artifact.path] = {
        sha256: sha256(change.content),
        phase: plan.phase,
        provider: plan.provenance.provider,
        model: plan.provenance.model,
        ...(artifact.policy === "create-only" ? { policy: "create-only" as const } : {}),
      };
    }
  }
  // A phase written now replaces what was recorded for it; other phases keep theirs.
  const options = { ...previous.options };
  for (const plan of plans) {
    const given = phaseOptions[plan.phase];
    if (given && Object.keys(given).length) options[plan.phase] = given;
    else delete options[plan.phase];
  }
  return { version: 1, toolVersion, ...(Object.keys(options).length ? { options } : {}), files };
}

interface Staged {
  tmp: string;
  final: string;
  previous: Buffer | undefined;
  mode: number;
}

/** Writes the whole set or nothing: every file is staged beside its target, then renamed. */
export async function writeAtomically(
  outDir: string,
  files: { path: string; content: string | Uint8Array; executable: boolean }[],
): Promise<void> {
  const staged: (Staged | undefined)[] = new Array(files.length);
  const token = `${process.pid}.${Date.now().toString(36)}`;
  // Staged a few dozen at a time; after a failure no further file is started, and the temp files
  // of every file started are removed once those in flight have settled.
  const outcomes = await settleLimited(
    files,
    IO_CONCURRENCY,
    async (file, index) => {
      const final = path.join(outDir, file.path);
      await mkdir(path.dirname(final), { recursive: true });
      const tmp = path.join(path.dirname(final), `.${path.basename(final)}.${token}.tmp`);
      const mode = file.executable ? 0o755 : 0o644;
      staged[index] = { tmp, final, previous: await readBytesIfExists(final), mode };
      await writeFile(tmp, file.content, { mode });
      await chmod(tmp, mode);
    },
    { stopAfterFailure: true },
  );
  const all = staged.filter((s): s is Staged => s !== undefined);
  // The first file that failed in the plan's order, as one file after the other would report.
  const failure = outcomes.find((o) => o?.ok === false);
  if (failure?.ok === false) {
    await Promise.all(all.map((s) => unlink(s.tmp).catch(() => undefined)));
    throw failure.error;
  }
  const done: Staged[] = [];
  try {
    for (const s of all) {
      await rename(s.tmp, s.final);
      done.push(s);
    }
  } catch (error) {
    for (const s of done.reverse()) {
      if (s.previous === undefined) await unlink(s.final).catch(() => undefined);
      else await writeFile(s.final, s.previous).catch(() => undefined);
    }
    await Promise.all(all.map((s) => unlink(s.tmp).catch(() => undefined)));
    throw error;
  }
}

/** Apply plans to the target repo: all files or none. Throws OverwriteRefusedError (exit 4) on hand edits. */
export async function applyPlans(plans: Plan[], options: WriteOptions): Promise<WriteReport> {
  const manifest = await readManifest(options.outDir, options.toolVersion);
  const changes = await planChanges(plans, options.outDir, manifest, options.force);
  const conflicts = changes.filter((c) => c.action === "conflict");
  if (conflicts.length > 0) throw new OverwriteRefusedError(conflicts.map((c) => c.path));
  // --force: a file a person edited (reason set) is overwritten, but its content is kept first.
  const overwritten = changes.filter((c) => c.action === "update" && c.reason && c.current !== undefined);
  const copies = backupCopies(overwritten.map((c) => ({ path: c.path, current: c.current! })));
  const report: WriteReport = {
    dryRun: options.dryRun === true,
    changes: changes.map(({ content: _c, current: _p, ...rest }) => rest),
    backups: overwritten.map((c, i) => ({ path: c.path, copy: copies[i]!.path })),
  };
  if (options.dryRun) return report;

  const toWrite = changes
    .filter((c) => c.action === "create" || c.action === "update")
    .map((c) => ({ path: c.path, content: c.content, executable: c.executable }));
  const state = (options.stateFiles ?? []).map((f) => ({ ...f, executable: false }));
  for (const f of state) assertSafeRelativePath(f.path);
  const manifestText = serializeManifest(
    nextManifest(manifest, plans, changes, options.toolVersion, options.phaseOptions),
  );
  await writeAtomically(options.outDir, [
    ...toWrite,
    ...copies,
    ...state,
    { path: MANIFEST_PATH, content: manifestText, executable: false },
  ]);
  return report;
}
