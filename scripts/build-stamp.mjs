// The build's inputs, hashed: `npm run build` ends by writing the hash to dist/.build-inputs, and
// scripts/test-checks.mjs skips the build when the hash of the inputs it would read now is the one
// there (the dist/ that build made is what the same build would make again). `npm ci` builds
// (the `prepare` script), so a fresh clone's `npm test` does not build a second time: ~13 s of CPU
// (tsc's emit, the bundles and the code-cache training run), measured on a quiet 2-core machine.
//
// Inputs are every file the build steps read from this repository (src/, the scripts, the
// templates they precompile, what the code-cache training run loads: bin/, personas/, data/,
// schema/, the example inventory it runs on), the compiler and package settings, the installed
// packages (package-lock.json: esbuild bundles node_modules) and the Node version (the code cache
// is V8's). Anything else changing leaves dist/ as it was built, as it would before.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const STAMP = path.join(root, "dist/.build-inputs");
const FOLDERS = ["src", "scripts", "templates", "bin", "personas", "data", "schema"];
const FILES = ["package.json", "package-lock.json", "tsconfig.json", "examples/seed-vm/inventory.yaml"];

function filesUnder(rel) {
  if (!existsSync(path.join(root, rel))) return [];
  return readdirSync(path.join(root, rel), { withFileTypes: true }).flatMap((entry) => {
    const child = `${rel}/${entry.name}`;
    if (entry.isDirectory()) return entry.name === "__pycache__" ? [] : filesUnder(child);
    return entry.isFile() ? [child] : [];
  });
}

/** sha256 over each input's path and content, in a fixed order, and the Node version. */
export function buildInputsHash() {
  const hash = createHash("sha256").update(`node ${process.version}\n`);
  const files = [...FOLDERS.flatMap(filesUnder), ...FILES.filter((f) => existsSync(path.join(root, f)))].sort();
  for (const rel of files)
    hash
      .update(`${rel}\n`)
      .update(readFileSync(path.join(root, rel)))
      .update("\n");
  return hash.digest("hex");
}

/** True when dist/ was built by `npm run build` from the inputs as they are now. */
export function buildIsCurrent() {
  return existsSync(STAMP) && readFileSync(STAMP, "utf8").trim() === buildInputsHash();
}

// The tool fingerprint of the finished dist/ (src/tool-fingerprint.ts), kept with the stat stamp of
// its files: a run into a new folder takes it while that stamp holds instead of hashing ~500 files.
const FINGERPRINT = path.join(root, "dist/tool-fingerprint.cache");

// `clear` is the build's first step: a build that fails halfway leaves no stamp, so a dist/ it
// half rewrote is never taken for current. Without it, the build's last step: every step before
// it succeeded (`&&`), so dist/ is complete (the fingerprint comes last: it covers .build-inputs).
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv[2] === "clear") {
    rmSync(STAMP, { force: true });
    rmSync(FINGERPRINT, { force: true });
  } else {
    writeFileSync(STAMP, `${buildInputsHash()}\n`);
    // Written by the module that reads it (its BUILT_FINGERPRINT, the file named above).
    const { writeBuiltFingerprint } = await import(path.join(root, "dist/tool-fingerprint.js"));
    writeBuiltFingerprint();
  }
}
