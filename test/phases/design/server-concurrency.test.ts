// The Cloud Run concurrency of a synchronous server follows what it serves at once on the VM
// (inventory capacity: workers × threads). Websockets keep a high concurrency only where a
// connection holds no request thread: Action Cable on Puma hijacks the socket into its own event
// loop, and the plan says HTTP requests beyond the threads wait; a WSGI server's websocket keeps
// its thread, so there the slots are the limit.
import { describe, expect, it } from "vitest";
import { designPhase } from "../../../src/phases/design/index.js";
import { designResultSchema, type DesignResult } from "../../../src/phases/design/schema.js";
import { designInputFromYaml } from "./design-input.js";

function design(web: string): DesignResult {
  const yaml = `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: app }
services:
  - { name: web, role: web, listen: ["127.0.0.1:3000"], dependsOn: [redis], env: [REDIS_URL], ${web} }
  - { name: redis, role: cache, software: redis, listen: ["127.0.0.1:6379"], usedFor: [cache, pubsub] }
deploy: { method: ssh-systemctl }
target: { project: app-prod, region: europe-west1, service: app }
`;
  return designResultSchema.parse(designPhase.offline(designInputFromYaml(yaml)));
}

const api = (r: DesignResult) => r.deployment.services.find((t) => t.replaces.includes("web"))!;
const reason = (r: DesignResult) => r.mapping.find((m) => m.service === "web")!.reason;
const changes = (r: DesignResult) => r.mapping.find((m) => m.service === "web")!.appChanges.join("\n");

describe("concurrency from the VM server's workers × threads", () => {
  it.each([
    [
      "gunicorn 4 × 2",
      "software: gunicorn, runtime: python, command: gunicorn -w 4 --threads 2 app:app, capacity: { workers: 4, threads: 2 }",
      8,
    ],
    ["Puma 1 × 5", "software: puma, runtime: ruby, command: bundle exec puma, capacity: { workers: 1, threads: 5 }", 5],
    [
      "uWSGI 5 × 3",
      "software: uwsgi, runtime: python, command: uwsgi --ini app.ini, capacity: { workers: 5, threads: 3 }",
      15,
    ],
  ])("%s: concurrency is the slots, and the mapping says why", (_label, web, slots) => {
    const r = design(web);
    expect(api(r).concurrency).toBe(slots);
    expect(reason(r)).toMatch(
      new RegExp(`Concurrency ${slots}: .* on the VM, so one instance serves ${slots} requests at once`),
    );
  });

  it("a server told nothing keeps the design's default", () => {
    const r = design("software: puma, runtime: ruby, command: bundle exec puma");
    expect(api(r).concurrency).toBe(40);
    expect(reason(r)).not.toMatch(/threads? on the VM/);
  });

  it("Chatwoot's shape: Action Cable on Puma 1 × 5 keeps websocket concurrency, and the plan says HTTP waits beyond 5", () => {
    const r = design(
      "software: rails, runtime: ruby, framework: rails, command: bin/rails server -p 3000, protocols: [http, websocket], capacity: { workers: 1, threads: 5 }",
    );
    expect(api(r).concurrency).toBe(250);
    expect(changes(r)).toMatch(/Action Cable takes each connection off Puma's threads \(Rack socket hijacking/);
    expect(changes(r)).toMatch(
      /those beyond 5 wait inside it.*serve \/cable from a Cloud Run service of its own .* concurrency 5/,
    );
  });

  it("a WSGI server's websockets hold a thread each: concurrency is its slots", () => {
    const r = design(
      "software: gunicorn, runtime: python, framework: flask, command: gunicorn --threads 50 app:app, protocols: [http, websocket], capacity: { workers: 1, threads: 50 }",
    );
    expect(api(r).concurrency).toBe(50);
    expect(api(r).sessionAffinity).toBe(true);
  });

  it("PHP-FPM's pm.max_children: as many requests as the pool's children, said as such", () => {
    const r = design(
      "software: php-fpm, runtime: php, framework: laravel, command: /usr/sbin/php-fpm8.3 --nodaemonize, capacity: { workers: 12, threads: 1 }",
    );
    expect(api(r).concurrency).toBe(12);
    expect(reason(r)).toMatch(
      /Concurrency 12: PHP-FPM's pool runs at most 12 PHP processes on the VM \(pm.max_children\)/,
    );
  });
});

describe("a web process the VM runs N times (pm2 instances, a Node cluster)", () => {
  it("scales to no fewer instances than the VM's processes, and says so", () => {
    const r = design("software: node, runtime: node, framework: express, command: node server.js, instances: 8");
    expect(api(r).concurrency).toBe(80);
    expect(api(r).maxInstances).toBeGreaterThanOrEqual(8);
    expect(reason(r)).toMatch(
      /On the VM 8 processes run node with the same command: .*no fewer than the VM's processes/,
    );
  });
});
