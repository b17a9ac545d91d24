// One mutation case, in process: mutate an inventory, write it where it can be replayed, run every
// phase offline through the engine, and judge the outcome. Exit 0 (with files that still parse)
// or a clear input error (exit 2: the file, a key path, a hint) is fine; anything else is a bug:
// exit 70 (our rules broke our own schema or file checks), another exit, or a crash.
// `engine` is the pipeline's modules (src/ from a test, dist/ from the bench), passed in so this
// plain JS file needs no build.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parse, parseAllDocuments, stringify } from "yaml";
import { mutate } from "./inventory-mutations.mjs";

/**
 * @param engine { runPipeline, loadInventory, loadPhase, loadPersona, runPhase, createOfflineClient,
 *   migrationPlan, PHASE_IDS, phaseMeta }
 * @param c { file, repo?, seed, count?, only?, dir, validate? }: `validate` runs the phases' own
 *   validators (shellcheck, actionlint, …) as `run` does, through runPipeline; without it each phase
 *   runs through runPhase minus its validators (schema, prose fitting and rendering only: ~20× faster).
 */
export async function runCase(engine, c) {
  const original = parse(readFileSync(c.file, "utf8"));
  const { inventory, applied } = mutate(original, c.seed, { count: c.count, only: c.only });
  const caseDir = path.join(c.dir, `case-${c.seed}`);
  mkdirSync(caseDir, { recursive: true });
  const file = path.join(caseDir, "inventory.yaml");
  const header = [`from ${c.file}, seed ${c.seed}`, ...applied.map((a) => `${a.name}: ${a.said}`)];
  writeFileSync(file, `${header.map((l) => `# ${l}\n`).join("")}${stringify(inventory, { lineWidth: 0 })}`);
  const breaks = applied.flatMap((a) => (a.breaks ? [a.breaks] : []));
  const base = { seed: c.seed, source: c.file, file, mutations: applied };
  let runs;
  try {
    // As `run` does, the phases read the app's repository from the output folder.
    const repo = c.repo ?? caseDir;
    runs = c.validate ? await pipelineRuns(engine, file, repo) : await phaseRuns(engine, file, repo);
  } catch (error) {
    return { ...base, ...judgeError(error, file, breaks) };
  }
  if (breaks.length) return { ...base, verdict: "bug", error: `accepted a broken inventory (${breaks.join(", ")})` };
  const problems = await checkOutputs(engine, runs);
  return problems.length
    ? { ...base, verdict: "bug", error: problems[0], details: problems }
    : { ...base, verdict: "ok" };
}

async function pipelineRuns(engine, file, repo) {
  const result = await engine.runPipeline({
    inventoryFile: file,
    outDir: repo,
    phases: [...engine.PHASE_IDS],
    provider: "offline",
    options: {},
    env: {},
    cache: false,
    reuseStored: false,
  });
  return { runs: result.runs, plans: result.plans };
}

async function phaseRuns(engine, file, repo) {
  const loaded = await engine.loadInventory(file);
  const client = engine.createOfflineClient();
  const results = {};
  const runs = [];
  const steps = new Map();
  for (const id of engine.PHASE_IDS) {
    if (engine.phaseMeta(id).skipReason?.(loaded.inventory)) continue;
    const definition = await engine.loadPhase(id);
    const upstream = Object.fromEntries(definition.dependsOn.map((d) => [d, results[d]]));
    const input = { inventory: loaded.inventory, inventoryHash: loaded.hash, upstream, options: {}, repoDir: repo };
    const persona = await engine.loadPersona(definition.personaId);
    const run = await engine.runPhase({ ...definition, validate: undefined }, persona, client, input);
    results[id] = run.result;
    steps.set(id, definition.planSteps?.(run.result, input) ?? []);
    runs.push(run);
  }
  const plans = runs.map((r) => r.plan);
  plans.push(engine.migrationPlan(loaded.inventory, runs, steps));
  return { runs, plans };
}

/** An error is fine only as a clear input error, and must be one when the inventory was broken. */
function judgeError(error, file, breaks) {
  const issues = Array.isArray(error?.issues) ? error.issues : [];
  const clear =
    error?.exitCode === 2 &&
    typeof error.hint === "string" &&
    issues.length > 0 &&
    issues.every((i) => i.file === file && typeof i.path === "string") &&
    breaks.every((b) => issues.some((i) => i.path.startsWith(b)));
  const message = String(error?.message ?? error).split("\n");
  if (clear) return { verdict: "rejected", error: message[0], details: message.slice(1) };
  const where = error?.stack
    ?.split("\n")
    .find((l) => /^\s+at /.test(l))
    ?.trim();
  const kind = error?.exitCode ? `exit ${error.exitCode}` : `crash ${error?.name ?? typeof error}`;
  const unclear = error?.exitCode === 2 ? " (unclear: no file, key path or hint, or not the broken key)" : "";
  return {
    verdict: "bug",
    error: `${kind}${unclear}: ${message[0]}`,
    details: [...message.slice(1), ...(where && !error?.exitCode ? [where] : [])],
  };
}

/** Cheap checks the phases' validators leave out: every YAML and JSON file parses, results fit. */
async function checkOutputs(engine, { runs, plans }) {
  const problems = [];
  const seen = new Map();
  for (const plan of plans) {
    for (const a of plan.artifacts) {
      if (seen.has(a.path)) problems.push(`${a.path}: written by both ${seen.get(a.path)} and ${plan.phase}`);
      seen.set(a.path, plan.phase);
      if (/\.ya?ml$/.test(a.path)) {
        const errors = parseAllDocuments(a.content).flatMap((d) => d.errors ?? []);
        if (errors.length) problems.push(`${a.path}: YAML does not parse: ${errors[0].message.split("\n")[0]}`);
      }
      if (a.path.endsWith(".json")) {
        try {
          JSON.parse(a.content);
        } catch (error) {
          problems.push(`${a.path}: JSON does not parse: ${error.message}`);
        }
      }
    }
  }
  for (const run of runs) {
    const parsed = (await engine.loadPhase(run.phase)).resultSchema.safeParse(run.result);
    if (!parsed.success) problems.push(`${run.phase} result breaks its schema: ${parsed.error.issues[0].message}`);
  }
  return problems;
}

/** Failures grouped by their error and first detail, digits and quoted values folded so one bug is one group. */
export function groupFailures(cases) {
  const groups = new Map();
  for (const c of cases.filter((x) => x.verdict === "bug")) {
    const key = [c.error, c.details?.[0]?.trim() ?? ""].join(" | ").replace(/`[^`]*`|"[^"]*"|\d+(\.\d+)?/g, "#");
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  return [...groups.entries()].sort((a, b) => b[1].length - a[1].length);
}
