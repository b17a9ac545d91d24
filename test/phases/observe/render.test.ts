// Rendering the observe result into files, and the validators that stand between a bad answer and
// the user's repository: every example's files pass; corrupted files and answers that contradict
// the design or the deploy gate do not.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { filterText, requestCountTerms, serverErrorTerms } from "../../../src/contracts/request-sli.js";
import { GenerationError } from "../../../src/errors.js";
import { AI_LOG } from "../../../src/phases/observe/log-metrics.js";
import { offlineObserve } from "../../../src/phases/observe/offline.js";
import { renderObserve } from "../../../src/phases/observe/render.js";
import { observeResultSchema, type ObserveResult } from "../../../src/phases/observe/schema.js";
import { validateObserve } from "../../../src/phases/observe/validate.js";
import type { Artifact } from "../../../src/write/plan.js";
import { inputFromFile, ROOT } from "../../helpers/phase-input.js";
import { chainFile, chainYaml, EXAMPLE } from "../../helpers/chain.js";
import { MAIL_ONLY, NO_PROCESS, NODE_BULLMQ, RUBY_WORKER_ONLY } from "./inventories.js";
import { phaseMeta } from "../../../src/phases/registry.js";

// The seed with Celery rewritten to Cloud Tasks push: its worker then has a queue to watch
// (kept on Memorystore, the default, it is a worker pool with CPU and memory panels).
const seed = chainFile(EXAMPLE("seed-vm"), { celery: "push" });
/** The real-app corpus (test/fixtures/real/<app>/inventory.yaml), when present. */
const REAL = path.join(ROOT, "test/fixtures/real");
const corpus = existsSync(REAL)
  ? readdirSync(REAL).filter(
      (app) =>
        existsSync(path.join(REAL, app, "inventory.yaml")) &&
        // Not an app whose every process stays off Cloud Run (SQLite-only): observe is skipped for it.
        !phaseMeta("observe").skipReason?.(inputFromFile(path.join(REAL, app, "inventory.yaml")).inventory),
    )
  : [];
const seedFiles = renderObserve(offlineObserve(seed.input), seed.input);
const file = (files: Artifact[], p: string) => JSON.parse(files.find((a) => a.path === p)!.content);
const replace = (files: Artifact[], p: string, edit: (body: any) => void): Artifact[] =>
  files.map((a) => {
    if (a.path !== p) return a;
    const body = JSON.parse(a.content);
    edit(body);
    return { ...a, content: JSON.stringify(body) };
  });

