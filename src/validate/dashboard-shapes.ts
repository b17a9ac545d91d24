// Dashboard documents as the two products define them, strict on the fields generated files use:
// a Cloud Monitoring Dashboard (mosaic layout of tiles; `gcloud monitoring dashboards create
// --config-from-file` sends it as is) and a Grafana dashboard model whose panels query the Cloud
// Monitoring data source (plugin id `stackdriver`, query type `timeSeriesList`).
// https://cloud.google.com/monitoring/api/ref_v3/rest/v1/projects.dashboards,
// https://grafana.com/docs/grafana/latest/dashboards/build-dashboards/view-dashboard-json-model/,
// grafana/grafana public/app/plugins/datasource/cloud-monitoring/dataquery.gen.ts (TimeSeriesList)
import { z } from "zod";
import { aggregation } from "./monitoring-shapes.js";

const timeSeriesQuery = z.strictObject({
  timeSeriesFilter: z.strictObject({ filter: z.string().min(1), aggregation }),
  unitOverride: z.string().optional(),
});

const threshold = z.strictObject({
  value: z.number(),
  label: z.string().optional(),
  color: z.enum(["YELLOW", "RED"]).optional(),
  direction: z.enum(["ABOVE", "BELOW"]).optional(),
  targetAxis: z.enum(["Y1", "Y2"]).optional(),
});

const xyChart = z.strictObject({
  dataSets: z
    .array(
      z.strictObject({
        timeSeriesQuery,
        plotType: z.enum(["LINE", "STACKED_AREA", "STACKED_BAR", "HEATMAP"]),
        targetAxis: z.literal("Y1").optional(),
        legendTemplate: z.string().optional(),
      }),
    )
    .min(1),
  yAxis: z.strictObject({ label: z.string(), scale: z.enum(["LINEAR", "LOG10"]) }).optional(),
  thresholds: z.array(threshold).optional(),
});

const widget = z
  .strictObject({
    title: z.string().max(200),
    xyChart: xyChart.optional(),
    scorecard: z
      .strictObject({
        timeSeriesQuery,
        thresholds: z.array(threshold).optional(),
        sparkChartView: z.strictObject({ sparkChartType: z.enum(["SPARK_LINE", "SPARK_BAR"]) }).optional(),
      })
      .optional(),
    text: z.strictObject({ content: z.string(), format: z.enum(["MARKDOWN", "RAW"]) }).optional(),
  })
  .refine(
    (w) => [w.xyChart, w.scorecard, w.text].filter(Boolean).length === 1,
    "a widget has exactly one content type",
  );

export const MOSAIC_COLUMNS = 48;

export const cloudDashboard = z
  .strictObject({
    displayName: z.string().min(1).max(512),
    labels: z.record(z.string().regex(/^[a-z][a-z0-9_-]*$/), z.literal("")).optional(),
    mosaicLayout: z.strictObject({
      columns: z.literal(MOSAIC_COLUMNS),
      tiles: z
        .array(
          z.strictObject({
            xPos: z.int().min(0),
            yPos: z.int().min(0),
            width: z.int().min(1),
            height: z.int().min(1),
            widget,
          }),
        )
        .min(1),
    }),
  })
  .superRefine((d, ctx) =>
    d.mosaicLayout.tiles.forEach((t, i) => {
      if (t.xPos + t.width > MOSAIC_COLUMNS)
        ctx.addIssue({ code: "custom", path: ["mosaicLayout", "tiles", i], message: "tile runs past the last column" });
    }),
  );

/** The Cloud Monitoring data source plugin id (kept as `stackdriver` for compatibility). */
export const GRAFANA_DATASOURCE_TYPE = "stackdriver";
const datasourceRef = z.strictObject({ type: z.literal(GRAFANA_DATASOURCE_TYPE), uid: z.literal("${datasource}") });

const grafanaTarget = z.strictObject({
  refId: z.string().regex(/^[A-Z]$/),
  datasource: datasourceRef,
  queryType: z.literal("timeSeriesList"),
  aliasBy: z.string().optional(),
  timeSeriesList: z.strictObject({
    projectName: z.string().min(1),
    filters: z
      .array(z.string())
      .refine((f) => (f.length + 1) % 4 === 0, "filters come in [key, op, value] groups joined by AND"),
    perSeriesAligner: z.string().regex(/^ALIGN_[A-Z0-9_]+$/),
    crossSeriesReducer: z.string().regex(/^REDUCE_[A-Z0-9_]+$/),
    alignmentPeriod: z.string().regex(/^(cloud-monitoring-auto|grafana-auto|\+?\d+s)$/),
    groupBys: z.array(z.string()),
  }),
});

export const grafanaDashboard = z.strictObject({
  uid: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/),
  title: z.string().min(1),
  description: z.string().optional(),
  tags: z.array(z.string()),
  timezone: z.enum(["browser", "utc"]),
  editable: z.boolean(),
  schemaVersion: z.int().min(30),
  version: z.int().min(0),
  time: z.strictObject({ from: z.string(), to: z.string() }),
  refresh: z.string(),
  templating: z.strictObject({
    list: z.array(
      z.strictObject({
        name: z.literal("datasource"),
        label: z.string(),
        type: z.literal("datasource"),
        query: z.literal(GRAFANA_DATASOURCE_TYPE),
        current: z.strictObject({}),
        hide: z.int(),
      }),
    ),
  }),
  annotations: z.strictObject({ list: z.array(z.never()) }),
  panels: z
    .array(
      z.strictObject({
        id: z.int().min(1),
        type: z.enum(["timeseries", "stat", "text"]),
        title: z.string(),
        gridPos: z.strictObject({
          x: z.int().min(0).max(23),
          y: z.int().min(0),
          w: z.int().min(1).max(24),
          h: z.int().min(1),
        }),
        datasource: datasourceRef.optional(),
        targets: z.array(grafanaTarget).optional(),
        options: z.record(z.string(), z.unknown()).optional(),
        fieldConfig: z
          .strictObject({ defaults: z.strictObject({ unit: z.string().optional() }), overrides: z.array(z.never()) })
          .optional(),
      }),
    )
    .min(1),
});

export type CloudDashboard = z.infer<typeof cloudDashboard>;
export type GrafanaDashboard = z.infer<typeof grafanaDashboard>;

/**
 * The filter Grafana's backend builds from `filters` (pkg/tsdb/cloud-monitoring,
 * cloudMonitoringTimeSeriesList.getFilter): groups of key, operator, value joined by "AND",
 * values quoted. Used to prove both dashboards ask Cloud Monitoring the same question.
 */
export function grafanaFilterString(filters: readonly string[]): string {
  let out = "";
  filters.forEach((part, i) => {
    if (part === "AND") out += " ";
    else if (i % 4 === 2) out += `"${part}"`;
    else out += part;
  });
  return out.trim();
}
