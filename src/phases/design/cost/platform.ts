// The platform's lines: what Cloud Run's services share (the load balancer, Cloud Tasks, Cloud
// Scheduler) and what setup scripts create whatever deploys (Secret Manager, Memorystore, the
// network). The first are priced on what the deploy deploys, the others on the whole design: a
// held target's secrets are stored and its store created now (contracts/held-targets.ts).
import type { Inventory } from "../../../inventory/schema.js";
import type { Deployment } from "../../../contracts/deployment.js";
import type { PriceBook } from "../../../contracts/gcp-prices.js";
import { type CostAssumptions, num } from "./assumptions.js";
import { cacheServices, type CostLine } from "./estimate-data.js";

const round2 = (x: number): number => Math.round(x * 100) / 100;

/**
 * A load balancer is billed once it exists: planned (`loadBalancer`) or implied by a service only
 * it may reach. One that waits for a held backend (deployedOnly drops it) is not created yet.
 */
function loadBalancerBilled(full: Deployment, run: Deployment): boolean {
  if (full.loadBalancer && !run.loadBalancer) return false;
  return (
    run.loadBalancer !== undefined ||
    run.services.some((s) => s.kind === "api" && s.ingress === "internal-and-cloud-load-balancing")
  );
}

/**
 * `full` is the whole design, `run` what deploys (deployedOnly(full), or full itself);
 * `queueRates` the tasks per second of each of `run`'s queues.
 */
export function platformLines(
  inventory: Inventory,
  full: Deployment,
  run: Deployment,
  rps: number,
  queueRates: number[],
  a: CostAssumptions,
  book: PriceBook,
): CostLine[] {
  const lines: CostLine[] = [];
  const monthSeconds = book.hoursPerMonth * 3600;
  const requests = rps * monthSeconds;
  if (loadBalancerBilled(full, run)) {
    const lb = book.loadBalancer;
    const gib = (requests * a.kibPerRequest) / (1024 * 1024);
    lines.push(
      {
        component: "load balancer",
        item: "forwarding rules (HTTPS, and the HTTP redirect)",
        // The first five forwarding rules of a project are billed as one hourly rate.
        formula: `up to 5 rules × ${book.hoursPerMonth} h × $${lb.forwardingRulePerHour}`,
        monthlyUsd: round2(book.hoursPerMonth * lb.forwardingRulePerHour),
      },
      {
        component: "load balancer",
        item: "data processed",
        formula: `${num(Math.round(requests))} requests × ${a.kibPerRequest} KiB = ${num(round2(gib))} GiB × $${lb.dataProcessingPerGib}`,
        monthlyUsd: round2(gib * lb.dataProcessingPerGib),
      },
    );
  }
  if (queueRates.length > 0) {
    const tasks = queueRates.reduce((sum, rate) => sum + rate, 0) * monthSeconds;
    const ops = Math.round(tasks * 2);
    lines.push({
      component: "cloud tasks",
      item: "operations",
      formula:
        `${num(Math.round(tasks))} tasks over ${queueRates.length} queue${queueRates.length > 1 ? "s" : ""} ` +
        `× 2 (one create + one push) = ${num(ops)} operations ÷ 1,000,000 × ` +
        `$${book.cloudTasks.perMillionOperations}`,
      monthlyUsd: round2((ops / 1_000_000) * book.cloudTasks.perMillionOperations),
    });
  }
  // setup-secrets.sh stores a held target's secrets too: the values are ready when it deploys.
  const secrets = new Set(full.services.flatMap((s) => s.secrets));
  if (secrets.size > 0) {
    const sm = book.secretManager;
    lines.push({
      component: "secret manager",
      item: "active secret versions",
      formula: `${secrets.size} secrets × 1 version × $${sm.activeVersionPerMonth}`,
      monthlyUsd: round2(secrets.size * sm.activeVersionPerMonth),
    });
  }
  const jobs = run.schedules?.length ?? 0;
  if (jobs > 0) {
    lines.push({
      component: "cloud scheduler",
      item: "jobs",
      formula: `${jobs} jobs × $${book.cloudScheduler.perJobPerMonth}`,
      monthlyUsd: round2(jobs * book.cloudScheduler.perJobPerMonth),
    });
  }
  lines.push(...cacheServices(inventory, full, book));
  if (full.database && full.services.some((s) => s.cloudSqlPrivateIp))
    // Listed so the reader sees the path was costed: Direct VPC egress and private services access
    // bill nothing of their own (https://cloud.google.com/run/pricing, https://cloud.google.com/vpc/pricing).
    lines.push({
      component: "network",
      item: "Direct VPC egress to Cloud SQL's private IP (clients that take only a host)",
      formula:
        "no charge of its own (traffic between zones of the region is billed per GiB as VPC traffic: not estimated here)",
      monthlyUsd: 0,
    });
  return lines;
}
