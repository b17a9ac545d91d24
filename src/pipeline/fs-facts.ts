// What a phase read from the target repository, recorded as facts ("Dockerfile exists: false",
// "package.json has sha256 …", "the root lists app/, manage.py"), so a cached plan is reused only
// while every fact still holds. Phases read the repository with plain node:fs (existsSync,
// readFileSync, readdirSync…, in src/phases, src/image, src/detect): rather than trusting each of
// them to report what it looked at, node:fs itself is observed while a phase runs. The wrappers
// record only calls made inside `recordFacts` (AsyncLocalStorage) on paths inside that
// repository; everything else passes straight through. `syncBuiltinESMExports` makes the
// wrappers visible to `import { existsSync } from "node:fs"` as well as to `fs.existsSync`.
import { AsyncLocalStorage } from "node:async_hooks";
import { createHash } from "node:crypto";
import fs from "node:fs";
import { syncBuiltinESMExports } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

export type FactOp = "exists" | "stat" | "lstat" | "read" | "readdir" | "realpath" | "access";

export interface Fact {
  op: FactOp;
  /** POSIX path relative to the repository root ("" = the root). */
  path: string;
  /** What the call saw: a boolean, a type and size, a content hash, a listing, an error code. */
  value: string;
  /** Options that change the answer (readdir's withFileTypes/recursive, read's encoding). */
  flags?: string;
}

interface Recorder {
  roots: string[];
  facts: Map<string, Fact>;
  /** A read in the repository through a call whose answer is not described as a fact (a stream, a descriptor…). */
  untracked?: string;
}

const storage = new AsyncLocalStorage<Recorder>();
type AnyFn = (...args: unknown[]) => unknown;
// State and caches infra-migrate keeps in the repository: not the team's files.
const IGNORED = /^\.infra-migrate(\/|$)/;

const sha = (data: string | Uint8Array) => createHash("sha256").update(data).digest("hex");
const errorCode = (error: unknown) => `error:${(error as NodeJS.ErrnoException).code ?? "unknown"}`;

function statValue(stat: fs.Stats | undefined): string {
  if (!stat) return "error:ENOENT";
  const type = stat.isFile() ? "file" : stat.isDirectory() ? "dir" : stat.isSymbolicLink() ? "link" : "other";
  return `${type}:${stat.isFile() ? stat.size : 0}`;
}

function readValue(content: string | Buffer, encoding: BufferEncoding | undefined): string {
  return sha(typeof content === "string" ? Buffer.from(content, encoding ?? "utf8") : content);
}

/** A listing as sorted names (relative to `dir` when recursive), each with its type when known. */
function listValue(entries: (string | Buffer | fs.Dirent)[], dir: string): string {
  const names = entries.map((e) => {
    if (typeof e === "string" || Buffer.isBuffer(e)) return String(e);
    const type = e.isDirectory() ? "d" : e.isFile() ? "f" : "o";
    return `${type}:${path
      .relative(dir, path.join(e.parentPath ?? dir, e.name))
      .split(path.sep)
      .join("/")}`;
  });
  return JSON.stringify(names.sort());
}

function encodingOf(options: unknown): BufferEncoding | undefined {
  if (typeof options === "string") return options as BufferEncoding;
  return (options as { encoding?: BufferEncoding } | undefined)?.encoding ?? undefined;
}

function readdirFlags(options: unknown): string | undefined {
  const o = (typeof options === "object" && options ? options : {}) as { withFileTypes?: boolean; recursive?: boolean };
  const flags = [o.withFileTypes ? "types" : "", o.recursive ? "recursive" : ""].filter(Boolean).join(",");
  return flags || undefined;
}

function toPath(target: unknown): string | undefined {
  if (typeof target === "string") return target;
  if (target instanceof URL) return fileURLToPath(target);
  if (Buffer.isBuffer(target)) return target.toString("utf8");
  return undefined; // a file descriptor
}

/** `target` relative to the active recorder's repository, when a recorder is active and it is inside. */
function inRepository(target: unknown): { recorder: Recorder; rel: string } | undefined {
  const recorder = storage.getStore();
  if (!recorder) return undefined;
  const file = toPath(target);
  if (file === undefined) return undefined;
  const abs = path.resolve(file);
  for (const root of recorder.roots) {
    if (abs !== root && !abs.startsWith(root + path.sep)) continue;
    const rel = path.relative(root, abs).split(path.sep).join("/");
    return IGNORED.test(rel) ? undefined : { recorder, rel };
  }
  return undefined;
}

