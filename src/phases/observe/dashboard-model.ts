// One model for every dashboard: an overview and one per service family (APIs, workers, AI
// worker, database, scheduled jobs). Both the Cloud Monitoring and the Grafana renderers read it,
// so the two products chart the same queries.
import { requestCountTerms, requestLatencyTerms, type FilterTerm } from "../../contracts/request-sli.js";
import type { Aggregation } from "../../validate/monitoring-shapes.js";
import { isAiWorkerTarget, type DeployTarget, type Deployment } from "../../contracts/deployment.js";
import { aiLogMetrics } from "./log-metrics.js";
import { LOG_METRIC_PREFIX } from "../../validate/monitoring-catalog.js";
import type { ObserveContext } from "./context.js";
import { POOL_CPU_PERCENT, POOL_MEMORY_PERCENT, POOL_RESOURCE, type PoolWatch } from "./worker-pools.js";

export interface Panel {
  title: string;
  terms: FilterTerm[];
  aggregation: Aggregation;
  plot: "LINE" | "STACKED_BAR";
  unit: string;
  /** A horizontal line at the objective (ms for latency panels). */
  threshold?: { value: number; label: string };
}

export interface DashboardModel {
  /** File name and Grafana uid suffix. */
  name: string;
  title: string;
  panels: Panel[];
}

const rate = (groupBy: string[]): Aggregation => ({
  alignmentPeriod: "60s",
  perSeriesAligner: "ALIGN_RATE",
  crossSeriesReducer: "REDUCE_SUM",
  groupByFields: groupBy,
});
const percentile = (p: 50 | 95 | 99, groupBy: string[]): Aggregation => ({
  alignmentPeriod: "60s",
  perSeriesAligner: "ALIGN_DELTA",
  crossSeriesReducer: `REDUCE_PERCENTILE_${p}`,
  groupByFields: groupBy,
});
const gauge = (aligner: "ALIGN_MEAN" | "ALIGN_MAX"): Aggregation => ({
  alignmentPeriod: "60s",
  perSeriesAligner: aligner,
});
const metric = (type: string, resource: string, ...scope: FilterTerm[]): FilterTerm[] => [
  ["metric.type", type],
  ["resource.type", resource],
  ...scope,
];
const runMetric = (name: string, service: string) =>
  metric(`run.googleapis.com/${name}`, "cloud_run_revision", ["resource.label.service_name", service]);
const queueMetric = (name: string, queue: string) =>
  metric(`cloudtasks.googleapis.com/queue/${name}`, "cloud_tasks_queue", ["resource.label.queue_id", queue]);

function servicePanels(ctx: ObserveContext, s: DeployTarget): Panel[] {
  const level = ctx.levels.get(s.name);
  const p = level?.latency.percentile ?? 95;
  return [
    {
      title: `${s.name}: requests by class`,
      terms: requestCountTerms(s.name),
      aggregation: rate(["metric.label.response_code_class"]),
      plot: "STACKED_BAR",
      unit: "req/s",
    },
    {
      title: `${s.name}: latency p${p}`,
      terms: requestLatencyTerms(s.name),
      aggregation: percentile(p, ["resource.label.service_name"]),
      plot: "LINE",
      unit: "ms",
      ...(level ? { threshold: { value: level.latency.thresholdMs, label: "objective" } } : {}),
    },
    {
      title: `${s.name}: instances`,
      terms: runMetric("container/instance_count", s.name),
      aggregation: { ...gauge("ALIGN_MAX"), crossSeriesReducer: "REDUCE_SUM", groupByFields: ["metric.label.state"] },
      plot: "STACKED_BAR",
      unit: "1",
    },
    {
      title: `${s.name}: CPU (p99 of instances)`,
      terms: runMetric("container/cpu/utilizations", s.name),
      aggregation: percentile(99, ["resource.label.service_name"]),
      plot: "LINE",
      unit: "10^2.%",
    },
  ];
}

/** A worker pool serves no requests: whether it runs, how hard it works and, where its consumer logs them, the jobs it finishes. */
function workerPoolPanels(watch: PoolWatch): Panel[] {
  const pool = watch.pool.name;
  const terms = (name: string) =>
    metric(`run.googleapis.com/container/${name}`, POOL_RESOURCE, ["resource.label.worker_pool_name", pool]);
  const byPool = ["resource.label.worker_pool_name"];
  return [
    {
      title: `${pool}: instances`,
      terms: terms("instance_count"),
      aggregation: { ...gauge("ALIGN_MAX"), crossSeriesReducer: "REDUCE_SUM", groupByFields: byPool },
      plot: "LINE",
      unit: "1",
    },
    ...(watch.jobs
      ? [
          {
            title: `${pool}: jobs finished`,
            terms: metric(`${LOG_METRIC_PREFIX}${watch.jobs.metric.name}`, POOL_RESOURCE),
            aggregation: rate(byPool),
            plot: "LINE" as const,
            unit: "1/s",
          },
        ]
      : []),
    {
      title: `${pool}: CPU (p99 of instances)`,
      terms: terms("cpu/utilizations"),
      aggregation: percentile(99, byPool),
      plot: "LINE",
      unit: "10^2.%",
      threshold: { value: POOL_CPU_PERCENT / 100, label: "alert" },
    },
    {
      title: `${pool}: memory (p99 of instances)`,
      terms: terms("memory/utilizations"),
      aggregation: percentile(99, byPool),
      plot: "LINE",
      unit: "10^2.%",
      threshold: { value: POOL_MEMORY_PERCENT / 100, label: "alert" },
    },
  ];
}

