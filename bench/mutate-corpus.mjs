// Mutation fuzzer: every example and real-app corpus inventory, mutated by seed (services dropped,
// renamed or re-roled, huge sizes and traffic, 300 secrets, odd commands, protocols, extra
// databases, LLM sections, many services, limits; and broken on purpose), run offline in process
// through the built engine (dist/: `npm run build` first). Prints each bug as found, then the bugs
// grouped by error, each with its seeds and mutated inventories; exit 1 when there is one.
//
//   node bench/mutate-corpus.mjs [--seed 1] [--runs 200] [--count 2] [--fast] [--only app]
//                                [--mutations name,name] [--out dir]
//
// Case i uses seed + i: the seed picks the inventory (seed mod the number of inventories) and the
// mutations, so `--seed <a failing case's seed> --runs 1` replays it. --fast leaves out the phases'
// validators (shellcheck, actionlint, …): ~20× faster, schema and rendering only.
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { parse } from "yaml";
import { ROOT } from "./lib.mjs";
import { groupFailures, runCase } from "../test/helpers/mutation-run.mjs";

const { values: args } = parseArgs({
  options: {
    seed: { type: "string", default: "1" },
    runs: { type: "string", default: "100" },
    count: { type: "string", default: "2" },
    fast: { type: "boolean", default: false },
    only: { type: "string" },
    mutations: { type: "string" },
    out: { type: "string" },
  },
});

const dist = (file) => import(path.join(ROOT, "dist", file));
const [pipeline, load, registry, persona, phase, offline, plan] = await Promise.all(
  [
    "pipeline/run-pipeline.js",
    "inventory/load.js",
    "phases/registry.js",
    "personas/persona.js",
    "pipeline/run-phase.js",
    "model/offline.js",
    "pipeline/migration-plan.js",
  ].map(dist),
);
const engine = {
  runPipeline: pipeline.runPipeline,
  loadInventory: load.loadInventory,
  loadPhase: registry.loadPhase,
  phaseMeta: registry.phaseMeta,
  PHASE_IDS: registry.PHASE_IDS,
  loadPersona: persona.loadPersona,
  runPhase: phase.runPhase,
  createOfflineClient: offline.createOfflineClient,
  migrationPlan: plan.migrationPlan,
};

/** examples/* and test/fixtures/real/* with an inventory.yaml; a corpus app's repository from its truth.yaml. */
function inventories() {
  return ["examples", "test/fixtures/real"].flatMap((dir) =>
    readdirSync(path.join(ROOT, dir))
      .sort()
      .filter((e) => existsSync(path.join(ROOT, dir, e, "inventory.yaml")))
      .filter((e) => !args.only || e.includes(args.only))
      .map((e) => {
        const folder = path.join(ROOT, dir, e);
        const truth = path.join(folder, "truth.yaml");
        const from = existsSync(truth) ? parse(readFileSync(truth, "utf8")).from : undefined;
        return { file: path.join(folder, "inventory.yaml"), repo: from ? path.join(folder, from) : undefined };
      }),
  );
}

const sources = inventories();
if (!sources.length) throw new Error(`no inventory matches --only ${args.only}`);
const dir = args.out ?? mkdtempSync(path.join(tmpdir(), "im-mutate-"));
const first = Number(args.seed);
const cases = [];
const started = performance.now();
for (let i = 0; i < Number(args.runs); i++) {
  const seed = first + i;
  const source = sources[seed % sources.length];
  const only = args.mutations?.split(",");
  const c = await runCase(engine, { ...source, seed, count: Number(args.count), only, dir, validate: !args.fast });
  cases.push(c);
  if (c.verdict === "bug") {
    console.log(`BUG seed ${seed} ${path.relative(ROOT, source.file)} [${c.mutations.map((m) => m.said).join("; ")}]`);
    console.log(`    ${c.error}\n    ${c.file}`);
  }
}

const count = (v) => cases.filter((c) => c.verdict === v).length;
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(
  `\n${cases.length} cases in ${seconds} s (${args.fast ? "no validators" : "with validators"}): ` +
    `${count("ok")} ok, ${count("rejected")} clear input errors, ${count("bug")} bugs; inventories in ${dir}`,
);
// Input errors from mutations meant to keep the inventory valid: a cross-check the mutation did
// not foresee, or a rule too strict; worth a look when one grows.
const rejected = new Map();
for (const c of cases.filter((x) => x.verdict === "rejected" && !x.mutations.some((m) => m.breaks))) {
  const key = (c.details?.[0] ?? c.error).replace(/^\s*\S+:\d+:\d+ /, "").replace(/\d+/g, "#");
  rejected.set(key, [...(rejected.get(key) ?? []), c.seed]);
}
for (const [key, seeds] of rejected)
  console.log(`input error on a valid mutation, ${seeds.length}× (seeds ${seeds.slice(0, 5).join(", ")}): ${key}`);
for (const [key, group] of groupFailures(cases)) {
  console.log(`\n${group.length}× ${key}`);
  for (const line of group[0].details?.slice(0, 5) ?? []) console.log(`    ${line.trim()}`);
  for (const c of group.slice(0, 5))
    console.log(`  seed ${c.seed}: ${c.mutations.map((m) => m.name).join("+")}  ${c.file}`);
  console.log(`  replay: node bench/mutate-corpus.mjs --seed ${group[0].seed} --runs 1${args.fast ? " --fast" : ""}`);
}
process.exitCode = count("bug") ? 1 : 0;
