// Writes test/durations.json: each test file's duration in seconds from the last full `vitest run`
// (.vitest-cache/report.json, which a full run writes). vitest.config.ts's sequencer starts the
// longest files first from it on a checkout that has no run of its own yet (a fresh clone, CI):
// vitest's own duration cache lives in node_modules and starts empty there, and a long file started
// last leaves the other core idle while it finishes. Refresh it after a full run on a quiet machine
// when the suite's shape changes (a new slow file); a stale entry only costs ordering, never a result.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const report = JSON.parse(readFileSync(path.join(root, ".vitest-cache/report.json"), "utf8"));
const durations = {};
for (const t of report.testResults) {
  const file = path.relative(root, t.name).split(path.sep).join("/");
  durations[file] = Math.round((t.endTime - t.startTime) / 100) / 10;
}
const sorted = Object.fromEntries(
  Object.entries(durations).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)),
);
writeFileSync(path.join(root, "test/durations.json"), `${JSON.stringify(sorted, null, 2)}\n`);
console.log(`test/durations.json: ${Object.keys(sorted).length} files`);
