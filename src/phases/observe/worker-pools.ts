// Alerts for worker pools: always-on consumers and loops (Celery or RQ on Memorystore, Sidekiq,
// BullMQ, Healthchecks' sendalerts) serve no requests and have no Cloud Tasks queue, so a stuck one
// is silent. What Google Cloud really measures for them: the instance count and the containers' CPU
// and memory (https://cloud.google.com/run/docs/monitoring, "Worker pools" column), and their log
// lines. Memorystore exports no queue length (its metrics are per instance: memory, keys, clients),
// so a backlog is seen as saturation here, and the docs propose how to measure the length itself.
import { filterText } from "../../contracts/request-sli.js";
import { queueSystem, QUEUE_LABEL, type QueueSystem } from "../../contracts/queue-systems.js";
import type { DeployTarget, Deployment } from "../../contracts/deployment.js";
import type { Service } from "../../inventory/schema.js";
import type { AlertPolicyBody } from "../../validate/monitoring-shapes.js";
import { LOG_METRIC_PREFIX } from "../../validate/monitoring-catalog.js";
import { policy, threshold, type PolicySpec } from "./alert-bodies.js";
import type { ObserveContext } from "./context.js";
import type { LogMetricSpec } from "./log-metrics.js";

export const POOL_RESOURCE = "cloud_run_worker_pool";
/** Saturation: a fixed-size pool at these levels is falling behind (CPU) or about to be OOM-killed (memory). */
export const POOL_CPU_PERCENT = 90;
export const POOL_MEMORY_PERCENT = 90;

/** The line a consumer writes, at its default log level, for every job it finishes. */
export interface JobLine {
  system: QueueSystem;
  /** What the line is, for the docs. */
  line: string;
  /** Logging query terms that match it. */
  match: string;
}

const LEVEL = /(?:^|\s)(?:-l|--loglevel)(?:=|\s+)([A-Za-z]+)/;

/**
 * Celery logs "Task NAME[ID] succeeded in Xs" only at INFO (its worker defaults to WARNING); RQ
 * logs "Job OK" at INFO, its default, unless --quiet; Sidekiq's job logger writes "done" (text:
 * "INFO: done"; its JSON formatter: msg "done"). Others (BullMQ, loops) write no such line.
 */
export function jobLine(service: Service): JobLine | undefined {
  const system = queueSystem(service);
  const command = service.command ?? "";
  if (system === "celery" && /^(info|debug)$/i.test(LEVEL.exec(command)?.[1] ?? ""))
    return { system, line: '"Task … succeeded in …"', match: 'textPayload:"] succeeded in "' };
  if (system === "rq" && !/(^|\s)(-q|--quiet)(\s|$)/.test(command))
    return { system, line: '"Job OK"', match: 'textPayload:"Job OK"' };
  if (system === "sidekiq")
    return { system, line: '"done" (INFO)', match: '(textPayload:"INFO: done" OR jsonPayload.msg="done")' };
  return undefined;
}

export interface PoolWatch {
  pool: DeployTarget;
  /** The job line and its log-based metric, when the consumer writes one. */
  jobs?: { line: JobLine; metric: LogMetricSpec; silenceSeconds: number };
  /** What runs in the pool, for the docs ("Celery", "a loop"). */
  what: string;
}

/**
 * How long no finished job is news: an app with at least one request a second on average (stated
 * in the inventory) runs background jobs all day, so 6 hours; otherwise the longest absence Cloud
 * Monitoring evaluates (23.5 hours), because a quiet app's queue may sleep through the night.
 */
/** 21600 → "6", 84600 → "23.5". */
export const hours = (seconds: number): string => String(Math.round(seconds / 360) / 10);

export function silenceSeconds(ctx: ObserveContext): number {
  const t = ctx.inventory.traffic;
  const average = t.averageRps ?? (t.peakRps !== undefined ? t.peakRps / 4 : 0);
  return average >= 1 ? 6 * 3600 : 84_600;
}

