// Alerts on what sits under the SLOs: Cloud SQL (CPU, connections, disk, replica lag), each Cloud
// Tasks queue (depth, and the 99th percentile dispatch delay: Cloud Tasks exports no oldest-task
// age, and a task that starts late is exactly an old task), the AI worker (failures and model
// latency, from log-based metrics) and scheduled work (Cloud Scheduler failures from its logs,
// Cloud Run job failures and silence).
import { filterText } from "../../contracts/request-sli.js";
import { LOG_METRIC_PREFIX } from "../../validate/monitoring-catalog.js";
import { loadPriceBook, maxConnections, sqlTierShape } from "../../contracts/gcp-prices.js";
import type { DatabaseTarget, Deployment } from "../../contracts/deployment.js";
import { policy, threshold, type PolicySpec } from "./alert-bodies.js";
import { maxGapMinutes } from "./cron-gap.js";
import { aiLogMetrics, type LogMetricSpec } from "./log-metrics.js";
import type { ObserveResult } from "./schema.js";

/**
 * The longest alignment period an alerting condition may use: 90,000 s (25 hours), so a daily
 * job's silence is still visible. https://cloud.google.com/monitoring/api/ref_v3/rest/v3/Aggregation
 */
export const MAX_ALERT_WINDOW_SECONDS = 90_000;

const sqlMetric = (metric: string, db: DatabaseTarget, project: string) =>
  filterText([
    ["metric.type", `cloudsql.googleapis.com/database/${metric}`],
    ["resource.type", "cloudsql_database"],
    ["resource.label.database_id", `${project}:${db.instance}`],
  ]);

export function databasePolicy(
  deployment: Deployment,
  t: NonNullable<ObserveResult["database"]>,
): PolicySpec | undefined {
  const db = deployment.database;
  if (!db) return undefined;
  const { project } = deployment;
  const max = maxConnections(loadPriceBook(), db.engine, sqlTierShape(db.tier)?.memoryGib ?? 3.75);
  const connections = Math.floor((max * t.connectionsPercent) / 100);
  const gauge = (aligner: "ALIGN_MEAN" | "ALIGN_MAX", seconds: number) => [
    { alignmentPeriod: `${seconds}s`, perSeriesAligner: aligner },
  ];
  const conditions = [
    threshold(
      `CPU above ${t.cpuPercent}% for 10 min`,
      sqlMetric("cpu/utilization", db, project),
      t.cpuPercent / 100,
      600,
      gauge("ALIGN_MEAN", 300),
    ),
    db.engine === "postgres"
      ? threshold(
          `connections above ${connections} (${t.connectionsPercent}% of ${max})`,
          sqlMetric("postgresql/num_backends", db, project),
          connections,
          300,
          [
            {
              alignmentPeriod: "60s",
              perSeriesAligner: "ALIGN_MAX",
              crossSeriesReducer: "REDUCE_SUM",
              groupByFields: ["resource.label.database_id"],
            },
          ],
        )
      : threshold(
          `connections above ${connections} (${t.connectionsPercent}% of ${max})`,
          sqlMetric("network/connections", db, project),
          connections,
          300,
          gauge("ALIGN_MAX", 60),
        ),
    threshold(
      `disk above ${t.diskPercent}%`,
      sqlMetric("disk/utilization", db, project),
      t.diskPercent / 100,
      600,
      gauge("ALIGN_MAX", 300),
    ),
  ];
  if (db.readReplicas > 0) {
    // Replicas are instances of their own (PROJECT:NAME), named after the primary.
    const replicas =
      `metric.type="cloudsql.googleapis.com/database/replication/replica_lag" AND resource.type="cloudsql_database" AND ` +
      `resource.label.database_id=monitoring.regex.full_match("${project}:${db.instance}-.*")`;
    conditions.push(
      threshold(
        `replica lag above ${t.replicaLagSeconds} s`,
        replicas,
        t.replicaLagSeconds,
        300,
        gauge("ALIGN_MAX", 60),
      ),
    );
  }
  return policy(
    deployment,
    `${db.instance}-health`,
    `${db.instance} health`,
    conditions,
    `Cloud SQL **${db.instance}** (${db.tier}) is running out of CPU, connections or disk, or a replica lags. ` +
      "Every service that uses it slows down or fails together: check Query Insights, recent deploys and migrations first.",
  );
}

export function queuePolicy(deployment: Deployment, q: ObserveResult["queues"][number]): PolicySpec {
  const metric = (name: string) =>
    filterText([
      ["metric.type", `cloudtasks.googleapis.com/queue/${name}`],
      ["resource.type", "cloud_tasks_queue"],
      ["resource.label.queue_id", q.queue],
    ]);
  return policy(
    deployment,
    `${q.queue}-backlog`,
    `${q.queue} backlog`,
    [
      threshold(`more than ${q.maxDepth} tasks waiting for 10 min`, metric("depth"), q.maxDepth, 600, [
        { alignmentPeriod: "60s", perSeriesAligner: "ALIGN_MAX" },
      ]),
      threshold(
        `tasks starting more than ${q.maxDelaySeconds} s late (p99)`,
        metric("task_attempt_delays"),
        q.maxDelaySeconds * 1000,
        600,
        [
          {
            alignmentPeriod: "300s",
            perSeriesAligner: "ALIGN_DELTA",
            crossSeriesReducer: "REDUCE_PERCENTILE_99",
            groupByFields: ["resource.label.queue_id"],
          },
        ],
      ),
    ],
    `Cloud Tasks queue **${q.queue}** is backing up: its worker fails, is too slow, or the queue's rate limits are too low for today's load. ` +
      "Check the worker's errors and instance count before raising the limits.",
  );
}

