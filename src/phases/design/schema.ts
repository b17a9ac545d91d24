// The design result: what the serverless SRE persona returns (offline rules or Gemini) and
// mapping.json publishes. Prose fields are bounded strings; anything a later artifact reuses as a
// name, size or path lives in `deployment` or is pattern-checked here. Every field carries a
// description for the model (the sent schema states patterns and lengths there too).
import { z } from "zod";
import type { AuditResult } from "../../contracts/audit-result.js";
import {
  deploymentSchema,
  deployTargetSchema,
  type Deployment,
  RESOURCE_NAME,
  volumeSchema,
} from "../../contracts/deployment.js";
import type { PhaseInput } from "../../contracts/phase.js";
import type { ArrayLimits } from "../../model/response-schema.js";

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
  "filestore",
  "secret-manager",
  "needs-decision",
  "removed",
] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

const SERVICE = /^[a-z][a-z0-9-]*$/;
const DECISION_ID = /^D\d{1,3}$/;
const RISK_ID = /^R\d{1,3}$/;
const SETTING_KEY = /^[a-zA-Z][a-zA-Z0-9]{0,40}$/;

const text = (max: number) => z.string().trim().min(3).max(max);

/** One way to settle an open decision: what it takes and what it costs. */
export const decisionOptionSchema = z.object({
  option: text(200).describe("One way to settle the decision, in a few words."),
  change: text(600).describe("The work it takes: code, configuration or operations."),
  cost: text(300).describe("Monthly cost with its formula, or why there is none."),
});
export type DecisionOption = z.infer<typeof decisionOptionSchema>;

/** Targets that run a process (a process mapped elsewhere is dropped, unless it is an open decision). */
export const RUNNING_KINDS: readonly TargetKind[] = [
  "cloud-run-service",
  "cloud-run-worker",
  "cloud-run-worker-pool",
  "cloud-run-job",
  "cloud-scheduler",
];

export const mappingEntrySchema = z.object({
  service: z.string().regex(SERVICE).describe("Inventory service name, exactly as the inventory spells it."),
  target: z
    .object({
      kind: z
        .enum(TARGET_KINDS)
        .describe(
          "Google Cloud product that runs or replaces the service. A process (web, worker, scheduler, cron, other) needs one that runs it, or 'needs-decision' with options; never 'removed'.",
        ),
      name: z
        .string()
        .regex(RESOURCE_NAME)
        .describe("Resource name: the Cloud Run service, queue, instance or bucket."),
    })
    .describe("Where the service goes."),
  reason: text(800).describe("Why this target, in one or two sentences."),
  settings: z
    .record(z.string().regex(SETTING_KEY), z.union([z.string().max(200), z.number(), z.boolean()]))
    .default({})
    .describe("Key settings of the target (cpu, concurrency, tier …), flat and printable; camelCase keys."),
  appChanges: z
    .array(text(600))
    .max(10)
    .default([])
    .describe("Application changes this move needs, as imperative sentences (e.g. 'Enqueue jobs with Cloud Tasks')."),
  options: z
    .array(decisionOptionSchema)
    .max(5)
    .optional()
    .describe(
      "For kind needs-decision: at least two ways to settle it, each with the work it takes and its monthly cost.",
    ),
  subject: text(300)
    .optional()
    .describe(
      'For kind needs-decision: what is to be decided, in a few words naming the service ("web\'s outgoing mail", "gitea\'s raw port 22").',
    ),
});
export type MappingEntry = z.infer<typeof mappingEntrySchema>;

