// Size of every phase's sent schema (responseJsonSchema) for every example inventory and for the
// largest generated one, beside the budget (src/model/schema-size.ts). Vertex AI names property
// count, enum values and nesting as causes of "too many states"; bytes count as input tokens.
// Run after `npm run build`. Prints figures only.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ROOT, tmp } from "./lib.mjs";

const dist = (p) => import(path.join(ROOT, "dist", p));
const { toResponseSchema } = await dist("model/response-schema.js");
const { schemaSize, overBudget, SCHEMA_BUDGET } = await dist("model/schema-size.js");
const { PHASE_IDS, loadPhase } = await dist("phases/registry.js");
const { parseInventory } = await dist("inventory/load.js");
const { generateInventory } = await import("./gen-inventory.mjs");

const examples = readdirSync(path.join(ROOT, "examples"))
  .filter((name) => readdirSync(path.join(ROOT, "examples", name)).includes("inventory.yaml"))
  .map((name) => ({ name, file: path.join(ROOT, "examples", name, "inventory.yaml") }));
const big = path.join(tmp(), "inventory.yaml");
writeFileSync(big, generateInventory(200));
examples.push({ name: "generated-200-services", file: big });

const pad = (s, n) => String(s).padEnd(n);
const num = (s, n) => String(s).padStart(n);
console.log(
  `${pad("inventory", 24)} ${pad("phase", 8)} ${num("props", 6)} ${num("enums", 6)} ${num("depth", 6)} ${num("bytes", 8)}  over budget`,
);
console.log(
  `${pad("budget", 24)} ${pad("", 8)} ${num(SCHEMA_BUDGET.properties, 6)} ${num(SCHEMA_BUDGET.enumValues, 6)} ${num(SCHEMA_BUDGET.depth, 6)} ${num(SCHEMA_BUDGET.bytes, 8)}`,
);
for (const { name, file } of examples) {
  const loaded = parseInventory(readFileSync(file, "utf8"), file);
  const base = { inventory: loaded.inventory, inventoryHash: loaded.hash, options: {}, repoDir: "/nonexistent" };
  const answers = {};
  for (const id of PHASE_IDS) {
    const phase = await loadPhase(id);
    const input = { ...base, upstream: Object.fromEntries(phase.dependsOn.map((d) => [d, answers[d]])) };
    answers[id] = phase.offline(input);
    const size = schemaSize(
      toResponseSchema(phase.modelAnswer?.schema ?? phase.resultSchema, phase.responseLimits?.(input)),
    );
    const over = overBudget(size);
    console.log(
      `${pad(name, 24)} ${pad(id, 8)} ${num(size.properties, 6)} ${num(size.enumValues, 6)} ${num(size.depth, 6)} ${num(size.bytes, 8)}  ${over.join(", ") || "-"}`,
    );
  }
}
