import { describe, expect, it } from "vitest";
import { designPhase } from "../../../src/phases/design/index.js";
import { designResultSchema, type DesignResult } from "../../../src/phases/design/schema.js";
import { designInputFromYaml, designInput, EXAMPLES } from "./design-input.js";

const design = (ex: keyof typeof EXAMPLES, options: Record<string, unknown> = {}): DesignResult =>
  designResultSchema.parse(designPhase.offline({ ...designInput(ex), options }));
const kinds = (r: DesignResult) => Object.fromEntries(r.mapping.map((m) => [m.service, m.target.kind]));
const all = (r: DesignResult) => JSON.stringify(r);

describe("offline design of the four example inventories", () => {
  const results = {
    seed: design("seed"),
    django: design("django"),
    flask: design("flask"),
    apiOnly: design("apiOnly"),
  };
  // Celery rewritten to Cloud Tasks push (option celery: push) instead of kept on Memorystore.
  const pushed = { django: design("django", { celery: "push" }), flask: design("flask", { celery: "push" }) };

  it.each([
    [
      "seed",
      {
        nginx: "load-balancer",
        api: "cloud-run-service",
        worker: "cloud-run-worker-pool",
        redis: "memorystore",
        mysql: "cloud-sql",
      },
    ],
    [
      "django",
      {
        web: "cloud-run-service",
        "celery-worker": "cloud-run-worker-pool",
        "celery-beat": "cloud-run-worker-pool",
        "nightly-cleanup": "cloud-run-job",
        redis: "memorystore",
        postgres: "cloud-sql",
      },
    ],
    [
      "flask",
      { api: "cloud-run-service", worker: "cloud-run-worker-pool", rabbitmq: "memorystore", mysql: "cloud-sql" },
    ],
    ["apiOnly", { nginx: "load-balancer", api: "cloud-run-service", postgres: "cloud-sql" }],
  ] as const)("%s maps every service to the expected target kind (Celery kept)", (ex, expected) => {
    expect(kinds(results[ex])).toEqual(expected);
  });

  it("promises no static-file bucket the setup scripts never create (the proxy's served folders are named per path)", () => {
    for (const r of [results.seed, results.apiOnly]) {
      const proxy = r.mapping.find((m) => m.target.kind === "load-balancer")!;
      expect(proxy.reason).toMatch(/^An external Application Load Balancer/);
      expect(proxy.reason).not.toMatch(/Cloud Storage bucket|Cloud CDN/);
    }
  });

  it.each([
    [
      "django",
      {
        web: "cloud-run-service",
        "celery-worker": "cloud-run-worker",
        "celery-beat": "cloud-scheduler",
        "nightly-cleanup": "cloud-run-job",
        redis: "memorystore",
        postgres: "cloud-sql",
      },
    ],
    ["flask", { api: "cloud-run-service", worker: "cloud-run-worker", rabbitmq: "cloud-tasks", mysql: "cloud-sql" }],
  ] as const)("%s with celery: push maps Celery to Cloud Tasks", (ex, expected) => {
    expect(kinds(pushed[ex])).toEqual(expected);
  });

  it("keeps Celery by default: always-on workers and beat as one instance, the decision prices both ways", () => {
    const r = results.django;
    const pools = r.deployment.services.filter((s) => s.kind === "worker-pool");
    expect(pools.map((s) => [s.name, s.minInstances, s.maxInstances, s.command?.join(" ")])).toEqual([
      ["bookshop-web-worker", 1, 1, "celery -A bookshop worker --concurrency 8 --time-limit 300"],
      ["bookshop-web-celery-beat", 1, 1, "celery -A bookshop beat --loglevel info"],
    ]);
    expect(r.deployment.queues).toEqual([]);
    const d = r.decisions.find((x) => /Celery/.test(x.title))!;
    expect(d.title).toMatch(/Keep Celery on Memorystore/);
    expect(d.decision).toMatch(/no code change.*\$\d+\.\d\d\/month/);
    expect(d.alternatives.join(" ")).toMatch(/Cloud Tasks push .*\$\d+\.\d\d\/month.*HTTP handler/);
  });

  it.each([
    ["seed", "MYSQL_8_0", "mysql"],
    ["django", "POSTGRES_15", "postgres"],
    ["flask", "MYSQL_5_7", "mysql"],
    ["apiOnly", "POSTGRES_16", "postgres"],
  ] as const)("%s keeps the database engine and major version (%s)", (ex, version, engine) => {
    const db = results[ex].deployment.database!;
    expect([db.databaseVersion, db.engine, db.pointInTimeRecovery]).toEqual([version, engine, true]);
  });

  it("derives Cloud Run names from target.service, port 8080 (an API nothing moves there keeps its VM port); with no repository to find a health route in, APIs get a TCP probe", () => {
    const names = results.seed.deployment.services.map((s) => s.name);
    expect(names).toEqual(["web-app-prod", "web-app-prod-worker", "web-app-prod-ai-worker"]);
    for (const s of Object.values(results).flatMap((r) => r.deployment.services)) {
      // compute.ts containerPort: an API whose command no server flag rebinds and whose env has no PORT.
      if (s.port !== 8080) expect([s.kind, s.probe]).toEqual(["api", "tcp"]);
      if (s.kind === "api") expect([s.probe, s.healthPath]).toEqual(["tcp", "/"]);
    }
  });

  it("gives each example a different design", () => {
    const shapes = Object.values(results).map((r) =>
      JSON.stringify({ k: kinds(r), s: r.deployment.services.map((s) => [s.kind, s.cpu, s.memory, s.concurrency]) }),
    );
    expect(new Set(shapes).size).toBe(4);
  });

  it("invents nothing for the API-only VM: no worker, queue, cache or scheduler targets beyond the warm window", () => {
    const r = results.apiOnly;
    expect(r.deployment.services.map((s) => s.kind)).toEqual(["api"]);
    expect(r.deployment.queues).toEqual([]);
    expect(
      r.mapping.some((m) => ["cloud-tasks", "memorystore", "cloud-run-worker", "pubsub"].includes(m.target.kind)),
    ).toBe(false);
    expect(r.deployment.schedules?.every((j) => j.action === "set-min-instances")).toBe(true);
    expect(r.decisions.map((d) => d.title).join(" ")).not.toMatch(/Cloud Tasks|worker|Memorystore/i);
    expect(r.requirements.find((q) => q.id === "api-worker-separation")!.how).toMatch(/no background worker/);
  });

  it("with celery: push, replaces RabbitMQ with Cloud Tasks and spells out the application change", () => {
    const flask = pushed.flask;
    const broker = flask.mapping.find((m) => m.service === "rabbitmq")!;
    expect(broker.target.name).toBe(flask.deployment.queues[0]!.name);
    expect(broker.appChanges.join(" ")).toMatch(/delay\(\)\/apply_async\(\).*HTTP task/);
    expect(flask.decisions.some((d) => /Replace the rabbitmq broker with Cloud Tasks/.test(d.title))).toBe(true);
    expect(flask.deployment.queues[0]!.dispatchDeadlineSeconds).toBe(900); // --time-limit 900
  });

  it("keeps Celery on RabbitMQ's replacement: Memorystore for Redis, with the broker URL change", () => {
    const broker = results.flask.mapping.find((m) => m.service === "rabbitmq")!;
    expect(broker.target.kind).toBe("memorystore");
    expect(broker.settings).toMatchObject({ tier: "STANDARD_HA" });
    expect(broker.appChanges.join(" ")).toMatch(/CELERY_BROKER_URL.*celery\[redis\]/);
  });

  it("gives each use of Redis its home: the django cache is also Celery's broker, so Memorystore keeps both", () => {
    const r = results.django;
    const cache = r.mapping.find((m) => m.service === "redis")!;
    expect(cache.settings).toMatchObject({
      tier: "STANDARD_HA",
      version: "REDIS_7_X",
      vpcEgress: "private-ranges-only",
    });
    expect(cache.settings.uses).toBe("cache, task broker (Celery)");
    expect(cache.reason).not.toMatch(/only carries task messages/);
    const egress = r.deployment.services.filter((s) => s.vpcEgress === "private-ranges-only").map((s) => s.name);
    expect(egress).toEqual(["bookshop-web", "bookshop-web-worker", "bookshop-web-celery-beat"]);
    // Pushed: the broker use goes to Cloud Tasks, the cache stays on Memorystore (Basic tier).
    const pushedCache = pushed.django.mapping.find((m) => m.service === "redis")!;
    expect(pushedCache.target.kind).toBe("memorystore");
  });

  it("moves celery beat (pushed) and the cron entry to Cloud Scheduler, the cron command to a Cloud Run job", () => {
    const r = pushed.django;
    const job = r.deployment.services.find((s) => s.kind === "job")!;
    expect(job.command).toEqual(["python", "manage.py", "clearsessions"]);
    const trigger = r.deployment.schedules!.find((j) => j.replaces.includes("nightly-cleanup"))!;
    expect(trigger).toMatchObject({
      schedule: "30 3 * * *",
      timeZone: "Europe/Berlin",
      action: "run-job",
      target: job.name,
    });
    expect(r.mapping.find((m) => m.service === "celery-beat")!.appChanges[0]).toMatch(/beat_schedule/);
  });

  it("runs a crontab line in the image: no cd, no log redirect, the venv's python from PATH; a shell line is reported", () => {
    const yaml = (command: string) => `
apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: shop }
services:
  - { name: web, role: web, software: gunicorn, command: "gunicorn shop.wsgi --bind 127.0.0.1:8000", listen: ["127.0.0.1:8000"] }
  - { name: report, role: cron, software: python, schedule: "0 6 * * *", command: ${JSON.stringify(command)} }
target: { project: shop-prod-1, region: us-central1, github: acme/shop }
`;
    const plain = designPhase.offline(
      designInputFromYaml(yaml("cd /srv/shop && .venv/bin/python manage.py report >> /var/log/report.log 2>&1")),
    );
    expect(plain.deployment.services.find((s) => s.kind === "job")!.command).toEqual(["python", "manage.py", "report"]);
    const notes = plain.mapping.find((m) => m.service === "report")!.appChanges;
    expect(notes[0]).toBe(
      "The job runs `python manage.py report` in the app's image; it must exit non-zero on failure so the execution is marked failed.",
    );
    expect(notes[1]).toMatch(
      /^Left out of the VM's command: >> \/var\/log\/report.log; 2>&1; cd \/srv\/shop; .venv\/bin\/python → python/,
    );

    // A line that sets up its shell first (pretix's guide): the notes name what the job runs.
    const exported = designPhase.offline(
      designInputFromYaml(yaml("export PATH=/srv/shop/venv/bin:$PATH && cd /srv/shop && python -m shop runperiodic")),
    );
    expect(exported.deployment.services.find((s) => s.kind === "job")!.command).toEqual([
      "python",
      "-m",
      "shop",
      "runperiodic",
    ]);
    expect(exported.mapping.find((m) => m.service === "report")!.appChanges[0]).toBe(
      "The job runs `python -m shop runperiodic` in the app's image; it must exit non-zero on failure so the execution is marked failed.",
    );

    const piped = designPhase.offline(
      designInputFromYaml(yaml("python manage.py report | mail -s report ops@example.com")),
    );
    expect(piped.deployment.services.find((s) => s.kind === "job")!.command).toBeUndefined();
    expect(piped.mapping.find((m) => m.service === "report")!.appChanges[0]).toMatch(
      /cannot run as a plain container command \("\|" needs a shell.*bin\/report\.sh/,
    );
  });

  it.each([
    ["seed", true, 0],
    ["django", true, 1],
  ] as const)("%s: HA follows the audit's database SPOF finding, replicas follow growth", (ex, ha, replicas) => {
    const db = results[ex].deployment.database!;
    expect([db.highAvailability, db.readReplicas]).toEqual([ha, replicas]);
  });

  it("keeps the connection budget under the tier's max_connections", () => {
    for (const r of Object.values(results)) {
      const m = r.mapping.find((x) => x.target.kind === "cloud-sql")!;
      expect(Number(m.settings.connectionBudget)).toBeLessThanOrEqual(Number(m.settings.maxConnections) * 0.8);
    }
  });

  it.each(Object.keys(EXAMPLES) as (keyof typeof EXAMPLES)[])("%s never proposes GKE (team.kubernetes false)", (ex) => {
    expect(all(results[ex])).not.toMatch(/GKE|Kubernetes Engine|Autopilot/);
  });

  it("traces every critical audit risk of every example", () => {
    for (const ex of Object.keys(EXAMPLES) as (keyof typeof EXAMPLES)[]) {
      const input = designInput(ex);
      const audit = input.upstream.audit as { risks: { id: string; severity: string }[] };
      const traced = new Map(results[ex].riskTrace.map((t) => [t.riskId, t]));
      for (const risk of audit.risks.filter((x) => x.severity === "critical")) {
        const t = traced.get(risk.id);
        expect(t, `${ex} ${risk.id}`).toBeDefined();
        expect(t!.status === "accepted" || t!.decisionIds.length > 0).toBe(true);
      }
    }
  });
});