export const decisionSchema = z.object({
  id: z.string().regex(DECISION_ID).describe("ADR id D1…Dn."),
  title: text(140).describe("The decision in a few words."),
  // 2000: the offline draft's decisions repeat resource names, which grow with the app's name (the
  // AI gateway's reached 1,215 characters for a 41-character name), and a model starts from them.
  context: text(2000).describe("The forces at play: facts from the inventory and the audit."),
  decision: text(2000).describe("What we do, stated plainly."),
  alternatives: z.array(text(500)).min(1).max(6).describe("Options considered and why each was not chosen."),
  consequences: z.array(text(500)).min(1).max(8).describe("What follows, good and bad, including monthly cost."),
  closesRisks: z.array(z.string().regex(RISK_ID)).max(30).default([]).describe("Audit risk ids this decision closes."),
});
export type Decision = z.infer<typeof decisionSchema>;

export const RISK_STATUSES = ["mitigated", "accepted"] as const;

export const riskTraceSchema = z
  .object({
    riskId: z.string().regex(RISK_ID).describe("An audit risk id."),
    status: z
      .enum(RISK_STATUSES)
      .describe(
        "'mitigated' when a design element closes it; 'accepted' when the team lives with it, with the reason.",
      ),
    element: text(200).describe("The design element that closes it (a mapping target or decision), or 'accepted'."),
    decisionIds: z
      .array(z.string().regex(DECISION_ID))
      .max(10)
      .default([])
      .describe("Decision ids that close it; at least one when mitigated."),
    reason: text(600).describe(
      "How the element closes the risk; for an accepted risk, why accepting it is sound and what would change that.",
    ),
  })
  .refine((t) => t.status !== "mitigated" || t.decisionIds.length > 0, {
    message: "a mitigated risk names the decisions that close it (decisionIds)",
    path: ["decisionIds"],
  })
  .refine((t) => t.status !== "accepted" || t.reason.length >= 40, {
    message: "an accepted risk needs a real reason (at least 40 characters): why accepting it is sound",
    path: ["reason"],
  });
export type RiskTrace = z.infer<typeof riskTraceSchema>;

export const tradeoffSchema = z.object({
  topic: text(120).describe("What the trade-off is about."),
  chosen: text(400).describe("The option chosen."),
  gives: text(400).describe("What it gives."),
  costs: text(400).describe("What it costs (money, latency, effort)."),
});

export const REQUIREMENTS = [
  "zero-downtime-deploys",
  "scale-to-zero",
  "api-worker-separation",
  "managed-database",
  "no-nodes",
] as const;

export const requirementSchema = z.object({
  id: z.enum(REQUIREMENTS).describe("The requirement."),
  how: text(800).describe("How the design meets it, or why it does not apply."),
});

export const runbookStepSchema = z.object({
  title: text(140).describe("The step in a few words."),
  detail: text(1200).describe("What to do and why, for the engineer on duty."),
  commands: z
    .array(z.string().max(400))
    .max(12)
    .default([])
    .describe("Commands or SQL to run, shown in code blocks; never executed by the tool."),
  verify: z.string().max(600).optional().describe("How to check the step worked."),
});

const designShape = z.object({
  summary: text(2000).describe("Two to five sentences: what the target looks like and why."),
  growthTarget: z.number().min(1).max(10_000).describe("The growth multiple designed for, as given in the prompt."),
  deployment: deploymentSchema,
  mapping: z
    .array(mappingEntrySchema)
    .min(1)
    .max(5000) // the inventory allows 5,000 services; the sent schema is sized to the inventory
    .describe("One entry per inventory service, in inventory order."),
  decisions: z.array(decisionSchema).min(1).max(30).describe("Architecture decision records; ids unique."),
  riskTrace: z
    .array(riskTraceSchema)
    .max(60)
    .describe("Every audit risk id, mitigated by a design element or accepted with a reason."),
  tradeoffs: z.array(tradeoffSchema).max(20).describe("The main trade-offs of this design."),
  assumptions: z
    .array(text(400))
    .max(20)
    .describe("What the design assumes because the inventory does not say (name the missing key)."),
  unknowns: z
    .array(text(400))
    .max(10)
    .optional()
    .describe("Questions the team must answer before cut-over, because nothing given can tell."),
  requirements: z.array(requirementSchema).max(REQUIREMENTS.length).describe("How each requirement is met."),
  runbook: z
    .object({
      database: z.array(runbookStepSchema).min(1).max(20).describe("Database cut-over, with verification queries."),
      cutover: z.array(runbookStepSchema).min(1).max(20).describe("Traffic switch: DNS or load balancer."),
      rollback: z.array(runbookStepSchema).min(1).max(10).describe("How to go back to the VM."),
      firstWeek: z.array(text(400)).min(1).max(15).describe("What to watch in the first week."),
    })
    .describe("The migration runbook."),
});

