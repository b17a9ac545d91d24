// Apps whose docs allow one process (Ghost: "Clustering or sharding is not supported in any way"):
// init marks their web process from the name their manifest gives the app, and the design keeps
// that process at one Cloud Run instance, saying why, whatever the traffic.
import { describe, expect, it } from "vitest";
import { emptyContext, type AppContext } from "../../../src/detect/app-context.js";
import { markSingleInstance } from "../../../src/detect/single-instance.js";
import type { ServiceFinding } from "../../../src/detect/types.js";
import { designPhase } from "../../../src/phases/design/index.js";
import { designResultSchema } from "../../../src/phases/design/schema.js";
import { designInputFromYaml } from "./design-input.js";

const finding = (role: ServiceFinding["role"], runtime: ServiceFinding["runtime"]): ServiceFinding => ({
  name: `${role}-${runtime}`,
  role,
  software: "node",
  listen: [],
  env: [],
  runtime,
  source: "x.service",
});

describe("markSingleInstance", () => {
  type Row = [string, AppContext["appNames"], ServiceFinding["role"], ServiceFinding["runtime"], boolean];
  it.each<Row>([
    ["Ghost's web process", { node: ["ghost"] }, "web", "node", true],
    [
      "a worker of Ghost's (none exists; only the web process is the documented one)",
      { node: ["ghost"] },
      "worker",
      "node",
      false,
    ],
    ["another Node app", { node: ["outline"] }, "web", "node", false],
    ["a Python package that happens to be called ghost", { python: ["ghost"] }, "web", "python", false],
    ["no manifest read", undefined, "web", "node", false],
  ])("%s → %s", (_name, appNames, role, runtime, single) => {
    const app = { ...emptyContext(), ...(appNames ? { appNames } : {}) };
    const f = finding(role, runtime);
    const evidence: { file: string; found: string }[] = [];
    markSingleInstance([f], app, evidence);
    expect(Boolean(f.singleInstance)).toBe(single);
    expect(evidence.length).toBe(single ? 1 : 0);
    if (single) expect(f.singleInstance).toContain("Clustering or sharding is not supported");
  });
});

const design = (singleInstance: string) => {
  const yaml = `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: blog }
host: { hostname: vm, os: "Ubuntu 24.04" }
services:
  - { name: nginx, role: reverse-proxy, software: nginx, listen: ["0.0.0.0:443"], dependsOn: [ghost] }
  - name: ghost
    role: web
    software: node
    runtime: node
    framework: express
    listen: ["127.0.0.1:2368"]
    dependsOn: [db]
${singleInstance ? `    singleInstance: "${singleInstance}"\n` : ""}  - { name: db, role: database, software: mysql, listen: ["127.0.0.1:3306"] }
data:
  - { service: db, engine: mysql, version: "8.0", sizeGiB: 5, backups: daily }
traffic: { peakRps: 200, growth: 10 }
deploy: { method: ssh-systemctl }
target: { project: blog-prod, region: europe-west1, service: blog }
`;
  return designResultSchema.parse(designPhase.offline(designInputFromYaml(yaml)));
};

describe("the design of a single-instance app", () => {
  it.each([
    ["its docs allow one process", "the docs say so", 1],
    ["a stateless app at the same traffic", "", 3],
  ])("%s: max instances %s", (_name, why, max) => {
    const result = design(why);
    const api = result.deployment.services.find((t) => t.kind === "api")!;
    if (max === 1) expect(api).toMatchObject({ minInstances: 1, maxInstances: 1, cpuAlwaysAllocated: true });
    else {
      expect(api.maxInstances).toBeGreaterThanOrEqual(max);
      expect(api.cpuAlwaysAllocated).toBeUndefined();
    }
    const row = result.mapping.find((m) => m.service === "ghost");
    expect(row?.reason.includes("runs as one instance only: the docs say so")).toBe(max === 1);
    // Its deploys switch all traffic at once (cicd: rolloutSteps), and the mapping says why.
    expect(api.singleInstance).toBe(max === 1 ? true : undefined);
    expect(row?.appChanges.some((c) => c.includes("move 100% of traffic to the new revision at once"))).toBe(max === 1);
  });
});
