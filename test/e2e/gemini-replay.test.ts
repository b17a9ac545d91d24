// Recorded, realistic answers (not the offline rules' output) for every phase and example
// inventory, replayed through the real @google/genai SDK against the fake server: the Gemini path
// writes the same set of files as the offline rules, every file passing the phase's validators,
// and every request it sent conforms to what Gemini accepts. Iterates the phase registry.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPipeline } from "../../src/pipeline/run-pipeline.js";
import { fitProse } from "../../src/model/fit-prose.js";
import { PHASE_IDS, loadPhase, phaseMeta, type PhaseId } from "../../src/phases/registry.js";
import { startFakeGemini, type FakeGemini } from "../helpers/fake-gemini.mjs";
import { answerByPersona, offlineAnswers, phaseOfRequest } from "../helpers/phase-answers.js";
import { DRAFT_FILLED, type DesignResult } from "../../src/phases/design/schema.js";
import { renderOffline } from "../helpers/offline-output.js";
import { recordedAnswers } from "../helpers/recorded-answers.js";
import { tempDir } from "../helpers/cli.js";
import { EXAMPLE_INVENTORIES } from "../helpers/sent-schemas.js";

// Thinking the default model (Flash-Lite) gets per phase; phases not listed keep the model's own.
const THINKING: Record<string, string | undefined> = { audit: "medium", design: "medium", cicd: "low", llmops: "low" };

// This file shares its worker with others (vitest.config.ts): it puts GOOGLE_GEMINI_BASE_URL back
// as it found it, and its runs keep the process-wide verdict store off (cache: false).
let fake: FakeGemini;
const saved = process.env.GOOGLE_GEMINI_BASE_URL;
beforeAll(async () => {
  fake = await startFakeGemini();
  process.env.GOOGLE_GEMINI_BASE_URL = fake.url;
});
afterAll(async () => {
  if (saved === undefined) delete process.env.GOOGLE_GEMINI_BASE_URL;
  else process.env.GOOGLE_GEMINI_BASE_URL = saved;
  await fake.close();
});

describe.each(EXAMPLE_INVENTORIES)("recorded answers for $name", ({ name, file }) => {
  it("through the real SDK: the offline file set, every file valid, every request conforming", async () => {
    const recorded = await recordedAnswers(name);
    fake.setDefault(await answerByPersona(recorded));
    const first = fake.requests.length;
    const result = await runPipeline({
      inventoryFile: file,
      outDir: await tempDir(),
      phases: [...PHASE_IDS],
      provider: "gemini",
      options: {},
      env: { GEMINI_API_KEY: "test-key-not-real" },
      // No kept plans or verdicts: every file is validated here (and the verdict store, which is
      // process-wide, stays off for the files that share this worker).
      cache: false,
    });
    // Phases that do not apply to the inventory (llmops without `llm`) are left out.
    const applicable = PHASE_IDS.filter((p) => !phaseMeta(p).skipReason?.(result.inventory.inventory));
    expect(result.runs.map((r) => [r.phase, r.provider, r.calls])).toEqual(applicable.map((p) => [p, "gemini", 1]));
    // The files come from the recorded answers (prose over a limit clipped, as for any model answer);
    // a phase whose model answers part of the result (design) has the rest merged from its rules.
    const offlineResults = await offlineAnswers(file, "/nonexistent");
    for (const run of result.runs) {
      const definition = await loadPhase(run.phase as PhaseId);
      const schema = definition.modelAnswer?.schema ?? definition.resultSchema;
      const expected = fitProse(schema, structuredClone(recorded[run.phase as PhaseId]), { proseOnly: true });
      expect(expected.error?.issues ?? [], `${run.phase}: recorded answer vs schema`).toEqual([]);
      expect(schema.parse(run.result), run.phase).toEqual(expected.data);
    }
    // The surroundings the model is not asked for are the offline draft's.
    const design = result.runs.find((r) => r.phase === "design")!.result as DesignResult;
    const draft = (offlineResults.design as DesignResult).deployment;
    for (const key of DRAFT_FILLED) expect(design.deployment[key], key).toEqual(draft[key]);
    const written = result.plans.flatMap((p) => p.artifacts.map((a) => a.path)).sort();
    const offline = (await renderOffline(file)).artifacts.map((a) => a.path).sort();
    expect(written).toEqual(offline);

    const phaseOf = await phaseOfRequest();
    const sent = fake.requests.slice(first);
    expect(sent.map((r) => phaseOf(r)).sort()).toEqual([...applicable].sort());
    for (const request of sent) {
      const phase = phaseOf(request)!;
      const config = request.body.generationConfig;
      expect(request.body.contents, phase).toHaveLength(1);
      expect(request.body.contents[0].role).toBe("user");
      expect(config.temperature, `${phase}: no temperature for gemini-3`).toBeUndefined();
      expect(config.thinkingConfig?.thinkingLevel, phase).toBe(THINKING[phase]);
      expect(config.maxOutputTokens, phase).toBeGreaterThanOrEqual(8192);
    }
  });
});
