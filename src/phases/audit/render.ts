// Audit result → risk-report.md, risks.json, current-architecture.mmd.
import { renderTemplate } from "../../render/templates.js";
import type { Artifact } from "../../write/plan.js";
import type { PhaseInput } from "../../contracts/phase.js";
import { currentArchitectureDiagram } from "./diagram.js";
import { moveAssumedEvidence } from "./assumptions.js";
import type { AuditResult } from "../../contracts/audit-result.js";

export const AUDIT_DIR = "docs/migration/audit";
export const RISKS_SCHEMA_URL = "https://unpkg.com/infra-migrate/schema/risks.schema.json";

export function formatMttr({ min, max }: { min: number; max: number }): string {
  const unit = (m: number) => (max >= 180 ? `${Math.round((m / 60) * 10) / 10}` : `${m}`);
  const suffix = max >= 180 ? " h" : " min";
  return min === max ? `${unit(min)}${suffix}` : `${unit(min)}–${unit(max)}${suffix}`;
}

export function criticalCount(result: AuditResult, input: PhaseInput): number {
  return Math.min(input.options.top ?? 5, result.risks.length);
}

export async function renderAudit(result: AuditResult, input: PhaseInput): Promise<Artifact[]> {
  const inv = input.inventory;
  const top = criticalCount(result, input);
  // A model may cite a default as evidence: it is moved to the risk's assumptions, for the report and risks.json.
  const risks = result.risks.map((r) => moveAssumedEvidence(inv, r));
  const withMttr = risks.map((r) => ({ ...r, assumptions: r.assumptions ?? [], mttr: formatMttr(r.mttrMinutes) }));
  const diagram = currentArchitectureDiagram(inv, result);
  // Same basis as the offline summary: the worst recovery among the ranked critical risks.
  const worst = result.risks.slice(0, top).reduce((m, r) => Math.max(m, r.mttrMinutes.max), 0);
  const report = await renderTemplate("audit/risk-report.md.hbs", {
    name: inv.metadata.name,
    growth: result.growthTarget,
    peak: inv.traffic.peakRps,
    peakAtGrowth:
      inv.traffic.peakRps !== undefined ? Math.round(inv.traffic.peakRps * result.growthTarget * 10) / 10 : undefined,
    riskCount: result.risks.length,
    criticalCount: top,
    // Severity and rank are two things: say both, so the counts never seem to disagree.
    severityCritical: result.risks.filter((r) => r.severity === "critical").length,
    worstMttr: formatMttr({ min: worst, max: worst }),
    summary: result.summary,
    top,
    critical: withMttr.slice(0, top),
    others: withMttr.slice(top),
    strengths: result.strengths,
    assumptions: result.assumptions ?? [],
    unknowns: result.unknowns ?? [],
    diagram: diagram.trimEnd(),
    engineers: inv.team.engineers ?? "a small team",
  });
  const risksJson = {
    $schema: RISKS_SCHEMA_URL,
    apiVersion: "infra-migrate/v1",
    kind: "RiskReport",
    inventory: inv.metadata.name,
    growthTarget: result.growthTarget,
    top,
    critical: result.risks.slice(0, top).map((r) => r.id),
    summary: result.summary,
    risks,
    strengths: result.strengths,
  };
  return [
    { path: `${AUDIT_DIR}/risk-report.md`, kind: "markdown", content: report.replace(/\n{3,}/g, "\n\n") },
    { path: `${AUDIT_DIR}/risks.json`, kind: "json", content: JSON.stringify(risksJson, null, 2) + "\n" },
    { path: `${AUDIT_DIR}/current-architecture.mmd`, kind: "mermaid", content: diagram },
  ];
}
