// ObserveResult + design → files: the SLO document and error-budget policy, one JSON request body
// per Monitoring/Logging resource, the dashboards (Cloud Monitoring and Grafana), and the setup
// script that sends them. Nothing a model wrote reaches the script: it only carries names from the
// pattern-checked deployment and our own file paths.
import { BURN_RATES, errorBudgetMinutes } from "../../contracts/burn-rate.js";
import { pct } from "../../contracts/service-levels.js";
import { renderTemplateSync, templateText } from "../../render/templates.js";
import type { Artifact } from "../../write/plan.js";
import { businessHoursLength } from "../../contracts/business-hours.js";
import { hasCanary } from "../../contracts/deployment.js";
import { heldWhy, openDecisions } from "../../contracts/held-targets.js";
import type { PhaseInput } from "../../contracts/phase.js";
import { buildObserveContext, type ObserveContext } from "./context.js";
import { appName, CHANNEL_TOKEN, OBSERVE_PATHS, UPTIME_TOKEN } from "./names.js";
import { buildPlan, type MonitoringPlan } from "./plan.js";
import { checkResult } from "./result-check.js";
import { hours, POOL_CPU_PERCENT, POOL_MEMORY_PERCENT } from "./worker-pools.js";
import type { ObserveResult, Slo } from "./schema.js";

const MEASURES: Record<Slo["kind"], (s: Slo) => string> = {
  availability: () => "requests answered without a 5xx",
  latency: (s) => `requests answered within ${s.thresholdMs} ms`,
  "task-success": (s) => (s.queue ? `task attempts on ${s.queue} that succeed` : "AI tasks that end with an answer"),
  "task-delay": (s) => `tasks on ${s.queue} started within ${Math.round(s.thresholdMs! / 1000)} s of being due`,
};

function budget(s: Slo): string {
  const minutes = Math.round(errorBudgetMinutes(s.target, s.windowDays));
  return s.kind === "availability" || s.kind === "latency"
    ? `${minutes} min`
    : `${minutes} min, or 1 in ${Math.round(1 / (1 - s.target))} ${s.kind === "task-delay" ? "late" : "failed"}`;
}

function alertLines(
  ctx: ObserveContext,
  result: ObserveResult,
  plan: MonitoringPlan,
): { title: string; detail: string }[] {
  const lines: { title: string; detail: string }[] = [];
  for (const u of plan.uptimeChecks)
    lines.push({
      title: `Uptime of ${u.service}`,
      detail: `HTTPS ${u.path} every minute from every checker region${u.statusClasses === "2xx" ? "" : " (any answer below 500 passes: the app has no health route)"}; alerts when more than one region fails.`,
    });
  const db = ctx.deployment.database;
  if (db && result.database) {
    const d = result.database;
    lines.push({
      title: `Cloud SQL ${db.instance}`,
      detail:
        `CPU over ${d.cpuPercent}% for 10 min, connections over ${d.connectionsPercent}% of max_connections, ` +
        `disk over ${d.diskPercent}%` +
        (db.readReplicas > 0 ? `, replica lag over ${d.replicaLagSeconds} s.` : " (no read replica, so no lag alert)."),
    });
  }
  for (const q of result.queues)
    lines.push({
      title: `Queue ${q.queue}`,
      detail:
        `more than ${q.maxDepth} tasks waiting for 10 min, or the 99th percentile start delay over ` +
        `${q.maxDelaySeconds} s (Cloud Tasks has no oldest-task-age metric; a late start is an old task).`,
    });
  if (ctx.aiWorker && result.aiWorker)
    lines.push({
      title: `AI worker ${ctx.aiWorker.name}`,
      detail:
        `more than ${result.aiWorker.failuresPerHour} tasks failed for good in an hour, or model calls slower than ` +
        `${result.aiWorker.modelLatencySeconds} s at p95 for 15 min (log-based metrics from the worker's own log lines).`,
    });
  const scheduler = plan.logMetrics.find((m) => m.spec.resourceType === "cloud_scheduler_job");
  if (scheduler)
    lines.push({
      title: "Cloud Scheduler jobs",
      detail: "any failed attempt (Cloud Scheduler has no metrics; its error log lines are counted).",
    });
  for (const f of plan.freshness)
    lines.push({
      title: `Job ${f.job}`,
      detail:
        `any failed execution` +
        (f.seconds !== undefined
          ? `, or no successful run for ${Math.round(f.seconds / 60)} minutes (its schedule's longest gap plus its run time).`
          : "; its schedule leaves gaps longer than the 25 hours an alert can look back (or it has no " +
            "schedule), so check its last run in the weekly review."),
    });
  for (const w of plan.pools)
    lines.push({
      title: `Worker pool ${w.pool.name}`,
      detail:
        `no instance running for 5 min (no data counts as none), CPU over ${POOL_CPU_PERCENT}% (p99) for 15 min, or memory over ${POOL_MEMORY_PERCENT}% for 10 min` +
        (w.jobs
          ? `, or no job finished for ${hours(w.jobs.silenceSeconds)} hours (a log-based metric counts the ${w.jobs.line.line} line its ${w.what} writes per job).`
          : `. Its ${w.what} writes no line per finished job at its default log level, so a stuck one looks like an idle one: see "Worker pools" below.`),
    });
  return lines;
}

