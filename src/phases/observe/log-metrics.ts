// Log-based metrics for what Google Cloud does not measure itself: the AI worker's outcomes and
// model latency (from the JSON lines ai_worker.py writes) and Cloud Scheduler failures (Cloud
// Scheduler exports no metrics; it logs each failed attempt at severity ERROR).
// https://cloud.google.com/logging/docs/logs-based-metrics, https://cloud.google.com/scheduler/docs/monitoring
import type { LogMetricBody } from "../../validate/monitoring-shapes.js";
import type { Deployment } from "../../contracts/deployment.js";
import { appName } from "./names.js";

/** The contract with templates/llmops/ai_worker.py.hbs (a test checks the template writes these). */
export const AI_LOG = {
  component: "ai-worker",
  succeeded: "task succeeded",
  failed: "task failed permanently",
  latencyField: "latency_ms",
} as const;

export interface LogMetricSpec {
  name: string;
  resourceType: string;
  body: LogMetricBody;
}

function counter(name: string, description: string, filter: string, resourceType: string): LogMetricSpec {
  return {
    name,
    resourceType,
    body: { name, description, filter, metricDescriptor: { metricKind: "DELTA", valueType: "INT64", unit: "1" } },
  };
}

export function aiLogMetrics(worker: string): {
  succeeded: LogMetricSpec;
  failed: LogMetricSpec;
  latency: LogMetricSpec;
} {
  const base = `resource.type="cloud_run_revision" AND resource.labels.service_name="${worker}" AND jsonPayload.component="${AI_LOG.component}"`;
  const succeededFilter = `${base} AND jsonPayload.message="${AI_LOG.succeeded}"`;
  return {
    succeeded: counter(
      `${worker}-tasks-succeeded`,
      `AI tasks ${worker} finished with an answer.`,
      succeededFilter,
      "cloud_run_revision",
    ),
    failed: counter(
      `${worker}-tasks-failed`,
      `AI tasks ${worker} gave up on (bad input, safety block, or out of attempts).`,
      `${base} AND jsonPayload.message="${AI_LOG.failed}"`,
      "cloud_run_revision",
    ),
    latency: {
      name: `${worker}-model-latency`,
      resourceType: "cloud_run_revision",
      body: {
        name: `${worker}-model-latency`,
        description: `Model call latency of ${worker} in milliseconds, from its "${AI_LOG.succeeded}" lines.`,
        filter: succeededFilter,
        metricDescriptor: { metricKind: "DELTA", valueType: "DISTRIBUTION", unit: "ms" },
        valueExtractor: `EXTRACT(jsonPayload.${AI_LOG.latencyField})`,
        // 100 ms × 1.4^n: 100 ms to hours in 40 buckets, enough resolution for a p95.
        bucketOptions: { exponentialBuckets: { numFiniteBuckets: 40, growthFactor: 1.4, scale: 100 } },
      },
    },
  };
}

export function schedulerFailureMetric(deployment: Deployment): LogMetricSpec | undefined {
  const jobs = (deployment.schedules ?? []).map((j) => j.name);
  if (jobs.length === 0) return undefined;
  return counter(
    `${appName(deployment)}-scheduler-failures`,
    `Failed Cloud Scheduler attempts of ${jobs.join(", ")}.`,
    `resource.type="cloud_scheduler_job" AND resource.labels.job_id=~"^(${jobs.join("|")})$" AND severity>=ERROR`,
    "cloud_scheduler_job",
  );
}
