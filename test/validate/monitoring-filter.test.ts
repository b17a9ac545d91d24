// The filter grammar (Cloud Monitoring filters and Cloud Logging queries) and its meaning checks
// against the metric catalog: tables of filters that must pass and filters that must fail.
import { describe, expect, it } from "vitest";
import { parseFilter, requiredComparisons } from "../../src/validate/filter-syntax.js";
import {
  checkLogFilter,
  checkMetricFilter,
  checkSloSelector,
  type LogMetricIndex,
} from "../../src/validate/monitoring-filter.js";

const NO_LOGS: LogMetricIndex = new Map();
const RUN = 'metric.type="run.googleapis.com/request_count" AND resource.type="cloud_run_revision"';

describe("parseFilter", () => {
  it.each([
    [RUN, 2],
    [`${RUN} AND resource.label.service_name="api" AND metric.label.response_code_class="5xx"`, 4],
    // juxtaposition is an implicit AND (Google's own dashboards write filters this way)
    ['metric.type="run.googleapis.com/request_count" resource.type="cloud_run_revision"', 2],
    [`${RUN} AND resource.label."service_name"="api"`, 3],
    [`${RUN} AND resource.label.database_id=monitoring.regex.full_match("p:db-.*")`, 3],
    [`${RUN} AND (metric.label.response_code="500" OR metric.label.response_code="503")`, 2],
    [`${RUN} AND NOT metric.label.response_code_class="2xx"`, 2],
    ['resource.type="cloud_scheduler_job" AND severity>=ERROR', 2],
  ])("parses %s", (filter, required) => {
    expect(requiredComparisons(parseFilter(filter))).toHaveLength(required);
  });

  it.each([
    ['metric.type="run.googleapis.com/request_count', /unterminated string/],
    ['metric.type = AND resource.type="x"', /expected a value|unexpected/],
    ['metric.type="a" AND (resource.type="b"', /expected \)/],
    ['metric.type="a" ; rm -rf /', /unexpected character/],
    ["", /empty filter/],
  ])("rejects %s", (filter, message) => {
    expect(() => parseFilter(filter)).toThrow(message);
  });
});

describe("checkMetricFilter", () => {
  it("accepts a filter on a catalogued metric and returns what it selects", () => {
    const r = checkMetricFilter(`${RUN} AND resource.label.service_name="api"`, NO_LOGS);
    expect(r.findings).toEqual([]);
    expect(r.target).toMatchObject({
      metricType: "run.googleapis.com/request_count",
      resourceType: "cloud_run_revision",
    });
  });

  it.each([
    ['metric.type="run.googleapis.com/request_countt" AND resource.type="cloud_run_revision"', /unknown metric type/],
    [
      'metric.type="cloudscheduler.googleapis.com/job/attempt_count" AND resource.type="cloud_scheduler_job"',
      /unknown metric type/,
    ],
    [
      'metric.type="run.googleapis.com/request_count" AND resource.type="cloudsql_database"',
      /not written against resource type/,
    ],
    [`${RUN} AND resource.label.queue_id="q"`, /resource label "queue_id" does not exist/],
    [`${RUN} AND metric.label.status="500"`, /metric label "status" does not exist/],
    ['resource.type="cloud_run_revision"', /exactly one metric.type/],
    ['metric.type="run.googleapis.com/request_count"', /exactly one resource.type/],
    [`${RUN} AND resource.label.service_name=api`, /quoted strings/],
    [`${RUN} AND metadata.user_labels.team="x"`, /unsupported field/],
  ])("rejects %s", (filter, message) => {
    expect(checkMetricFilter(filter, NO_LOGS).findings.join("\n")).toMatch(message);
  });

  it("knows log-based metrics only when the same files define them, on their own resource type", () => {
    const filter = 'metric.type="logging.googleapis.com/user/ai-failed" AND resource.type="cloud_run_revision"';
    expect(checkMetricFilter(filter, NO_LOGS).findings.join()).toMatch(/unknown metric type/);
    const logs: LogMetricIndex = new Map([
      [
        "ai-failed",
        {
          resourceType: "cloud_run_revision",
          labels: [],
          descriptor: { kind: "DELTA", valueType: "INT64", unit: "1", resources: ["cloud_run_revision"], labels: [] },
        },
      ],
    ]);
    expect(checkMetricFilter(filter, logs).findings).toEqual([]);
    expect(
      checkMetricFilter(filter.replace("cloud_run_revision", "cloud_scheduler_job"), logs).findings.join(),
    ).toMatch(/not written against/);
  });
});

describe("checkSloSelector", () => {
  const known = new Set(["api/api-availability"]);
  it("accepts a burn-rate selector on a known SLO", () => {
    expect(
      checkSloSelector(
        'select_slo_burn_rate("projects/acme-prod/services/api/serviceLevelObjectives/api-availability", "60m")',
        "acme-prod",
        known,
      ),
    ).toEqual([]);
  });
  it.each([
    ['select_slo_burn_rate("projects/acme-prod/services/api/serviceLevelObjectives/other", "60m")', /undefined SLO/],
    [
      'select_slo_burn_rate("projects/other-prod/services/api/serviceLevelObjectives/api-availability", "60m")',
      /names project/,
    ],
    [
      'select_slo_health("projects/acme-prod/services/api/serviceLevelObjectives/api-availability")',
      /not an SLO burn-rate selector/,
    ],
  ])("rejects %s", (filter, message) => {
    expect(checkSloSelector(filter, "acme-prod", known).join()).toMatch(message);
  });
});

describe("checkLogFilter", () => {
  it("accepts a Cloud Logging query on a known resource", () => {
    const r = checkLogFilter(
      'resource.type="cloud_run_revision" AND resource.labels.service_name="w" AND jsonPayload.message="task failed permanently"',
    );
    expect(r).toEqual({ findings: [], resourceType: "cloud_run_revision" });
  });
  it.each([
    ['jsonPayload.message="x"', /needs one resource.type/],
    ['resource.type="cloud_scheduler_job" AND severity>=FATAL', /severity must be/],
    [
      'resource.type="cloud_scheduler_job" AND resource.labels.service_name="x"',
      /resource label "service_name" does not exist/,
    ],
    ['resource.type="cloud_run_revision" AND payload.x="y"', /unknown log field/],
  ])("rejects %s", (filter, message) => {
    expect(checkLogFilter(filter).findings.join()).toMatch(message);
  });
});
