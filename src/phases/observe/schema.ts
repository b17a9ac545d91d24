// The observe result: what the SRE-for-observability persona returns (offline rules or Gemini).
// Names a later file reuses (SLO ids, services, queues, jobs) are pattern-checked; prose is plain
// text; numbers are bounded to what Cloud Monitoring accepts. The renderer cross-checks every
// name against the design's deployment and pins the request SLOs to the deploy gate's numbers.
import { z } from "zod";

const NAME = /^[a-z]([a-z0-9-]{0,47}[a-z0-9])?$/;
/** SLO ids: like Cloud Run names, with room for a suffix (Monitoring ids take [a-z0-9-]). */
const SLO_ID = /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
const RISK_ID = /^R\d{1,3}$/;
/** Prose lands in Markdown and alert documentation: no HTML, code spans or template braces. */
const prose = (max: number, what: string) =>
  z
    .string()
    .trim()
    .min(10)
    .max(max)
    .refine((s) => !/[<>`]|\{\{|\r/.test(s), "plain prose only: no <, >, backticks or {{")
    .describe(what);

/** The largest failed-task count an hour the AI worker's alert takes. */
export const MAX_AI_FAILURES_PER_HOUR = 10_000;

export const SLO_KINDS = ["availability", "latency", "task-success", "task-delay"] as const;
export type SloKind = (typeof SLO_KINDS)[number];

export const sloSchema = z
  .strictObject({
    id: z
      .string()
      .regex(SLO_ID)
      .describe("Stable SLO id, lowercase with dashes, unique, e.g. web-app-prod-availability."),
    service: z.string().regex(NAME).describe("The Cloud Run service (deployment.services[].name) the SLO is about."),
    kind: z
      .enum(SLO_KINDS)
      .describe(
        "availability: share of requests without a 5xx; latency: share of requests under thresholdMs; " +
          "task-success: share of task attempts (or AI tasks) that succeed; " +
          "task-delay: share of queued tasks dispatched within thresholdMs of their due time.",
      ),
    queue: z
      .string()
      .regex(NAME)
      .optional()
      .describe("For task-success and task-delay of a plain worker: the Cloud Tasks queue name."),
    target: z.number().min(0.9).max(0.9999).describe("Objective as a fraction, e.g. 0.999 for 99.9%."),
    windowDays: z.int().min(7).max(30).describe("Rolling window in days (28 keeps weekdays and weekends balanced)."),
    thresholdMs: z
      .int()
      .min(50)
      .max(3_600_000)
      .optional()
      .describe("latency and task-delay only: the time a good event stays under, in milliseconds."),
    reasoning: prose(800, "Why this target, window and threshold, from the inventory and the design."),
    watchesRisks: z
      .array(z.string().regex(RISK_ID))
      .max(8)
      .describe("Audit risk ids this SLO would have caught (from risks.json)."),
  })
  .refine((s) => (s.kind === "latency" || s.kind === "task-delay") === (s.thresholdMs !== undefined), {
    message: "thresholdMs is required for latency and task-delay SLOs and only for them",
    path: ["thresholdMs"],
  });
export type Slo = z.infer<typeof sloSchema>;

export const queueAlertSchema = z.strictObject({
  queue: z.string().regex(NAME).describe("Cloud Tasks queue name from the design."),
  maxDepth: z
    .int()
    .min(1)
    .max(10_000_000)
    .describe("Alert when more tasks than this wait in the queue for 10 minutes."),
  maxDelaySeconds: z
    .int()
    .min(10)
    .max(86_400)
    .describe("Alert when the 99th percentile dispatch delay (how late tasks start) stays above this."),
});

export const observeResultSchema = z
  .strictObject({
    summary: prose(1500, "Two to four sentences: what is watched, how alerts reach the team, and why."),
    slos: z
      .array(sloSchema)
      // A ceiling for any design (two per API, two per queue): what is sent is sized from the design.
      .max(20_000)
      .describe("Every SLO: per public service availability and latency, per worker task success and delay."),
    database: z
      .strictObject({
        cpuPercent: z.int().min(50).max(99).describe("Alert when Cloud SQL CPU stays above this percentage."),
        connectionsPercent: z
          .int()
          .min(50)
          .max(99)
          .describe("Alert when connections exceed this share of max_connections."),
        diskPercent: z.int().min(50).max(98).describe("Alert when disk use exceeds this percentage."),
        replicaLagSeconds: z.int().min(5).max(3600).describe("Alert when a read replica is this far behind."),
      })
      .optional()
      .describe("Cloud SQL alert thresholds; omit when the design has no database."),
    queues: z
      .array(queueAlertSchema)
      .max(10_000)
      .describe("Queue depth and delay alerts, one entry per Cloud Tasks queue."),
    aiWorker: z
      .strictObject({
        failuresPerHour: z
          .int()
          .min(1)
          .max(MAX_AI_FAILURES_PER_HOUR)
          .describe("Alert when more AI tasks than this fail permanently in an hour."),
        modelLatencySeconds: z
          .number()
          .min(1)
          .max(1800)
          .describe("Alert when the 95th percentile model call latency stays above this."),
      })
      .optional()
      .describe("AI worker alerts (log-based metrics); omit when the design has no AI worker."),
    errorBudgetPolicy: z
      .strictObject({
        fastBurn: prose(800, "What the team does when a budget burns fast (the page): who, how fast, roll back first."),
        slowBurn: prose(800, "What the team does on a slow burn (the ticket)."),
        exhausted: prose(
          800,
          "What happens when a budget is spent: freeze feature deploys, what is still allowed, when it lifts.",
        ),
        outsideBusinessHours: prose(
          800,
          "Which alerts wake someone outside business hours and which wait for the morning.",
        ),
        review: prose(600, "When and how the team reviews SLOs and this policy."),
      })
      .describe("The error-budget policy in plain language, fitted to the team's size and business hours."),
  })
  .superRefine((r, ctx) => {
    const ids = r.slos.map((s) => s.id);
    if (new Set(ids).size !== ids.length)
      ctx.addIssue({ code: "custom", path: ["slos"], message: "SLO ids must be unique" });
    r.slos.forEach((s, i) => {
      if (s.kind === "task-delay" && s.queue === undefined)
        ctx.addIssue({ code: "custom", path: ["slos", i, "queue"], message: "a task-delay SLO names its queue" });
    });
  });
export type ObserveResult = z.infer<typeof observeResultSchema>;
