// A broker no worker process consumes: the web process runs the jobs itself (Immich's immich-server
// runs its BullMQ `microservices` worker in the same container; a Node app starting BullMQ workers
// in-process). The design keeps that process's CPU allocated and one instance up, says why naming
// the broker, prices it instance-based, and the audit names the risk. An app WITH a worker on the
// broker is untouched.
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { detectRepo } from "../../../src/detect/detect-repo.js";
import { buildInitPlan } from "../../../src/init/init-plan.js";
import { withDetectedFacts } from "../../../src/init/provenance.js";
import { resolveAnswers } from "../../../src/init/resolve.js";
import { TempTrees } from "../../helpers/file-tree.js";
import { auditOffline } from "../../../src/phases/audit/offline.js";
import { auditResultSchema } from "../../../src/contracts/audit-result.js";
import { loadPriceBook } from "../../../src/contracts/gcp-prices.js";
import { deployFlags } from "../../../src/phases/cicd/deploy-flags.js";
import { estimateCost } from "../../../src/phases/design/cost/estimate.js";
import { designPhase } from "../../../src/phases/design/index.js";
import { designResultSchema } from "../../../src/phases/design/schema.js";
import { inputFromYaml, ROOT } from "../../helpers/phase-input.js";
import { designInputFromYaml } from "./design-input.js";

const head = (name: string) => `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: ${name} }
host: { hostname: vm, os: "Debian 12" }
`;
const tail = (name: string, hours = "") => `deploy: { method: containers }
target: { project: ${name}-prod, region: us-central1, service: ${name}${hours ? `, businessHours: "${hours}"` : ""} }
`;

// Immich's truth: the server (HTTP and socket.io on 2283) runs the BullMQ jobs; Redis holds the
// queues and socket.io's adapter; the ML service is of unknown kind and depends on nothing.
const immich = `${head("immich")}services:
  - { name: nginx, role: reverse-proxy, software: nginx, listen: ["0.0.0.0:443"], dependsOn: [immich-server] }
  - name: immich-server
    role: web
    software: immich-server
    listen: ["0.0.0.0:2283"]
    dependsOn: [redis, database]
    protocols: [http, websocket]
    longRunning: true
    image: ghcr.io/immich-app/immich-server:v2
  - { name: immich-machine-learning, role: other, software: immich-machine-learning, longRunning: true, image: "ghcr.io/immich-app/immich-machine-learning:v2" }
  - { name: redis, role: broker, software: redis, version: "9", usedFor: [broker, pubsub] }
  - { name: database, role: database, software: postgres, version: "14" }
data:
  - { service: database, engine: postgres, version: "14", backups: daily }
${tail("immich")}`;

// A plain Node API that starts its BullMQ workers inside the server process.
const node = (extra = "", hours = "") => `${head("shop")}services:
  - { name: nginx, role: reverse-proxy, software: nginx, listen: ["0.0.0.0:443"], dependsOn: [api] }
  - name: api
    role: web
    software: node
    runtime: node
    framework: express
    command: node dist/server.js
    listen: ["127.0.0.1:3000"]
    dependsOn: [redis, db]
    env: [REDIS_URL, DATABASE_URL]
  - { name: redis, role: broker, software: redis, usedFor: [broker] }
  - { name: db, role: database, software: postgres, version: "16" }
${extra}data:
  - { service: db, engine: postgres, version: "16", backups: daily }
traffic: { peakRps: 5, growth: 2 }
${tail("shop", hours)}`;

const WORKER = `  - { name: jobs, role: worker, software: node, runtime: node, framework: bullmq, command: node dist/worker.js, dependsOn: [redis, db] }
`;

const design = (yaml: string) => designResultSchema.parse(designPhase.offline(designInputFromYaml(yaml)));
const api = (r: ReturnType<typeof design>) => r.deployment.services.find((t) => t.kind === "api")!;

