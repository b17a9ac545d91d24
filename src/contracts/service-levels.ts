// The service levels of a request-serving Cloud Run service: one pure computation that the observe
// phase turns into SLOs and alerts and the cicd phase turns into the canary's traffic gate, so the
// canary rolls back on exactly the signals the SLOs watch. Numbers come from the inventory (traffic,
// team size) and the design (timeouts, warm instances, database HA), never from a model.
import type { Inventory } from "../inventory/schema.js";
import type { DeployTarget, Deployment } from "./deployment.js";
import { BURN_RATES, errorBudgetMinutes } from "./burn-rate.js";

export { BURN_RATES, errorBudgetMinutes } from "./burn-rate.js";

/**
 * Cloud Run request metrics are sampled every 60 s and can take up to 180 s more to be visible,
 * so the canary waits this long after a bake before it reads the bake's traffic.
 * https://cloud.google.com/monitoring/api/metrics_gcp#gcp-run
 */
export const METRICS_DELAY_SECONDS = 180;

/** Rolling window of every SLO we define: four whole weeks, so weekday and weekend mix the same way. */
export const SLO_WINDOW_DAYS = 28;

/** Availability targets we choose from; one more nine is ten times less room to fail. */
export const AVAILABILITY_TIERS = [0.99, 0.995, 0.999, 0.9995] as const;

// Monthly uptime commitments of the managed pieces (Google's SLAs): a service cannot promise more
// than the product of what it depends on. https://cloud.google.com/run/sla,
// https://cloud.google.com/sql/sla (HA instances only; a single-zone instance has no SLA, so we
// assume one nine less), https://cloud.google.com/memorystore/sla.
const CLOUD_RUN_SLA = 0.9995;
const CLOUD_SQL_HA_SLA = 0.9995;
const CLOUD_SQL_SINGLE_ZONE = 0.999;

export type LatencyPercentile = 95 | 99;

export interface CanaryGate {
  /** Roll back when the new revision's share of 5xx answers is above this (fast-burn rate of the SLO). */
  max5xxRatio: number;
  /** Roll back when the new revision's latency at `latencyPercentile` is above this. */
  maxLatencyMs: number;
  latencyPercentile: LatencyPercentile;
  /** Fewer requests than this in a bake step cannot be judged: the health check decides alone. */
  minRequests: number;
}

export interface RequestServiceLevel {
  service: string;
  windowDays: number;
  availability: { target: number; why: string };
  latency: { thresholdMs: number; percentile: LatencyPercentile; why: string };
  canary: CanaryGate;
}

/** Requests a second the service sees on average today (the inventory's average, or a quarter of peak). */
export function averageRps(inventory: Inventory): number {
  const t = inventory.traffic;
  return t.averageRps ?? (t.peakRps !== undefined ? t.peakRps / 4 : 1);
}

function dependencyCeiling(target: DeployTarget, deployment: Deployment): { ceiling: number; parts: string[] } {
  let ceiling = CLOUD_RUN_SLA;
  const parts = [`Cloud Run ${pct(CLOUD_RUN_SLA)}`];
  if (target.cloudSqlInstance && deployment.database) {
    const sql = deployment.database.highAvailability ? CLOUD_SQL_HA_SLA : CLOUD_SQL_SINGLE_ZONE;
    ceiling *= sql;
    parts.push(`Cloud SQL ${deployment.database.highAvailability ? "HA" : "single-zone"} ${pct(sql)}`);
  }
  return { ceiling, parts };
}

