// Worker pools (always-on consumers and loops) are watched by what Google Cloud really measures for
// them: the instance count, CPU and memory, and, where the consumer writes one line per finished
// job at its default log level, a log-based count whose absence alerts. Checked on the real-app
// corpus, whose pools cover Celery, RQ, Sidekiq, BullMQ, Laravel Horizon and plain loops.
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseInventory } from "../../../src/inventory/load.js";
import { offlineObserve } from "../../../src/phases/observe/offline.js";
import { renderObserve } from "../../../src/phases/observe/render.js";
import { jobLine } from "../../../src/phases/observe/worker-pools.js";
import type { Artifact } from "../../../src/write/plan.js";
import { chainFile, chainYaml, EXAMPLE } from "../../helpers/chain.js";
import { ROOT } from "../../helpers/phase-input.js";
import { RUBY_WORKER_ONLY } from "./inventories.js";

const REAL = path.join(ROOT, "test/fixtures/real");
const json = (files: Artifact[], p: string) => {
  const f = files.find((a) => a.path === p);
  return f ? JSON.parse(f.content) : undefined;
};
const service = (software: string, command: string) =>
  parseInventory(
    `apiVersion: infra-migrate/v1\nkind: Inventory\nmetadata: { name: x }\nservices:\n  - { name: w, role: worker, software: ${software}, command: ${JSON.stringify(command)} }\n`,
    "inline.yaml",
  ).inventory.services[0]!;

describe("jobLine: the line a consumer writes per finished job at its default log level", () => {
  it.each([
    ["celery", "celery -A app worker --loglevel=info", 'textPayload:"] succeeded in "'],
    ["celery", "celery --app paperless worker --loglevel INFO", 'textPayload:"] succeeded in "'],
    ["celery", "celery -A app worker -l debug", 'textPayload:"] succeeded in "'],
    ["celery", "celery -A app worker --concurrency 8", undefined], // WARNING by default: no per-task line
    ["celery", "celery -A app worker -l warning", undefined],
    ["celery beat", "celery -A app beat --loglevel info", undefined], // a scheduler finishes no jobs
    ["rq", "python manage.py rqworker high default low", 'textPayload:"Job OK"'],
    ["rq", "rq worker --quiet", undefined],
    ["sidekiq", "bundle exec sidekiq -c 25", '(textPayload:"INFO: done" OR jsonPayload.msg="done")'],
    ["bullmq", "node worker.js", undefined],
    ["django", "python manage.py sendalerts", undefined],
  ])("%s `%s`", (software, command, match) => {
    expect(jobLine(service(software, command))?.match).toBe(match);
  });
});

// pool (by the inventory service it replaces) → whether its jobs are counted
const CORPUS: Array<[app: string, counted: string[], uncounted: string[]]> = [
  ["fastapi-celery", ["fastapi-celery-worker"], []],
  ["healthchecks", [], ["healthchecks-sendalerts", "healthchecks-sendreports"]],
  ["mastodon", ["mastodon-worker"], []],
  ["netbox", ["netbox-worker"], []],
  ["outline", [], ["outline-worker"]],
  ["paperless-ngx", ["paperless-ngx-worker"], ["paperless-ngx-consumer", "paperless-ngx-scheduler"]],
  ["pixelfed", [], ["pixelfed-worker"]],
  ["redash", ["redash-worker"], ["redash-scheduler"]],
];

describe.skipIf(!existsSync(REAL))("every worker pool of the corpus has an alert", () => {
  it.each(CORPUS)("%s", (app, counted, uncounted) => {
    const { input, design } = chainFile(path.join(REAL, app, "inventory.yaml"));
    const pools = design.deployment.services.filter((s) => s.kind === "worker-pool").map((s) => s.name);
    expect(pools.sort()).toEqual([...counted, ...uncounted].sort());
    const files = renderObserve(offlineObserve(input), input);
    const script = files.find((f) => f.path === "scripts/setup-observability.sh")!.content;
    const slos = files.find((f) => f.path === "docs/migration/observe/slos.md")!.content;
    for (const pool of pools) {
      const policy = json(files, `monitoring/alert-policies/${pool}-health.json`);
      expect(policy, pool).toBeDefined();
      const down = policy.conditions[0].conditionThreshold;
      expect(down.filter).toContain('metric.type="run.googleapis.com/container/instance_count"');
      expect(down.filter).toContain(`resource.label.worker_pool_name="${pool}"`);
      expect(down).toMatchObject({
        comparison: "COMPARISON_LT",
        thresholdValue: 1,
        evaluationMissingData: "EVALUATION_MISSING_DATA_ACTIVE",
      });
      const metric = json(files, `monitoring/log-metrics/${pool}-jobs-done.json`);
      const absent = policy.conditions.find((c: { conditionAbsent?: unknown }) => c.conditionAbsent);
      expect(!!metric, pool).toBe(counted.includes(pool));
      expect(!!absent, pool).toBe(counted.includes(pool));
      if (metric) {
        expect(metric.filter).toContain(`resource.labels.worker_pool_name="${pool}"`);
        expect(absent.conditionAbsent.filter).toContain(`logging.googleapis.com/user/${pool}-jobs-done`);
        // the metric exists before the policy that reads it is sent
        expect(script.indexOf(`log_metric ${pool}-jobs-done`)).toBeGreaterThan(-1);
        expect(script.indexOf(`log_metric ${pool}-jobs-done`)).toBeLessThan(
          script.indexOf(`monitoring/alert-policies/${pool}-health.json`),
        );
      }
      expect(slos).toContain(`**Worker pool ${pool}**`);
      const workers = json(files, "monitoring/dashboards/workers.json");
      expect(workers.mosaicLayout.tiles.map((t: { widget: { title: string } }) => t.widget.title)).toContain(
        `${pool}: instances`,
      );
    }
    expect(slos).toContain("Memorystore for Redis exports");
    if (uncounted.length) expect(slos).toContain(`${uncounted.join(", ")} write no line per finished job`);
  });
});

describe("how long no finished job is news", () => {
  const absence = (yaml: string) => {
    const { input } = chainYaml(yaml);
    const files = renderObserve(offlineObserve(input), input);
    const policy = json(files, "monitoring/alert-policies/ingest-prod-worker-health.json");
    const condition = policy.conditions.find((c: { conditionAbsent?: unknown }) => c.conditionAbsent);
    return [condition.conditionAbsent.duration, condition.displayName];
  };
  it("a quiet app (or one whose traffic is unknown) may idle through the night: 23.5 hours", () => {
    expect(absence(RUBY_WORKER_ONLY)).toEqual(["84600s", "no finished job for 23.5 h"]);
  });
  it("an app with a request a second on average runs jobs all day: 6 hours", () => {
    expect(absence(RUBY_WORKER_ONLY.replace("team:", "traffic: { averageRps: 3 }\nteam:"))).toEqual([
      "21600s",
      "no finished job for 6 h",
    ]);
  });
});

it("the error-budget policy lets worker pool alerts wait for the morning, with the queue's", () => {
  const pools = chainFile(EXAMPLE("seed-vm")); // Celery kept on Memorystore: a worker pool
  expect(offlineObserve(pools.input).errorBudgetPolicy.outsideBusinessHours).toContain("worker pool");
  const pushed = chainFile(EXAMPLE("seed-vm"), { celery: "push" }); // Cloud Tasks workers only
  expect(offlineObserve(pushed.input).errorBudgetPolicy.outsideBusinessHours).not.toContain("worker pool");
});
