// Meaning checks on parsed filters: a Monitoring filter names exactly one metric type that exists,
// a monitored-resource type that metric is written against, and only labels those two carry; an
// SLO selector names an SLO the same files define; a Logging query names fields that exist.
import { comparisons, parseFilter, requiredComparisons, type FilterNode } from "./filter-syntax.js";
import { LOG_METRIC_PREFIX, METRICS, RESOURCE_LABELS, type MetricDescriptor } from "./monitoring-catalog.js";

/** What the files define for log-based metrics: name → resource type and extracted labels. */
export type LogMetricIndex = ReadonlyMap<
  string,
  { resourceType: string; labels: readonly string[]; descriptor: MetricDescriptor }
>;

export interface FilterTarget {
  metricType: string;
  resourceType: string;
  descriptor: MetricDescriptor;
}

const LABEL_SELECTOR = /^(label|labels)$/;

function stringOf(node: Extract<FilterNode, { kind: "cmp" }>): string | undefined {
  return node.value.kind === "string" ? node.value.text : undefined;
}

/** Checks a Monitoring filter; returns findings and, when it is sound, what it selects. */
export function checkMetricFilter(
  filter: string,
  logMetrics: LogMetricIndex,
): { findings: string[]; target?: FilterTarget } {
  let tree: FilterNode;
  try {
    tree = parseFilter(filter);
  } catch (error) {
    return { findings: [`filter does not parse: ${(error as Error).message}`] };
  }
  const findings: string[] = [];
  const required = requiredComparisons(tree);
  const metric = required.filter((c) => c.field.join(".") === "metric.type" && c.op === "=");
  const resource = required.filter((c) => c.field.join(".") === "resource.type" && c.op === "=");
  if (metric.length !== 1) return { findings: ['a filter needs exactly one metric.type = "…" joined by AND'] };
  if (resource.length !== 1) return { findings: ['a filter needs exactly one resource.type = "…" joined by AND'] };
  const metricType = stringOf(metric[0]!) ?? "";
  const resourceType = stringOf(resource[0]!) ?? "";
  const log = metricType.startsWith(LOG_METRIC_PREFIX)
    ? logMetrics.get(metricType.slice(LOG_METRIC_PREFIX.length))
    : undefined;
  const descriptor = METRICS[metricType] ?? log?.descriptor;
  if (!descriptor) return { findings: [`unknown metric type "${metricType}"`] };
  const allowedResources = log ? [log.resourceType] : descriptor.resources;
  if (!allowedResources.includes(resourceType))
    findings.push(
      `metric ${metricType} is not written against resource type "${resourceType}" (expected ${allowedResources.join(" or ")})`,
    );
  const metricLabels = log ? log.labels : descriptor.labels;
  for (const cmp of comparisons(tree)) {
    const [root, selector, name, ...rest] = cmp.field;
    const path = cmp.field.join(".");
    if (path === "metric.type" || path === "resource.type") {
      if (cmp.op !== "=") findings.push(`${path} must be compared with =`);
      continue;
    }
    if (
      (root !== "metric" && root !== "resource") ||
      !selector ||
      !LABEL_SELECTOR.test(selector) ||
      !name ||
      rest.length > 0
    ) {
      findings.push(`unsupported field "${path}"`);
      continue;
    }
    const known = root === "metric" ? metricLabels : (RESOURCE_LABELS[resourceType] ?? []);
    if (!known.includes(name))
      findings.push(`${root} label "${name}" does not exist on ${root === "metric" ? metricType : resourceType}`);
    if (cmp.value.kind === "word") findings.push(`${path}: label values must be quoted strings`);
  }
  return { findings, ...(findings.length === 0 ? { target: { metricType, resourceType, descriptor } } : {}) };
}

const SLO_SELECTOR =
  /^select_slo_burn_rate\("projects\/([a-z][a-z0-9-]{4,28}[a-z0-9])\/services\/([a-z0-9-]+)\/serviceLevelObjectives\/([a-z0-9-]+)",\s*"(\d+)m"\)$/;

/** An SLO burn-rate selector must name an SLO defined in the same files (`service/slo` ids). */
export function checkSloSelector(filter: string, project: string, knownSlos: ReadonlySet<string>): string[] {
  const m = SLO_SELECTOR.exec(filter);
  if (!m) return [`not an SLO burn-rate selector: ${filter}`];
  const findings: string[] = [];
  if (m[1] !== project) findings.push(`SLO selector names project ${m[1]}, expected ${project}`);
  if (!knownSlos.has(`${m[2]}/${m[3]}`)) findings.push(`SLO selector names an undefined SLO ${m[2]}/${m[3]}`);
  if (Number(m[4]) < 1) findings.push("burn-rate lookback must be at least 1 minute");
  return findings;
}

const LOG_ROOTS = new Set(["resource", "jsonPayload", "textPayload", "severity", "logName", "labels", "httpRequest"]);
const SEVERITIES = ["DEFAULT", "DEBUG", "INFO", "NOTICE", "WARNING", "ERROR", "CRITICAL", "ALERT", "EMERGENCY"];

/** Checks a Logging query; returns findings and the resource type it selects. */
export function checkLogFilter(filter: string): { findings: string[]; resourceType?: string } {
  let tree: FilterNode;
  try {
    tree = parseFilter(filter);
  } catch (error) {
    return { findings: [`log filter does not parse: ${(error as Error).message}`] };
  }
  const findings: string[] = [];
  const resource = requiredComparisons(tree).filter((c) => c.field.join(".") === "resource.type" && c.op === "=");
  const resourceType = resource.length === 1 ? stringOf(resource[0]!) : undefined;
  if (!resourceType || !RESOURCE_LABELS[resourceType])
    return { findings: ['a log-based metric\'s filter needs one resource.type = "…" of a known resource'] };
  for (const cmp of comparisons(tree)) {
    const [root, second, third] = cmp.field;
    if (!LOG_ROOTS.has(root!)) findings.push(`unknown log field "${cmp.field.join(".")}"`);
    if (root === "resource" && second === "labels" && !RESOURCE_LABELS[resourceType]!.includes(third ?? ""))
      findings.push(`resource label "${third}" does not exist on ${resourceType}`);
    if (root === "severity" && !(cmp.value.kind === "word" && SEVERITIES.includes(cmp.value.text)))
      findings.push(`severity must be compared with one of ${SEVERITIES.join(", ")}`);
  }
  return { findings, resourceType };
}
