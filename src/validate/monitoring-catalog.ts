// The Cloud Monitoring metric and monitored-resource types generated files may use, with the kind,
// value type and labels Google documents for each. A filter naming anything else (a typo, a metric
// that does not exist, such as a Cloud Scheduler metric, or a label the metric does not carry)
// fails validation before a file is written.
// Sources: https://cloud.google.com/monitoring/api/metrics_gcp (run, cloudsql, cloudtasks,
// monitoring), https://cloud.google.com/monitoring/api/resources, and Google's own dashboard
// samples (github.com/GoogleCloudPlatform/monitoring-dashboard-samples @25d8c3e, dashboards/
// google-cloud-run, google-cloud-tasks, google-cloudsql).

export type MetricKind = "GAUGE" | "DELTA" | "CUMULATIVE";
export type ValueType = "BOOL" | "INT64" | "DOUBLE" | "DISTRIBUTION";

export interface MetricDescriptor {
  kind: MetricKind;
  valueType: ValueType;
  unit: string;
  resources: readonly string[];
  labels: readonly string[];
}

export const RESOURCE_LABELS: Readonly<Record<string, readonly string[]>> = {
  cloud_run_revision: ["project_id", "service_name", "revision_name", "location", "configuration_name"],
  cloud_run_job: ["project_id", "job_name", "location"],
  // Worker pools: always-on consumers (https://cloud.google.com/run/docs/monitoring lists CPU and
  // memory utilization and the instance count for them; no request metrics).
  cloud_run_worker_pool: ["project_id", "worker_pool_name", "revision_name", "location"],
  cloudsql_database: ["project_id", "database_id", "region"],
  cloud_tasks_queue: ["project_id", "queue_id", "target_type", "location"],
  cloud_scheduler_job: ["project_id", "job_id", "location"],
  uptime_url: ["project_id", "host"],
};

const run = (kind: MetricKind, valueType: ValueType, unit: string, labels: string[] = []): MetricDescriptor => ({
  kind,
  valueType,
  unit,
  resources: ["cloud_run_revision"],
  labels,
});
const sql = (kind: MetricKind, valueType: ValueType, unit: string, labels: string[] = []): MetricDescriptor => ({
  kind,
  valueType,
  unit,
  resources: ["cloudsql_database"],
  labels,
});
const tasks = (kind: MetricKind, valueType: ValueType, unit: string, labels: string[] = []): MetricDescriptor => ({
  kind,
  valueType,
  unit,
  resources: ["cloud_tasks_queue"],
  labels,
});
const RESPONSE = ["response_code", "response_code_class", "route_type"];

export const METRICS: Readonly<Record<string, MetricDescriptor>> = {
  "run.googleapis.com/request_count": run("DELTA", "INT64", "1", RESPONSE),
  "run.googleapis.com/request_latencies": run("DELTA", "DISTRIBUTION", "ms", RESPONSE),
  // Worker pools report it too (the "Container instance count" row of run/docs/monitoring).
  "run.googleapis.com/container/instance_count": {
    ...run("GAUGE", "INT64", "1", ["state", "container_name"]),
    resources: ["cloud_run_revision", "cloud_run_worker_pool"],
  },
  "run.googleapis.com/container/cpu/utilizations": {
    ...run("DELTA", "DISTRIBUTION", "10^2.%", ["container_name"]),
    resources: ["cloud_run_revision", "cloud_run_worker_pool"],
  },
  "run.googleapis.com/container/memory/utilizations": {
    ...run("DELTA", "DISTRIBUTION", "10^2.%", ["container_name"]),
    resources: ["cloud_run_revision", "cloud_run_worker_pool"],
  },
  "run.googleapis.com/container/billable_instance_time": run("DELTA", "DOUBLE", "s"),
  "run.googleapis.com/job/completed_execution_count": {
    kind: "DELTA",
    valueType: "INT64",
    unit: "1",
    resources: ["cloud_run_job"],
    labels: ["result"],
  },
  "cloudsql.googleapis.com/database/cpu/utilization": sql("GAUGE", "DOUBLE", "10^2.%"),
  "cloudsql.googleapis.com/database/memory/utilization": sql("GAUGE", "DOUBLE", "10^2.%"),
  "cloudsql.googleapis.com/database/disk/utilization": sql("GAUGE", "DOUBLE", "10^2.%"),
  // MySQL and SQL Server only; PostgreSQL reports backends instead.
  "cloudsql.googleapis.com/database/network/connections": sql("GAUGE", "INT64", "1"),
  "cloudsql.googleapis.com/database/postgresql/num_backends": sql("GAUGE", "INT64", "1", ["database"]),
  "cloudsql.googleapis.com/database/replication/replica_lag": sql("GAUGE", "DOUBLE", "s"),
  "cloudsql.googleapis.com/database/up": sql("GAUGE", "BOOL", ""),
  "cloudtasks.googleapis.com/queue/depth": tasks("GAUGE", "INT64", "1"),
  "cloudtasks.googleapis.com/queue/task_attempt_count": tasks("DELTA", "INT64", "1", ["response_code"]),
  "cloudtasks.googleapis.com/queue/task_attempt_delays": tasks("DELTA", "DISTRIBUTION", "ms"),
  "monitoring.googleapis.com/uptime_check/check_passed": {
    kind: "GAUGE",
    valueType: "BOOL",
    unit: "",
    resources: ["uptime_url"],
    labels: ["check_id", "checker_location"],
  },
};

/** User-defined log-based metrics: `logging.googleapis.com/user/NAME`. */
export const LOG_METRIC_PREFIX = "logging.googleapis.com/user/";

/** Aligners valid per value type (Aggregation.Aligner in the Monitoring API reference). */
export const ALIGNERS_BY_VALUE: Readonly<Record<ValueType, readonly string[]>> = {
  BOOL: ["ALIGN_COUNT_TRUE", "ALIGN_COUNT_FALSE", "ALIGN_FRACTION_TRUE", "ALIGN_NEXT_OLDER", "ALIGN_COUNT"],
  INT64: ["ALIGN_DELTA", "ALIGN_RATE", "ALIGN_SUM", "ALIGN_MEAN", "ALIGN_MAX", "ALIGN_MIN", "ALIGN_COUNT"],
  DOUBLE: ["ALIGN_DELTA", "ALIGN_RATE", "ALIGN_SUM", "ALIGN_MEAN", "ALIGN_MAX", "ALIGN_MIN", "ALIGN_COUNT"],
  DISTRIBUTION: [
    "ALIGN_DELTA",
    "ALIGN_PERCENTILE_99",
    "ALIGN_PERCENTILE_95",
    "ALIGN_PERCENTILE_50",
    "ALIGN_PERCENTILE_05",
    "ALIGN_COUNT",
  ],
};
