// The request bodies the Cloud Monitoring and Cloud Logging APIs document, as strict schemas: a
// misspelled or invented field name fails here instead of with a 400 when the setup script runs.
// Only the fields generated files use are modelled; every object is strict.
// https://cloud.google.com/monitoring/api/ref_v3/rest/v3/services,
// .../services.serviceLevelObjectives, .../projects.alertPolicies,
// https://cloud.google.com/monitoring/api/ref_v3/rest/v1/projects.dashboards,
// https://cloud.google.com/logging/docs/reference/v2/rest/v2/projects.metrics
import { z } from "zod";

/** google.protobuf.Duration in JSON: seconds with an `s` suffix. */
export const DURATION = /^\d+s$/;
const duration = z.string().regex(DURATION, 'expected a duration such as "300s"');
const labelMap = z.record(z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/), z.string().regex(/^[a-z0-9_-]{0,63}$/));

export const serviceBody = z.strictObject({
  displayName: z.string().min(1).max(512),
  custom: z.strictObject({}),
  userLabels: labelMap.optional(),
});

const goodTotalRatio = z
  .strictObject({
    goodServiceFilter: z.string().min(1).optional(),
    badServiceFilter: z.string().min(1).optional(),
    totalServiceFilter: z.string().min(1).optional(),
  })
  .refine((r) => Object.keys(r).length === 2, "a TimeSeriesRatio takes exactly two of good, bad and total filters");

const distributionCut = z.strictObject({
  distributionFilter: z.string().min(1),
  range: z.strictObject({ min: z.number().optional(), max: z.number().optional() }),
});

export const sloBody = z.strictObject({
  displayName: z.string().min(1).max(512),
  goal: z.number().gt(0).max(0.9999),
  rollingPeriod: duration.refine((d) => {
    const s = Number(d.slice(0, -1));
    return s % 86_400 === 0 && s >= 86_400 && s <= 30 * 86_400;
  }, "a rolling period is a whole number of days, 1 to 30"),
  serviceLevelIndicator: z.strictObject({
    requestBased: z.union([z.strictObject({ goodTotalRatio }), z.strictObject({ distributionCut })]),
  }),
  userLabels: labelMap.optional(),
});

export const ALIGNERS = [
  "ALIGN_NONE",
  "ALIGN_DELTA",
  "ALIGN_RATE",
  "ALIGN_SUM",
  "ALIGN_MEAN",
  "ALIGN_MAX",
  "ALIGN_MIN",
  "ALIGN_COUNT",
  "ALIGN_COUNT_TRUE",
  "ALIGN_COUNT_FALSE",
  "ALIGN_FRACTION_TRUE",
  "ALIGN_NEXT_OLDER",
  "ALIGN_PERCENTILE_99",
  "ALIGN_PERCENTILE_95",
  "ALIGN_PERCENTILE_50",
  "ALIGN_PERCENTILE_05",
] as const;
export const REDUCERS = [
  "REDUCE_NONE",
  "REDUCE_SUM",
  "REDUCE_MEAN",
  "REDUCE_MAX",
  "REDUCE_MIN",
  "REDUCE_COUNT",
  "REDUCE_COUNT_TRUE",
  "REDUCE_COUNT_FALSE",
  "REDUCE_FRACTION_TRUE",
  "REDUCE_PERCENTILE_99",
  "REDUCE_PERCENTILE_95",
  "REDUCE_PERCENTILE_50",
  "REDUCE_PERCENTILE_05",
] as const;

export const aggregation = z.strictObject({
  alignmentPeriod: duration.refine((d) => Number(d.slice(0, -1)) >= 60, "alignment periods start at 60 s"),
  perSeriesAligner: z.enum(ALIGNERS).optional(),
  crossSeriesReducer: z.enum(REDUCERS).optional(),
  groupByFields: z.array(z.string().regex(/^(metric|resource)\.label\.[a-z_]+$/)).optional(),
});

