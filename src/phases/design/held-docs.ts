// How the design's documents show a held target (contracts/held-targets.ts): it stays on the VM
// until its open decision is taken, what would act on it waits with it (its queues, schedules, a
// load balancer it is a backend of), and the estimate's totals leave it out: what it would add is
// priced apart (cost/held-cost.ts).
import type { Deployment, DeployTarget } from "../../contracts/deployment.js";
import { decisionsTaken, heldWhy, listNames, openDecisions } from "../../contracts/held-targets.js";
import { type CostEstimate, usd } from "./cost/estimate.js";

export interface HeldDoc {
  name: string;
  kind: DeployTarget["kind"];
  why: string;
  /** "the open decision gitea-disk is taken" */
  until: string;
  /** "; the load balancer gitea-lb waits with it": empty when nothing does. */
  waits: string;
}

/** What waits with one held target: nothing acts on it until it deploys. */
function waitsWith(dep: Deployment, t: DeployTarget): string[] {
  const lb = dep.loadBalancer?.backends.includes(t.name) ? [`the load balancer ${dep.loadBalancer.name}`] : [];
  const queues = dep.queues.filter((q) => q.target === t.name).map((q) => `queue ${q.name}`);
  const jobs = (dep.schedules ?? []).filter((j) => j.target === t.name).map((j) => `schedule ${j.name}`);
  return [...lb, ...queues, ...jobs];
}

export function heldDocs(dep: Deployment): HeldDoc[] {
  return dep.services
    .filter((t) => t.held)
    .map((t) => {
      const waits = waitsWith(dep, t);
      return {
        name: t.name,
        kind: t.kind,
        why: heldWhy(t).short,
        until: decisionsTaken([t]),
        waits: waits.length ? `; ${listNames(waits)} ${waits.length > 1 ? "wait" : "waits"} with it` : "",
      };
    });
}

/** "if the decision moves it to Cloud Run, +$31.39/month today (+$31.39/month at the growth target)" */
export function heldAdds(cost: CostEstimate): string {
  if (!cost.held) return "";
  const one = cost.held.names.length === 1;
  const many = cost.held.decisions.length > 1;
  const [today, growth] = cost.held.scenarios;
  return (
    `if the decision${many ? "s move" : " moves"} ${one ? "it" : "them"} to Cloud Run, +${usd(today?.totalUsd ?? 0)}/month today` +
    `${growth ? ` (+${usd(growth.totalUsd)}/month at the growth target)` : ""}`
  );
}

/**
 * "gitea stays on the VM until the open decision gitea-disk is taken and is not in these totals:
 * if the decision moves it to Cloud Run, +$31.39/month today (+$31.39/month at the growth target)."
 */
export function heldCostText(cost: CostEstimate, dep: Deployment): string {
  const held = dep.services.filter((t) => t.held);
  if (!cost.held || held.length === 0) return "";
  const one = held.length === 1;
  return `${listNames(cost.held.names)} ${one ? "stays" : "stay"} on the VM until ${decisionsTaken(held)} and ${one ? "is" : "are"} not in these totals: ${heldAdds(cost)}.`;
}

/** The cost-estimate.md section on what the held targets would add. */
export function heldCostView(cost: CostEstimate, dep: Deployment) {
  const held = dep.services.filter((t) => t.held);
  if (!cost.held || held.length === 0) return undefined;
  const one = held.length === 1;
  const waiting = held.flatMap((t) => waitsWith(dep, t));
  return {
    names: listNames(cost.held.names),
    one,
    decisions: openDecisions(held),
    until: decisionsTaken(held),
    waiting: listNames(waiting),
    text: heldCostText(cost, dep),
    scenarios: cost.held.scenarios.map((s) => ({
      label: s.label,
      total: usd(s.totalUsd),
      lines: s.lines.map((l) => ({ ...l, cost: usd(l.monthlyUsd) })),
    })),
  };
}
