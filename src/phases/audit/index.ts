// The audit phase: cloud solutions architect persona, risks for the growth target.
import { promptInventoryJson } from "../../model/prompt-inventory.js";
import { renderTemplate } from "../../render/templates.js";
import { validateMermaid } from "../../validate/mermaid.js";
import type { PhaseImplementation, PhaseInput } from "../../contracts/phase.js";
import { deriveFacts, describeFacts } from "./facts.js";
import { auditOffline } from "./offline.js";
import { renderAudit } from "./render.js";
import { auditResultSchema, type AuditResult } from "../../contracts/audit-result.js";
import { auditPlanSteps } from "./plan-steps.js";

async function buildAuditPrompt(input: PhaseInput): Promise<string> {
  const inv = input.inventory;
  return renderTemplate("prompts/audit.hbs", {
    growth: inv.traffic.growth,
    top: input.options.top ?? 5,
    // Compact JSON keeps the prompt small (the example's prompt stays well under 6,000 tokens).
    inventoryJson: promptInventoryJson(inv),
    facts: describeFacts(inv, deriveFacts(inv)),
  });
}

export const auditPhase: PhaseImplementation<AuditResult> = {
  planSteps: auditPlanSteps,
  resultSchema: auditResultSchema,
  // A risk affects inventory services only: no more names than the inventory has.
  responseLimits: (input) => ({ "risks[].affects": { maxItems: input.inventory.services.length } }),
  buildPrompt: buildAuditPrompt,
  offline: auditOffline,
  render: renderAudit,
  async validate(artifacts, _input, { source }) {
    // The diagram comes from our escaping builder (tested against hostile names); loading the
    // real Mermaid parser costs most of an offline audit's run time, so it checks model answers.
    if (source === "offline") return [];
    const findings: string[] = [];
    for (const a of artifacts.filter((x) => x.kind === "mermaid")) {
      for (const f of await validateMermaid(a.content)) findings.push(`${a.path}: ${f}`);
    }
    return findings;
  },
  summarize(result) {
    const critical = result.risks.filter((r) => r.severity === "critical").length;
    return `${result.risks.length} risks (${critical} critical severity), top: ${result.risks[0]?.title ?? "none"}`;
  },
};
