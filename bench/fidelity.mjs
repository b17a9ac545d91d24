// `node bench/fidelity.mjs [app…]`: how well init reads the real-app corpus (test/fixtures/real):
// per app, the services, database and storage it found right, got wrong, missed or invented,
// against each app's truth.yaml. Prints a table (and, with --details, every miss); asserts nothing.
import path from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT } from "./lib.mjs";
import { formatTable, inventoryFor, loadCorpus, scoreInventory } from "./fidelity-score.mjs";

const dist = (file) => import(pathToFileURL(path.join(ROOT, "dist", file)).href);
const engine = {
  ...(await dist("detect/detect-repo.js")),
  ...(await dist("init/resolve.js")),
  ...(await dist("init/init-plan.js")),
  ...(await dist("init/provenance.js")),
  ...(await dist("inventory/load.js")),
};
const args = process.argv.slice(2);
const details = args.includes("--details");
const only = args.filter((a) => !a.startsWith("--"));
const results = [];
const start = process.hrtime.bigint();
for (const app of await loadCorpus(path.join(ROOT, "test/fixtures/real"))) {
  if (only.length && !only.includes(app.app)) continue;
  const score = scoreInventory(app.truth, await inventoryFor(engine, app));
  results.push({ app: app.app, ...score });
  if (details)
    for (const row of score.rows.filter((r) => r.verdict !== "found"))
      console.log(`${app.app}: ${row.verdict} ${row.item}${row.details.length ? ` (${row.details.join("; ")})` : ""}`);
}
const ms = Number(process.hrtime.bigint() - start) / 1e6;
console.log(formatTable(results));
console.log(`${results.length} apps read in ${ms.toFixed(0)} ms`);