export function aiPolicy(
  deployment: Deployment,
  worker: string,
  t: NonNullable<ObserveResult["aiWorker"]>,
): PolicySpec {
  const m = aiLogMetrics(worker);
  const of = (spec: LogMetricSpec) =>
    `metric.type="${LOG_METRIC_PREFIX}${spec.name}" AND resource.type="cloud_run_revision"`;
  return policy(
    deployment,
    `${worker}-model`,
    `${worker} failures and model latency`,
    [
      threshold(`more than ${t.failuresPerHour} tasks failed in an hour`, of(m.failed), t.failuresPerHour, 0, [
        {
          alignmentPeriod: "3600s",
          perSeriesAligner: "ALIGN_DELTA",
          crossSeriesReducer: "REDUCE_SUM",
          groupByFields: ["resource.label.service_name"],
        },
      ]),
      threshold(
        `model calls slower than ${t.modelLatencySeconds} s (p95) for 15 min`,
        of(m.latency),
        t.modelLatencySeconds * 1000,
        900,
        [
          {
            alignmentPeriod: "300s",
            perSeriesAligner: "ALIGN_DELTA",
            crossSeriesReducer: "REDUCE_PERCENTILE_95",
            groupByFields: ["resource.label.service_name"],
          },
        ],
      ),
    ],
    `The AI worker **${worker}** fails tasks for good or the model answers slowly. Look at its "task failed permanently" log lines: ` +
      "quota (429), safety blocks and bad input each need a different fix.",
  );
}

export function schedulerPolicy(deployment: Deployment, metric: LogMetricSpec): PolicySpec {
  return policy(
    deployment,
    `${metric.name}`,
    "scheduled job failures",
    [
      threshold(
        "a Cloud Scheduler attempt failed",
        `metric.type="${LOG_METRIC_PREFIX}${metric.name}" AND resource.type="cloud_scheduler_job"`,
        0,
        0,
        [
          {
            alignmentPeriod: "300s",
            perSeriesAligner: "ALIGN_DELTA",
            crossSeriesReducer: "REDUCE_SUM",
            groupByFields: ["resource.label.job_id"],
          },
        ],
      ),
    ],
    "A Cloud Scheduler job's attempt failed (its target answered an error or could not be reached). " +
      "`gcloud scheduler jobs describe JOB --location REGION` shows the last attempt's status.",
  );
}

/** Failed executions of a Cloud Run job, and silence longer than its schedule allows (when Monitoring can see that far). */
export function jobPolicy(deployment: Deployment, job: string): { spec: PolicySpec; silenceSeconds?: number } {
  const executions = (result: string) =>
    filterText([
      ["metric.type", "run.googleapis.com/job/completed_execution_count"],
      ["resource.type", "cloud_run_job"],
      ["resource.label.job_name", job],
      ["metric.label.result", result],
    ]);
  const conditions = [
    threshold("an execution failed", executions("failed"), 0, 0, [
      {
        alignmentPeriod: "300s",
        perSeriesAligner: "ALIGN_DELTA",
        crossSeriesReducer: "REDUCE_SUM",
        groupByFields: ["resource.label.job_name"],
      },
    ]),
  ];
  const target = deployment.services.find((s) => s.name === job);
  const schedule = (deployment.schedules ?? []).find((j) => j.action === "run-job" && j.target === job);
  const gap = schedule ? maxGapMinutes(schedule.schedule) : undefined;
  const silenceSeconds =
    gap === undefined ? undefined : Math.ceil((gap * 60 + Math.max(900, target?.timeoutSeconds ?? 0)) / 60) * 60;
  const fresh = silenceSeconds !== undefined && silenceSeconds <= MAX_ALERT_WINDOW_SECONDS ? silenceSeconds : undefined;
  if (fresh !== undefined) {
    // Fewer than one success in the window, and no data at all counts as none (missing data is
    // evaluated as a violation): the job stopped running, or only fails.
    conditions.push({
      displayName: `no successful run for ${Math.round(fresh / 60)} min`,
      conditionThreshold: {
        filter: executions("succeeded"),
        aggregations: [
          {
            alignmentPeriod: `${fresh}s`,
            perSeriesAligner: "ALIGN_DELTA",
            crossSeriesReducer: "REDUCE_SUM",
            groupByFields: ["resource.label.job_name"],
          },
        ],
        comparison: "COMPARISON_LT",
        thresholdValue: 1,
        duration: "0s",
        trigger: { count: 1 },
        evaluationMissingData: "EVALUATION_MISSING_DATA_ACTIVE",
      },
    });
  }
  return {
    spec: policy(
      deployment,
      `${job}-runs`,
      `${job} runs`,
      conditions,
      `Cloud Run job **${job}** failed${fresh !== undefined ? ", or has not succeeded within its schedule" : ""}. ` +
        `\`gcloud run jobs executions list --job ${job} --region ${deployment.region}\` lists the recent runs and their logs.`,
    ),
    ...(fresh !== undefined ? { silenceSeconds: fresh } : {}),
  };
}