describe("renderObserve", () => {
  it.each(["seed-vm", "django-postgres", "flask-rabbitmq", "api-only"])(
    "%s: every file passes validation",
    async (name) => {
      const { input, design } = chainFile(EXAMPLE(name));
      const files = renderObserve(offlineObserve(input), input);
      expect(await validateObserve(files, design.deployment.project)).toEqual([]);
      expect(files.filter((f) => f.path.startsWith("monitoring/dashboards/")).length).toBeGreaterThanOrEqual(2);
      expect(files.filter((f) => f.path.startsWith("monitoring/grafana/")).length).toBe(
        files.filter((f) => f.path.startsWith("monitoring/dashboards/")).length,
      );
      for (const f of files.filter((a) => a.kind === "json")) expect(f.noHeader, f.path).toBe(true);
    },
  );

  it.skipIf(corpus.length === 0).each(corpus)("real app %s: every JSON file passes validation", async (app) => {
    const { input, design } = chainFile(path.join(REAL, app, "inventory.yaml"));
    const files = renderObserve(offlineObserve(input), input);
    expect(await validateObserve(files, design.deployment.project, { shell: false })).toEqual([]);
    // every deployed API has both request SLOs, whatever the inventory leaves unsaid (a held one is
    // not deployed, so nothing watches it: held-everywhere.test.ts)
    for (const api of design.deployment.services.filter((s) => s.kind === "api" && !s.held))
      expect(
        files.filter((f) => f.path.startsWith(`monitoring/slos/${api.name}`)).length,
        api.name,
      ).toBeGreaterThanOrEqual(2);
  });

  it.each([
    ["a Node/BullMQ app with a half-hourly cron job", NODE_BULLMQ],
    ["a Ruby worker without any web service", RUBY_WORKER_ONLY],
  ])("%s: every file passes validation", async (_, yaml) => {
    const { input, design } = chainYaml(yaml);
    const result = offlineObserve(input);
    const files = renderObserve(result, input);
    expect(await validateObserve(files, design.deployment.project)).toEqual([]);
    const apis = design.deployment.services.filter((s) => s.kind === "api");
    expect(result.slos.filter((s) => s.kind === "availability")).toHaveLength(apis.length);
    for (const job of design.deployment.services.filter((s) => s.kind === "job"))
      expect(files.some((f) => f.path === `monitoring/alert-policies/${job.name}-runs.json`)).toBe(true);
  });

  it.each([
    ["nginx and a database, no app process", NO_PROCESS, ["database", "overview"]],
    ["a mail listener only", MAIL_ONLY, []],
  ])("%s: no Cloud Run service; a dashboard only with something on it", async (_, yaml, dashboards) => {
    const { input, design } = chainYaml(yaml);
    expect(design.deployment.services).toEqual([]);
    const files = renderObserve(offlineObserve(input), input);
    expect(await validateObserve(files, design.deployment.project)).toEqual([]);
    const names = (dir: string) =>
      files.filter((f) => f.path.startsWith(`monitoring/${dir}/`)).map((f) => path.basename(f.path, ".json"));
    expect(names("dashboards").sort()).toEqual(dashboards);
    expect(names("grafana").sort()).toEqual(dashboards);
  });

  it("a half-hourly job is alerted on after its gap plus its run time without a success", () => {
    const { input, design } = chainYaml(NODE_BULLMQ);
    const files = renderObserve(offlineObserve(input), input);
    const job = design.deployment.services.find((s) => s.kind === "job")!;
    const policy = file(files, `monitoring/alert-policies/${job.name}-runs.json`);
    const minutes = 30 + Math.max(15, job.timeoutSeconds / 60);
    expect(policy.conditions[1].displayName).toBe(`no successful run for ${minutes} min`);
  });

  it("seed: SLOs, their burn-rate pairs, uptime, Cloud SQL, queues, AI worker and scheduler alerts", () => {
    const paths = seedFiles.map((f) => f.path);
    expect(paths.filter((p) => p.startsWith("monitoring/slos/"))).toHaveLength(6);
    const policies = paths
      .filter((p) => p.startsWith("monitoring/alert-policies/"))
      .map((p) => path.basename(p, ".json"));
    expect(policies).toEqual(
      expect.arrayContaining([
        "web-app-prod-availability-fast-burn",
        "web-app-prod-availability-slow-burn",
        "web-app-prod-uptime",
        "web-app-prod-db-health",
        "web-app-prod-tasks-backlog",
        "web-app-prod-ai-tasks-backlog",
        "web-app-prod-ai-worker-model",
        "acme-mvp-scheduler-failures",
      ]),
    );
    expect(policies).toHaveLength(6 * 2 + 6);
    expect(paths).toEqual(
      expect.arrayContaining([
        "docs/migration/observe/slos.md",
        "docs/migration/observe/error-budget-policy.md",
        "scripts/setup-observability.sh",
      ]),
    );
  });

  it("the availability SLO measures exactly the request SLI the canary reads", () => {
    const slo = file(seedFiles, "monitoring/slos/web-app-prod-availability.json");
    expect(slo.goal).toBe(0.999);
    expect(slo.rollingPeriod).toBe(`${28 * 86400}s`);
    expect(slo.serviceLevelIndicator.requestBased.goodTotalRatio).toEqual({
      badServiceFilter: filterText(serverErrorTerms("web-app-prod")),
      totalServiceFilter: filterText(requestCountTerms("web-app-prod")),
    });
  });

  it("fast burn pages on two windows together, slow burn opens a ticket", () => {
    const fast = file(seedFiles, "monitoring/alert-policies/web-app-prod-availability-fast-burn.json");
    expect(fast.combiner).toBe("AND");
    expect(fast.severity).toBe("CRITICAL");
    expect(
      fast.conditions.map((c: { conditionThreshold: { filter: string; thresholdValue: number } }) => [
        c.conditionThreshold.filter,
        c.conditionThreshold.thresholdValue,
      ]),
    ).toEqual([
      [
        'select_slo_burn_rate("projects/acme-mvp-prod/services/web-app-prod/serviceLevelObjectives/web-app-prod-availability", "60m")',
        14.4,
      ],
      [
        'select_slo_burn_rate("projects/acme-mvp-prod/services/web-app-prod/serviceLevelObjectives/web-app-prod-availability", "5m")',
        14.4,
      ],
    ]);
    const slow = file(seedFiles, "monitoring/alert-policies/web-app-prod-availability-slow-burn.json");
    expect([slow.severity, slow.conditions[0].conditionThreshold.thresholdValue]).toEqual(["WARNING", 6]);
    expect(fast.documentation.content).toContain(offlineObserve(seed.input).errorBudgetPolicy.fastBurn);
  });

  it("a daily Cloud Run job is watched for failures and for a day without success (django)", () => {
    const { input } = chainFile(EXAMPLE("django-postgres"));
    const files = renderObserve(offlineObserve(input), input);
    const job = file(files, "monitoring/alert-policies/bookshop-web-nightly-cleanup-runs.json");
    expect(job.conditions.map((c: { displayName: string }) => c.displayName)).toEqual([
      "an execution failed",
      "no successful run for 1500 min",
    ]);
    expect(job.conditions[1].conditionThreshold).toMatchObject({
      comparison: "COMPARISON_LT",
      evaluationMissingData: "EVALUATION_MISSING_DATA_ACTIVE",
    });
    // PostgreSQL reports backends, not network connections.
    const db = JSON.stringify(file(files, "monitoring/alert-policies/bookshop-web-db-health.json"));
    expect(db).toContain("cloudsql.googleapis.com/database/postgresql/num_backends");
  });

  it("the AI worker's log-based metrics read lines ai_worker.py really writes", () => {
    const worker = readFileSync(path.join(ROOT, "templates/llmops/ai_worker.py.hbs"), "utf8");
    expect(worker).toContain(`"component": "${AI_LOG.component}"`);
    expect(worker).toContain(`"${AI_LOG.succeeded}", task_id, attempt=attempt, ${AI_LOG.latencyField}=`);
    expect(worker).toContain(`"${AI_LOG.failed}"`);
    const metric = file(seedFiles, "monitoring/log-metrics/web-app-prod-ai-worker-model-latency.json");
    expect(metric.valueExtractor).toBe(`EXTRACT(jsonPayload.${AI_LOG.latencyField})`);
  });
});