const trigger = z.strictObject({ count: z.int().min(1).optional(), percent: z.number().optional() });

// Alerting conditions align over at most 25 hours (Aggregation.alignmentPeriod).
const alertAggregation = aggregation.refine(
  (a) => Number(a.alignmentPeriod.slice(0, -1)) <= 90_000,
  "an alerting condition aligns over at most 90000s (25 hours)",
);

const conditionThreshold = z.strictObject({
  filter: z.string().min(1),
  aggregations: z.array(alertAggregation).max(1).optional(),
  comparison: z.enum(["COMPARISON_GT", "COMPARISON_GE", "COMPARISON_LT", "COMPARISON_LE"]),
  thresholdValue: z.number(),
  duration,
  trigger: trigger.optional(),
  evaluationMissingData: z
    .enum(["EVALUATION_MISSING_DATA_INACTIVE", "EVALUATION_MISSING_DATA_ACTIVE", "EVALUATION_MISSING_DATA_NO_OP"])
    .optional(),
});

const conditionAbsent = z.strictObject({
  filter: z.string().min(1),
  aggregations: z.array(alertAggregation).max(1).optional(),
  // At least 120 s, whole minutes; Cloud Monitoring evaluates absence over at most 23.5 hours.
  duration: duration.refine((d) => {
    const s = Number(d.slice(0, -1));
    return s >= 120 && s % 60 === 0 && s <= 84_600;
  }, "absence duration: 120 s to 23.5 h, whole minutes"),
  trigger: trigger.optional(),
});

export const alertPolicyBody = z.strictObject({
  displayName: z.string().min(1).max(512),
  documentation: z
    .strictObject({ content: z.string().min(1).max(10_240), mimeType: z.literal("text/markdown") })
    .optional(),
  userLabels: labelMap.optional(),
  conditions: z
    .array(
      z
        .strictObject({
          displayName: z.string().min(1).max(512),
          conditionThreshold: conditionThreshold.optional(),
          conditionAbsent: conditionAbsent.optional(),
        })
        .refine((c) => Number(!!c.conditionThreshold) + Number(!!c.conditionAbsent) === 1, "one condition type each"),
    )
    .min(1)
    .max(6),
  combiner: z.enum(["AND", "OR", "AND_WITH_MATCHING_RESOURCE"]),
  enabled: z.boolean(),
  notificationChannels: z.array(z.string()).max(16),
  alertStrategy: z.strictObject({ autoClose: duration }).optional(),
  severity: z.enum(["CRITICAL", "ERROR", "WARNING"]).optional(),
});

export const logMetricBody = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/),
  description: z.string().max(8000),
  filter: z.string().min(1).max(20_000),
  metricDescriptor: z.strictObject({
    metricKind: z.literal("DELTA"),
    valueType: z.enum(["INT64", "DISTRIBUTION"]),
    unit: z.string(),
    labels: z
      .array(
        z.strictObject({
          key: z.string().regex(/^[a-z][a-z0-9_]*$/),
          valueType: z.literal("STRING"),
          description: z.string(),
        }),
      )
      .optional(),
  }),
  valueExtractor: z
    .string()
    .regex(/^EXTRACT\([A-Za-z0-9_.]+\)$/)
    .optional(),
  labelExtractors: z.record(z.string(), z.string().regex(/^EXTRACT\([A-Za-z0-9_.]+\)$/)).optional(),
  bucketOptions: z
    .strictObject({
      exponentialBuckets: z.strictObject({
        numFiniteBuckets: z.int().min(1).max(200),
        growthFactor: z.number().gt(1),
        scale: z.number().gt(0),
      }),
    })
    .optional(),
});

export type ServiceBody = z.infer<typeof serviceBody>;
export type SloBody = z.infer<typeof sloBody>;
export type AlertPolicyBody = z.infer<typeof alertPolicyBody>;
export type LogMetricBody = z.infer<typeof logMetricBody>;
export type Aggregation = z.infer<typeof aggregation>;
