// Offline audit: run every rule, score, rank, number R1…Rn.
import type { PhaseInput } from "../../contracts/phase.js";
import { deriveFacts } from "./facts.js";
import { isAssumed } from "../../inventory/assumed.js";
import { CORE_RULES, type DraftRisk } from "./rules.js";
import { MORE_RULES } from "./rules-more.js";
import type { AuditResult, Risk } from "../../contracts/audit-result.js";

const SEVERITY_WEIGHT = { critical: 4, high: 3, medium: 2, low: 1 } as const;
const LIKELIHOOD_WEIGHT = { "almost-certain": 4, likely: 3, possible: 2, unlikely: 1 } as const;

/** 1–100: severity × likelihood, plus up to 10 points for risks that worsen with traffic growth. */
export function scoreRisk(
  risk: Pick<DraftRisk, "severity" | "likelihood" | "growthSensitive">,
  growth: number,
): number {
  const base = (SEVERITY_WEIGHT[risk.severity] * LIKELIHOOD_WEIGHT[risk.likelihood]) / 16; // 0.0625..1
  const growthBonus = risk.growthSensitive ? Math.min(10, Math.log10(Math.max(1, growth)) * 10) : 0;
  return Math.max(1, Math.min(100, Math.round(base * 90 + growthBonus)));
}

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/**
 * Keep every finding inside the result schema's limits, whatever the inventory's size: a VM with
 * hundreds of services must not produce a 300-name evidence line (the schema would reject it).
 */
export function fitToSchema(draft: DraftRisk): DraftRisk {
  const affects = [...new Set(draft.affects)];
  return {
    ...draft,
    title: clip(draft.title, 140),
    businessImpact: clip(draft.businessImpact, 600),
    mitigation: clip(draft.mitigation, 600),
    evidence: draft.evidence.slice(0, 12).map((e) => clip(e, 300)),
    ...(draft.assumptions?.length ? { assumptions: draft.assumptions.slice(0, 12).map((e) => clip(e, 300)) } : {}),
    affects: affects.slice(0, 50),
  };
}

export function rankRisks(drafts: DraftRisk[], growth: number): Risk[] {
  return (
    drafts
      .map(fitToSchema)
      .map((draft, order) => ({ draft, order, score: scoreRisk(draft, growth) }))
      // Stable: equal scores keep rule order (the rules are listed most fundamental first).
      .sort(
        (a, b) =>
          b.score - a.score ||
          SEVERITY_WEIGHT[b.draft.severity] - SEVERITY_WEIGHT[a.draft.severity] ||
          a.order - b.order,
      )
      .map(({ draft, score }, i) => {
        const { growthSensitive: _g, ...risk } = draft;
        return { id: `R${i + 1}`, ...risk, score };
      })
  );
}

export function auditOffline(input: PhaseInput): AuditResult {
  const inv = input.inventory;
  const facts = deriveFacts(inv);
  const drafts = [...CORE_RULES, ...MORE_RULES]
    .map((rule) => rule(inv, facts))
    .filter((r): r is DraftRisk => r !== undefined);
  const risks = rankRisks(drafts, facts.growth);
  const top = Math.min(input.options.top ?? 5, risks.length);
  const critical = risks.slice(0, top);
  const worstMttr = Math.max(...critical.map((r) => r.mttrMinutes.max));
  const strengths: string[] = [];
  if (inv.services.some((s) => s.role === "reverse-proxy"))
    strengths.push("A reverse proxy already fronts the app: TLS and routing move cleanly to a managed load balancer.");
  if (inv.services.some((s) => s.role === "worker"))
    strengths.push(
      "Background work is already separated into workers, so moving it behind a managed queue is a small change.",
    );
  if (inv.deploy.testCommand)
    strengths.push(
      `There is an automated test command (${inv.deploy.testCommand.split(/\s+/)[0]}) to gate deploys on.`,
    );
  if (
    inv.data.some(
      (d) => (d.backups === "daily" || d.backups === "continuous") && !isAssumed(inv, `data[${d.service}].backups`),
    )
  )
    strengths.push("Database backups run on a schedule.");
  if (inv.services.every((s) => s.systemdUnit))
    strengths.push("Every process is a named systemd unit: the inventory of what runs is complete and explicit.");

  const summary =
    `${inv.metadata.name} runs all ${inv.services.length} services on one machine (${facts.host}). ` +
    `We found ${risks.length} risks; the ${top} most urgent stand between today's setup and ${facts.growth}x traffic. ` +
    `The worst of them can take the product down for up to ${Math.round(worstMttr / 60)} hours, and today's deploy process ` +
    `${inv.deploy.rollback === "none" ? (isAssumed(inv, "deploy.rollback") ? "has no recorded way back from a bad release" : "has no way back from a bad release") : "makes every release slow and risky"}. ` +
    `Moving to managed, autoscaling services with automated deploys removes the top risks without hiring an operations team.`;
  return { summary, growthTarget: facts.growth, risks, strengths };
}
