// Validates a set of Cloud Monitoring / Cloud Logging / Grafana JSON documents together: each
// against its documented shape, every filter parsed and checked against the metric catalog (and
// the log-based metrics the same set defines), aligners that fit the metric, SLO selectors that
// name SLOs the set creates, and Grafana panels that ask exactly what the Cloud Monitoring
// dashboard of the same name asks.
import type { z } from "zod";
import { PARSE_ONCE } from "../contracts/parse-once.js";
import { cloudDashboard, grafanaDashboard, grafanaFilterString, type CloudDashboard } from "./dashboard-shapes.js";
import { comparisons, parseFilter } from "./filter-syntax.js";
import { ALIGNERS_BY_VALUE, type MetricDescriptor } from "./monitoring-catalog.js";
import { checkLogFilter, checkMetricFilter, checkSloSelector, type LogMetricIndex } from "./monitoring-filter.js";
import { alertPolicyBody, logMetricBody, serviceBody, sloBody, type Aggregation } from "./monitoring-shapes.js";

export type MonitoringDocKind = "service" | "slo" | "alert-policy" | "log-metric" | "dashboard" | "grafana";

export interface MonitoringDoc {
  path: string;
  kind: MonitoringDocKind;
  content: string;
}

export interface MonitoringRules {
  project: string;
  /** Strings allowed where a value is only known when the setup script runs (channel, uptime check id). */
  placeholders: { channel: string; uptimeCheck: string };
}

const SHAPES: Record<MonitoringDocKind, z.ZodType> = {
  service: serviceBody,
  slo: sloBody,
  "alert-policy": alertPolicyBody,
  "log-metric": logMetricBody,
  dashboard: cloudDashboard,
  grafana: grafanaDashboard,
};

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Aligner and reducer that turn the metric into the numbers the chart or condition compares. */
function aggregationFindings(d: MetricDescriptor, a: Aggregation | undefined, numeric: boolean): string[] {
  const aligner = a?.perSeriesAligner;
  const out: string[] = [];
  if (aligner && !ALIGNERS_BY_VALUE[d.valueType].includes(aligner))
    out.push(`${aligner} does not apply to ${d.valueType} values`);
  if (aligner && /ALIGN_(DELTA|RATE)$/.test(aligner) && d.kind === "GAUGE")
    out.push(`${aligner} needs a DELTA or CUMULATIVE metric`);
  const percentileReducer = /^REDUCE_PERCENTILE_/.test(a?.crossSeriesReducer ?? "");
  if (percentileReducer && !(d.valueType === "DISTRIBUTION" && aligner === "ALIGN_DELTA"))
    out.push("a percentile reducer needs a DISTRIBUTION metric aligned with ALIGN_DELTA");
  if (numeric && d.valueType === "DISTRIBUTION" && !percentileReducer && !/PERCENTILE|COUNT/.test(aligner ?? ""))
    out.push("a distribution must be reduced to a number (a percentile) before it is compared");
  return out;
}

function logMetricIndex(docs: { doc: MonitoringDoc; body: Body }[], findings: string[]): LogMetricIndex {
  const index = new Map<string, { resourceType: string; labels: string[]; descriptor: MetricDescriptor }>();
  for (const { doc, body } of docs.filter((d) => d.doc.kind === "log-metric")) {
    const { findings: f, resourceType } = checkLogFilter(body.filter);
    findings.push(...f.map((m) => `${doc.path}: filter: ${m}`));
    if (!resourceType) continue;
    const valueType = body.metricDescriptor.valueType;
    if ((valueType === "DISTRIBUTION") !== (body.valueExtractor !== undefined))
      findings.push(`${doc.path}: a DISTRIBUTION log metric needs a valueExtractor (and a counter none)`);
    const labels = Object.keys(body.labelExtractors ?? {});
    index.set(body.name, {
      resourceType,
      labels,
      descriptor: { kind: "DELTA", valueType, unit: body.metricDescriptor.unit, resources: [resourceType], labels },
    });
  }
  return index;
}

