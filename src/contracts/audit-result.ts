// The audit result: what the cloud architect persona returns and risks.json publishes. Every
// field carries a description: Gemini reads them (the sent schema states patterns and lengths
// there too), and the published risks.schema.json shows them to readers.
import { z } from "zod";

export const RISK_CATEGORIES = [
  "single-point-of-failure",
  "deployment",
  "rollback",
  "coupling",
  "scalability",
  "security",
  "data-protection",
  "observability",
  "operations",
] as const;
export const SEVERITIES = ["critical", "high", "medium", "low"] as const;
export const LIKELIHOODS = ["almost-certain", "likely", "possible", "unlikely"] as const;

export const RISK_ID = /^R\d{1,3}$/;

/** The longest recovery a risk may state, in minutes (about 69 days). */
export const MTTR_MAX_MINUTES = 100_000;

export const riskSchema = z.object({
  id: z.string().regex(RISK_ID).describe("Stable id R1…Rn in ranked order; design decisions refer to it."),
  title: z.string().min(5).max(140).describe("The risk in one line, e.g. 'One VM runs every service'."),
  category: z.enum(RISK_CATEGORIES).describe("The kind of risk."),
  severity: z.enum(SEVERITIES).describe("How bad it is when it happens, for this business at the growth target."),
  likelihood: z.enum(LIKELIHOODS).describe("How likely it is to happen within a year at the growth target."),
  mttrMinutes: z
    .object({
      min: z.number().int().min(0).max(MTTR_MAX_MINUTES).describe("Fastest recovery, in minutes."),
      max: z.number().int().min(0).max(MTTR_MAX_MINUTES).describe("Slowest likely recovery, in minutes (>= min)."),
    })
    .refine((r) => r.min <= r.max, "min must be <= max")
    .describe("Mean time to recover when it happens, as a range for this team with these tools."),
  businessImpact: z
    .string()
    .min(10)
    .max(600)
    .describe("What an incident costs the business, in words a founder can repeat (lost requests, revenue, trust)."),
  evidence: z
    .array(z.string().min(3).max(300))
    .max(12)
    .describe(
      "Inventory facts that triggered the finding, quoting key paths and values (e.g. 'deploy.rollback: none'); none when it rests on assumptions.",
    ),
  assumptions: z
    .array(z.string().min(3).max(300))
    .max(12)
    .optional()
    .describe("Values the finding relies on that the inventory does not give (defaults, stand-ins): never evidence."),
  mitigation: z.string().min(10).max(600).describe("The managed-service pattern that removes the risk."),
  affects: z
    .array(z.string().regex(/^[a-z][a-z0-9-]*$/))
    .max(50)
    .describe("Names of the inventory services the risk concerns, exactly as the inventory spells them."),
  score: z
    .number()
    .int()
    .min(1)
    .max(100)
    .describe("1–100, higher is worse: severity × likelihood × growth pressure. The ranking key."),
});
export type Risk = z.infer<typeof riskSchema>;

export const auditResultSchema = z
  .object({
    summary: z
      .string()
      .min(40)
      .max(2000)
      .describe("Executive summary in 2–5 sentences for a non-technical founder: concrete, no jargon."),
    growthTarget: z.number().min(1).max(10_000).describe("The growth multiple audited for, as given in the prompt."),
    risks: z.array(riskSchema).min(1).max(60).describe("Every risk found, most severe first; ids must be unique."),
    strengths: z
      .array(z.string().min(3).max(300))
      .max(10)
      .describe("Short statements about what works today and should be kept."),
    assumptions: z
      .array(z.string().min(3).max(300))
      .max(10)
      .optional()
      .describe("What you assumed because the inventory does not say, each naming the missing key."),
    unknowns: z
      .array(z.string().min(3).max(300))
      .max(10)
      .optional()
      .describe("Questions the team must answer before the migration, because the inventory cannot tell."),
  })
  .refine((r) => new Set(r.risks.map((x) => x.id)).size === r.risks.length, {
    message: "risk ids must be unique",
    path: ["risks"],
  });
export type AuditResult = z.infer<typeof auditResultSchema>;
