// Offline SLO rules. Public and internal APIs get the request service levels the deploy gate
// shares; a worker fed by Cloud Tasks gets a task-success and a task-delay SLO per queue; the AI
// worker's success is read from its own log lines, because it answers 200 to tasks that fail for
// good (so Cloud Tasks stops retrying them) and the queue's response codes cannot see those.
import { ASSUMED_LLM_LATENCY_SECONDS } from "../../inventory/schema.js";
import { averageRps, pct, SLO_WINDOW_DAYS } from "../../contracts/service-levels.js";
import { isAiWorkerTarget, type DeployTarget, type Queue } from "../../contracts/deployment.js";
import { queuesOf, type ObserveContext } from "./context.js";
import { sloId } from "./names.js";
import { risksWatched } from "./risk-ties.js";
import type { Slo } from "./schema.js";

function requestSlos(ctx: ObserveContext, target: DeployTarget): Slo[] {
  const level = ctx.levels.get(target.name)!;
  return [
    {
      id: sloId(target.name, "availability"),
      service: target.name,
      kind: "availability",
      target: level.availability.target,
      windowDays: level.windowDays,
      reasoning: level.availability.why,
      watchesRisks: risksWatched(ctx.risks, "availability", target.replaces),
    },
    {
      id: sloId(target.name, "latency"),
      service: target.name,
      kind: "latency",
      target: level.latency.percentile / 100,
      windowDays: level.windowDays,
      thresholdMs: level.latency.thresholdMs,
      reasoning: level.latency.why,
      watchesRisks: risksWatched(ctx.risks, "latency", target.replaces),
    },
  ];
}

/** How late a due task may start: users wait on AI results; plain jobs of a busy app should not pile up. */
/**
 * The slowest model call the alerts are sized from (they fire at twice it), at most 15 minutes:
 * a Cloud Tasks HTTP task gets at most 30 minutes (dispatch deadline), so a call the inventory says
 * takes longer fails as a task anyway (https://cloud.google.com/tasks/docs/creating-http-target-tasks).
 */
export function slowestModelCallSeconds(ctx: ObserveContext): number {
  return Math.min((ctx.inventory.llm?.latencySeconds ?? ASSUMED_LLM_LATENCY_SECONDS)[1], 900);
}

export function delayThresholdSeconds(ctx: ObserveContext, target: DeployTarget): number {
  if (isAiWorkerTarget(target)) return Math.max(30, Math.ceil(slowestModelCallSeconds(ctx) * 2));
  return (ctx.inventory.traffic.peakRps ?? averageRps(ctx.inventory) * 4) >= 10 ? 120 : 300;
}

function delaySlo(ctx: ObserveContext, target: DeployTarget, queue: Queue): Slo {
  const seconds = delayThresholdSeconds(ctx, target);
  const who = isAiWorkerTarget(target)
    ? `someone is waiting for the model's answer (calls take up to ${(ctx.inventory.llm?.latencySeconds ?? ASSUMED_LLM_LATENCY_SECONDS)[1]} s)`
    : `background work of an app with a peak of ${ctx.inventory.traffic.peakRps ?? "an unknown number of"} requests/s should not pile up`;
  return {
    id: sloId(queue.name, "delay"),
    service: target.name,
    kind: "task-delay",
    queue: queue.name,
    target: 0.99,
    windowDays: SLO_WINDOW_DAYS,
    thresholdMs: seconds * 1000,
    reasoning:
      `99% of tasks start within ${seconds} s of being due: ${who}. The queue may dispatch ${queue.maxDispatchesPerSecond} tasks/s ` +
      `to at most ${queue.maxConcurrentDispatches} at once; a longer delay means those limits or the worker's instances are too small.`,
    watchesRisks: risksWatched(ctx.risks, "task-delay", target.replaces),
  };
}

function successSlo(ctx: ObserveContext, target: DeployTarget, queue?: Queue): Slo {
  const ai = isAiWorkerTarget(target);
  const objective = ai ? 0.98 : 0.99;
  const reasoning = ai
    ? `${pct(objective)} of AI tasks finish with an answer (counted from the worker's "task succeeded" and "task failed permanently" log lines). ` +
      "Bad input and safety blocks fail for good and count here, so the target leaves room for them; a model outage shows up within the hour."
    : `${pct(objective)} of task attempts on ${queue!.name} succeed. A failed attempt is retried up to ${queue!.maxAttempts} times, ` +
      "so this budget is spent long before work is lost; burning it means the worker or what it depends on is failing.";
  return {
    id: ai ? sloId(target.name, "success") : sloId(queue!.name, "success"),
    service: target.name,
    kind: "task-success",
    ...(queue && !ai ? { queue: queue.name } : {}),
    target: objective,
    windowDays: SLO_WINDOW_DAYS,
    reasoning,
    watchesRisks: risksWatched(ctx.risks, "task-success", target.replaces),
  };
}

export function offlineSlos(ctx: ObserveContext): Slo[] {
  const slos: Slo[] = [];
  for (const target of ctx.deployment.services) {
    if (target.kind === "api") slos.push(...requestSlos(ctx, target));
    if (target.kind !== "worker") continue;
    const queues = queuesOf(ctx, target.name);
    if (isAiWorkerTarget(target)) slos.push(successSlo(ctx, target));
    else queues.forEach((q) => slos.push(successSlo(ctx, target, q)));
    queues.forEach((q) => slos.push(delaySlo(ctx, target, q)));
  }
  return slos;
}