describe("validation catches broken files", () => {
  const project = "acme-mvp-prod";
  it.each([
    [
      "a misspelled field",
      "monitoring/alert-policies/web-app-prod-uptime.json",
      (b: any) => ((b.combinr = b.combiner), delete b.combiner),
      /combinr|combiner/,
    ],
    [
      "a metric that does not exist",
      "monitoring/alert-policies/web-app-prod-db-health.json",
      (b: any) =>
        (b.conditions[0].conditionThreshold.filter = b.conditions[0].conditionThreshold.filter.replace(
          "cpu/utilization",
          "cpu/usage",
        )),
      /unknown metric type/,
    ],
    [
      "a rate on a gauge",
      "monitoring/alert-policies/web-app-prod-tasks-backlog.json",
      (b: any) => (b.conditions[0].conditionThreshold.aggregations[0].perSeriesAligner = "ALIGN_RATE"),
      /needs a DELTA or CUMULATIVE/,
    ],
    [
      "a distribution compared without a percentile",
      "monitoring/alert-policies/web-app-prod-ai-worker-model.json",
      (b: any) => delete b.conditions[1].conditionThreshold.aggregations[0].crossSeriesReducer,
      /reduced to a number/,
    ],
    [
      "a hard-coded channel",
      "monitoring/alert-policies/web-app-prod-uptime.json",
      (b: any) => (b.notificationChannels = ["projects/x/notificationChannels/1"]),
      /placeholder/,
    ],
    [
      "a burn-rate alert on an SLO nobody creates",
      "monitoring/alert-policies/web-app-prod-latency-fast-burn.json",
      (b: any) =>
        (b.conditions[0].conditionThreshold.filter = b.conditions[0].conditionThreshold.filter.replace(
          "web-app-prod-latency",
          "web-app-prod-speed",
        )),
      /undefined SLO/,
    ],
    [
      "a latency SLO on a count",
      "monitoring/slos/web-app-prod-latency.json",
      (b: any) =>
        (b.serviceLevelIndicator.requestBased.distributionCut.distributionFilter = filterText(
          requestCountTerms("web-app-prod"),
        )),
      /distribution cut needs/,
    ],
    [
      "a tile past the last column",
      "monitoring/dashboards/apis.json",
      (b: any) => (b.mosaicLayout.tiles[1].xPos = 40),
      /past the last column/,
    ],
    [
      "a Grafana panel that asks something else",
      "monitoring/grafana/apis.json",
      (b: any) => (b.panels[0].targets[0].timeSeriesList.filters[2] = "run.googleapis.com/request_latencies"),
      /filter differs/,
    ],
    [
      "a log metric on a field logs do not have",
      "monitoring/log-metrics/web-app-prod-ai-worker-tasks-failed.json",
      (b: any) => (b.filter += ' AND payload.x="y"'),
      /unknown log field/,
    ],
  ])("%s", async (_, target, edit, message) => {
    const findings = await validateObserve(replace(seedFiles, target, edit), project, { shell: false });
    expect(findings.join("\n")).toMatch(message);
  });

  it("a script that sends a file nobody generated", async () => {
    const files = seedFiles.filter(
      (f) => f.path !== "monitoring/dashboards/database.json" && f.path !== "monitoring/grafana/database.json",
    );
    expect((await validateObserve(files, project, { shell: false })).join("\n")).toMatch(
      /sends monitoring\/dashboards\/database.json, which is not generated/,
    );
  });
});

