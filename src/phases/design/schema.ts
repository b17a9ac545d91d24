// The design result: what the serverless SRE persona returns (offline rules or Gemini) and
// mapping.json publishes. Prose fields are bounded strings; anything a later artifact reuses as a
// name, size or path lives in `deployment` or is pattern-checked here.
import { z } from "zod";
import { deploymentSchema } from "../../contracts/deployment.js";

export const TARGET_KINDS = [
  "cloud-run-service",
  "cloud-run-worker",
  "cloud-run-job",
  "cloud-run-worker-pool",
  "cloud-tasks",
  "pubsub",
  "cloud-scheduler",
  "cloud-sql",
  "memorystore",
  "load-balancer",
  "cloud-storage",
  "secret-manager",
  "removed",
] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

const SERVICE = /^[a-z][a-z0-9-]*$/;
/** GCP resource names we print (queues, instances, LB, buckets): lowercase, digits, dashes. */
export const RESOURCE_NAME = /^[a-z][a-z0-9-]{0,61}[a-z0-9]$/;
const DECISION_ID = /^D\d{1,3}$/;
const RISK_ID = /^R\d{1,3}$/;
const SETTING_KEY = /^[a-zA-Z][a-zA-Z0-9]{0,40}$/;

const text = (max: number) => z.string().trim().min(3).max(max);

export const mappingEntrySchema = z.object({
  /** Inventory service name. */
  service: z.string().regex(SERVICE),
  target: z.object({ kind: z.enum(TARGET_KINDS), name: z.string().regex(RESOURCE_NAME) }),
  reason: text(800),
  /** Key settings of the target (cpu, concurrency, tier…), flat and printable. */
  settings: z
    .record(z.string().regex(SETTING_KEY), z.union([z.string().max(200), z.number(), z.boolean()]))
    .default({}),
  /** Application changes this move implies, in imperative sentences. */
  appChanges: z.array(text(600)).max(10).default([]),
});
export type MappingEntry = z.infer<typeof mappingEntrySchema>;

export const decisionSchema = z.object({
  id: z.string().regex(DECISION_ID),
  title: text(140),
  context: text(1200),
  decision: text(1200),
  alternatives: z.array(text(500)).min(1).max(6),
  consequences: z.array(text(500)).min(1).max(8),
  /** Audit risk ids this decision closes. */
  closesRisks: z.array(z.string().regex(RISK_ID)).max(30).default([]),
});
export type Decision = z.infer<typeof decisionSchema>;

export const riskTraceSchema = z.object({
  riskId: z.string().regex(RISK_ID),
  status: z.enum(["mitigated", "accepted"]),
  /** The design element that closes it (a mapping target or a decision id), or why it is accepted. */
  element: text(200),
  decisionIds: z.array(z.string().regex(DECISION_ID)).max(10).default([]),
  reason: text(600),
});
export type RiskTrace = z.infer<typeof riskTraceSchema>;

export const tradeoffSchema = z.object({
  topic: text(120),
  chosen: text(400),
  gives: text(400),
  costs: text(400),
});

export const REQUIREMENTS = [
  "zero-downtime-deploys",
  "scale-to-zero",
  "api-worker-separation",
  "managed-database",
  "no-nodes",
] as const;

export const requirementSchema = z.object({
  id: z.enum(REQUIREMENTS),
  how: text(800),
});

export const runbookStepSchema = z.object({
  title: text(140),
  detail: text(1200),
  /** Commands or queries to run; shown in code blocks, never executed by the tool. */
  commands: z.array(z.string().max(400)).max(12).default([]),
  verify: z.string().max(600).optional(),
});

export const designResultSchema = z
  .object({
    /** Two to five sentences: what the target looks like and why. */
    summary: text(2000),
    growthTarget: z.number().min(1).max(10_000),
    deployment: deploymentSchema,
    mapping: z.array(mappingEntrySchema).min(1).max(5000), // the inventory allows 5,000 services
    decisions: z.array(decisionSchema).min(1).max(30),
    riskTrace: z.array(riskTraceSchema).max(60),
    tradeoffs: z.array(tradeoffSchema).max(20),
    assumptions: z.array(text(400)).max(20),
    requirements: z.array(requirementSchema).max(REQUIREMENTS.length),
    runbook: z.object({
      database: z.array(runbookStepSchema).min(1).max(20),
      cutover: z.array(runbookStepSchema).min(1).max(20),
      rollback: z.array(runbookStepSchema).min(1).max(10),
      firstWeek: z.array(text(400)).min(1).max(15),
    }),
  })
  .superRefine((r, ctx) => {
    const ids = r.decisions.map((d) => d.id);
    if (new Set(ids).size !== ids.length)
      ctx.addIssue({ code: "custom", path: ["decisions"], message: "decision ids must be unique" });
    const known = new Set(ids);
    r.riskTrace.forEach((t, i) =>
      t.decisionIds.forEach((d) => {
        if (!known.has(d))
          ctx.addIssue({ code: "custom", path: ["riskTrace", i, "decisionIds"], message: `unknown decision ${d}` });
      }),
    );
    const names = r.deployment.services.map((s) => s.name);
    if (new Set(names).size !== names.length)
      ctx.addIssue({ code: "custom", path: ["deployment", "services"], message: "service names must be unique" });
    r.deployment.queues.forEach((q, i) => {
      if (!names.includes(q.target))
        ctx.addIssue({
          code: "custom",
          path: ["deployment", "queues", i, "target"],
          message: `queue targets unknown service ${q.target}`,
        });
    });
  });
export type DesignResult = z.infer<typeof designResultSchema>;
