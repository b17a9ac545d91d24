import { readFileSync } from "node:fs";
import path from "node:path";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";
import { orderByDurations } from "./test/helpers/durations-order.js";

// A full run (no file filter) also writes a JSON report that `npm run bench` reads for the suite's
// time and its slowest test; single-file runs leave the last full run's report alone. Reporters
// given on the command line (CI's `--reporter=json --outputFile=…`) are left to the command line.
const args = process.argv.slice(2);
const fullRun =
  args.every((arg) => arg === "run" || arg.startsWith("-")) &&
  !args.some((arg) => /^--(reporters?|outputFile)\b/.test(arg));

// Files that change process-wide state a later file in the same worker could see: module mocks
// (vi.mock), process.env (PATH, TMPDIR, HOME, Google's auth variables, which Google's auth library
// also caches at module level) and module-level caches that depend on it (src/validate/python.ts
// remembers the Python it found, verdicts.ts its store). Each runs in a fresh worker of its own;
// every other file shares its worker's module cache with the files before it (isolate: false),
// which loads src/ and the test helpers once a worker instead of once a file (the suite spent
// ~42 s of worker time importing; 76 files of test/phases, detect and validate took 59 s instead
// of 98 s). A file added to the shared project must leave the process as it found it.
const ISOLATED = [
  "test/pipeline/plan-cache.test.ts",
  "test/validate/verdicts.test.ts",
  "test/validate/shellcheck.test.ts",
  "test/model/gemini.test.ts",
  "test/model/gemini-vertex.test.ts",
  "test/detect/ssh-collect.test.ts",
  "test/phases/cicd/run-once-read.test.ts",
  // Turns validation verdicts on (verdicts.ts): every later validator call in its worker would reuse them.
  "test/phases/corpus-validation.test.ts",
];

// Each test file's duration in the last full run on a quiet machine (scripts/test-durations.mjs).
// Vitest runs the longest first when a previous run in this checkout recorded durations (its cache
// in node_modules); on a fresh clone (CI) it knows none and goes by file size, which started
// corpus-validation and the gcloud check late and left one core idle while they finished. Those
// files come first from this list instead: the longest-first schedule for the two workers.
const DURATIONS = JSON.parse(readFileSync(path.join(import.meta.dirname, "test/durations.json"), "utf8")) as Record<
  string,
  number
>;

class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rel = (spec: TestSpecification) =>
      path.relative(this.ctx.config.root, spec.moduleId).split(path.sep).join("/");
    if (sorted.some((spec) => this.ctx.cache.getFileTestResults(`${spec.project.name}:${rel(spec)}`))) return sorted;
    const items = sorted.map((spec, index) => ({ spec, project: spec.project.name, file: rel(spec), index }));
    return orderByDurations(items, DURATIONS).map(({ spec }) => spec);
  }
}

export default defineConfig({
  test: {
    // A folder for outputs the e2e files share (test/helpers/seed-output.ts builds each once).
    globalSetup: ["test/helpers/global-setup.ts"],
    // Generous: several agents share the 2 cores here and an e2e hook that builds a whole output
    // took over 60 s under that load (CI's quiet machine needs a fraction); timing is bench/'s job.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // e2e tests spawn the built CLI; two cores on our machines.
    maxWorkers: 2,
    sequence: { sequencer: LongestFirstSequencer },
    ...(fullRun ? { reporters: ["default", ["json", { outputFile: ".vitest-cache/report.json" }]] } : {}),
    // The prebuilt validator bundle (dist/vendor) is plain ESM for Node: transforming its 6 MB
    // through Vite costs seconds per test file and changes nothing.
    server: { deps: { external: [/\/dist\/vendor\//] } },
    projects: [
      { extends: true, test: { name: "shared", include: ["test/**/*.test.ts"], exclude: ISOLATED, isolate: false } },
      { extends: true, test: { name: "isolated", include: ISOLATED, isolate: true } },
    ],
  },
});
