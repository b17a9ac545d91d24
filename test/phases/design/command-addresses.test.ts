// A process whose command line names its Redis by the VM's loopback address (`rq worker --url
// redis://127.0.0.1:6379/0`, `rqscheduler --host 127.0.0.1 --port 6379`, `celery … -b
// amqp://guest@localhost//` once RabbitMQ moves to Redis) would reach its own container on Cloud
// Run and never start: the deploy passes the Memorystore instance's address in that place,
// looked up when it deploys, and the plan says so.
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { offlineCicd } from "../../../src/phases/cicd/offline.js";
import { CICD_PATHS, renderCicd } from "../../../src/phases/cicd/render.js";
import { validateCicd } from "../../../src/phases/cicd/validate.js";
import { chainYaml } from "../../helpers/chain.js";

const yaml = (extra = "") => `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: boardly }
host: { hostname: vm, os: "Ubuntu 22.04" }
services:
  - { name: web, role: web, software: gunicorn, runtime: python, framework: flask,
      command: "gunicorn -w 2 -b 127.0.0.1:8000 app:app", listen: ["127.0.0.1:8000"], dependsOn: [db, redis], env: [DATABASE_URL, REDIS_URL] }
  - { name: rq-worker, role: worker, software: rq, runtime: python, framework: rq, longRunning: true,
      command: "rq worker --url redis://127.0.0.1:6379/2 default emails", dependsOn: [db, redis], env: [DATABASE_URL] }
  - { name: rq-scheduler, role: scheduler, software: rqscheduler, runtime: python, longRunning: true,
      command: "rqscheduler --host 127.0.0.1 --port 6379 --db 0", dependsOn: [redis] }
  - { name: purge, role: cron, software: cron, runtime: python, schedule: "0 3 * * *",
      command: "rq empty --url redis://localhost:6379 failed", dependsOn: [redis] }
${extra}  - { name: redis, role: cache, software: redis, version: "7.0", listen: ["127.0.0.1:6379"], usedFor: [broker] }
  - { name: db, role: database, software: postgres, listen: ["127.0.0.1:5432"] }
data:
  - { service: db, engine: postgres, version: "16", sizeGiB: 5, backups: daily }
deploy: { method: ssh-systemctl, testCommand: "pytest -q" }
target: { project: boardly-prod, region: europe-west2, service: boardly }
`;

describe("a store's VM address on a process's command line", () => {
  const { input, design } = chainYaml(yaml());
  const target = (name: string) => design.deployment.services.find((t) => t.name === name)!;

  it("becomes the deploy's placeholder for the Memorystore instance, keeping the Redis database number", () => {
    expect(target("boardly-worker").command).toEqual([
      "rq",
      "worker",
      "--url",
      "redis://%CACHE_ADDR:boardly-redis%/2",
      "default",
      "emails",
    ]);
    expect(target("boardly-rq-scheduler").command).toEqual([
      "rqscheduler",
      "--host",
      "%CACHE_HOST:boardly-redis%",
      "--port",
      "6379",
      "--db",
      "0",
    ]);
    expect(target("boardly-purge").command).toContain("redis://%CACHE_ADDR:boardly-redis%/0");
    // The web server's own bind address is not a store's.
    const changes = (service: string) => design.mapping.find((m) => m.service === service)!.appChanges.join("\n");
    expect(changes("rq-worker")).toContain(
      "rq-worker's command names `redis://127.0.0.1:6379/2`, its store's address on the VM",
    );
    expect(changes("rq-worker")).toContain("`rq worker --url redis://<boardly-redis's host:port>/2 default emails`");
    expect(changes("purge")).toContain("the deploy passes the address of Memorystore boardly-redis in its place");
    expect(changes("web")).not.toContain("store's address on the VM");
  });

  it("the deploy looks the address up and fills it in, as a double-quoted word bash expands", async () => {
    const cicdInput = { ...input };
    const artifacts = renderCicd(offlineCicd(cicdInput), cicdInput);
    // The validation run puts before writing (actionlint, ShellCheck on every run: step…) passes.
    expect(await validateCicd(artifacts, cicdInput)).toEqual([]);
    const wf = parse(artifacts.find((a) => a.path === CICD_PATHS.workflow)!.content) as {
      jobs: { deploy: { steps: Array<{ name: string; run?: string }> } };
    };
    const steps = wf.jobs.deploy.steps.filter((s) => s.run);
    const lookup = steps.find((s) => s.name.startsWith("Look up the boardly-redis address"))!;
    expect(lookup.run).toContain('  echo "CACHE_0_ADDR=${host}:${port}"\n} >> "$GITHUB_ENV"');
    const run = (name: string) => steps.find((s) => s.name.startsWith(`Deploy ${name} `))!.run!;
    expect(run("boardly-worker")).toContain('"--args=worker,--url,redis://${CACHE_0_ADDR}/2,default,emails"');
    expect(run("boardly-rq-scheduler")).toContain('"--args=--host,${CACHE_0_HOST},--port,6379,--db,0"');
    expect(steps.map((s) => s.run ?? "").join("\n")).not.toMatch(/%CACHE_|127\.0\.0\.1:6379|localhost:6379/);
  });

  it("an AMQP broker URL becomes the Redis URL when Celery's RabbitMQ moves to Memorystore", () => {
    const celery = chainYaml(
      yaml(
        `  - { name: celery, role: worker, software: celery, runtime: python, framework: celery, longRunning: true,
      command: "celery -A app worker -b amqp://guest@localhost:5672// -l info", dependsOn: [rabbitmq] }
  - { name: rabbitmq, role: broker, software: rabbitmq, listen: ["127.0.0.1:5672"] }
`,
      ),
    ).design;
    const worker = celery.deployment.services.find((t) => t.replaces.includes("celery"))!;
    const cache = celery.deployment.caches!.find((c) => worker.command!.join(" ").includes(`%CACHE_URL:${c.name}%`));
    expect(cache).toBeDefined();
    expect(worker.command!.join(" ")).not.toContain("amqp://");
  });

  it("a websocket process's fan-out setting (Flask-SocketIO's SOCKETIO_MESSAGE_QUEUE) is a Redis address and a pub/sub use", () => {
    const ws = yaml()
      .replace(
        'listen: ["127.0.0.1:8000"], dependsOn: [db, redis], env: [DATABASE_URL, REDIS_URL] }',
        'listen: ["127.0.0.1:8000"], protocols: [http, websocket], dependsOn: [db, redis], env: [DATABASE_URL, REDIS_URL, SOCKETIO_MESSAGE_QUEUE] }',
      )
      .replace("usedFor: [broker] }", "}");
    const d = chainYaml(ws).design;
    // Filled from Memorystore at deploy time, never copied from the VM…
    expect(d.deployment.caches![0]!.urlEnv).toEqual(["REDIS_URL", "SOCKETIO_MESSAGE_QUEUE"]);
    // …and the websocket service is not capped at one instance for want of a shared bus.
    const api = d.deployment.services.find((t) => t.name === "boardly")!;
    expect(api.sessionAffinity).toBe(true);
    expect(api.maxInstances).toBeGreaterThan(1);
  });
});
