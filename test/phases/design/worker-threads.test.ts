// A Sidekiq process runs `concurrency` jobs at once, each thread on its own database connection:
// the Cloud SQL connection budget counts a worker pool instance as that many, not 2. The command's
// -c/--concurrency first, then config/sidekiq.yml's `:concurrency:` (an ERB ENV.fetch counts as its
// default), then Sidekiq's own default: 5 since Sidekiq 7, 10 before. The hand inventory
// rails-sidekiq (Sidekiq 7.2 with and without -c 2) and Mastodon (-c 25), Chatwoot
// (ENV.fetch("SIDEKIQ_CONCURRENCY", 10)) and Maybe (ENV.fetch("RAILS_MAX_THREADS") { 3 }) showed it.
// A Celery worker's -c children count the same way; a Node worker's jobs share its one pool.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { designPhase } from "../../../src/phases/design/index.js";
import { designResultSchema } from "../../../src/phases/design/schema.js";
import { sidekiqConfigConcurrency, workerThreads } from "../../../src/phases/design/rules/worker-threads.js";
import type { Service } from "../../../src/inventory/schema.js";
import { ROOT } from "../../helpers/phase-input.js";
import { designInputFromYaml } from "./design-input.js";

const yaml = `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: tradeboard }
services:
  - { name: puma, role: web, software: puma, runtime: ruby, framework: rails, command: "bundle exec puma", listen: ["127.0.0.1:3000"], dependsOn: [db, redis], env: [DATABASE_URL, REDIS_URL] }
  - { name: sidekiq-default, role: worker, software: sidekiq, version: "7.2", runtime: ruby, command: "bundle exec sidekiq -e production -q default", longRunning: true, dependsOn: [db, redis], env: [DATABASE_URL, REDIS_URL] }
  - { name: sidekiq-imports, role: worker, software: sidekiq, version: "7.2", runtime: ruby, command: "bundle exec sidekiq -e production -c 2 -q imports", longRunning: true, dependsOn: [db, redis], env: [DATABASE_URL, REDIS_URL] }
  - { name: redis, role: cache, software: redis, listen: ["127.0.0.1:6379"] }
  - { name: db, role: database, software: postgresql, listen: ["127.0.0.1:5432"] }
data:
  - { service: db, engine: postgresql, version: "15", sizeGiB: 10, backups: daily }
deploy: { method: other }
target: { project: tradeboard-prod, region: europe-west1, service: tradeboard }
`;

const sidekiq = (command: string, version?: string, workingDir?: string): Service => ({
  name: "sidekiq",
  role: "worker",
  software: "sidekiq",
  runtime: "ruby",
  command,
  listen: [],
  dependsOn: [],
  env: [],
  ...(version ? { version } : {}),
  ...(workingDir ? { workingDir } : {}),
});

