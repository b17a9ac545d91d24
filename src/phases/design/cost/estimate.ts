// The cost model: a pure function of inventory + deployment + price book. Every line keeps its
// formula inputs so cost-estimate.md can print them and a reader can redo the arithmetic.
import type { Inventory } from "../../../inventory/schema.js";
import {
  type Deployment,
  type DeployTarget,
  isAiGatewayTarget,
  isAiWorkerTarget,
} from "../../../contracts/deployment.js";
import { deployedOnly } from "../../../contracts/held-targets.js";
import { type CostAssumptions, defaultAssumptions, num } from "./assumptions.js";
import { cloudRunTier, pickRegion, type PriceBook } from "../../../contracts/gcp-prices.js";
import { type CostLine, databaseLines, vmLines } from "./estimate-data.js";
import { bucketLines, filestoreLines, memoryGib, workerPoolLines } from "./always-on.js";
import { type HeldCost, heldCost } from "./held-cost.js";
import { platformLines } from "./platform.js";
import { billingOf, billingText, instanceBasedLines, warmShare, type Billing } from "./instance-based.js";

export type { CostLine } from "./estimate-data.js";
export type { HeldCost } from "./held-cost.js";

export interface CostScenario {
  label: string;
  /** Traffic multiple applied to today's average RPS. */
  multiplier: number;
  averageRps: number;
  lines: CostLine[];
  totalUsd: number;
}

export interface CostEstimate {
  region: string;
  cloudRunTier: "tier1" | "tier2";
  assumptions: CostAssumptions;
  /** What deploys: a held target (contracts/held-targets.ts) and what waits with it are in `held`. */
  scenarios: CostScenario[];
  /**
   * Idle cost of the design's warm (minimum) instances: the cold-start trade-off. Also included in
   * every scenario, or in `held` for a held target's: as a line of its own for a service billed
   * request-based, inside its vCPU and memory lines for one billed instance-based.
   */
  warmInstances: CostLine[];
  /** How Cloud Run bills each target (instance-based.ts). */
  billing: { service: string; billing: Billing; text: string }[];
  /** What the held targets would add once their decision moves them to Cloud Run. */
  held?: HeldCost;
  /** What the VM costs today. */
  vm: { lines: CostLine[]; totalUsd: number; fromInventory: boolean };
  /** Price blocks used, with their source and date. */
  sources: { name: string; source: string; checked: string }[];
  warnings: string[];
}

export const round2 = (x: number): number => Math.round(x * 100) / 100;
export const usd = (x: number, digits = 2): string => `$${x.toFixed(digits)}`;

/**
 * Average number of billed instances under request-based billing. An instance is billed while at
 * least one request is in flight: with C requests in flight on average (Little's law, C = rps ×
 * duration) and Poisson arrivals that is 1 − e^(−C) of the time for one instance, or C ÷
 * concurrency instances once one instance is not enough.
 */
export function billedInstances(rps: number, seconds: number, concurrency: number): number {
  const inFlight = rps * seconds;
  return Math.max(1 - Math.exp(-inFlight), inFlight / concurrency);
}

function cloudRunLines(
  target: DeployTarget,
  rps: number,
  seconds: number,
  book: PriceBook,
  tier: "tier1" | "tier2",
  warm: { share: number; scheduled: boolean },
): CostLine[] {
  if (billingOf(target) === "instance-based")
    return instanceBasedLines(target, rps, seconds, warm, book, tier, memoryGib(target.memory));
  const p = book.cloudRun.tiers[tier].requestBased;
  const monthSeconds = book.hoursPerMonth * 3600;
  const instances = billedInstances(rps, seconds, target.concurrency);
  const instanceSeconds = Math.round(monthSeconds * instances);
  const cpu = Number(target.cpu);
  const gib = memoryGib(target.memory);
  const requests = Math.round(rps * monthSeconds);
  const what = target.kind === "worker" ? "tasks" : "requests";
  return [
    {
      component: target.name,
      item: "vCPU time",
      formula:
        `${num(instanceSeconds)} instance-s (${num(rps)} ${what}/s × ${seconds} s, concurrency ` +
        `${target.concurrency} → ${instances.toFixed(4)} billed instances × ${num(monthSeconds)} s) × ${cpu} ` +
        `vCPU × $${p.cpuPerVcpuSecond}`,
      monthlyUsd: round2(instanceSeconds * cpu * p.cpuPerVcpuSecond),
    },
    {
      component: target.name,
      item: "memory time",
      formula: `${num(instanceSeconds)} instance-s × ${num(gib)} GiB × $${p.memoryPerGibSecond}`,
      monthlyUsd: round2(instanceSeconds * gib * p.memoryPerGibSecond),
    },
    {
      component: target.name,
      item: what,
      formula: `${num(requests)} ${what} ÷ 1,000,000 × $${p.perMillionRequests}`,
      monthlyUsd: round2((requests / 1_000_000) * p.perMillionRequests),
    },
  ];
}

