import { defineConfig } from "vitest/config";

// A full run (no file filter) also writes a JSON report that `npm run bench` reads for the suite's
// time and its slowest test; single-file runs leave the last full run's report alone. Reporters
// given on the command line (CI's `--reporter=json --outputFile=…`) are left to the command line.
const args = process.argv.slice(2);
const fullRun =
  args.every((arg) => arg === "run" || arg.startsWith("-")) &&
  !args.some((arg) => /^--(reporters?|outputFile)\b/.test(arg));

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // A folder for outputs the e2e files share (test/helpers/seed-output.ts builds each once).
    globalSetup: ["test/helpers/global-setup.ts"],
    // Generous: several agents share the 2 cores here and an e2e hook that builds a whole output
    // took over 60 s under that load (CI's quiet machine needs a fraction); timing is bench/'s job.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // e2e tests spawn the built CLI; two cores on our machines.
    maxWorkers: 2,
    ...(fullRun ? { reporters: ["default", ["json", { outputFile: ".vitest-cache/report.json" }]] } : {}),
    // The prebuilt validator bundle (dist/vendor) is plain ESM for Node: transforming its 6 MB
    // through Vite costs seconds per test file and changes nothing.
    server: { deps: { external: [/\/dist\/vendor\//] } },
  },
});
