// The audit's part of docs/migration/README.md: start from the risks the migration must close.
import type { AuditResult } from "../../contracts/audit-result.js";
import type { PlanStep } from "../../contracts/plan.js";
import type { PhaseInput } from "../../contracts/phase.js";
import { AUDIT_DIR, criticalCount } from "./render.js";

export function auditPlanSteps(result: AuditResult, input: PhaseInput): PlanStep[] {
  const top = result.risks.slice(0, criticalCount(result, input));
  return [
    {
      stage: "prepare",
      order: 10,
      title: "Agree on why: the audit",
      body:
        `${result.risks.length} risks stand between today's setup and ${result.growthTarget}x the traffic; the most urgent:\n\n` +
        top.map((r) => `- ${r.id}: ${r.title}`).join("\n"),
      files: [`${AUDIT_DIR}/risk-report.md`, `${AUDIT_DIR}/risks.json`, `${AUDIT_DIR}/current-architecture.mmd`],
    },
  ];
}