function docs(ctx: ObserveContext, result: ObserveResult, plan: MonitoringPlan): Artifact[] {
  const app = appName(ctx.deployment);
  const risks = new Map(ctx.risks.map((r) => [r.id, r]));
  const slos = result.slos.map((s) => ({
    ...s,
    measures: MEASURES[s.kind](s),
    target: pct(s.target),
    budget: budget(s),
    risks: s.watchesRisks.join(", ") || "none",
    watched: s.watchesRisks.filter((id) => risks.has(id)).map((id) => ({ id, title: risks.get(id)!.title })),
  }));
  // Only a canary reads them at deploy time (cicd's rolloutStrategy): not an IAM-only service, nor
  // one whose share holds locked files (deployed straight, contracts/deployment.ts lockedShare).
  const canaried = new Set(ctx.deployment.services.filter((s) => hasCanary(s)).map((s) => s.name));
  const gates = [...ctx.levels.values()]
    .filter((l) => canaried.has(l.service))
    .map((l) => ({
      service: l.service,
      ratio: pct(l.canary.max5xxRatio),
      percentile: l.canary.latencyPercentile,
      latency: l.canary.maxLatencyMs,
      minRequests: l.canary.minRequests,
    }));
  const dashboards = plan.dashboards.map((d) => ({ title: d.displayName, file: d.file, grafanaFile: d.grafanaFile }));
  const engineers = ctx.inventory.team.engineers;
  const hours = businessHoursLength(ctx.inventory.target.businessHours);
  return [
    {
      path: OBSERVE_PATHS.slosDoc,
      kind: "markdown",
      content: renderTemplateSync("observe/slos.md.hbs", {
        app,
        summary: result.summary,
        slos,
        fast: BURN_RATES.fast,
        slow: BURN_RATES.slow,
        alerts: alertLines(ctx, result, plan),
        pools: plan.pools.map((w) => ({ name: w.pool.name, what: w.what, counted: !!w.jobs })),
        silentPools: plan.pools.filter((w) => !w.jobs).map((w) => w.pool.name),
        gates,
        dashboards,
      }),
    },
    {
      path: OBSERVE_PATHS.policyDoc,
      kind: "markdown",
      content: renderTemplateSync("observe/error-budget-policy.md.hbs", {
        app,
        team: engineers === undefined ? "a team of unknown size" : `a team of ${engineers} engineer(s)`,
        hours: hours === undefined ? false : `${ctx.inventory.target.businessHours} (${hours} hours a day)`,
        policy: result.errorBudgetPolicy,
      }),
    },
    {
      path: OBSERVE_PATHS.readme,
      kind: "markdown",
      content: renderTemplateSync("observe/README.md.hbs", {
        app,
        project: ctx.deployment.project,
        held: ctx.held.map((t) => ({ name: t.name, why: heldWhy(t).short })),
        heldDecisions: openDecisions(ctx.held),
        counts: `${plan.slos.length} SLOs, ${plan.policies.length} alert policies, ${plan.logMetrics.length} log-based metrics, ${plan.dashboards.length} dashboards`,
      }),
    },
  ];
}

export function renderObserve(result: ObserveResult, input: PhaseInput): Artifact[] {
  const ctx = buildObserveContext(input);
  checkResult(ctx, result);
  const plan = buildPlan(ctx, result);
  const json: Artifact[] = plan.files.map((f) => ({
    path: f.path,
    kind: "json",
    content: JSON.stringify(f.body, null, 2) + "\n",
    // The APIs reject unknown fields, so these files carry no `$comment` provenance.
    noHeader: true,
  }));
  const script = renderTemplateSync("observe/setup-observability.sh.hbs", {
    app: appName(ctx.deployment),
    project: ctx.deployment.project,
    region: ctx.deployment.region,
    channelToken: CHANNEL_TOKEN,
    uptimeToken: UPTIME_TOKEN,
    logMetrics: plan.logMetrics,
    services: plan.services,
    slos: plan.slos,
    uptimeChecks: plan.uptimeChecks,
    policies: plan.policies.map((p) => ({
      displayName: p.displayName,
      file: p.file,
      uptimeCheck: p.spec.uptimeCheck ?? false,
    })),
    dashboards: plan.dashboards,
  });
  return [
    ...docs(ctx, result, plan),
    ...json,
    { path: OBSERVE_PATHS.script, kind: "shell", content: script, executable: true },
    { path: OBSERVE_PATHS.scriptLib, kind: "shell", content: templateText("observe/lib/monitoring-api.sh") },
  ];
}