describe("a broker no worker consumes: the web process runs its jobs", () => {
  it.each([
    ["Immich (BullMQ in immich-server's container)", immich, "immich-server"],
    ["a Node API with BullMQ workers in-process", node(), "api"],
  ])("%s: CPU always allocated, one instance up, said in the mapping", (_name, yaml, web) => {
    const result = design(yaml);
    const t = api(result);
    expect(t.cpuAlwaysAllocated).toBe(true);
    expect(t.minInstances).toBeGreaterThanOrEqual(1);
    expect(deployFlags(t, result.deployment)).toContain("--no-cpu-throttling");
    const row = result.mapping.find((m) => m.service === web)!;
    expect(row.settings.cpuAlwaysAllocated).toBe(true);
    expect(row.reason).toContain("no worker process consumes the job queues on redis");
    const change = row.appChanges.find((c) => c.startsWith("No worker process of the inventory consumes"))!;
    expect(change).toContain(`so ${web} runs those jobs itself`);
    expect(change).toContain("--no-cpu-throttling) and min-instances 1");
    expect(change).not.toMatch(/BullMQ|Sidekiq|Celery/);
    const cost = estimateCost(designInputFromYaml(yaml).inventory, result.deployment, loadPriceBook());
    expect(cost.billing.find((b) => b.service === t.name)?.billing).toBe("instance-based");
  });

  it("the audit names the risk with the broker's uses as evidence", () => {
    const audit = auditOffline(inputFromYaml(immich));
    expect(auditResultSchema.safeParse(audit).success).toBe(true);
    const risk = audit.risks.find((r) => r.title.startsWith("Queued jobs run inside the web process"))!;
    expect(risk.evidence).toEqual([
      "services.redis.usedFor: broker, pubsub",
      "services.immich-server.dependsOn: redis, database",
    ]);
    expect(risk.affects).toEqual(["immich-server", "redis"]);
  });

  it("a worker on the broker: the web process stays request-billed and scales to zero", () => {
    const result = design(node(WORKER));
    const t = api(result);
    expect(t.cpuAlwaysAllocated).toBeUndefined();
    expect(t.minInstances).toBe(0);
    const row = result.mapping.find((m) => m.service === "api")!;
    expect(row.appChanges.some((c) => c.includes("No worker process"))).toBe(false);
    expect(auditOffline(inputFromYaml(node(WORKER))).risks.some((r) => r.title.startsWith("Queued jobs"))).toBe(false);
  });

  it("a Redis used only as a cache holds no queue: nothing changes", () => {
    const yaml = node().replace(
      "{ name: redis, role: broker, software: redis, usedFor: [broker] }",
      "{ name: redis, role: cache, software: redis, usedFor: [cache] }",
    );
    const t = api(design(yaml));
    expect(t.cpuAlwaysAllocated).toBeUndefined();
    expect(t.minInstances).toBe(0);
  });

  it("the requirements say the API consumes its queue itself and keeps its instance around the clock", () => {
    const how = (yaml: string, id: string) => design(yaml).requirements.find((r) => r.id === id)!.how;
    expect(how(node(), "api-worker-separation")).toContain("the API (shop) consumes the job queues on redis itself");
    expect(how(node(), "scale-to-zero")).toContain("shop keeps 1 warm instance around the clock");
    const hours = node(WORKER, "08:00-18:00 Europe/Paris");
    expect(how(hours, "scale-to-zero")).toContain("shop keeps 1 warm instance only in business hours");
    expect(how(hours, "api-worker-separation")).toContain("are separate services");
    const tradeoff = design(node()).tradeoffs.find((x) => x.topic === "cold start vs. idle cost")!;
    expect(tradeoff.chosen).toBe("one warm API instance around the clock");
  });

  it("business hours do not cool it down to zero at night: the jobs keep coming", () => {
    const scheduled = (yaml: string) =>
      (design(yaml).deployment.schedules ?? []).filter((j) => j.action === "set-min-instances");
    expect(scheduled(node("", "08:00-18:00 Europe/Paris"))).toEqual([]);
    expect(scheduled(node(WORKER, "08:00-18:00 Europe/Paris")).length).toBe(2);
  });
});

// From init to the design: a Node repository whose package.json has BullMQ and whose only process is
// the web server (node-express's fixture plus bullmq). init reads Redis as a broker from the package;
// no worker consumes it, so the design keeps the web service's CPU allocated.
describe("init on a Node app with BullMQ and no worker process", () => {
  const trees = new TempTrees("im-bullmq-");
  afterAll(() => trees.removeAll());
  const fixture = path.join(ROOT, "test/fixtures/repos/node-express");
  const read = (file: string) => readFileSync(path.join(fixture, file), "utf8");

  it.each([
    ["bullmq in package.json", true],
    ["ioredis alone", false],
  ])("%s", async (_name, bullmq) => {
    const pkg = JSON.parse(read("package.json")) as { dependencies: Record<string, string> };
    if (bullmq) pkg.dependencies.bullmq = "^5.0.0";
    const dir = await trees.make({ "package.json": JSON.stringify(pkg), "server.js": read("server.js") });
    const facts = await detectRepo(dir, { readRemote: async () => undefined });
    const { answers, origins } = resolveAnswers(
      { "target.project": "shop-prod-1", "target.github": "acme/shop" },
      facts,
      true,
    );
    const text = buildInitPlan(withDetectedFacts(answers, origins, facts), { toolVersion: "0.0.0" }).inventoryText;
    const result = design(text);
    expect(api(result).cpuAlwaysAllocated).toBe(bullmq ? true : undefined);
    const redis = result.mapping.find((m) => m.service === "redis")!;
    // With ioredis alone nothing says what Redis holds: Standard tier, and the mapping asks.
    expect(redis.settings.tier).toBe("STANDARD_HA");
    expect(redis.appChanges.some((c) => c.startsWith("Check what redis holds"))).toBe(!bullmq);
  });
});