function warmInstanceLines(
  deployment: Deployment,
  a: CostAssumptions,
  book: PriceBook,
  tier: "tier1" | "tier2",
): CostLine[] {
  const idle = book.cloudRun.tiers[tier].requestBased;
  const full = book.cloudRun.tiers[tier].instanceBased;
  return deployment.services
    .filter((s) => s.minInstances > 0 && s.kind !== "worker-pool")
    .map((s) => {
      const scheduled = (deployment.schedules ?? []).some(
        (j) => j.action === "set-min-instances" && j.target === s.name,
      );
      const hours = scheduled && a.businessHoursPerDay > 0 ? a.businessHoursPerDay : 24;
      const seconds = Math.round(hours * a.daysPerMonth * 3600);
      const cpu = Number(s.cpu);
      const gib = memoryGib(s.memory);
      // With CPU always allocated a warm instance is billed in full: no idle rate.
      const instance = billingOf(s) === "instance-based";
      const [cpuRate, gibRate] = instance
        ? [full.cpuPerVcpuSecond, full.memoryPerGibSecond]
        : [idle.idleCpuPerVcpuSecond, idle.idleMemoryPerGibSecond];
      return {
        component: s.name,
        item: `${s.minInstances} min instance${s.minInstances > 1 ? "s" : ""} ${scheduled ? "in business hours" : "around the clock"} (${instance ? "instance-based rate: CPU always allocated" : "idle rate"})`,
        formula:
          `${s.minInstances} × ${hours} h × ${a.daysPerMonth.toFixed(4)} days × 3,600 = ` +
          `${num(seconds * s.minInstances)} s × (${cpu} vCPU × $${cpuRate} + ${num(gib)} GiB × ` +
          `$${gibRate})`,
        monthlyUsd: round2(seconds * s.minInstances * (cpu * cpuRate + gib * gibRate)),
      };
    });
}

/**
 * Tasks per second a worker receives: the AI worker gets the model calls (llm.requestsPerMinute
 * when given), any other worker its share of background jobs. They are separate work, not the
 * same tasks counted twice.
 */
function taskRate(target: DeployTarget | undefined, rps: number, multiplier: number, a: CostAssumptions): number {
  if (target && isAiWorkerTarget(target) && a.aiTasksPerSecond !== undefined) return a.aiTasksPerSecond * multiplier;
  return rps * a.tasksPerRequest;
}