function queuePanels(queue: string): Panel[] {
  return [
    {
      title: `${queue}: tasks waiting`,
      terms: queueMetric("depth", queue),
      aggregation: gauge("ALIGN_MAX"),
      plot: "LINE",
      unit: "1",
    },
    {
      title: `${queue}: attempts by result`,
      terms: queueMetric("task_attempt_count", queue),
      aggregation: rate(["metric.label.response_code"]),
      plot: "STACKED_BAR",
      unit: "1/s",
    },
    {
      title: `${queue}: start delay p99`,
      terms: queueMetric("task_attempt_delays", queue),
      aggregation: percentile(99, ["resource.label.queue_id"]),
      plot: "LINE",
      unit: "ms",
    },
  ];
}

function databasePanels(deployment: Deployment): Panel[] {
  const db = deployment.database;
  if (!db) return [];
  const scope: FilterTerm = ["resource.label.database_id", `${deployment.project}:${db.instance}`];
  const sql = (name: string) => metric(`cloudsql.googleapis.com/database/${name}`, "cloudsql_database", scope);
  const connections = db.engine === "postgres" ? "postgresql/num_backends" : "network/connections";
  return [
    {
      title: `${db.instance}: CPU`,
      terms: sql("cpu/utilization"),
      aggregation: gauge("ALIGN_MEAN"),
      plot: "LINE",
      unit: "10^2.%",
    },
    {
      title: `${db.instance}: connections`,
      terms: sql(connections),
      aggregation: {
        ...gauge("ALIGN_MAX"),
        crossSeriesReducer: "REDUCE_SUM",
        groupByFields: ["resource.label.database_id"],
      },
      plot: "LINE",
      unit: "1",
    },
    {
      title: `${db.instance}: disk`,
      terms: sql("disk/utilization"),
      aggregation: gauge("ALIGN_MAX"),
      plot: "LINE",
      unit: "10^2.%",
    },
    {
      title: `${db.instance}: memory`,
      terms: sql("memory/utilization"),
      aggregation: gauge("ALIGN_MAX"),
      plot: "LINE",
      unit: "10^2.%",
    },
  ];
}

function aiPanels(worker: string): Panel[] {
  const m = aiLogMetrics(worker);
  const log = (name: string) => metric(`${LOG_METRIC_PREFIX}${name}`, "cloud_run_revision");
  return [
    {
      title: `${worker}: tasks succeeded`,
      terms: log(m.succeeded.name),
      aggregation: rate(["resource.label.service_name"]),
      plot: "LINE",
      unit: "1/s",
    },
    {
      title: `${worker}: tasks failed`,
      terms: log(m.failed.name),
      aggregation: rate(["resource.label.service_name"]),
      plot: "LINE",
      unit: "1/s",
    },
    {
      title: `${worker}: model latency p95`,
      terms: log(m.latency.name),
      aggregation: percentile(95, ["resource.label.service_name"]),
      plot: "LINE",
      unit: "ms",
    },
  ];
}

function jobPanels(deployment: Deployment): Panel[] {
  return deployment.services
    .filter((s) => s.kind === "job")
    .map((j) => ({
      title: `${j.name}: executions by result`,
      terms: metric("run.googleapis.com/job/completed_execution_count", "cloud_run_job", [
        "resource.label.job_name",
        j.name,
      ]),
      aggregation: {
        alignmentPeriod: "3600s",
        perSeriesAligner: "ALIGN_DELTA",
        crossSeriesReducer: "REDUCE_SUM",
        groupByFields: ["metric.label.result"],
      },
      plot: "STACKED_BAR",
      unit: "1",
    }));
}

export function dashboardModels(ctx: ObserveContext, appName: string, pools: PoolWatch[]): DashboardModel[] {
  const { deployment } = ctx;
  const apis = deployment.services.filter((s) => s.kind === "api");
  const workers = deployment.services.filter((s) => s.kind === "worker" && !isAiWorkerTarget(s));
  const queuesOf = (target: string) => deployment.queues.filter((q) => q.target === target).map((q) => q.name);
  const families: DashboardModel[] = [
    { name: "apis", title: "APIs", panels: apis.flatMap((s) => servicePanels(ctx, s)) },
    {
      name: "workers",
      title: "Workers and queues",
      panels: [
        ...workers.flatMap((w) => [...servicePanels(ctx, w).slice(2), ...queuesOf(w.name).flatMap(queuePanels)]),
        ...pools.flatMap(workerPoolPanels),
      ],
    },
    ...(ctx.aiWorker
      ? [
          {
            name: "ai-worker",
            title: "AI worker",
            panels: [
              ...aiPanels(ctx.aiWorker.name),
              ...queuesOf(ctx.aiWorker.name).flatMap(queuePanels),
              ...servicePanels(ctx, ctx.aiWorker).slice(2),
            ],
          },
        ]
      : []),
    { name: "database", title: "Database", panels: databasePanels(deployment) },
    { name: "jobs", title: "Scheduled jobs", panels: jobPanels(deployment) },
  ].filter((d) => d.panels.length > 0);
  // The overview: the first two panels (traffic and latency, or the family's headline) of each family.
  const overview: DashboardModel = {
    name: "overview",
    title: "Overview",
    panels: families.flatMap((d) => d.panels.slice(0, 2)),
  };
  // A design with nothing to watch (every process an open decision) gets no dashboard: Cloud
  // Monitoring and Grafana refuse one without a tile.
  return [overview, ...families]
    .filter((d) => d.panels.length > 0)
    .map((d) => ({ ...d, title: `${appName}: ${d.title}` }));
}
