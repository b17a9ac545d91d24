// The observe phase: SRE-for-observability persona; SLOs, alert policies, dashboards and their
// setup script, built on the design's deployment and tied to the audit's risks.
import { renderTemplateSync } from "../../render/templates.js";
import type { PhaseImplementation, PhaseInput } from "../../contracts/phase.js";
import { buildObserveContext } from "./context.js";
import { offlineObserve } from "./offline.js";
import { observePlanSteps } from "./plan-steps.js";
import { renderObserve } from "./render.js";
import { observeResultSchema, type ObserveResult } from "./schema.js";
import { validateObserve } from "./validate.js";

export { observeResultSchema, type ObserveResult } from "./schema.js";
export { OBSERVE_PATHS } from "./names.js";

export function buildObservePrompt(input: PhaseInput): string {
  const ctx = buildObserveContext(input);
  const inv = ctx.inventory;
  const baseline = offlineObserve(input);
  return renderTemplateSync("prompts/observe.hbs", {
    name: inv.metadata.name,
    traffic: JSON.stringify(inv.traffic),
    team: inv.team.engineers ?? "unknown",
    businessHours: inv.target.businessHours ?? "not given",
    deploy: JSON.stringify(inv.deploy),
    llm: inv.llm ? JSON.stringify(inv.llm) : "none",
    deploymentJson: JSON.stringify(ctx.deployment),
    risks: ctx.risks.map((r) => ({
      id: r.id,
      category: r.category,
      severity: r.severity,
      title: r.title,
      affects: r.affects.join(", ") || "whole system",
    })),
    gates: [...ctx.levels.values()].map((l) => ({
      service: l.service,
      availability: l.availability.target,
      percentile: l.latency.percentile / 100,
      thresholdMs: l.latency.thresholdMs,
    })),
    baselineJson: JSON.stringify(baseline),
  });
}

export const observePhase: PhaseImplementation<ObserveResult> = {
  resultSchema: observeResultSchema,
  buildPrompt: buildObservePrompt,
  offline: offlineObserve,
  render: renderObserve,
  planSteps: observePlanSteps,
  // Array bounds from this design: two request SLOs per API, two per queue, one for the AI worker.
  responseLimits: (input) => {
    const ctx = buildObserveContext(input);
    const apis = ctx.deployment.services.filter((s) => s.kind === "api").length;
    const slos = 2 * apis + 2 * ctx.deployment.queues.length + (ctx.aiWorker ? 1 : 0);
    return {
      slos: { maxItems: Math.max(1, slos + 2) },
      queues: { maxItems: Math.max(1, ctx.deployment.queues.length) },
      "slos[].watchesRisks": { maxItems: Math.max(1, Math.min(8, ctx.risks.length)) },
    };
  },
  validate: (artifacts, input) => validateObserve(artifacts, buildObserveContext(input).deployment.project),
  summarize: (r) =>
    `${r.slos.length} SLOs (${r.slos.filter((s) => s.kind === "availability").length} availability), ${r.queues.length} queue alert(s)` +
    (r.database ? ", Cloud SQL alerts" : "") +
    (r.aiWorker ? ", AI worker alerts" : ""),
};
