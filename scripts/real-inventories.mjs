#!/usr/bin/env node
// Write test/fixtures/real/<app>/inventory.yaml: the inventory `init --from-host <app>/vm --from
// <app>/<from> --yes` produces for each app of the real-app corpus, so every phase's tests can run
// on real apps. The fidelity test fails when one is stale.
//   npm run build && node scripts/real-inventories.mjs [--check]
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { inventoryTextFor, loadCorpus } from "../bench/fidelity-score.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const check = process.argv.includes("--check");
const dist = (file) => import(pathToFileURL(path.join(root, "dist", file)).href);
const engine = {
  ...(await dist("detect/detect-repo.js")),
  ...(await dist("init/resolve.js")),
  ...(await dist("init/init-plan.js")),
  ...(await dist("init/provenance.js")),
  ...(await dist("inventory/load.js")),
};
let stale = 0;
for (const app of await loadCorpus(path.join(root, "test/fixtures/real"))) {
  const file = path.join(app.dir, "inventory.yaml");
  const text = await inventoryTextFor(engine, app);
  const current = await readFile(file, "utf8").catch(() => undefined);
  if (current === text) console.log(`up to date  ${path.relative(root, file)}`);
  else if (check) {
    console.error(`stale       ${path.relative(root, file)}`);
    stale++;
  } else {
    await writeFile(file, text);
    console.log(`wrote       ${path.relative(root, file)}`);
  }
}
process.exitCode = stale ? 1 : 0;