export function poolWatches(ctx: ObserveContext): PoolWatch[] {
  return ctx.deployment.services
    .filter((s) => s.kind === "worker-pool")
    .map((pool) => {
      const services = ctx.inventory.services.filter((s) => pool.replaces.includes(s.name));
      const line = services.map(jobLine).find((l) => l !== undefined);
      const system = services.map(queueSystem).find((q) => q !== undefined);
      const what = system ? `${QUEUE_LABEL[system]} worker` : "always-on process";
      if (!line) return { pool, what };
      const name = `${pool.name}-jobs-done`;
      const metric: LogMetricSpec = {
        name,
        resourceType: POOL_RESOURCE,
        body: {
          name,
          description: `Jobs ${pool.name} finished (${QUEUE_LABEL[line.system]}'s ${line.line} log lines).`,
          filter: `resource.type="${POOL_RESOURCE}" AND resource.labels.worker_pool_name="${pool.name}" AND ${line.match}`,
          metricDescriptor: { metricKind: "DELTA", valueType: "INT64", unit: "1" },
        },
      };
      return { pool, what, jobs: { line, metric, silenceSeconds: silenceSeconds(ctx) } };
    });
}

const poolMetric = (metric: string, pool: string) =>
  filterText([
    ["metric.type", metric],
    ["resource.type", POOL_RESOURCE],
    ["resource.label.worker_pool_name", pool],
  ]);

const BY_POOL = ["resource.label.worker_pool_name"];
type Condition = AlertPolicyBody["conditions"][number];

/** Nothing running, saturated, or (where the consumer logs its jobs) no job finished for too long. */
export function poolPolicy(deployment: Deployment, watch: PoolWatch): PolicySpec {
  const { pool, jobs } = watch;
  const utilization = (what: "cpu" | "memory", percent: number, seconds: number) =>
    threshold(
      `${what === "cpu" ? "CPU" : "memory"} above ${percent}% (p99 of instances) for ${seconds / 60} min`,
      poolMetric(`run.googleapis.com/container/${what}/utilizations`, pool.name),
      percent / 100,
      seconds,
      [
        {
          alignmentPeriod: "300s",
          perSeriesAligner: "ALIGN_DELTA",
          crossSeriesReducer: "REDUCE_PERCENTILE_99",
          groupByFields: BY_POOL,
        },
      ],
    );
  const conditions: Condition[] = [
    // No data counts as none: a pool that was deleted or never started is down, not healthy.
    {
      displayName: "no instance running for 5 min",
      conditionThreshold: {
        filter: poolMetric("run.googleapis.com/container/instance_count", pool.name),
        aggregations: [
          {
            alignmentPeriod: "60s",
            perSeriesAligner: "ALIGN_MAX",
            crossSeriesReducer: "REDUCE_SUM",
            groupByFields: BY_POOL,
          },
        ],
        comparison: "COMPARISON_LT",
        thresholdValue: 1,
        duration: "300s",
        trigger: { count: 1 },
        evaluationMissingData: "EVALUATION_MISSING_DATA_ACTIVE",
      },
    },
    utilization("cpu", POOL_CPU_PERCENT, 900),
    utilization("memory", POOL_MEMORY_PERCENT, 600),
  ];
  if (jobs)
    conditions.push({
      displayName: `no finished job for ${hours(jobs.silenceSeconds)} h`,
      conditionAbsent: {
        filter: `metric.type="${LOG_METRIC_PREFIX}${jobs.metric.name}" AND resource.type="${POOL_RESOURCE}"`,
        aggregations: [
          {
            alignmentPeriod: "600s",
            perSeriesAligner: "ALIGN_DELTA",
            crossSeriesReducer: "REDUCE_SUM",
            groupByFields: BY_POOL,
          },
        ],
        duration: `${jobs.silenceSeconds}s`,
        trigger: { count: 1 },
      },
    });
  const docs =
    `Worker pool **${pool.name}** (${watch.what}, ${pool.minInstances} instance(s)) has no instance running, ` +
    `works at its CPU or memory limit${jobs ? `, or has not finished a job (${jobs.line.line} log line) for ${hours(jobs.silenceSeconds)} hours` : ""}. ` +
    "A pool does not autoscale and serves no requests, so nothing else notices: its queue just grows. " +
    `\`gcloud beta run worker-pools describe ${pool.name} --region ${deployment.region}\` shows its revision and instances; ` +
    "its logs show crashes (exit codes, out-of-memory) and what the consumer last did. " +
    "Saturated: raise `--scaling` (the instance count) or `--memory` of its deploy step in deploy.yml. Silent while running: the broker " +
    "(Memorystore) or its address may have changed, or the queue really was idle (then lengthen the condition).";
  return policy(deployment, `${pool.name}-health`, `${pool.name} health`, conditions, docs);
}