describe("answers that contradict the design or the deploy gate", () => {
  const base = offlineObserve(seed.input);
  const variant = (edit: (r: ObserveResult) => void) => {
    const r = structuredClone(base);
    edit(r);
    return r;
  };
  it.each([
    [
      "a looser availability target than the canary gates on",
      (r: ObserveResult) => (r.slos[0]!.target = 0.99),
      /differs from the deploy gate's 0.999/,
    ],
    [
      "a latency threshold the canary does not use",
      (r: ObserveResult) => (r.slos[1]!.thresholdMs = 900),
      /differs from the deploy gate's/,
    ],
    [
      "an SLO on a service the design does not have",
      (r: ObserveResult) => (r.slos[2]!.service = "web-app-prod-mailer"),
      /not in the design/,
    ],
    [
      "a queue that feeds another worker",
      (r: ObserveResult) => (r.slos[3]!.queue = "web-app-prod-ai-tasks"),
      /does not push to/,
    ],
    [
      "a risk the audit never raised",
      (r: ObserveResult) => (r.slos[0]!.watchesRisks = ["R99"]),
      /unknown audit risk R99/,
    ],
    [
      "no latency SLO for the public API",
      (r: ObserveResult) => (r.slos = r.slos.filter((s) => s.kind !== "latency")),
      /has no latency SLO/,
    ],
    [
      "database alerts dropped while the design has Cloud SQL",
      (r: ObserveResult) => delete r.database,
      /database alert thresholds are missing/,
    ],
  ])("%s: nothing rendered", (_, edit, message) => {
    expect(() => renderObserve(variant(edit), seed.input)).toThrow(GenerationError);
    try {
      renderObserve(variant(edit), seed.input);
    } catch (error) {
      expect((error as GenerationError).findings.join("\n")).toMatch(message);
    }
  });

  it.each([
    ["markup in prose", (r: ObserveResult) => (r.summary = "All good <script>alert(1)</script> here"), /plain prose/],
    ["a shell word as an SLO id", (r: ObserveResult) => (r.slos[0]!.id = "x; rm -rf /"), /slos/],
    ["a latency SLO without a threshold", (r: ObserveResult) => delete r.slos[1]!.thresholdMs, /thresholdMs/],
    ["duplicate SLO ids", (r: ObserveResult) => (r.slos[1]!.id = r.slos[0]!.id), /unique/],
  ])("schema rejects %s", (_, edit, message) => {
    const parsed = observeResultSchema.safeParse(variant(edit));
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toMatch(message);
  });
});
