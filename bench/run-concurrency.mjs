// `run` through the Gemini path with a fixed fake-server latency per call. The DAG is
// audit → design → (cicd ∥ llmops ∥ observe), so the critical path is 3 calls, not 5: the wall
// time should stay within 10% of (3 × latency + the process's own offline run time).
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { BIN, SEED, ROOT, cleanEnv, median, report, timeAsync, timeSync, tmp } from "./lib.mjs";
import { startFakeGemini } from "../test/helpers/fake-gemini.mjs";

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 1000);
const out = tmp();
const fresh = () => rmSync(out, { recursive: true, force: true });

const { parseInventory } = await import(path.join(ROOT, "dist/inventory/load.js"));
const { loadPersonas } = await import(path.join(ROOT, "dist/personas/persona.js"));
const { loadPhase } = await import(path.join(ROOT, "dist/phases/registry.js"));
const loaded = parseInventory(readFileSync(SEED, "utf8"), SEED);
const base = { inventory: loaded.inventory, inventoryHash: loaded.hash, options: {}, repoDir: out };

// The model's answers: the offline rules' results, chained as the pipeline chains them.
const answers = {};
answers.audit = (await loadPhase("audit")).offline({ ...base, upstream: {} });
answers.design = (await loadPhase("design")).offline({ ...base, upstream: { audit: answers.audit } });
answers.cicd = (await loadPhase("cicd")).offline({ ...base, upstream: { design: answers.design } });
answers.llmops = (await loadPhase("llmops")).offline({ ...base, upstream: { design: answers.design } });
// Every phase the pipeline asks the model for has its answer (observe came later: the bench, with
// no answer for it, stopped with "an empty answer for phase observe").
answers.observe = (await loadPhase("observe")).offline({
  ...base,
  upstream: { audit: answers.audit, design: answers.design },
});
const byPersona = new Map((await loadPersonas()).map((p) => [p.body.trim(), p.phase]));

const fake = await startFakeGemini();
fake.setDefault((req) => {
  const system = req.body?.systemInstruction?.parts?.map((p) => p.text).join("") ?? "";
  const phase = byPersona.get(system.trim());
  return phase ? { json: answers[phase], delayMs: LATENCY_MS } : { status: 400, message: "unknown persona" };
});
const env = cleanEnv({ GEMINI_API_KEY: "bench-key-not-real", GOOGLE_GEMINI_BASE_URL: fake.url });

const offline = timeSync(
  process.execPath,
  [BIN, "run", "--inventory", SEED, "--out", out, "--provider", "offline", "--quiet"],
  { runs: 3, warmup: 1, before: fresh },
);
report("offline run, all phases (process overhead)", offline);
const run = await timeAsync(
  process.execPath,
  [BIN, "run", "--inventory", SEED, "--out", out, "--provider", "gemini", "--quiet"],
  { runs: 3, warmup: 1, env, before: fresh },
);
report(`gemini-path run, ${LATENCY_MS} ms per call`, run);
const critical = 3 * LATENCY_MS + median(offline);
const sequential = 5 * LATENCY_MS + median(offline);
console.log(
  `${"critical path (3 calls + overhead)".padEnd(52)} ${critical.toFixed(0)} ms; sequential would be ${sequential.toFixed(0)} ms`,
);
console.log(`${"run / critical path".padEnd(52)} ${(median(run) / critical).toFixed(3)}  (target ≤ 1.10)`);
await fake.close();
fresh();
