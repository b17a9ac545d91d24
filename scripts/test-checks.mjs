// What `npm test` runs before vitest: the build the e2e tests run, the type check of src and
// test, Prettier and the lint. The same commands `npm run build`, `format:check` and `lint` run,
// two at a time instead of one after another: each step is single-threaded and the machines here
// have two cores (one after another: ~55 s of a quiet run, ~80 s under load).
//
// The build is skipped when dist/ is current: `npm run build` stamps dist/ with the hash of its
// inputs (scripts/build-stamp.mjs), and `npm ci` builds, so a fresh clone's tests build nothing
// twice. When it does run, its `tsc` emits with --noCheck (TypeScript 5.6+: the same JavaScript,
// byte for byte, without type checking), because `tsc -p tsconfig.test.json` checks src (same
// compiler options) together with the tests. Checking src twice was ~13 s of CPU.
// https://www.typescriptlang.org/tsconfig/#noCheck
//
// The type check runs TypeScript's native port (tsgo, @typescript/native-preview: the same
// checker in Go, pinned): ~4 s of CPU where tsc took ~16 s on a quiet machine (~26 s under load).
// Its diagnostics were compared with tsc 5.9's on this tree and on probes of the errors we make
// (assignability, possibly-undefined, overloads, NodeNext extensions, JSON imports, missing
// exports): identical, line and column. Single-threaded: its threads save wall time, not CPU, and
// the other worker keeps the second core busy. The build's emit stays tsc's.
// https://github.com/microsoft/typescript-go
//
// Prettier, ESLint and dependency-cruiser keep a cache under node_modules/.cache/ keyed by each
// file's content (--cache-strategy content; the tools' own caches also hold their version and the
// options, so a changed config or rule checks every file again). Every rule we lint with reads one
// file (no type information), so a file whose bytes are unchanged keeps its verdict. A fresh clone
// has no cache and pays the full ~60 s of CPU; a rerun checks only the files that changed
// (Prettier ~24 → ~5 s of CPU, the lint ~38 → ~8 s).
// https://prettier.io/docs/cli#--cache https://eslint.org/docs/latest/use/command-line-interface#caching
//
// Prettier reads TypeScript with its babel-ts parser (.prettierrc.json), not the default typescript
// one: the same printer, and on this tree the same verdict for every file (each passes --check
// under both), for ~20 % less CPU (28–30 s against 35–38 s of user+sys, alternated runs). A file only one of
// them can parse fails the check loudly; it is never skipped.
// https://prettier.io/docs/options#parser
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildIsCurrent } from "./build-stamp.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => path.join(root, "node_modules/.bin", name);

/**
 * `npm run build`'s own steps (package.json, so a step added there is run here too), the first
 * `tsc -p tsconfig.json` with --noCheck.
 */
function buildSteps() {
  const { scripts } = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
  let unchecked = false;
  return scripts.build.split("&&").map((command) => {
    command = command.trim();
    if (!unchecked && command === "tsc -p tsconfig.json") {
      unchecked = true;
      command += " --noCheck";
    }
    return [`build: ${command}`, "sh", ["-c", command]];
  });
}

/**
 * Independent jobs, longest first (CPU seconds on a quiet machine: Prettier ~12 s, ESLint and
 * dependency-cruiser ~12 s, the build ~11 s, the type check ~4 s): two workers take the next job
 * as one finishes, so neither core idles while the other still has two jobs queued. A job's
 * steps run in order (the build's steps depend on each other; nothing else depends on the build
 * but vitest, which starts after every job).
 */
const buildCurrent = buildIsCurrent();
const jobs = [
  ["format:check", "npm", ["run", "--silent", "format:check"]],
  ["lint", "npm", ["run", "--silent", "lint"]],
  ...(buildCurrent ? [] : [buildSteps()]),
  ["type check (src and test)", bin("tsgo"), ["-p", "tsconfig.test.json", "--singleThreaded"]],
].map((job) => (typeof job[0] === "string" ? [job] : job));
if (buildCurrent) console.log("test-checks: build skipped: dist/ was built from these sources (dist/.build-inputs)");

/** Runs one step; resolves to its exit code with its output kept for a failure report. */
function step([label, command, args]) {
  return new Promise((resolve) => {
    // node_modules/.bin first, as `npm run` has it, also when this runs outside npm.
    const env = { ...process.env, PATH: `${path.join(root, "node_modules/.bin")}${path.delimiter}${process.env.PATH}` };
    const child = spawn(command, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("error", (error) => resolve({ label, code: 1, output: `${output}${error.message}\n` }));
    child.on("close", (code, signal) =>
      resolve({ label, code: code ?? 1, output: signal ? `${output}killed by ${signal}\n` : output }),
    );
  });
}

/** A job's steps in order; stops at the first that fails (a failed build has nothing to check). */
async function runJob(steps) {
  for (const s of steps) {
    const started = Date.now();
    const result = await step(s);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (result.code !== 0) return { ...result, seconds };
    console.log(`test-checks: ${result.label} ok (${seconds} s)`);
  }
  return undefined;
}

const failures = [];
const queue = [...jobs];
async function worker() {
  for (let job = queue.shift(); job; job = queue.shift()) {
    const failure = await runJob(job);
    if (failure) failures.push(failure);
  }
}
await Promise.all([worker(), worker()]);
for (const failure of failures) {
  process.stderr.write(
    `\ntest-checks: ${failure.label} FAILED (exit ${failure.code}, ${failure.seconds} s)\n${failure.output}`,
  );
}
process.exit(failures.length ? 1 : 0);
