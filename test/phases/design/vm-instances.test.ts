// A process the VM runs N times (a template unit enabled as @1 and @2, a pm2 app started N times)
// is one target sized for all N: a worker pool keeps at least one instance per VM process, and
// the mapping says how the VM ran it and how the target carries that work.
import { describe, expect, it } from "vitest";
import { designPhase } from "../../../src/phases/design/index.js";
import { designResultSchema, type DesignResult } from "../../../src/phases/design/schema.js";
import { designInputFromYaml } from "./design-input.js";

function design(worker: string): DesignResult {
  const yaml = `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: flows }
services:
  - { name: web, role: web, software: node, runtime: node, command: node server.js, listen: ["127.0.0.1:3000"], dependsOn: [redis], env: [REDIS_URL] }
  - { name: flows-worker, role: worker, software: node, runtime: node, framework: bullmq, longRunning: true, dependsOn: [redis], env: [REDIS_URL], ${worker} }
  - { name: redis, role: broker, software: redis, listen: ["127.0.0.1:6379"], usedFor: [broker] }
deploy: { method: ssh-systemctl }
target: { project: flows-prod, region: europe-west1, service: flows }
`;
  return designResultSchema.parse(designPhase.offline(designInputFromYaml(yaml)));
}

const pool = (r: DesignResult) => r.deployment.services.find((t) => t.replaces.includes("flows-worker"))!;
const reason = (r: DesignResult) => r.mapping.find((m) => m.service === "flows-worker")!.reason;

describe("a worker the VM runs several times", () => {
  it.each([
    [
      "a template unit enabled 3 times, 10 jobs each",
      "systemdUnit: flows-worker@.service, command: node worker.js --concurrency=10, instances: 3",
      3,
      /flows-worker@\.service is enabled 3 times with the same command: 3 × 10 = 30 jobs at once\. flows-worker is one target for all of them; the pool keeps 3 instances, at least one per VM process/,
    ],
    [
      "pm2 started it 4 times",
      "command: node worker.js, instances: 4",
      4,
      /4 processes run node with the same command: 4× the work of one\. .* the pool keeps 4 instances/,
    ],
  ])("%s: one pool, at least one instance per VM process", (_label, worker, n, says) => {
    const r = design(worker);
    const workers = r.deployment.services.filter((t) => t.kind === "worker-pool");
    expect(workers.map((t) => t.name)).toEqual(["flows-worker"]);
    expect(pool(r).minInstances).toBeGreaterThanOrEqual(n);
    expect(pool(r).maxInstances).toBe(pool(r).minInstances);
    expect(reason(r)).toMatch(says);
  });

  it("run once on the VM: sized by the traffic alone, and nothing said about instances", () => {
    const r = design("systemdUnit: flows-worker.service, command: node worker.js --concurrency=10");
    expect(pool(r).minInstances).toBe(1);
    expect(reason(r)).not.toMatch(/enabled|with the same command/);
  });
});