describe("a Sidekiq worker pool's connections", () => {
  it("counts Sidekiq 7's 5 threads, or -c, per instance in the budget", () => {
    const r = designResultSchema.parse(designPhase.offline(designInputFromYaml(yaml)));
    const pool = (vm: string) => r.deployment.services.find((t) => t.replaces.includes(vm))!.name;
    const decision = r.decisions.find((x) => x.title.startsWith("Move the database to Cloud SQL"))!.decision;
    expect(decision).toContain(
      `${pool("sidekiq-default")}: max instances × 5 (a connection per thread, Sidekiq 7's default)`,
    );
    expect(decision).toContain(
      `${pool("sidekiq-imports")}: max instances × 2 (a connection per thread, set on its command)`,
    );
  });

  it("reads the config file's concurrency, an ERB default included, else the version's default", () => {
    expect(sidekiqConfigConcurrency("---\n:concurrency: 25\n")).toBe(25);
    expect(sidekiqConfigConcurrency(':concurrency: <%= ENV.fetch("SIDEKIQ_CONCURRENCY", 10) %>\n')).toBe(10);
    expect(sidekiqConfigConcurrency('concurrency: <%= ENV.fetch("RAILS_MAX_THREADS") { 3 } %>\n')).toBe(3);
    expect(sidekiqConfigConcurrency(":concurrency: 5\nproduction:\n  :concurrency: 20\n")).toBe(20);
    expect(sidekiqConfigConcurrency(":queues:\n  - default\n")).toBeUndefined();
    const chatwoot = path.join(ROOT, "test/fixtures/real/chatwoot/vm/home/chatwoot/chatwoot");
    expect(
      workerThreads(sidekiq("/bin/bash -lc 'dotenv bundle exec sidekiq -C config/sidekiq.yml'"), chatwoot),
    ).toEqual({
      threads: 10,
      source: "the concurrency in config/sidekiq.yml",
      connectionEach: true,
    });
    expect(workerThreads(sidekiq("bundle exec sidekiq", "6.5"))).toEqual({
      threads: 10,
      source: "Sidekiq 6's default",
      connectionEach: true,
    });
    expect(workerThreads(sidekiq("bundle exec sidekiq --concurrency 7", "7.2")).threads).toBe(7);
    expect(workerThreads({ ...sidekiq("rq worker"), software: "rq" }).source).toBe("assumed");
    // A Node worker's jobs share its one pool (n8n's `worker --concurrency=10`, BullMQ).
    const node = { ...sidekiq("node dist/worker.js --concurrency=10"), software: "bullmq", runtime: "node" as const };
    expect(workerThreads(node)).toMatchObject({ threads: 10, connectionEach: false });
  });
});

// A Rails app's GoodJob process (hand inventory rails-good-job, `good_job start --max-threads=10`):
// counted as 2 connections, while GoodJob holds one per execution thread plus LISTEN/NOTIFY and cron
// (its README's "Database connections"), so the budget and the pool the mapping names were short.
describe("a GoodJob worker pool's connections", () => {
  const goodJob = (command: string): Service => ({ ...sidekiq(command), software: "good_job", framework: "good_job" });

  it("counts --max-threads, else GoodJob's default of 5, plus LISTEN/NOTIFY and cron", () => {
    expect(workerThreads(goodJob("bundle exec good_job start --max-threads=10"))).toEqual({
      threads: 10,
      connections: 12,
      source: "--max-threads on its command, plus one for LISTEN/NOTIFY and one for cron",
      connectionEach: true,
    });
    expect(workerThreads(goodJob("bundle exec good_job start"))).toMatchObject({ threads: 5, connections: 7 });
  });

  it("takes that many in the Cloud SQL budget and the pool the database's mapping names", () => {
    const inv = `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: crewlog }
services:
  - { name: puma, role: web, software: puma, runtime: ruby, framework: rails, command: "bundle exec puma", listen: ["127.0.0.1:3000"], dependsOn: [db], env: [DATABASE_URL] }
  - { name: good-job, role: worker, software: good_job, runtime: ruby, framework: good_job, command: "bundle exec good_job start --max-threads=10", longRunning: true, dependsOn: [db], env: [DATABASE_URL] }
  - { name: db, role: database, software: postgresql, listen: ["127.0.0.1:5432"] }
data:
  - { service: db, engine: postgresql, version: "15", sizeGiB: 6, backups: daily }
deploy: { method: other }
target: { project: crewlog-prod, region: us-central1, service: crewlog }
`;
    const r = designResultSchema.parse(designPhase.offline(designInputFromYaml(inv)));
    const pool = r.deployment.services.find((t) => t.replaces.includes("good-job"))!.name;
    const decision = r.decisions.find((x) => x.title.startsWith("Move the database to Cloud SQL"))!.decision;
    expect(decision).toContain(
      `${pool}: max instances × 12 (a connection per thread, --max-threads on its command, plus one for LISTEN/NOTIFY and one for cron)`,
    );
    expect(r.mapping.find((m) => m.service === "db")!.appChanges.join("\n")).toContain(
      "with a pool of at most 12 connections per instance",
    );
  });
});
