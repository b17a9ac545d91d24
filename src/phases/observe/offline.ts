// Deterministic observe result: the offline provider's answer, and the baseline the Gemini prompt
// shows. SLOs, resource alert thresholds and the error-budget policy, all from the inventory and
// the design.
import { pct } from "../../contracts/service-levels.js";
import { hasCanary } from "../../contracts/deployment.js";
import { decisionsTaken, listNames } from "../../contracts/held-targets.js";
import type { PhaseInput } from "../../contracts/phase.js";
import { buildObserveContext, type ObserveContext } from "./context.js";
import { offlinePolicy } from "./policy-rules.js";
import { MAX_AI_FAILURES_PER_HOUR, type ObserveResult } from "./schema.js";
import { delayThresholdSeconds, offlineSlos, slowestModelCallSeconds } from "./slo-rules.js";

function databaseAlerts(ctx: ObserveContext): ObserveResult["database"] {
  const db = ctx.deployment.database;
  if (!db) return undefined;
  // The design sizes connection pools to 80% of max_connections; more than 85% means something
  // outside those pools (a migration, a console session, a leak) is connecting.
  return { cpuPercent: 80, connectionsPercent: 85, diskPercent: db.storageGiB <= 20 ? 80 : 85, replicaLagSeconds: 60 };
}

function queueAlerts(ctx: ObserveContext): ObserveResult["queues"] {
  return ctx.deployment.queues.map((q) => {
    const target = ctx.deployment.services.find((s) => s.name === q.target);
    // Five minutes of work at the queue's full dispatch rate waiting is a backlog, not a blip.
    const maxDepth = Math.max(50, Math.round(q.maxDispatchesPerSecond * 300));
    const delay = target ? delayThresholdSeconds(ctx, target) : 300;
    return { queue: q.name, maxDepth, maxDelaySeconds: Math.max(60, delay * 4) };
  });
}

function aiAlerts(ctx: ObserveContext): ObserveResult["aiWorker"] {
  if (!ctx.aiWorker) return undefined;
  const slowest = slowestModelCallSeconds(ctx);
  const perHour = (ctx.inventory.llm?.requestsPerMinute ?? 10) * 60;
  // 2% of an hour's calls failing for good, at most the schema's limit: the inventory allows a
  // million calls a minute, whose 2% (1.2 million an hour) is past it.
  const failuresPerHour = Math.min(MAX_AI_FAILURES_PER_HOUR, Math.max(3, Math.ceil(perHour * 0.02)));
  return { failuresPerHour, modelLatencySeconds: Math.ceil(slowest * 2) };
}

/** What is not watched yet: the held targets (the deploy skips them until their disk decision). */
export function heldNote(ctx: ObserveContext): string {
  if (ctx.held.length === 0) return "";
  const names = listNames(ctx.held.map((t) => t.name));
  return ` Nothing watches ${names} yet: the deploy holds ${ctx.held.length === 1 ? "it" : "them"} until ${decisionsTaken(ctx.held)}, and alerts on a service that does not exist would page for nothing.`;
}

export function offlineObserve(input: PhaseInput): ObserveResult {
  const ctx = buildObserveContext(input);
  const slos = offlineSlos(ctx);
  const apis = [...ctx.levels.values()];
  const engineers = ctx.inventory.team.engineers;
  const summary =
    `${slos.length} SLOs over ${slos[0]?.windowDays ?? 28} days watch ${ctx.deployment.services.length} Cloud Run service(s)` +
    (apis.length
      ? `; the public promise is ${apis.map((l) => `${pct(l.availability.target)} availability and p${l.latency.percentile} under ${l.latency.thresholdMs} ms for ${l.service}`).join(", ")}`
      : "") +
    ". Fast burns page and slow burns open a ticket, both through one notification channel" +
    (ctx.deployment.services.some((s) => hasCanary(s))
      ? "; the canary in deploy.yml rolls back on the same request signals. "
      : ". ") +
    `The policy is sized for ${engineers ?? "an unknown number of"} engineer(s).` +
    heldNote(ctx);
  return {
    summary,
    slos,
    ...(ctx.deployment.database ? { database: databaseAlerts(ctx)! } : {}),
    queues: queueAlerts(ctx),
    ...(ctx.aiWorker ? { aiWorker: aiAlerts(ctx)! } : {}),
    errorBudgetPolicy: offlinePolicy(ctx),
  };
}