/** Record a fact for a call on `target` when a recorder is active and the path is in its repository. */
function note(op: FactOp, target: unknown, value: () => string, flags?: string): void {
  const found = inRepository(target);
  if (!found) return;
  const key = `${op}\0${found.rel}\0${flags ?? ""}`;
  if (!found.recorder.facts.has(key))
    found.recorder.facts.set(key, { op, path: found.rel, value: value(), ...(flags ? { flags } : {}) });
}

// Calls that can read the repository but whose answer is not recorded as a fact (callbacks,
// descriptors, streams, directory handles). A phase using one on the repository makes its run
// uncacheable instead of silently cacheable on incomplete facts.
const UNTRACKED_SYNC = ["openSync", "opendirSync", "readlinkSync", "createReadStream", "statfsSync"] as const;
const UNTRACKED_CALLBACK = ["open", "opendir", "readFile", "readdir", "stat", "lstat", "access", "exists", "readlink"];
const UNTRACKED_PROMISES = ["open", "opendir", "readlink"] as const;

/** The original node:fs functions, used to evaluate facts without recording them. */
const real = {
  existsSync: fs.existsSync,
  statSync: fs.statSync,
  lstatSync: fs.lstatSync,
  readFileSync: fs.readFileSync,
  readdirSync: fs.readdirSync,
  realpathSync: fs.realpathSync,
  accessSync: fs.accessSync,
  promises: { ...fs.promises },
  untracked: Object.fromEntries(
    [...UNTRACKED_SYNC, ...UNTRACKED_CALLBACK].map((name) => [name, (fs as unknown as Record<string, AnyFn>)[name]!]),
  ),
  untrackedPromises: Object.fromEntries(
    UNTRACKED_PROMISES.map((name) => [name, (fs.promises as unknown as Record<string, AnyFn>)[name]!]),
  ),
};

function syncWrapper(
  op: FactOp,
  fn: AnyFn,
  describe: (result: unknown, args: unknown[]) => string,
  flags?: (args: unknown[]) => string | undefined,
): AnyFn {
  return function (this: unknown, ...args: unknown[]) {
    try {
      const result = fn.apply(this, args);
      note(op, args[0], () => describe(result, args), flags?.(args));
      return result;
    } catch (error) {
      note(op, args[0], () => errorCode(error), flags?.(args));
      throw error;
    }
  };
}

function asyncWrapper(
  op: FactOp,
  fn: AnyFn,
  describe: (result: unknown, args: unknown[]) => string,
  flags?: (args: unknown[]) => string | undefined,
): AnyFn {
  return async function (this: unknown, ...args: unknown[]) {
    try {
      const result = await fn.apply(this, args);
      note(op, args[0], () => describe(result, args), flags?.(args));
      return result;
    } catch (error) {
      note(op, args[0], () => errorCode(error), flags?.(args));
      throw error;
    }
  };
}

/**
 * A resolved path as a fact: relative to the repository when it resolves inside it, so the facts
 * of a copied or moved checkout still hold there (the repository's own absolute path is not what
 * a phase's answer depends on); absolute when a link leads outside.
 */
function realpathValue(resolved: string, roots: readonly string[]): string {
  for (const root of roots) {
    if (resolved === root || resolved.startsWith(root + path.sep))
      return `repo:${path.relative(root, resolved).split(path.sep).join("/")}`;
  }
  return resolved;
}

const describers = {
  exists: (result: unknown) => String(result),
  stat: (result: unknown) => statValue(result as fs.Stats | undefined),
  read: (result: unknown, args: unknown[]) => readValue(result as string | Buffer, encodingOf(args[1])),
  readdir: (result: unknown, args: unknown[]) => listValue(result as string[], toPath(args[0]) ?? ""),
  realpath: (result: unknown) => realpathValue(String(result), storage.getStore()?.roots ?? []),
  access: () => "ok",
};
/** A call that only marks the run uncacheable when it touches the repository. */
function untrackedWrapper(name: string, fn: AnyFn): AnyFn {
  const wrapper = function (this: unknown, ...args: unknown[]) {
    const found = inRepository(args[0]);
    if (found) found.recorder.untracked ??= `${name}(${found.rel || "."})`;
    return fn.apply(this, args);
  };
  // Keep what hangs off the function (util.promisify.custom on exists, .native on realpath).
  for (const key of Reflect.ownKeys(fn)) {
    if (key === "length" || key === "name" || key === "prototype") continue;
    Object.defineProperty(wrapper, key, Object.getOwnPropertyDescriptor(fn, key)!);
  }
  return wrapper;
}

const readFlags = (args: unknown[]) => encodingOf(args[1]);
const dirFlags = (args: unknown[]) => readdirFlags(args[1]);

