// Alert policies as Cloud Monitoring request bodies: two burn-rate policies per SLO (fast burn
// pages, slow burn opens a ticket; each a long AND a short window), an uptime policy per public
// service, and resource policies for Cloud SQL, Cloud Tasks, the AI worker and scheduled jobs.
// https://cloud.google.com/stackdriver/docs/solutions/slo-monitoring/alerting-on-budget-burn-rate
import { BURN_RATES, type BurnSpeed } from "../../contracts/burn-rate.js";
import type { AlertPolicyBody } from "../../validate/monitoring-shapes.js";
import type { Deployment } from "../../contracts/deployment.js";
import { CHANNEL_TOKEN, displayName, UPTIME_TOKEN } from "./names.js";
import type { ObserveResult, Slo } from "./schema.js";
import { sloResourceName } from "./slo-bodies.js";

export interface PolicySpec {
  name: string;
  body: AlertPolicyBody;
  /** Uptime check (by display name) whose id replaces UPTIME_TOKEN in the body. */
  uptimeCheck?: string;
}

type Condition = AlertPolicyBody["conditions"][number];

export function policy(
  deployment: Deployment,
  name: string,
  title: string,
  conditions: Condition[],
  docs: string,
  options: { combiner?: "AND" | "OR"; severity?: "CRITICAL" | "WARNING"; uptimeCheck?: string } = {},
): PolicySpec {
  return {
    name,
    ...(options.uptimeCheck ? { uptimeCheck: options.uptimeCheck } : {}),
    body: {
      displayName: displayName(deployment, title),
      documentation: { content: docs, mimeType: "text/markdown" },
      userLabels: { "generated-by": "infra-migrate" },
      conditions,
      combiner: options.combiner ?? "OR",
      enabled: true,
      notificationChannels: [CHANNEL_TOKEN],
      alertStrategy: { autoClose: "86400s" },
      severity: options.severity ?? "WARNING",
    },
  };
}

export function threshold(
  displayName: string,
  filter: string,
  value: number,
  seconds: number,
  aggregation?: NonNullable<Condition["conditionThreshold"]>["aggregations"],
): Condition {
  return {
    displayName,
    conditionThreshold: {
      filter,
      ...(aggregation ? { aggregations: aggregation } : {}),
      comparison: "COMPARISON_GT",
      thresholdValue: value,
      duration: `${seconds}s`,
      trigger: { count: 1 },
    },
  };
}

function burnCondition(deployment: Deployment, slo: Slo, minutes: number, rate: number): Condition {
  return threshold(
    `burn rate over ${minutes} min above ${rate}`,
    `select_slo_burn_rate("${sloResourceName(deployment, slo)}", "${minutes}m")`,
    rate,
    0,
  );
}

export function burnRatePolicies(deployment: Deployment, slo: Slo, result: ObserveResult): PolicySpec[] {
  return (Object.keys(BURN_RATES) as BurnSpeed[]).map((speed) => {
    const w = BURN_RATES[speed];
    const action = speed === "fast" ? result.errorBudgetPolicy.fastBurn : result.errorBudgetPolicy.slowBurn;
    const docs =
      `**${slo.id}** (${slo.service}) is spending its error budget ${w.threshold} times faster than the ${slo.windowDays}-day budget allows, ` +
      `over both the last ${w.longMinutes} and the last ${w.shortMinutes} minutes.\n\n${action}\n\n` +
      "SLOs, budgets and the whole policy: docs/migration/observe/slos.md and error-budget-policy.md.";
    return policy(
      deployment,
      `${slo.id}-${speed}-burn`,
      `${slo.id} ${speed} burn`,
      [
        burnCondition(deployment, slo, w.longMinutes, w.threshold),
        burnCondition(deployment, slo, w.shortMinutes, w.threshold),
      ],
      docs,
      { combiner: "AND", severity: w.severity },
    );
  });
}

/** Failing from more than one checker location for a minute: not one region's network blip. */
export function uptimePolicy(
  deployment: Deployment,
  service: string,
  checkName: string,
  healthPath: string,
): PolicySpec {
  const filter =
    `metric.type="monitoring.googleapis.com/uptime_check/check_passed" AND resource.type="uptime_url" AND ` +
    `metric.label.check_id="${UPTIME_TOKEN}"`;
  const condition = threshold(`${service}${healthPath} failing from several locations`, filter, 1, 60, [
    {
      alignmentPeriod: "300s",
      perSeriesAligner: "ALIGN_NEXT_OLDER",
      crossSeriesReducer: "REDUCE_COUNT_FALSE",
      groupByFields: ["resource.label.project_id", "resource.label.host"],
    },
  ]);
  return policy(
    deployment,
    `${service}-uptime`,
    `${service} uptime`,
    [condition],
    `The uptime check on **${service}**${healthPath} fails from more than one location: the service is down for users, ` +
      "whatever the SLOs say yet. Check the latest revision and roll back if it is new.",
    { severity: "CRITICAL", uptimeCheck: checkName },
  );
}