function availabilityTarget(target: DeployTarget, inventory: Inventory, deployment: Deployment) {
  const { ceiling, parts } = dependencyCeiling(target, deployment);
  const engineers = inventory.team.engineers;
  // Every extra nine needs someone who can react within the budget: 0.1% of 28 days is 40 minutes.
  const teamCap = engineers === undefined || engineers <= 1 ? 0.995 : engineers <= 3 ? 0.999 : 0.9995;
  let tier = AVAILABILITY_TIERS.filter((t) => t <= ceiling + 1e-9 && t <= teamCap).at(-1) ?? AVAILABILITY_TIERS[0];
  const monthlyRequests = averageRps(inventory) * 86_400 * SLO_WINDOW_DAYS;
  const quiet = monthlyRequests < 50 / (1 - tier);
  // With few requests a handful of errors spends the whole budget: one nine less keeps alerts meaningful.
  if (quiet) tier = AVAILABILITY_TIERS[Math.max(0, AVAILABILITY_TIERS.indexOf(tier) - 1)]!;
  const team = engineers === undefined ? "a team of unknown size" : `${engineers} engineer(s)`;
  const why =
    `${pct(tier)} of requests answer without a 5xx: the platform allows at most ${pct(ceiling)} (${parts.join(" × ")}), ` +
    `and ${team} can defend ${pct(teamCap)} at most` +
    (quiet ? `; about ${Math.round(monthlyRequests)} requests a window is too few for more nines` : "") +
    `. That leaves ${Math.round(errorBudgetMinutes(tier, SLO_WINDOW_DAYS))} minutes of full outage per ${SLO_WINDOW_DAYS} days.`;
  return { target: tier, why };
}

/** A service that keeps a warm instance (min instances, or a scheduled warm-up) rarely cold-starts. */
function keepsWarm(target: DeployTarget, deployment: Deployment): boolean {
  const scheduled = (deployment.schedules ?? []).some(
    (j) => j.action === "set-min-instances" && j.target === target.name && (j.minInstances ?? 0) > 0,
  );
  return target.minInstances > 0 || scheduled;
}

/** 730 → 750, 1740 → 1750: thresholds people can remember. */
function niceMs(ms: number): number {
  const step = ms < 1000 ? 100 : 250;
  return Math.max(step, Math.round(ms / step) * step);
}

function latencyObjective(target: DeployTarget, inventory: Inventory, deployment: Deployment) {
  const peak = inventory.traffic.peakRps ?? averageRps(inventory) * 4;
  const warm = keepsWarm(target, deployment);
  // Cold starts land in the slowest few percent; p99 is only fair where an instance stays warm and
  // traffic keeps it busy.
  const percentile: LatencyPercentile = warm && averageRps(inventory) >= 1 ? 99 : 95;
  // Busier apps have hot caches and warm connection pools; users of quiet ones see more cold paths.
  const base = peak >= 200 ? 400 : peak >= 50 ? 600 : peak >= 5 ? 800 : 1000;
  const scaled = percentile === 99 ? base * 2.5 : base;
  // A request near the timeout fails anyway: the objective must sit well below it.
  const cap = (target.timeoutSeconds * 1000) / 4;
  const thresholdMs = niceMs(Math.min(scaled, cap));
  const why =
    `${percentile}% of requests within ${thresholdMs} ms: sized for a peak of ${peak} requests/s today` +
    (warm ? ", with a warm instance" : ", scaling from zero (cold starts are in the slowest 5%)") +
    (thresholdMs < scaled ? `, capped at a quarter of the ${target.timeoutSeconds} s request timeout` : "") +
    ".";
  return { thresholdMs, percentile, why };
}

export function requestServiceLevel(
  target: DeployTarget,
  inventory: Inventory,
  deployment: Deployment,
): RequestServiceLevel {
  const availability = availabilityTarget(target, inventory, deployment);
  const latency = latencyObjective(target, inventory, deployment);
  return {
    service: target.name,
    windowDays: SLO_WINDOW_DAYS,
    availability,
    latency,
    canary: canaryGate(availability.target, latency.thresholdMs, latency.percentile),
  };
}

/**
 * The canary fails a revision that burns error budget at the fast-burn rate (the rate that pages),
 * or is slower than the latency objective. Below `minRequests` one error would already exceed the
 * ratio, so such a step is left to the health check.
 */
export function canaryGate(target: number, thresholdMs: number, percentile: LatencyPercentile): CanaryGate {
  const max5xxRatio = Math.min(0.25, Number((BURN_RATES.fast.threshold * (1 - target)).toFixed(4)));
  return {
    max5xxRatio,
    maxLatencyMs: thresholdMs,
    latencyPercentile: percentile,
    minRequests: Math.max(20, Math.ceil(3 / max5xxRatio)),
  };
}

/** 0.999 → "99.9%". */
export function pct(ratio: number): string {
  return `${Number((ratio * 100).toFixed(3))}%`;
}
