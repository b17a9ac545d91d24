// The request service levels both the observe phase (SLOs) and the deploy canary (traffic gate)
// use: numbers move with the inventory and the design, and the gate follows from the SLO.
import { describe, expect, it } from "vitest";
import { budgetShare, errorBudgetMinutes, hoursToExhaust } from "../../src/contracts/burn-rate.js";
import { canaryGate, requestServiceLevel } from "../../src/contracts/service-levels.js";
import type { Deployment } from "../../src/contracts/deployment.js";
import { seedDeployment, seedInventory } from "../phases/cicd/fixtures.js";

function level(change: {
  engineers?: number;
  ha?: boolean;
  peakRps?: number;
  averageRps?: number;
  timeout?: number;
  min?: number;
}) {
  const inventory = seedInventory();
  if (change.engineers !== undefined) inventory.team.engineers = change.engineers;
  if (change.peakRps !== undefined) inventory.traffic.peakRps = change.peakRps;
  if (change.averageRps !== undefined) inventory.traffic.averageRps = change.averageRps;
  const deployment: Deployment = structuredClone(seedDeployment());
  deployment.schedules = [];
  deployment.database = {
    instance: "acme-mvp-db",
    engine: "mysql",
    databaseVersion: "MYSQL_8_0",
    tier: "db-custom-2-7680",
    highAvailability: change.ha ?? true,
    readReplicas: 0,
    storageGiB: 40,
    pointInTimeRecovery: true,
  };
  const api = deployment.services.find((s) => s.kind === "api")!;
  if (change.timeout !== undefined) api.timeoutSeconds = change.timeout;
  if (change.min !== undefined) api.minInstances = change.min;
  return requestServiceLevel(api, inventory, deployment);
}

describe("requestServiceLevel", () => {
  it.each([
    ["one engineer", { engineers: 1, ha: true }, 0.995],
    ["two engineers, HA database", { engineers: 2, ha: true }, 0.999],
    ["six engineers, HA database: the platform's ceiling, not the team, limits it", { engineers: 6, ha: true }, 0.999],
    ["two engineers, single-zone database", { engineers: 2, ha: false }, 0.995],
    ["a very quiet service loses a nine", { engineers: 2, ha: true, peakRps: 0.004, averageRps: 0.001 }, 0.995],
  ])("availability: %s → %s", (_, change, target) => {
    const l = level(change);
    expect(l.availability.target).toBe(target);
    expect(l.availability.why).toMatch(/\d+ minutes of full outage per 28 days/);
  });

  it.each([
    ["busy and warm: p99", { peakRps: 300, averageRps: 80, min: 1 }, 99, 1000],
    ["moderate traffic, warm", { peakRps: 40, averageRps: 8, min: 1 }, 99, 2000],
    ["scales from zero: p95", { peakRps: 40, averageRps: 8, min: 0 }, 95, 800],
    ["quiet, from zero", { peakRps: 2, averageRps: 0.5, min: 0 }, 95, 1000],
    [
      "a 2 s request timeout caps the threshold at a quarter of it",
      { peakRps: 2, averageRps: 0.5, min: 0, timeout: 2 },
      95,
      500,
    ],
  ])("latency: %s", (_, change, percentile, thresholdMs) => {
    const l = level(change);
    expect(l.latency).toMatchObject({ percentile, thresholdMs });
  });

  it("the canary gate is the fast-burn rate of the availability target and the latency objective", () => {
    const l = level({ engineers: 2, ha: true });
    expect(l.canary).toEqual({
      max5xxRatio: 0.0144,
      maxLatencyMs: l.latency.thresholdMs,
      latencyPercentile: l.latency.percentile,
      minRequests: 209,
    });
    expect(canaryGate(0.99, 800, 95)).toEqual({
      max5xxRatio: 0.144,
      maxLatencyMs: 800,
      latencyPercentile: 95,
      minRequests: 21,
    });
    // A loose target never lets a revision fail a quarter of its requests.
    expect(canaryGate(0.9, 800, 95).max5xxRatio).toBe(0.25);
  });
});

describe("burn-rate arithmetic", () => {
  it("budgets and exhaustion times", () => {
    expect(errorBudgetMinutes(0.999, 28)).toBeCloseTo(40.32);
    expect(errorBudgetMinutes(0.995, 30)).toBeCloseTo(216);
    expect(hoursToExhaust(14.4, 30)).toBe(50);
    // The SRE workbook's numbers: 2% of a 30-day budget in an hour at 14.4, 5% in six hours at 6.
    expect(budgetShare(14.4, 1, 30)).toBeCloseTo(0.02);
    expect(budgetShare(6, 6, 30)).toBeCloseTo(0.05);
  });
});