function patch(): void {
  const f = fs as unknown as Record<string, AnyFn>;
  const p = fs.promises as unknown as Record<string, AnyFn>;
  f.existsSync = syncWrapper("exists", real.existsSync as AnyFn, describers.exists);
  f.statSync = syncWrapper("stat", real.statSync as AnyFn, describers.stat);
  f.lstatSync = syncWrapper("lstat", real.lstatSync as AnyFn, describers.stat);
  f.readFileSync = syncWrapper("read", real.readFileSync as AnyFn, describers.read, readFlags);
  f.readdirSync = syncWrapper("readdir", real.readdirSync as AnyFn, describers.readdir, dirFlags);
  f.realpathSync = Object.assign(syncWrapper("realpath", real.realpathSync as AnyFn, describers.realpath), {
    native: real.realpathSync.native,
  });
  f.accessSync = syncWrapper("access", real.accessSync as AnyFn, describers.access);
  p.readFile = asyncWrapper("read", real.promises.readFile as AnyFn, describers.read, readFlags);
  p.stat = asyncWrapper("stat", real.promises.stat as AnyFn, describers.stat);
  p.lstat = asyncWrapper("lstat", real.promises.lstat as AnyFn, describers.stat);
  p.readdir = asyncWrapper("readdir", real.promises.readdir as AnyFn, describers.readdir, dirFlags);
  p.realpath = asyncWrapper("realpath", real.promises.realpath as AnyFn, describers.realpath);
  p.access = asyncWrapper("access", real.promises.access as AnyFn, describers.access);
  for (const [name, fn] of Object.entries(real.untracked)) f[name] = untrackedWrapper(name, fn);
  for (const [name, fn] of Object.entries(real.untrackedPromises)) p[name] = untrackedWrapper(name, fn);
  syncBuiltinESMExports();
}

function unpatch(): void {
  Object.assign(fs, {
    existsSync: real.existsSync,
    statSync: real.statSync,
    lstatSync: real.lstatSync,
    readFileSync: real.readFileSync,
    readdirSync: real.readdirSync,
    realpathSync: real.realpathSync,
    accessSync: real.accessSync,
    ...real.untracked,
  });
  Object.assign(fs.promises, real.promises, real.untrackedPromises);
  syncBuiltinESMExports();
}

let users = 0;

function repoRoots(repoDir: string): string[] {
  const abs = path.resolve(repoDir);
  let resolved = abs;
  try {
    resolved = real.realpathSync(abs);
  } catch {
    // the repository folder does not exist yet
  }
  return resolved === abs ? [abs] : [abs, resolved];
}

/**
 * Run `task`, recording every node:fs read it makes inside `repoDir`. `untracked` names the first
 * read that could not be recorded (the run must not be reused then).
 */
export async function recordFacts<T>(
  repoDir: string,
  task: () => Promise<T>,
): Promise<{ value: T; facts: Fact[]; untracked?: string }> {
  if (users++ === 0) patch();
  const recorder: Recorder = { roots: repoRoots(repoDir), facts: new Map() };
  try {
    const value = await storage.run(recorder, task);
    return {
      value,
      facts: [...recorder.facts.values()],
      ...(recorder.untracked ? { untracked: recorder.untracked } : {}),
    };
  } finally {
    if (--users === 0) unpatch();
  }
}

/** What the same call would see in `repoDir` now. */
export function evaluateFact(repoDir: string, fact: Fact): string {
  const file = path.join(repoDir, ...fact.path.split("/").filter(Boolean));
  const attempt = (fn: () => string) => {
    try {
      return fn();
    } catch (error) {
      return errorCode(error);
    }
  };
  switch (fact.op) {
    case "exists":
      return String(real.existsSync(file));
    case "stat":
      return attempt(() => statValue(real.statSync(file)));
    case "lstat":
      return attempt(() => statValue(real.lstatSync(file)));
    case "read":
      return attempt(() => {
        const raw = real.readFileSync(file);
        const encoding = fact.flags as BufferEncoding | undefined;
        return readValue(encoding ? raw.toString(encoding) : raw, encoding);
      });
    case "readdir": {
      const withFileTypes = fact.flags?.includes("types") ?? false;
      const recursive = fact.flags?.includes("recursive") ?? false;
      return attempt(() => listValue(real.readdirSync(file, { withFileTypes, recursive } as never) as string[], file));
    }
    case "realpath":
      return attempt(() => realpathValue(real.realpathSync(file), repoRoots(repoDir)));
    case "access":
      return attempt(() => (real.accessSync(file), "ok"));
  }
}

export function factsHold(repoDir: string, facts: readonly Fact[]): boolean {
  return facts.every((fact) => evaluateFact(repoDir, fact) === fact.value);
}

/** The same facts as they read now (after the run wrote its files). */
export function refreshFacts(repoDir: string, facts: readonly Fact[]): Fact[] {
  return facts.map((fact) => ({ ...fact, value: evaluateFact(repoDir, fact) }));
}
