// A Symfony Messenger consumer (`bin/console messenger:consume`) is a queue worker, not a loop on
// its own clock: it competes for messages, so the pool keeps as many instances as the VM ran
// (a template unit enabled twice), and with no broker among its dependencies its messages live in
// the Doctrine transport's table, which moves with the database. On Redis, its broker moves.
import { describe, expect, it } from "vitest";
import { designPhase } from "../../../src/phases/design/index.js";
import { designResultSchema, type DesignResult } from "../../../src/phases/design/schema.js";
import { designInputFromYaml } from "./design-input.js";

const inventory = (dependsOn: string) => `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: clinicbook }
services:
  - { name: nginx, role: reverse-proxy, software: nginx, listen: ["0.0.0.0:443"], dependsOn: [php-fpm] }
  - { name: php-fpm, role: web, software: php-fpm, runtime: php, framework: symfony, listen: ["127.0.0.1:9000"], dependsOn: [mysql, redis], env: [DATABASE_URL, MESSENGER_TRANSPORT_DSN] }
  - name: messenger-consumer
    role: worker
    software: php
    runtime: php
    framework: symfony
    systemdUnit: messenger-worker@.service
    command: php /var/www/clinicbook/bin/console messenger:consume async --time-limit=3600
    instances: 2
    longRunning: true
    dependsOn: ${dependsOn}
    env: [DATABASE_URL, MESSENGER_TRANSPORT_DSN]
  - { name: redis, role: cache, software: redis, listen: ["127.0.0.1:6379"] }
  - { name: mysql, role: database, software: mysql, listen: ["127.0.0.1:3306"] }
data:
  - { service: mysql, engine: mysql }
deploy: { method: ssh-script }
target: { project: clinicbook-prod, region: europe-west1, service: clinicbook }
`;

const design = (dependsOn: string): DesignResult =>
  designResultSchema.parse(designPhase.offline(designInputFromYaml(inventory(dependsOn))));

describe("a Symfony Messenger consumer", () => {
  it("on the Doctrine transport: a worker pool of the VM's two, its messages in the database", () => {
    const r = design("[mysql]");
    const pool = r.deployment.services.find((t) => t.replaces.includes("messenger-consumer"))!;
    expect(pool.kind).toBe("worker-pool");
    expect(pool.minInstances).toBe(2);
    const reason = r.mapping.find((m) => m.service === "messenger-consumer")!.reason;
    expect(reason).toContain("Symfony Messenger worker: it pulls jobs itself");
    expect(reason).toContain("its messages stay in the Doctrine transport's table");
    expect(reason).not.toContain("acts on its own clock");
  });

  it("on Redis: its broker moves to Memorystore", () => {
    const reason = design("[mysql, redis]").mapping.find((m) => m.service === "messenger-consumer")!.reason;
    expect(reason).toContain("its broker moves to Memorystore for Redis");
  });
});
