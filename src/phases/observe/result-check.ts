// Cross-checks a (model's) observe result against the design before anything is rendered: every
// name must exist in the deployment, each SLO kind must fit its target, and the request SLOs of
// an API must be exactly the service levels the deploy canary gates on, or the canary and the
// alerts would disagree about what "healthy" means.
import { GenerationError } from "../../errors.js";
import { isAiWorkerTarget } from "../../contracts/deployment.js";
import { heldTopic } from "../../contracts/held-targets.js";
import type { ObserveContext } from "./context.js";
import type { ObserveResult } from "./schema.js";

export function resultProblems(ctx: ObserveContext, result: ObserveResult): string[] {
  const problems: string[] = [];
  const { deployment } = ctx;
  const services = new Map(deployment.services.map((s) => [s.name, s]));
  const queues = new Map(deployment.queues.map((q) => [q.name, q]));
  const riskIds = new Set(ctx.risks.map((r) => r.id));
  result.slos.forEach((slo, i) => {
    const at = `slos[${i}] (${slo.id})`;
    const target = services.get(slo.service);
    if (!target)
      return problems.push(
        ctx.held.some((t) => t.name === slo.service)
          ? `${at}: ${slo.service} is held (not deployed until ${heldTopic(ctx.held.find((t) => t.name === slo.service)!)} is taken): no SLO watches it yet`
          : `${at}: service ${slo.service} is not in the design`,
      );
    const request = slo.kind === "availability" || slo.kind === "latency";
    if (request && target.kind !== "api")
      problems.push(`${at}: ${slo.kind} SLOs are for APIs; ${slo.service} is a ${target.kind}`);
    if (!request && target.kind !== "worker")
      problems.push(`${at}: ${slo.kind} SLOs are for workers; ${slo.service} is a ${target.kind}`);
    if (slo.queue !== undefined && queues.get(slo.queue)?.target !== slo.service)
      problems.push(`${at}: queue ${slo.queue} does not push to ${slo.service}`);
    if (slo.kind === "task-success" && slo.queue === undefined && !isAiWorkerTarget(target))
      problems.push(
        `${at}: a plain worker's task-success SLO names its queue (only the AI worker counts its own log lines)`,
      );
    slo.watchesRisks.filter((r) => !riskIds.has(r)).forEach((r) => problems.push(`${at}: unknown audit risk ${r}`));
    const level = ctx.levels.get(slo.service);
    if (level && slo.kind === "availability" && slo.target !== level.availability.target)
      problems.push(`${at}: target ${slo.target} differs from the deploy gate's ${level.availability.target}`);
    if (
      level &&
      slo.kind === "latency" &&
      (slo.thresholdMs !== level.latency.thresholdMs || slo.target !== level.latency.percentile / 100)
    )
      problems.push(
        `${at}: ${slo.target} under ${slo.thresholdMs} ms differs from the deploy gate's ${level.latency.percentile / 100} under ${level.latency.thresholdMs} ms`,
      );
  });
  for (const [name] of ctx.levels) {
    for (const kind of ["availability", "latency"] as const)
      if (!result.slos.some((s) => s.service === name && s.kind === kind))
        problems.push(`API ${name} has no ${kind} SLO (the canary gates on it)`);
  }
  result.queues.forEach((q, i) => {
    if (!queues.has(q.queue)) problems.push(`queues[${i}]: queue ${q.queue} is not in the design`);
  });
  if (!!result.database !== !!deployment.database)
    problems.push(
      deployment.database
        ? "database alert thresholds are missing"
        : "database alerts given but the design has no database",
    );
  if (!!result.aiWorker !== !!ctx.aiWorker)
    problems.push(
      ctx.aiWorker
        ? "AI worker alert thresholds are missing"
        : "AI worker alerts given but the design has no AI worker",
    );
  return problems;
}

export function checkResult(ctx: ObserveContext, result: ObserveResult): void {
  const problems = resultProblems(ctx, result);
  if (problems.length > 0)
    throw new GenerationError(
      "The observe result does not fit the design",
      problems,
      "Request SLO numbers are fixed by the deploy gate (src/contracts/service-levels.ts); rerun, or use --provider offline.",
    );
}