export function estimateCost(
  inventory: Inventory,
  deployment: Deployment,
  book: PriceBook,
  overrides: Partial<CostAssumptions> = {},
): CostEstimate {
  const a = { ...defaultAssumptions(inventory, book.hoursPerMonth), ...overrides };
  const tier = cloudRunTier(book, deployment.region);
  const warnings: string[] = [];
  const today = inventory.traffic.averageRps ?? (inventory.traffic.peakRps ?? 0) * a.averageToPeak;
  if (inventory.traffic.averageRps === undefined && inventory.traffic.peakRps === undefined) {
    warnings.push(
      "The inventory has no traffic figures: request-driven lines are zero. Add traffic.averageRps or traffic.peakRps.",
    );
  }
  const db = databaseLines(deployment, book, warnings);
  // Created by the setup scripts whatever deploys: priced on the whole design.
  const flat = [...bucketLines(inventory, deployment, book, warnings), ...filestoreLines(deployment, book, warnings)];
  /** The scenarios with `run`'s services, queues, schedules and load balancer. */
  const price = (run: Deployment): CostScenario[] =>
    [
      { label: "today", multiplier: 1 },
      { label: `growth target (${a.growth}×)`, multiplier: a.growth },
    ].map(({ label, multiplier }) => {
      const rps = today * multiplier;
      const lines: CostLine[] = [];
      // The AI gateway only sees AI requests, at the rate the AI worker receives them (held or not).
      const aiWorker = deployment.services.find(isAiWorkerTarget);
      for (const s of run.services) {
        const warm = warmShare(s, run, a.businessHoursPerDay);
        if (isAiGatewayTarget(s))
          lines.push(...cloudRunLines(s, taskRate(aiWorker, rps, multiplier, a), a.requestSeconds, book, tier, warm));
        else if (s.kind === "api") lines.push(...cloudRunLines(s, rps, a.requestSeconds, book, tier, warm));
        if (s.kind === "worker")
          lines.push(
            ...cloudRunLines(
              s,
              taskRate(s, rps, multiplier, a),
              isAiWorkerTarget(s) ? a.aiTaskSeconds : a.taskSeconds,
              book,
              tier,
              warm,
            ),
          );
      }
      const queued = run.queues.map((q) =>
        taskRate(
          run.services.find((s) => s.name === q.target),
          rps,
          multiplier,
          a,
        ),
      );
      // An instance-based service's warm instances are inside its vCPU and memory lines already.
      const requestBased = new Set(run.services.filter((s) => billingOf(s) === "request-based").map((s) => s.name));
      lines.push(
        ...warmInstanceLines(run, a, book, tier).filter((l) => requestBased.has(l.component)),
        ...workerPoolLines(run, book),
        ...flat,
        ...platformLines(inventory, deployment, run, rps, queued, a, book),
        ...db,
      );
      return {
        label,
        multiplier,
        averageRps: rps,
        lines,
        totalUsd: round2(lines.reduce((t, l) => t + l.monthlyUsd, 0)),
      };
    });
  const run = deployedOnly(deployment);
  const scenarios = price(run);
  const held = run === deployment ? undefined : heldCost(deployment, scenarios, price(deployment));
  for (const s of deployment.services.filter(isAiWorkerTarget)) {
    warnings.push(
      `${s.name}: Vertex AI model charges (per token) are billed on top of these lines and are not in the price book; see https://cloud.google.com/vertex-ai/generative-ai/pricing.`,
    );
  }
  const vm = vmLines(inventory, deployment.region, book, warnings);
  const regional = [
    "cloudSql",
    "memorystore",
    "computeEngine",
    ...(deployment.buckets?.length ? ["cloudStorage"] : []),
  ];
  for (const name of regional as ("cloudSql" | "memorystore" | "computeEngine" | "cloudStorage")[]) {
    const picked = pickRegion(book[name].regions as Record<string, unknown>, deployment.region);
    if (picked.region !== deployment.region)
      warnings.push(
        `${name}: no prices for ${deployment.region} in data/gcp-prices.json; ${picked.region} figures used.`,
      );
  }
  const sources = (
    [
      "cloudRun",
      "cloudSql",
      "cloudTasks",
      "loadBalancer",
      "secretManager",
      "cloudScheduler",
      "memorystore",
      "cloudStorage",
      "computeEngine",
    ] as const
  ).map((name) => ({
    name,
    source: book[name].source,
    checked: book[name].checked,
  }));
  return {
    region: deployment.region,
    cloudRunTier: tier,
    assumptions: a,
    scenarios,
    warmInstances: warmInstanceLines(deployment, a, book, tier),
    billing: deployment.services.map((s) => ({ service: s.name, billing: billingOf(s), text: billingText(s) })),
    ...(held ? { held } : {}),
    vm,
    sources,
    warnings: [...new Set(warnings)],
  };
}
