// A service deployed with CPU always allocated (--no-cpu-throttling) is billed instance-based:
// every second an instance is up, at the instance-based rate, with no per-request fee, its warm
// instances at that full rate. The cost estimate prices it so and the design says which billing
// each service uses. Rates: data/gcp-prices.json (cloud.google.com/run/pricing, Tier 1
// $0.000018 / vCPU-second, $0.000002 / GiB-second).
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadPriceBook } from "../../../src/contracts/gcp-prices.js";
import type { Deployment, DeployTarget } from "../../../src/contracts/deployment.js";
import { estimateCost } from "../../../src/phases/design/cost/estimate.js";
import { billingOf, instanceBasedInstances } from "../../../src/phases/design/cost/instance-based.js";
import { designPhase } from "../../../src/phases/design/index.js";
import { inputFromFile, inputFromYaml, ROOT } from "../../helpers/phase-input.js";
import { withAudit } from "./design-input.js";

const book = loadPriceBook();

const inventory = inputFromYaml(`
apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: calc }
services:
  - { name: api, role: web, software: rails }
traffic: { averageRps: 10, growth: 2 }
target: { region: us-central1 }
`).inventory;

function api(over: Partial<DeployTarget>): DeployTarget {
  return {
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
    secrets: [],
    ...over,
  };
}

const deployment = (t: DeployTarget): Deployment => ({
  project: "calc-prod",
  region: "us-central1",
  artifactRepository: "calc",
  queues: [],
  services: [t],
  schedules: [],
});

describe("instance-based billing (CPU always allocated)", () => {
  it.each([
    // A min instance around the clock: 1 up, however little traffic.
    [0.001, 0.2, 80, 1, 1, 1],
    // No min instance: up while a request came in the last 15 min, 1 − e^(−0.001 × 900).
    [0.001, 0.2, 80, 0, 0, 1 - Math.exp(-0.9)],
    // Busy: 100 rps × 2 s = 200 in flight ÷ 80 = 2.5 instances, above the min.
    [100, 2, 80, 1, 1, 2.5],
    // Min 1 in business hours (12 of 24 h): 0.5 × 1 + 0.5 × (1 − e^(−0.9)).
    [0.001, 0.2, 80, 1, 0.5, 0.5 + 0.5 * (1 - Math.exp(-0.9))],
    [0, 0.2, 80, 0, 0, 0],
  ])("%d rps × %d s, concurrency %d, min %d (warm share %d) → %d instances up", (rps, s, c, min, share, want) => {
    expect(instanceBasedInstances(rps, s, c, min, share)).toBeCloseTo(want, 10);
  });

  it.each([
    [{ kind: "api" as const }, "request-based"],
    [{ kind: "api" as const, cpuAlwaysAllocated: true }, "instance-based"],
    [{ kind: "worker" as const, cpuAlwaysAllocated: true }, "instance-based"],
    [{ kind: "worker" as const }, "request-based"],
    [{ kind: "worker-pool" as const }, "instance-based"],
    [{ kind: "job" as const }, "instance-based"],
  ])("%j is billed %s", (t, want) => {
    expect(billingOf(t)).toBe(want);
  });

  it("prices a service with CPU always allocated at the instance-based rate, with no request fee", () => {
    const cost = estimateCost(inventory, deployment(api({ cpuAlwaysAllocated: true })), book, { requestSeconds: 0.1 });
    const today = Object.fromEntries(cost.scenarios[0]!.lines.map((l) => [`${l.component}/${l.item}`, l.monthlyUsd]));
    // 1 min instance around the clock, 10 × 0.1 = 1 in flight ÷ 80: 1 instance × 2,628,000 s.
    expect(today["calc/vCPU time (instance-based: CPU always allocated)"]).toBe(47.3); // × 1 vCPU × 0.000018
    expect(today["calc/memory time (instance-based: CPU always allocated)"]).toBe(2.63); // × 0.5 GiB × 0.000002
    expect(Object.keys(today).filter((k) => k.startsWith("calc/"))).toHaveLength(2);
    // Its warm instance is inside those lines; the trade-off table prices it at the full rate.
    expect(cost.warmInstances).toEqual([
      expect.objectContaining({
        item: "1 min instance around the clock (instance-based rate: CPU always allocated)",
        monthlyUsd: 49.93, // 2,628,000 s × (1 × 0.000018 + 0.5 × 0.000002)
      }),
    ]);
    expect(cost.billing).toEqual([expect.objectContaining({ service: "calc", billing: "instance-based" })]);
  });

  it("keeps request-based pricing for a service whose CPU is throttled", () => {
    const cost = estimateCost(inventory, deployment(api({})), book, { requestSeconds: 0.1 });
    const items = cost.scenarios[0]!.lines.filter((l) => l.component === "calc").map((l) => l.item);
    expect(items).toEqual(["vCPU time", "memory time", "requests", "1 min instance around the clock (idle rate)"]);
    expect(cost.billing[0]!.billing).toBe("request-based");
  });

  it("Redmine's web (in-process Active Job threads) is priced and described as instance-based", async () => {
    const app = path.join(ROOT, "test/fixtures/real/redmine");
    const input = {
      ...withAudit(inputFromFile(path.join(app, "inventory.yaml"))),
      repoDir: path.join(app, "vm/opt/redmine"),
    };
    const result = designPhase.offline(input);
    const web = result.deployment.services.find((s) => s.kind === "api")!;
    expect(web.cpuAlwaysAllocated).toBe(true);
    const cost = estimateCost(input.inventory, result.deployment, book);
    const items = cost.scenarios[0]!.lines.filter((l) => l.component === web.name).map((l) => l.item);
    expect(items).toContain("vCPU time (instance-based: CPU always allocated)");
    expect(items).not.toContain("requests");
    const artifacts = await designPhase.render(result, input);
    const md = (name: string) => artifacts.find((a) => a.path.endsWith(name))!.content;
    expect(md("cost-estimate.md")).toContain(
      `| \`${web.name}\` | instance-based (CPU always allocated: every second an instance is up, no per-request fee) |`,
    );
    expect(md("architecture.md")).toMatch(new RegExp(`\\| \`${web.name}\` \\| api \\| [^|]+ \\| instance-based \\|`));
  });
});
