// `npm test`: the build the e2e tests run, then vitest with the type check of src and test,
// Prettier and the lint beside it (below). The same commands `npm run build`, `format:check` and
// `lint` run, two at a time instead of one after another: each step is single-threaded and the
// machines here have two cores (one after another: ~55 s of a quiet run, ~80 s under load).
// Without `vitest …` arguments it runs the build and the checks alone, in the foreground.
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
import os from "node:os";
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
 * steps run in order (the build's steps depend on each other; nothing depends on the build but
 * vitest, which starts after it).
 */
const buildCurrent = buildIsCurrent();
const build = buildCurrent ? undefined : buildSteps();
const checks = [
  ["format:check", "npm", ["run", "--silent", "format:check"]],
  ["lint", "npm", ["run", "--silent", "lint"]],
  ["type check (src and test)", bin("tsgo"), ["-p", "tsconfig.test.json", "--singleThreaded"]],
].map((job) => [job]);
if (buildCurrent) console.log("test-checks: build skipped: dist/ was built from these sources (dist/.build-inputs)");
/** `node scripts/test-checks.mjs vitest run …` (npm test): what follows `vitest` goes to vitest. */
const vitestArgs = process.argv[2] === "vitest" ? process.argv.slice(3) : [];
/** The lowest scheduling priority (nice 19): a check runs on a core vitest leaves idle. */
const LOWEST = 19;

/** Runs one step; resolves to its exit code with its output kept for a failure report. */
function step([label, command, args], priority) {
  return new Promise((resolve) => {
    // node_modules/.bin first, as `npm run` has it, also when this runs outside npm.
    const env = { ...process.env, PATH: `${path.join(root, "node_modules/.bin")}${path.delimiter}${process.env.PATH}` };
    const child = spawn(command, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    // Set before the child starts its own (npm → sh → prettier): they inherit it.
    if (priority !== undefined && child.pid !== undefined) {
      try {
        os.setPriority(child.pid, priority);
      } catch {
        // A platform that refuses: the step runs at normal priority, as before.
      }
    }
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
async function runJob(steps, log, priority) {
  for (const s of steps) {
    const started = Date.now();
    const result = await step(s, priority);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (result.code !== 0) return { ...result, seconds };
    log.push(`test-checks: ${result.label} ok (${seconds} s)`);
  }
  return undefined;
}

/** Every job, two at a time, longest first; the failures, and the lines saying what passed. */
async function runJobs(list, priority, onLine) {
  const failures = [];
  const queue = [...list];
  const log = { push: onLine };
  async function worker() {
    for (let job = queue.shift(); job; job = queue.shift()) {
      const failure = await runJob(job, log, priority);
      if (failure) failures.push(failure);
    }
  }
  await Promise.all([worker(), worker()]);
  return failures;
}

const report = (failures) => {
  for (const failure of failures)
    process.stderr.write(
      `\ntest-checks: ${failure.label} FAILED (exit ${failure.code}, ${failure.seconds} s)\n${failure.output}`,
    );
};

/** vitest with the given arguments, its output straight to ours; resolves to its exit code. */
function vitest(args) {
  return new Promise((resolve) => {
    const child = spawn(bin("vitest"), args, { cwd: root, stdio: "inherit" });
    child.on("error", (error) => {
      process.stderr.write(`test-checks: vitest did not start: ${error.message}\n`);
      resolve(1);
    });
    child.on("close", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

if (vitestArgs.length === 0) {
  // The checks alone (`node scripts/test-checks.mjs`), as before: in the foreground, two at a time.
  const failures = await runJobs([...(build ? [build] : []), ...checks], undefined, (line) => console.log(line));
  report(failures);
  process.exit(failures.length ? 1 : 0);
}

// `npm test`: the build first when dist/ is stale (vitest's e2e files run it), then vitest and
// the checks side by side, the checks at the lowest priority. vitest alone leaves about a third
// of the two cores idle (its workers wait on the processes they start, on timeouts and on fake
// servers): the checks take that time instead of ~27 s of their own before vitest starts, and
// yield the cores whenever vitest wants them. Tried before without the lower priority: the checks
// slowed vitest by more than they saved. Their lines and failures are printed after vitest's.
const buildFailures = build ? await runJobs([build], undefined, (line) => console.log(line)) : [];
if (buildFailures.length) {
  report(buildFailures);
  process.exit(1);
}
const lines = [];
const checking = runJobs(checks, LOWEST, (line) => lines.push(line));
const vitestCode = await vitest(vitestArgs);
const failures = await checking;
for (const line of lines) console.log(line);
report(failures);
process.exit(vitestCode !== 0 ? vitestCode : failures.length ? 1 : 0);
