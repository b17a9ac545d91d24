// A service deployed with CPU always allocated (`--no-cpu-throttling`: in-process jobs, a single
// instance's timers, websockets) is billed instance-based: every second an instance is up, at the
// instance-based rate (Tier 1: $0.000018 / vCPU-second, $0.000002 / GiB-second), with no
// per-request fee, and its minimum instances at that same full rate, not the idle one.
// https://cloud.google.com/run/pricing ("Services with CPU always allocated")
// https://cloud.google.com/run/docs/configuring/billing-settings
// An instance stays up to 15 minutes after its last request unless minimum instances keep it:
// https://cloud.google.com/run/docs/configuring/cpu-allocation
import type { Deployment, DeployTarget } from "../../../contracts/deployment.js";
import type { PriceBook } from "../../../contracts/gcp-prices.js";
import { num } from "./assumptions.js";
import type { CostLine } from "./estimate-data.js";

const round2 = (x: number): number => Math.round(x * 100) / 100;

/** How long an idle instance with CPU always allocated may stay up after a request. */
export const IDLE_INSTANCE_SECONDS = 900;

export type Billing = "request-based" | "instance-based";

/** How Cloud Run bills a target: jobs and worker pools by the instance, services by their CPU setting. */
export function billingOf(target: Pick<DeployTarget, "kind" | "cpuAlwaysAllocated">): Billing {
  if (target.kind === "job" || target.kind === "worker-pool") return "instance-based";
  return target.cpuAlwaysAllocated ? "instance-based" : "request-based";
}

/** Why a target bills the way it does, for the design's words. */
export function billingText(target: Pick<DeployTarget, "kind" | "cpuAlwaysAllocated">): string {
  if (target.kind === "job") return "instance-based (jobs always are: every second a task runs)";
  if (target.kind === "worker-pool") return "instance-based (always on, every second)";
  return target.cpuAlwaysAllocated
    ? "instance-based (CPU always allocated: every second an instance is up, no per-request fee)"
    : "request-based (CPU only while serving: active seconds plus a per-request fee)";
}

/**
 * Average instances up under instance-based billing. In the hours minimum instances are kept
 * (`warmShare` of the month), at least that many; otherwise an instance is up while a request
 * arrived in the last 15 minutes (Poisson arrivals: 1 − e^(−rps × 900)), or as many as the
 * requests in flight fill, whichever is more. An upper bound: an idle instance may stop sooner.
 */
export function instanceBasedInstances(
  rps: number,
  seconds: number,
  concurrency: number,
  minInstances: number,
  warmShare: number,
): number {
  const busy = (rps * seconds) / concurrency;
  const alive = Math.max(1 - Math.exp(-rps * IDLE_INSTANCE_SECONDS), busy);
  return warmShare * Math.max(minInstances, busy) + (1 - warmShare) * alive;
}

/** The share of the month a target's minimum instances are kept: all of it, or its business hours. */
export function warmShare(
  target: DeployTarget,
  deployment: Deployment,
  businessHoursPerDay: number,
): { share: number; scheduled: boolean } {
  if (target.minInstances <= 0) return { share: 0, scheduled: false };
  const scheduled = (deployment.schedules ?? []).some(
    (j) => j.action === "set-min-instances" && j.target === target.name,
  );
  return scheduled && businessHoursPerDay > 0
    ? { share: businessHoursPerDay / 24, scheduled }
    : { share: 1, scheduled: false };
}

/** vCPU and memory lines of a service billed instance-based (no request line: no per-request fee). */
export function instanceBasedLines(
  target: DeployTarget,
  rps: number,
  seconds: number,
  warm: { share: number; scheduled: boolean },
  book: PriceBook,
  tier: "tier1" | "tier2",
  memoryGib: number,
): CostLine[] {
  const p = book.cloudRun.tiers[tier].instanceBased;
  const monthSeconds = book.hoursPerMonth * 3600;
  const instances = instanceBasedInstances(rps, seconds, target.concurrency, target.minInstances, warm.share);
  const instanceSeconds = Math.round(monthSeconds * instances);
  const cpu = Number(target.cpu);
  const what = target.kind === "worker" ? "tasks" : "requests";
  const floor = warm.share
    ? `at least ${target.minInstances} min instance${target.minInstances > 1 ? "s" : ""}${warm.scheduled ? " in business hours" : ""}, `
    : "";
  return [
    {
      component: target.name,
      item: "vCPU time (instance-based: CPU always allocated)",
      formula:
        `${num(instanceSeconds)} instance-s (${floor}${num(rps)} ${what}/s × ${seconds} s, concurrency ` +
        `${target.concurrency}, an idle instance up to ${IDLE_INSTANCE_SECONDS / 60} min → ${instances.toFixed(4)} instances up × ` +
        `${num(monthSeconds)} s) × ${cpu} vCPU × $${p.cpuPerVcpuSecond}`,
      monthlyUsd: round2(instanceSeconds * cpu * p.cpuPerVcpuSecond),
    },
    {
      component: target.name,
      item: "memory time (instance-based: CPU always allocated)",
      formula: `${num(instanceSeconds)} instance-s × ${num(memoryGib)} GiB × $${p.memoryPerGibSecond}; no per-request fee`,
      monthlyUsd: round2(instanceSeconds * memoryGib * p.memoryPerGibSecond),
    },
  ];
}