export function validateMonitoringDocs(docs: readonly MonitoringDoc[], rules: MonitoringRules): string[] {
  const findings: string[] = [];
  const parsed: { doc: MonitoringDoc; body: Body }[] = [];
  for (const doc of docs) {
    let value: unknown;
    try {
      value = JSON.parse(doc.content);
    } catch (error) {
      findings.push(`${doc.path}: not JSON: ${(error as Error).message}`);
      continue;
    }
    const shape = SHAPES[doc.kind].safeParse(value, PARSE_ONCE);
    if (!shape.success) {
      shape.error.issues
        .slice(0, 8)
        .forEach((i) => findings.push(`${doc.path}: ${i.path.join(".") || "(root)"}: ${i.message}`));
      continue;
    }
    parsed.push({ doc, body: value as Body });
  }
  const logs = logMetricIndex(parsed, findings);
  const metric = (
    path: string,
    where: string,
    filter: string,
    agg: Aggregation | undefined,
    numeric: boolean,
    want?: "ratio" | "distribution",
  ) => {
    const { findings: f, target } = checkMetricFilter(filter, logs);
    findings.push(...f.map((m) => `${path}: ${where}: ${m}`));
    if (!target) return;
    findings.push(...aggregationFindings(target.descriptor, agg, numeric).map((m) => `${path}: ${where}: ${m}`));
    const d = target.descriptor;
    if (want === "ratio" && (d.valueType === "DISTRIBUTION" || d.valueType === "BOOL" || d.kind === "GAUGE"))
      findings.push(
        `${path}: ${where}: a good/total ratio needs a DELTA or CUMULATIVE count, not ${d.kind} ${d.valueType}`,
      );
    if (want === "distribution" && (d.valueType !== "DISTRIBUTION" || d.kind === "GAUGE"))
      findings.push(`${path}: ${where}: a distribution cut needs a DELTA or CUMULATIVE DISTRIBUTION metric`);
  };
  const slos = new Set(
    parsed
      .filter((p) => p.doc.kind === "slo")
      .map((p) => `${p.body.userLabels?.service}/${p.doc.path.replace(/^.*\/|\.json$/g, "")}`),
  );
  for (const { doc, body } of parsed) {
    if (doc.kind === "slo") {
      const sli = body.serviceLevelIndicator.requestBased;
      if (!body.userLabels?.service) findings.push(`${doc.path}: userLabels.service names the SLO's service`);
      if (sli.goodTotalRatio)
        for (const [key, filter] of Object.entries(sli.goodTotalRatio as Record<string, string>))
          metric(doc.path, key, filter, undefined, false, "ratio");
      if (sli.distributionCut)
        metric(
          doc.path,
          "distributionFilter",
          sli.distributionCut.distributionFilter,
          undefined,
          false,
          "distribution",
        );
    }
    if (doc.kind === "alert-policy") {
      if (JSON.stringify(body.notificationChannels) !== JSON.stringify([rules.placeholders.channel]))
        findings.push(`${doc.path}: notificationChannels must be the channel placeholder the setup script fills in`);
      body.conditions.forEach((c: Body, i: number) => {
        const where = `conditions[${i}]`;
        const t = c.conditionThreshold ?? c.conditionAbsent;
        if (t.filter.startsWith("select_slo_"))
          findings.push(...checkSloSelector(t.filter, rules.project, slos).map((m) => `${doc.path}: ${where}: ${m}`));
        else metric(doc.path, where, t.filter, t.aggregations?.[0], !!c.conditionThreshold);
        const uses = t.filter.split(rules.placeholders.uptimeCheck).length - 1;
        if (uses > 0 && (uses !== 1 || !t.filter.includes(`metric.label.check_id="${rules.placeholders.uptimeCheck}"`)))
          findings.push(`${doc.path}: ${where}: the uptime check placeholder belongs in metric.label.check_id only`);
      });
    }
    if (doc.kind === "dashboard")
      (body as CloudDashboard).mosaicLayout.tiles.forEach((tile, i) => {
        const q = tile.widget.xyChart?.dataSets[0]?.timeSeriesQuery ?? tile.widget.scorecard?.timeSeriesQuery;
        if (q) metric(doc.path, `tiles[${i}]`, q.timeSeriesFilter.filter, q.timeSeriesFilter.aggregation, true);
      });
  }
  findings.push(...grafanaMatchesCloud(parsed));
  return findings;
}

/** Same file name under dashboards/ and grafana/: the same panels asking the same queries. */
function grafanaMatchesCloud(parsed: { doc: MonitoringDoc; body: Body }[]): string[] {
  const findings: string[] = [];
  const base = (p: string) => p.replace(/^.*\//, "");
  const clouds = new Map(
    parsed.filter((p) => p.doc.kind === "dashboard").map((p) => [base(p.doc.path), p.body as CloudDashboard]),
  );
  const normal = (filter: string) =>
    comparisons(parseFilter(filter))
      .map((c) => `${c.field.join(".")}${c.op}${JSON.stringify(c.value)}`)
      .sort()
      .join(" ");
  for (const { doc, body } of parsed.filter((p) => p.doc.kind === "grafana")) {
    const cloud = clouds.get(base(doc.path));
    if (!cloud) {
      findings.push(`${doc.path}: no Cloud Monitoring dashboard of the same name`);
      continue;
    }
    const tiles = cloud.mosaicLayout.tiles;
    if (tiles.length !== body.panels.length)
      findings.push(
        `${doc.path}: ${body.panels.length} panels, the Cloud Monitoring dashboard has ${tiles.length} tiles`,
      );
    body.panels.forEach((panel: Body, i: number) => {
      const list = panel.targets?.[0]?.timeSeriesList;
      const q = tiles[i]?.widget.xyChart?.dataSets[0]?.timeSeriesQuery.timeSeriesFilter;
      if (!list || !q) return;
      let same = false;
      try {
        same = normal(grafanaFilterString(list.filters)) === normal(q.filter);
      } catch (error) {
        findings.push(`${doc.path}: panels[${i}]: filters do not parse: ${(error as Error).message}`);
        return;
      }
      if (!same) findings.push(`${doc.path}: panels[${i}]: filter differs from the Cloud Monitoring tile`);
      if (
        list.perSeriesAligner !== q.aggregation.perSeriesAligner ||
        list.alignmentPeriod !== q.aggregation.alignmentPeriod
      )
        findings.push(`${doc.path}: panels[${i}]: aggregation differs from the Cloud Monitoring tile`);
    });
  }
  return findings;
}
