// The llmops phase: AI/ML architect persona, asynchronous AI worker (code, tests, docs) built on
// the design's deployment. Consumed by the runner and the CLI through `llmopsPhase`.
import { renderTemplate } from "../../render/templates.js";
import type { PhaseImplementation, PhaseInput } from "../../contracts/phase.js";
import { offlineLlmops } from "./offline.js";
import { renderLlmops } from "./render.js";
import { llmopsResultSchema, type LlmopsResult } from "./schema.js";
import { validateLlmops } from "./validate.js";
import { llmopsPlanSteps } from "./plan-steps.js";

export type { LlmopsResult } from "./schema.js";
export { llmopsResultSchema } from "./schema.js";
export { DEFAULT_VERTEX_MODEL } from "./offline.js";
export { DEFAULT_WORKER_DIR } from "./render.js";

async function buildLlmopsPrompt(input: PhaseInput): Promise<string> {
  const inv = input.inventory;
  const baseline = offlineLlmops(input);
  const { topology, ...rest } = baseline;
  const llm = inv.llm;
  return renderTemplate("prompts/llmops.hbs", {
    name: inv.metadata.name,
    useCase: llm?.useCase ?? "not stated (design a generic text-analysis worker)",
    latency: llm?.latencySeconds ? `${llm.latencySeconds[0]}-${llm.latencySeconds[1]} s` : "not stated (assume 5-15 s)",
    provider: llm ? `${llm.provider}${llm.model ? ` (${llm.model})` : ""}` : "not stated",
    app: inv.services
      .filter((s) => s.role === "web" || s.role === "worker")
      .map((s) => ({ name: s.name, role: s.role, software: s.software, env: s.env.join(", ") || "none" })),
    traffic: `peak ${inv.traffic.peakRps ?? "unknown"} req/s, growth target ${inv.traffic.growth}x`,
    topologyJson: JSON.stringify(topology),
    baselineJson: JSON.stringify(rest),
  });
}

export const llmopsPhase: PhaseImplementation<LlmopsResult> = {
  planSteps: llmopsPlanSteps,
  resultSchema: llmopsResultSchema,
  buildPrompt: buildLlmopsPrompt,
  offline: offlineLlmops,
  render: renderLlmops,
  validate: validateLlmops,
  summarize(result) {
    const derived = result.topology.derived.length ? `, ${result.topology.derived.length} names derived` : "";
    return `AI worker for ${result.taskType} on ${result.model.id} (prompt ${result.prompt.name}@${result.prompt.version}), queue ${result.topology.queue}${derived}`;
  },
};
