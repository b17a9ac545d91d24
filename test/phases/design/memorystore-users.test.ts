// Every Memorystore entry names the targets that reach it over Direct VPC egress: the targets that
// replace a process depending on that store (or that reach Memorystore through their peers'
// settings, with no store of their own), as the design's own deployment gives them.
import { describe, expect, it } from "vitest";
import { reachesMemorystore } from "../../../src/contracts/deployment.js";
import { designPhase } from "../../../src/phases/design/index.js";
import { someNames } from "../../../src/phases/design/rules/names.js";
import type { PhaseInput } from "../../../src/contracts/phase.js";
// @ts-expect-error plain JS module without types
import { generateInventory } from "../../../bench/gen-inventory.mjs";
import { designInput, designInputFromYaml } from "./design-input.js";

/** A RabbitMQ broker that moves to Memorystore for Redis beside the VM's own Redis, used only for pub/sub. */
const TWO_REDIS = `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: classroom }
services:
  - { name: nginx, role: reverse-proxy, software: nginx, listen: ["0.0.0.0:443"], dependsOn: [web, ws], routes: [{ path: /ws/, service: ws }, { path: /, service: web }] }
  - { name: web, role: web, software: gunicorn, runtime: python, command: "gunicorn app.wsgi --bind 127.0.0.1:8000", listen: ["127.0.0.1:8000"], dependsOn: [postgres, rabbitmq], env: [DATABASE_URL, CELERY_BROKER_URL] }
  - { name: ws, role: web, software: daphne, runtime: python, command: "daphne -b 127.0.0.1 -p 8001 app.asgi:application", listen: ["127.0.0.1:8001"], protocols: [websocket], dependsOn: [postgres, redis], env: [DATABASE_URL, CHANNEL_LAYERS_REDIS_URL] }
  - { name: celery, role: worker, software: celery, runtime: python, command: "celery -A app worker", dependsOn: [postgres, rabbitmq], env: [DATABASE_URL, CELERY_BROKER_URL] }
  - { name: rabbitmq, role: broker, software: rabbitmq, version: "3.12", listen: ["127.0.0.1:5672"] }
  - { name: redis, role: cache, software: redis, version: "7.0", listen: ["127.0.0.1:6379"], usedFor: [pubsub] }
  - { name: postgres, role: database, software: postgres, version: "14", listen: ["127.0.0.1:5432"] }
data: [{ service: postgres, engine: postgres, version: "14", backups: daily }]
deploy: { method: ssh-systemctl }
target: { project: classroom-prod, region: europe-west4, service: classroom }
`;

describe("Memorystore entries name the targets that reach them", () => {
  it.each([
    ["seed example", () => designInput("seed")],
    ["flask example", () => designInput("flask")],
    ["40 generated services", () => designInputFromYaml(generateInventory(40) as string)],
    ["a broker moved to Redis beside the VM's Redis", () => designInputFromYaml(TWO_REDIS)],
  ])("%s", (_, input: () => PhaseInput) => {
    const given = input();
    const design = designPhase.offline(given);
    const deps = new Map(given.inventory.services.map((s) => [s.name, s.dependsOn]));
    const stores = new Set(design.mapping.filter((m) => m.target.kind === "memorystore").map((m) => m.service));
    const entries = design.mapping.filter((m) => m.target.kind === "memorystore");
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) {
      const users = design.deployment.services
        .filter(reachesMemorystore)
        .filter((t) => {
          const on = t.replaces.flatMap((r) => deps.get(r) ?? []);
          return on.includes(entry.service) || !on.some((n) => stores.has(n));
        })
        .map((t) => t.name);
      expect(entry.reason).toContain(`reached from ${someNames(users) || "the services"} through Direct VPC egress`);
    }
  });

  it("two Memorystore instances get two names, and each names only its own users", () => {
    const design = designPhase.offline(designInputFromYaml(TWO_REDIS));
    const names = (design.deployment.caches ?? []).map((c) => c.name);
    expect(names).toEqual(["classroom-rabbitmq", "classroom-redis"]);
    const pubsub = design.mapping.find((m) => m.service === "redis")!;
    expect(pubsub.target).toEqual({ kind: "memorystore", name: "classroom-redis" });
    expect(pubsub.reason).toContain("reached from classroom-ws through Direct VPC egress");
    const broker = design.mapping.find((m) => m.service === "rabbitmq")!;
    expect(broker.reason).toContain("reached from classroom, classroom-worker through Direct VPC egress");
  });
});
