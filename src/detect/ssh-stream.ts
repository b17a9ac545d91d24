// The other end of templates/host/read-host.sh: turns its records into files under a temporary
// root, as they arrive (a large VM is never held in memory at once), so detectRepo can read the
// root like a mounted disk. The VM is not trusted: paths stay inside the root, links may only lead
// to files that were sent, and each file and the whole stream have a size limit.
import { mkdir, symlink, writeFile } from "node:fs/promises";
import path from "node:path";

export const STREAM_HEADER = "infra-migrate-read 1";
const SQLITE_HEADER = "SQLite format 3\0";

export interface HostStream {
  /** The header line was seen: the script ran (not a login banner or an error). */
  started: boolean;
  /** The closing `end` line was seen: nothing was cut off. */
  complete: boolean;
  /** Tools the script needs that the VM lacks (awk, ls, readlink, ss). */
  missing: string[];
  /** Absolute paths on the VM that exist but could not be read. */
  unreadable: string[];
  /** Absolute paths on the VM skipped for their size (bytes: as the VM gave it; none when cut here). */
  tooLarge: { file: string; bytes?: number }[];
  cpus?: number;
  memKiB?: number;
  /** `ss -ltnp` output; undefined when the VM has no ss. */
  listeners?: string;
}

export class StreamTooLarge extends Error {}

/** A root-relative path that stays inside the root, or undefined. */
export function insideRoot(file: string): string | undefined {
  // Control characters (a newline in a name would break the records anyway) are refused.
  if (!file || file.length > 1024 || file.startsWith("/") || /[\u0000-\u001f]/.test(file)) return undefined;
  const normal = path.posix.normalize(file);
  if (normal === "." || normal === ".." || normal.startsWith("../")) return undefined;
  return normal;
}

/** Lines of a byte stream, split on "\n" and decoded as UTF-8; a line longer than `max` is cut. */
async function* lines(input: AsyncIterable<Buffer | string>, max: number): AsyncGenerator<string> {
  let pending = Buffer.alloc(0);
  for await (const chunk of input) {
    pending = Buffer.concat([pending, typeof chunk === "string" ? Buffer.from(chunk) : chunk]);
    let at: number;
    while ((at = pending.indexOf(10)) >= 0) {
      yield pending.subarray(0, Math.min(at, max)).toString("utf8");
      pending = pending.subarray(at + 1);
    }
    if (pending.length > max) pending = pending.subarray(0, max);
  }
  if (pending.length) yield pending.toString("utf8");
}