type Checked = Pick<z.infer<typeof designShape>, "decisions" | "riskTrace" | "mapping"> & {
  deployment: Pick<Deployment, "services" | "queues">;
};

/** Cross-field rules both the result and the model's answer obey. */
function checkDesign(r: Checked, ctx: z.RefinementCtx): void {
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
  r.mapping.forEach((m, i) => {
    if (m.target.kind === "needs-decision" && (m.options?.length ?? 0) < 2)
      ctx.addIssue({
        code: "custom",
        path: ["mapping", i, "options"],
        message: "an open decision lists at least two options, each with its change and cost",
      });
  });
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
}

export const designResultSchema = designShape.superRefine(checkDesign);
export type DesignResult = z.infer<typeof designResultSchema>;

/**
 * What the offline draft fills deterministically and the model does not answer: the surroundings
 * of the services (load balancer, caches, network, buckets). They follow from the inventory alone,
 * so sending them only spent the sent schema's property budget (src/model/schema-size.ts).
 */
const DRAFT_FILLED_MASK = {
  loadBalancer: true,
  caches: true,
  network: true,
  buckets: true,
  secretFiles: true,
  filestores: true,
  // Which settings the move re-points follows from the inventory (rules/repointed.ts): an answer
  // that dropped one would let setup-secrets.sh copy the VM's value again.
  repointed: true,
} as const;
export const DRAFT_FILLED = Object.keys(DRAFT_FILLED_MASK) as (keyof typeof DRAFT_FILLED_MASK)[];

/**
 * A target as the model answers it: who owns a mounted bucket's files is the image's user, which
 * the draft reads from the image plan (rules/storage.ts), not a judgement the model makes.
 */
const answerTargetSchema = deployTargetSchema.omit({ held: true, heldFor: true, nfsVolumes: true }).extend({
  volumes: z
    .array(volumeSchema.omit({ owner: true }))
    .max(10)
    .optional()
    .describe(deployTargetSchema.shape.volumes.description ?? ""),
});

/** The design as the model answers it: the result without the draft-filled surroundings. */
export const designAnswerSchema = designShape
  .extend({
    deployment: deploymentSchema
      .omit(DRAFT_FILLED_MASK)
      .extend({
        services: z
          .array(answerTargetSchema)
          .min(0)
          .describe(deploymentSchema.shape.services.description ?? ""),
      })
      .describe(
        "The deployment contract later phases build on; the tool adds the load balancer, caches, network and buckets from the draft.",
      ),
  })
  .superRefine(checkDesign);
export type DesignAnswer = z.infer<typeof designAnswerSchema>;

/**
 * The sent schema's array bounds for this inventory: one mapping entry per service; at most one
 * Cloud Run target, queue or job per service plus the AI worker and the warm-up jobs; no more risk
 * references than the audit has risks.
 */
export function designResponseLimits(input: PhaseInput): ArrayLimits {
  const services = input.inventory.services.length;
  const risks = (input.upstream.audit as AuditResult | undefined)?.risks.length ?? 60;
  return {
    mapping: { minItems: services, maxItems: services },
    "deployment.services": { maxItems: services + 1 },
    "deployment.queues": { maxItems: services },
    "deployment.schedules": { maxItems: services + 2 },
    riskTrace: { maxItems: risks },
    "decisions[].closesRisks": { maxItems: risks },
  };
}
