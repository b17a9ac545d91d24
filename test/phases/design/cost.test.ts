import { describe, expect, it } from "vitest";
import { businessHoursLength, businessWindow } from "../../../src/contracts/business-hours.js";
import { billedInstances, estimateCost } from "../../../src/phases/design/cost/estimate.js";
import { memoryGib } from "../../../src/phases/design/cost/always-on.js";
import { loadPriceBook, maxConnections } from "../../../src/contracts/gcp-prices.js";
import type { Deployment } from "../../../src/contracts/deployment.js";
import { designPhase } from "../../../src/phases/design/index.js";
import { inputFromYaml } from "../../helpers/phase-input.js";
import { designInput } from "./design-input.js";

const book = loadPriceBook();

describe("cost model arithmetic (hand-computed)", () => {
  it.each([
    ["08:00-20:00 America/Sao_Paulo", 12],
    ["09:30-18:00", 8.5],
    ["22:00-06:00 Europe/Berlin", 8],
  ])("business hours %s last %d h", (spec, hours) => {
    expect(businessHoursLength(spec)).toBe(hours);
  });

  it("reads the window's time zone for the warm-up jobs", () => {
    expect(businessWindow("07:00-22:00 Europe/Berlin")).toEqual({
      startHour: 7,
      endHour: 22,
      timeZone: "Europe/Berlin",
    });
  });

  it.each([
    ["512Mi", 0.5],
    ["2Gi", 2],
    ["1536Mi", 1.5],
  ])("memory %s = %d GiB", (m, gib) => expect(memoryGib(m)).toBe(gib));

  it.each([
    // 1 − e^(−1.6) = 0.798103…; 0.04 of an instance's concurrency is less.
    [8, 0.2, 40, 1 - Math.exp(-1.6)],
    // 80 × 0.2 = 16 in flight ÷ 40 = 0.4 < 1 − e^(−16) ≈ 1.
    [80, 0.2, 40, 1 - Math.exp(-16)],
    // 1.6 × 10 = 16 in flight ÷ 4 = 4 instances.
    [1.6, 10, 4, 4],
    [0, 0.2, 40, 0],
  ])("billed instances at %d rps × %d s, concurrency %d", (rps, s, c, expected) => {
    expect(billedInstances(rps, s, c)).toBeCloseTo(expected, 10);
  });

  it("the seed's warm API instance in business hours costs tens of dollars a month", () => {
    const result = designPhase.offline(designInput("seed"));
    const cost = estimateCost(designInput("seed").inventory, result.deployment, book);
    const [warm] = cost.warmInstances;
    // 12 h × (730 / 24) days × 3600 s = 1,314,000 s × (2 vCPU × 0.0000025 + 2 GiB × 0.0000025) = 13.14
    expect(warm!.monthlyUsd).toBe(13.14);
    expect(warm!.monthlyUsd).toBeGreaterThanOrEqual(10);
    expect(warm!.monthlyUsd).toBeLessThan(100);
    expect(warm!.formula).toContain("1,314,000 s");
  });

  it("prices a hand-made deployment line by line", () => {
    const inv = inputFromYaml(`
apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: calc }
host: { cpus: 2, memoryGiB: 8, diskGiB: 50 }
services:
  - { name: api, role: web, software: node }
traffic: { averageRps: 10, growth: 2 }
target: { region: us-central1, businessHours: "08:00-18:00 Etc/UTC" }
`).inventory;
    const dep: Deployment = {
      project: "calc-prod",
      region: "us-central1",
      artifactRepository: "calc",
      queues: [],
      services: [
        {
          name: "calc",
          kind: "api",
          replaces: ["api"],
          port: 8080,
          healthPath: "/healthz",
          cpu: "1",
          memory: "512Mi",
          concurrency: 80,
          timeoutSeconds: 60,
          minInstances: 1,
          maxInstances: 3,
          cpuBoost: true,
          serviceAccount: "calc-sa",
          ingress: "all",
          secrets: ["A_TOKEN", "B_SECRET"],
        },
      ],
      database: {
        instance: "calc-db",
        engine: "postgres",
        databaseVersion: "POSTGRES_16",
        tier: "db-custom-1-3840",
        highAvailability: false,
        readReplicas: 0,
        storageGiB: 10,
        pointInTimeRecovery: true,
      },
      schedules: [
        {
          name: "calc-warm-up",
          schedule: "0 8 * * *",
          timeZone: "Etc/UTC",
          action: "set-min-instances",
          target: "calc",
          minInstances: 1,
          replaces: [],
        },
        {
          name: "calc-cool-down",
          schedule: "0 18 * * *",
          timeZone: "Etc/UTC",
          action: "set-min-instances",
          target: "calc",
          minInstances: 0,
          replaces: [],
        },
      ],
    };
    const cost = estimateCost(inv, dep, book, { requestSeconds: 0.1 });
    const today = Object.fromEntries(cost.scenarios[0]!.lines.map((l) => [`${l.component}/${l.item}`, l.monthlyUsd]));
    // in flight 10 × 0.1 = 1 → billed 1 − e^(−1) = 0.632121 of 2,628,000 s = 1,661,213 s (rounded)
    const s = Math.round(2_628_000 * (1 - Math.exp(-1)));
    expect(today["calc/vCPU time"]).toBe(Math.round(s * 1 * 0.000024 * 100) / 100); // 39.87
    expect(today["calc/memory time"]).toBe(Math.round(s * 0.5 * 0.0000025 * 100) / 100); // 2.08
    expect(today["calc/requests"]).toBe(10.51); // 26,280,000 requests × $0.40 / M
    // 10 h × 30.4167 days × 3600 = 1,095,000 s × (1 × 0.0000025 + 0.5 × 0.0000025) = 4.10625
    expect(today["calc/1 min instance in business hours (idle rate)"]).toBe(4.11);
    expect(today["secret manager/active secret versions"]).toBe(0.12);
    expect(today["cloud scheduler/jobs"]).toBe(0.2);
    // 730 h × (1 × 0.0413 + 3.75 × 0.007) = 730 × 0.06755 = 49.3115
    expect(today["cloud sql calc-db/db-custom-1-3840 compute"]).toBe(49.31);
    expect(today["cloud sql calc-db/SSD storage"]).toBe(1.7);
    expect(today["cloud sql calc-db/backups"]).toBe(0.8);
    expect(cost.scenarios[0]!.totalUsd).toBe(Math.round(Object.values(today).reduce((a, b) => a + b, 0) * 100) / 100);
    // growth 2×: requests double; no load balancer (ingress all), no queue.
    expect(cost.scenarios[1]!.lines.find((l) => l.item === "requests")!.monthlyUsd).toBe(21.02);
    expect(cost.scenarios[1]!.lines.some((l) => l.component === "load balancer" || l.component === "cloud tasks")).toBe(
      false,
    );
    // VM: 730 × (2 × 0.021811 + 8 × 0.002923) = 730 × 0.067006 = 48.91; disk 50 × 0.10 = 5
    expect(cost.vm.lines.map((l) => l.monthlyUsd)).toEqual([48.91, 5]);
    expect(cost.vm.fromInventory).toBe(false);
  });

  it("prices the AI worker's model calls and the Celery worker's short jobs separately, once each", () => {
    const inv = inputFromYaml(`
apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: calc }
services:
  - { name: api, role: web, software: uvicorn }
  - { name: worker, role: worker, software: celery }
traffic: { averageRps: 10, growth: 3 }
target: { region: us-central1 }
llm: { latencySeconds: [4, 8], requestsPerMinute: 30 }
`).inventory;
    const worker = (name: string, concurrency: number) => ({
      name,
      kind: "worker" as const,
      replaces: [],
      port: 8080,
      healthPath: "/healthz",
      cpu: "1",
      memory: "1Gi",
      concurrency,
      timeoutSeconds: 60,
      minInstances: 0,
      maxInstances: 3,
      cpuBoost: true,
      serviceAccount: `${name}-sa`,
      ingress: "internal" as const,
      secrets: [],
    });
    const queue = (name: string, target: string) => ({
      name,
      target,
      path: "/tasks",
      maxAttempts: 5,
      minBackoffSeconds: 5,
      maxBackoffSeconds: 300,
      maxDispatchesPerSecond: 5,
      maxConcurrentDispatches: 10,
      dispatchDeadlineSeconds: 60,
      oidcServiceAccount: "invoker-sa",
    });
    const dep: Deployment = {
      project: "calc-prod",
      region: "us-central1",
      artifactRepository: "calc",
      queues: [queue("calc-tasks", "calc-worker"), queue("calc-ai-tasks", "calc-ai-worker")],
      services: [worker("calc-worker", 4), worker("calc-ai-worker", 20)],
      schedules: [],
    };
    const cost = estimateCost(inv, dep, book);
    const line = (scenario: number, component: string, item: string) =>
      cost.scenarios[scenario]!.lines.find((l) => l.component === component && l.item === item)!;
    // Celery: 10 rps × 0.02 = 0.2 tasks/s × 2 s (short jobs, not model calls).
    expect(line(0, "calc-worker", "vCPU time").formula).toContain("(0.2 tasks/s × 2 s, concurrency 4");
    // AI worker: 30 calls/min = 0.5/s today, × 3 at the growth target, × the 6 s latency midpoint.
    expect(line(0, "calc-ai-worker", "vCPU time").formula).toContain("(0.5 tasks/s × 6 s, concurrency 20");
    expect(line(1, "calc-ai-worker", "vCPU time").formula).toContain("(1.5 tasks/s × 6 s, concurrency 20");
    // Cloud Tasks: (0.2 + 0.5) tasks/s × 2,628,000 s = 1,839,600 tasks × 2 operations.
    expect(line(0, "cloud tasks", "operations").formula).toMatch(
      /^1,839,600 tasks over 2 queues × 2 .* = 3,679,200 operations/,
    );
    expect(line(0, "cloud tasks", "operations").monthlyUsd).toBe(1.47);
  });

  it("uses Tier 2 Cloud Run prices and says when a region falls back", () => {
    const input = designInput("apiOnly");
    const cost = estimateCost(input.inventory, designPhase.offline(input).deployment, book);
    expect(cost.cloudRunTier).toBe("tier2");
    expect(cost.warmInstances[0]!.formula).toContain("$0.0000035");
    expect(cost.warnings.join(" ")).toMatch(/no prices for southamerica-east1.*us-central1 figures used/);
  });

  it.each([
    ["postgres", 3.75, 100],
    ["postgres", 7.5, 400],
    ["postgres", 15, 500],
    ["mysql", 3.75, 4000],
    ["mysql", 0.6, 250],
  ] as const)("%s with %d GiB allows %d connections by default", (engine, gib, max) => {
    expect(maxConnections(book, engine, gib)).toBe(max);
  });
});
