// What the observe phase reads before deciding anything: the design's deployment contract
// (re-validated: its names reach JSON files and a shell script), the audit's risks, and the
// request service levels the deploy gate shares.
import { requestServiceLevel, type RequestServiceLevel } from "../../contracts/service-levels.js";
import type { Inventory } from "../../inventory/schema.js";
import type { Risk } from "../../contracts/audit-result.js";
import { isAiWorkerTarget, type DeployTarget, type Deployment } from "../../contracts/deployment.js";
import type { PhaseInput } from "../../contracts/phase.js";
import { deployedOnly } from "../../contracts/held-targets.js";
import { upstreamDeployment } from "../../contracts/upstream-deployment.js";

export interface ObserveContext {
  inventory: Inventory;
  deployment: Deployment;
  risks: Risk[];
  /** Request-serving services (kind api) and the service levels the canary also gates on. */
  levels: Map<string, RequestServiceLevel>;
  aiWorker?: DeployTarget;
  /**
   * Targets the deploy holds (their data written in place has no home yet: design's
   * in-place-home.ts): not in `deployment`, so no SLO, alert, uptime check or dashboard panel
   * watches a service that does not exist; the README names them.
   */
  held: DeployTarget[];
}

export function buildObserveContext(input: PhaseInput): ObserveContext {
  const full = upstreamDeployment(input, "observe");
  // Without the held targets and what points at them (their queues, schedules, a load balancer).
  const deployment = deployedOnly(full);
  const held = full.services.filter((s) => s.held);
  const audit = input.upstream.audit as { risks?: Risk[] } | undefined;
  const levels = new Map(
    deployment.services
      .filter((s) => s.kind === "api")
      .map((s) => [s.name, requestServiceLevel(s, input.inventory, deployment)] as const),
  );
  return {
    inventory: input.inventory,
    deployment,
    risks: audit?.risks ?? [],
    levels,
    held,
    ...(deployment.services.some(isAiWorkerTarget) ? { aiWorker: deployment.services.find(isAiWorkerTarget)! } : {}),
  };
}

/** Queues that push to a target, in design order. */
export function queuesOf(ctx: ObserveContext, target: string): Deployment["queues"] {
  return ctx.deployment.queues.filter((q) => q.target === target);
}
