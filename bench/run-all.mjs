// `npm run bench`: every benchmark in turn, each in its own process. Prints figures only.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { ROOT } from "./lib.mjs";

const benches = [
  "cli-startup.mjs",
  "speed-targets.mjs",
  "audit.mjs",
  "run-concurrency.mjs",
  "render.mjs",
  "fidelity.mjs",
  "schema-size.mjs",
];
const only = process.argv.slice(2);
let failed = 0;
for (const bench of benches.filter((b) => only.length === 0 || only.some((o) => b.includes(o)))) {
  console.log(`\n== ${bench}`);
  const result = spawnSync(process.execPath, [path.join(ROOT, "bench", bench)], { stdio: "inherit", cwd: ROOT });
  if (result.status !== 0) {
    failed++;
    console.log(`(${bench} exited ${result.status})`);
  }
}
process.exitCode = failed ? 1 : 0;
