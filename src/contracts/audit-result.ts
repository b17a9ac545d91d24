// The audit result: what the cloud architect persona returns and risks.json publishes.
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

export const riskSchema = z.object({
  /** Stable id, R1…Rn, ranked order. Design decisions reference these. */
  id: z.string().regex(RISK_ID),
  title: z.string().min(5).max(140),
  category: z.enum(RISK_CATEGORIES),
  severity: z.enum(SEVERITIES),
  likelihood: z.enum(LIKELIHOODS),
  /** Mean time to recover when it happens, as a range in minutes. */
  mttrMinutes: z
    .object({ min: z.number().int().min(0).max(100_000), max: z.number().int().min(0).max(100_000) })
    .refine((r) => r.min <= r.max, "min must be <= max"),
  /** What it costs the business when it happens, in words a founder can repeat. */
  businessImpact: z.string().min(10).max(600),
  /** Facts from the inventory that triggered the finding (key paths and values); none when it rests on assumptions. */
  evidence: z.array(z.string().min(3).max(300)).max(12),
  /** Values the finding relies on that the inventory does not give (defaults, stand-ins): never evidence. */
  assumptions: z.array(z.string().min(3).max(300)).max(12).optional(),
  mitigation: z.string().min(10).max(600),
  /** Inventory service names the risk concerns. */
  affects: z.array(z.string().regex(/^[a-z][a-z0-9-]*$/)).max(50),
  /** 1–100; higher is worse. Ranking key (severity × likelihood × growth pressure). */
  score: z.number().int().min(1).max(100),
});
export type Risk = z.infer<typeof riskSchema>;

export const auditResultSchema = z
  .object({
    /** Executive summary, 2–5 sentences, no jargon. */
    summary: z.string().min(40).max(2000),
    growthTarget: z.number().min(1).max(10_000),
    /** Ranked, most severe first. */
    risks: z.array(riskSchema).min(1).max(60),
    /** Short statements about what works today and should be kept. */
    strengths: z.array(z.string().min(3).max(300)).max(10),
  })
  .refine((r) => new Set(r.risks.map((x) => x.id)).size === r.risks.length, {
    message: "risk ids must be unique",
    path: ["risks"],
  });
export type AuditResult = z.infer<typeof auditResultSchema>;
