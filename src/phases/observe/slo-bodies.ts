// SLOs as Cloud Monitoring request bodies: one custom Service per Cloud Run service, and a
// request-based SLI per SLO (a good/total ratio of counts, or a cut of a latency distribution).
// https://cloud.google.com/stackdriver/docs/solutions/slo-monitoring/api/using-api
import { filterText, requestCountTerms, requestLatencyTerms, serverErrorTerms } from "../../contracts/request-sli.js";
import type { ServiceBody, SloBody } from "../../validate/monitoring-shapes.js";
import { LOG_METRIC_PREFIX } from "../../validate/monitoring-catalog.js";
import type { Deployment } from "../../contracts/deployment.js";
import { aiLogMetrics } from "./log-metrics.js";
import { appName, displayName } from "./names.js";
import type { Slo } from "./schema.js";

const USER_LABELS = { "generated-by": "infra-migrate" };

export function serviceBody(deployment: Deployment, service: string): ServiceBody {
  return {
    displayName: displayName(deployment, service),
    custom: {},
    userLabels: { ...USER_LABELS, app: appName(deployment) },
  };
}

function queueTerms(queue: string, metric: string): string {
  return filterText([
    ["metric.type", `cloudtasks.googleapis.com/queue/${metric}`],
    ["resource.type", "cloud_tasks_queue"],
    ["resource.label.queue_id", queue],
  ]);
}

function indicator(slo: Slo): SloBody["serviceLevelIndicator"] {
  switch (slo.kind) {
    case "availability":
      return {
        requestBased: {
          goodTotalRatio: {
            badServiceFilter: filterText(serverErrorTerms(slo.service)),
            totalServiceFilter: filterText(requestCountTerms(slo.service)),
          },
        },
      };
    case "latency":
      return {
        requestBased: {
          distributionCut: {
            distributionFilter: filterText(requestLatencyTerms(slo.service)),
            range: { min: 0, max: slo.thresholdMs! },
          },
        },
      };
    case "task-delay":
      return {
        requestBased: {
          distributionCut: {
            distributionFilter: queueTerms(slo.queue!, "task_attempt_delays"),
            range: { min: 0, max: slo.thresholdMs! },
          },
        },
      };
    case "task-success": {
      if (slo.queue) {
        const total = queueTerms(slo.queue, "task_attempt_count");
        return {
          requestBased: {
            goodTotalRatio: {
              goodServiceFilter: `${total} AND metric.label.response_code="ok"`,
              totalServiceFilter: total,
            },
          },
        };
      }
      const metrics = aiLogMetrics(slo.service);
      const of = (name: string) => `metric.type="${LOG_METRIC_PREFIX}${name}" AND resource.type="cloud_run_revision"`;
      return {
        requestBased: {
          goodTotalRatio: { goodServiceFilter: of(metrics.succeeded.name), badServiceFilter: of(metrics.failed.name) },
        },
      };
    }
  }
}

const SLI_WORDS: Record<Slo["kind"], string> = {
  availability: "requests without a server error",
  latency: "requests faster than the threshold",
  "task-success": "tasks that succeed",
  "task-delay": "tasks started on time",
};

export function sloBody(deployment: Deployment, slo: Slo): SloBody {
  return {
    displayName: displayName(
      deployment,
      `${slo.id} (${Number((slo.target * 100).toFixed(3))}% ${SLI_WORDS[slo.kind]}, ${slo.windowDays} days)`,
    ),
    goal: slo.target,
    rollingPeriod: `${slo.windowDays * 86_400}s`,
    serviceLevelIndicator: indicator(slo),
    userLabels: { ...USER_LABELS, kind: slo.kind, service: slo.service },
  };
}

/** `projects/P/services/S/serviceLevelObjectives/O`, the name burn-rate selectors take. */
export function sloResourceName(deployment: Deployment, slo: Pick<Slo, "service" | "id">): string {
  return `projects/${deployment.project}/services/${slo.service}/serviceLevelObjectives/${slo.id}`;
}
