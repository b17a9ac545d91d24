// The request SLIs of a Cloud Run service as Cloud Monitoring filters. The observe phase writes
// them into SLOs, alerts and dashboards; scripts/deploy/canary.sh builds the same filters for one
// revision (a test compares the two), so the canary judges what the SLOs measure.
// Metric and label names: https://cloud.google.com/monitoring/api/metrics_gcp#gcp-run

export const RUN_REQUEST_COUNT = "run.googleapis.com/request_count";
export const RUN_REQUEST_LATENCIES = "run.googleapis.com/request_latencies";
export const RUN_REVISION = "cloud_run_revision";

/** A server error: the service's fault, unlike 4xx answers to bad requests. */
export const BAD_RESPONSE_CLASS = "5xx";

/** `key = "value"` terms joined by AND: the form both Cloud Monitoring and Grafana's data source take. */
export type FilterTerm = readonly [key: string, value: string];

export function filterText(terms: readonly FilterTerm[]): string {
  return terms.map(([key, value]) => `${key}="${value}"`).join(" AND ");
}

function scope(service: string, revision?: string): FilterTerm[] {
  const terms: FilterTerm[] = [["resource.label.service_name", service]];
  if (revision) terms.push(["resource.label.revision_name", revision]);
  return terms;
}

/** Every request the service (or one revision) answered. */
export function requestCountTerms(service: string, revision?: string): FilterTerm[] {
  return [["metric.type", RUN_REQUEST_COUNT], ["resource.type", RUN_REVISION], ...scope(service, revision)];
}

/** Requests answered with a server error. */
export function serverErrorTerms(service: string, revision?: string): FilterTerm[] {
  return [...requestCountTerms(service, revision), ["metric.label.response_code_class", BAD_RESPONSE_CLASS]];
}

/** The latency distribution (milliseconds) of the service's (or one revision's) requests. */
export function requestLatencyTerms(service: string, revision?: string): FilterTerm[] {
  return [["metric.type", RUN_REQUEST_LATENCIES], ["resource.type", RUN_REVISION], ...scope(service, revision)];
}