export async function readHostStream(
  input: AsyncIterable<Buffer | string>,
  root: string,
  limits: { fileBytes: number; totalBytes: number; signal?: AbortSignal },
): Promise<HostStream> {
  // Aborted (a signal is stopping init): nothing more is written into the root.
  const stopped = () => limits.signal?.aborted === true;
  const out: HostStream = { started: false, complete: false, missing: [], unreadable: [], tooLarge: [] };
  const written = new Set<string>();
  const links: [string, string][] = [];
  /** Linked folders in the app folders: made as links whatever they lead to (inside the root). */
  const appLinks: [string, string][] = [];
  const entries: string[] = [];
  /** App files that begin as SQLite's do (storage-in-place.ts reads those 16 bytes). */
  const sqlites: string[] = [];
  let block: { kind: "file"; file: string | undefined; parts: string[]; bytes: number } | { kind: "listeners" };
  block = { kind: "file", file: undefined, parts: [], bytes: 0 };
  const listeners: string[] = [];
  let total = 0;
  let skipped = 0;

  const finish = async () => {
    if (block.kind !== "file" || block.file === undefined || stopped()) return;
    const file = block.file;
    const full = path.join(root, file);
    try {
      await mkdir(path.dirname(full), { recursive: true });
      // "wx": a second copy of a path (or a path through a file) is not written over the first.
      await writeFile(full, block.parts.join(""), { flag: "wx" });
      written.add(file);
    } catch {
      // A duplicate or a path that cannot be a file here: the first copy stands.
    }
  };

  for await (const line of lines(input, limits.fileBytes + 1)) {
    if (stopped()) break;
    total += line.length + 1;
    if (total > limits.totalBytes) throw new StreamTooLarge(`more than ${limits.totalBytes} bytes`);
    if (!out.started) {
      // A shell start-up file may print before the script runs; a few lines are tolerated.
      if (line === STREAM_HEADER) out.started = true;
      else if (++skipped > 200) break;
      continue;
    }
    if (line.startsWith("|")) {
      if (block.kind === "listeners") listeners.push(line.slice(1));
      else if (block.file !== undefined) {
        block.bytes += Buffer.byteLength(line);
        if (block.bytes > limits.fileBytes) {
          out.tooLarge.push({ file: `/${block.file}` });
          block.file = undefined;
        } else block.parts.push(`${line.slice(1)}\n`);
      }
      continue;
    }
    await finish();
    block = { kind: "file", file: undefined, parts: [], bytes: 0 };
    const [key, value = ""] = splitRecord(line);
    if (key === "file") block.file = insideRoot(value);
    else if (key === "link") {
      const [from, to] = value.split("\t");
      const link = insideRoot(from ?? "");
      const target = insideRoot(to ?? "");
      if (link && target) links.push([link, target]);
    } else if (key === "applink") {
      const [from, to] = value.split("\t");
      const link = insideRoot(from ?? "");
      const target = insideRoot(to ?? "");
      if (link && target && appLinks.length < 1000) appLinks.push([link, target]);
    } else if (key === "entry") {
      const entry = insideRoot(value);
      if (entry && entries.length < 20_000) entries.push(entry);
    } else if (key === "sqlite") {
      const entry = insideRoot(value);
      if (entry && sqlites.length < 200) sqlites.push(entry);
    } else if (key === "h2") {
      // An H2 database file, known by its name (sqlite.ts tells it by name too): an empty stand-in.
      const entry = insideRoot(value);
      if (entry && entries.length < 20_000) entries.push(entry);
    } else if (key === "listeners") block = { kind: "listeners" };
    else if (key === "missing" && /^[a-z0-9-]+$/.test(value)) out.missing.push(value);
    else if (key === "unreadable" && insideRoot(value.slice(1))) out.unreadable.push(value);
    else if (key === "toolarge") {
      const m = /^(\/.+) (\d+)$/.exec(value);
      if (m && insideRoot(m[1]!.slice(1))) out.tooLarge.push({ file: m[1]!, bytes: Number(m[2]) });
    } else if (key === "cpus" && /^\d+$/.test(value)) out.cpus = Number(value);
    else if (key === "memkb" && /^\d+$/.test(value)) out.memKiB = Number(value);
    else if (key === "end") out.complete = true;
  }
  await finish();
  if (block.kind === "listeners" || listeners.length) out.listeners = listeners.join("\n");

  // Links last, and only to a file that was sent or a folder holding one (a release layout's
  // `current`): nothing in the root leads outside it.
  const sentFolder = (dir: string) => [...written].some((w) => w.startsWith(`${dir}/`));
  for (const [link, target] of links) {
    if (!(written.has(target) || sentFolder(target)) || written.has(link) || stopped()) continue;
    const full = path.join(root, link);
    await mkdir(path.dirname(full), { recursive: true }).catch(() => undefined);
    await symlink(path.posix.relative(path.posix.dirname(link), target), full).catch(() => undefined);
  }
  // A linked folder in an app folder is a link here too, to the same place inside the root, sent or
  // not (a folder of user files linking into the app's code: storage-split.ts).
  for (const [link, target] of appLinks) {
    if (written.has(link) || stopped()) continue;
    const full = path.join(root, link);
    await mkdir(path.dirname(full), { recursive: true }).catch(() => undefined);
    await symlink(path.posix.relative(path.posix.dirname(link), target), full).catch(() => undefined);
  }
  // A SQLite file: a stand-in holding SQLite's header only (none of its data left the VM).
  for (const entry of sqlites) {
    if (stopped()) break;
    const full = path.join(root, entry);
    await mkdir(path.dirname(full), { recursive: true }).catch(() => undefined);
    await writeFile(full, SQLITE_HEADER, { flag: "wx" }).catch(() => undefined);
  }
  // An app file known by its name only (a lockfile, a file in an upload folder): an empty stand-in.
  for (const entry of entries) {
    if (stopped()) break;
    const full = path.join(root, entry);
    await mkdir(path.dirname(full), { recursive: true }).catch(() => undefined);
    await writeFile(full, "", { flag: "wx" }).catch(() => undefined);
  }
  return out;
}

function splitRecord(line: string): [string, string?] {
  const at = line.indexOf("=");
  return at < 0 ? [line] : [line.slice(0, at), line.slice(at + 1)];
}
