// The design phase: serverless SRE persona, target architecture, decisions, cost and runbook.
import { promptInventoryJson } from "../../model/prompt-inventory.js";
import { renderTemplate } from "../../render/templates.js";
import { validateMermaid } from "../../validate/mermaid.js";
import type { Artifact } from "../../write/plan.js";
import type { PhaseImplementation, PhaseInput } from "../../contracts/phase.js";
import { designFromInventory, designOffline, upstreamAudit } from "./offline.js";
import { renderDesign } from "./render.js";
import { promptCostLines } from "./prompt-costs.js";
import { baseName, projectId } from "./rules/names.js";
import {
  designResponseLimits,
  designResultSchema,
  type DesignResult,
  type MappingEntry,
  RUNNING_KINDS,
} from "./schema.js";
import { PROCESS_ROLES } from "./rules/processes.js";
import { designPlanSteps } from "./plan-steps.js";
import { designModelAnswer } from "./model-answer.js";
import { planSqlite, sqlitePromptFact } from "./rules/sqlite.js";
import { nothingDeploys } from "../../contracts/process-homes.js";

export async function buildDesignPrompt(input: PhaseInput): Promise<string> {
  const inv = input.inventory;
  const audit = upstreamAudit(input);
  // Compact JSON, and only the audit fields the design needs, keep the prompt small.
  const risks = (audit?.risks ?? []).map((r) => ({
    id: r.id,
    title: r.title,
    category: r.category,
    severity: r.severity,
    affects: r.affects,
    evidence: r.evidence.slice(0, 3),
  }));
  const draft = designFromInventory(inv, audit, {
    workerDir: input.options.workerDir,
    celery: input.options.celery,
    repoDir: input.repoDir,
    ...(input.generatedFiles ? { generated: input.generatedFiles } : {}),
  });
  return renderTemplate("prompts/design.hbs", {
    growth: inv.traffic.growth,
    engineers: inv.team.engineers ?? "a few",
    kubernetes: inv.team.kubernetes,
    project: projectId(inv).id,
    region: inv.target.region,
    base: baseName(inv),
    businessHours: inv.target.businessHours ?? "none given: scale to zero",
    inventoryJson: promptInventoryJson(inv),
    auditJson: JSON.stringify({ summary: audit?.summary ?? "no audit result", risks }),
    draftJson: JSON.stringify({
      deployment: draft.deployment,
      mapping: draft.mapping.map((m) => ({ service: m.service, target: m.target })),
    }),
    costLines: promptCostLines(inv, draft.deployment),
    sqliteFact: sqlitePromptFact(planSqlite(inv)),
    nothingFact: nothingDeploys(inv),
  });
}

/**
 * Findings for the rendered files: diagrams parse, JSON is JSON, and the mapping covers every
 * service, with every process on a target that runs it or on an explicit open decision (nothing
 * silently removed).
 */
export async function validateDesign(artifacts: Artifact[], input: PhaseInput): Promise<string[]> {
  const findings: string[] = [];
  for (const a of artifacts.filter((x) => x.kind === "mermaid")) {
    for (const f of await validateMermaid(a.content)) findings.push(`${a.path}: ${f}`);
  }
  const mappingFile = artifacts.find((a) => a.path.endsWith("/mapping.json"));
  if (!mappingFile) return [...findings, "mapping.json is missing"];
  try {
    const entries = (JSON.parse(mappingFile.content) as { mapping: MappingEntry[] }).mapping;
    // A process may have more than one entry (its own, an open decision or a share beside it):
    // one of them must run it or leave it to a decision.
    const mapped = new Map<string, MappingEntry[]>();
    for (const m of entries) mapped.set(m.service, [...(mapped.get(m.service) ?? []), m]);
    for (const s of input.inventory.services) {
      const own = mapped.get(s.name) ?? [];
      if (own.length === 0) findings.push(`${mappingFile.path}: inventory service ${s.name} has no target`);
      else if (
        PROCESS_ROLES.has(s.role) &&
        !own.some((m) => RUNNING_KINDS.includes(m.target.kind) || m.target.kind === "needs-decision")
      )
        findings.push(
          `${mappingFile.path}: process ${s.name} (role ${s.role}) maps to ${own.map((m) => m.target.kind).join(", ")}: give it a target that runs it or a needs-decision entry with options`,
        );
    }
  } catch (e) {
    findings.push(`${mappingFile.path}: not valid JSON (${(e as Error).message})`);
  }
  return findings;
}

export const designPhase: PhaseImplementation<DesignResult> = {
  planSteps: designPlanSteps,
  resultSchema: designResultSchema,
  modelAnswer: designModelAnswer,
  responseLimits: designResponseLimits,
  buildPrompt: buildDesignPrompt,
  offline: designOffline,
  render: renderDesign,
  validate: validateDesign,
  summarize(result) {
    const d = result.deployment;
    const accepted = result.riskTrace.filter((t) => t.status === "accepted").length;
    return `${d.services.length} Cloud Run target(s), ${d.queues.length} queue(s)${d.database ? `, Cloud SQL ${d.database.databaseVersion}` : ""}; ${result.decisions.length} decisions, ${result.riskTrace.length - accepted} risks mitigated, ${accepted} accepted`;
  },
};
