// The offline provider's answer for the design phase: deterministic expert rules over the
// inventory and the audit result, producing the same schema the model must fill.
import type { Inventory } from "../../inventory/schema.js";
import { type AuditResult, auditResultSchema } from "../../contracts/audit-result.js";
import type { PhaseInput } from "../../contracts/phase.js";
import { estimateCost } from "./cost/estimate.js";
import { loadPriceBook } from "../../contracts/gcp-prices.js";
import type { Deployment } from "../../contracts/deployment.js";
import { buildDecisions } from "./rules/decisions.js";
import { buildDeployment } from "./rules/deployment-rules.js";
import { newDraft } from "./rules/draft.js";
import { buildMapping } from "./rules/mapping.js";
import { requirements, runbook, tradeoffs } from "./rules/narrative.js";
import { cleanName } from "./rules/names.js";
import { numberDecisions, traceRisks } from "./rules/risk-trace.js";
import type { DesignResult } from "./schema.js";

/** The upstream audit result, validated; undefined when design runs without one. */
export function upstreamAudit(input: PhaseInput): AuditResult | undefined {
  const parsed = auditResultSchema.safeParse(input.upstream.audit);
  return parsed.success ? parsed.data : undefined;
}

export function designFromInventory(
  inv: Inventory,
  audit: AuditResult | undefined,
  options: { workerDir?: unknown } = {},
): DesignResult {
  const d = newDraft(inv, audit);
  const workers = buildDeployment(d, options);
  if (d.services.length === 0) {
    d.assumptions.push("The inventory has no web, worker or cron service; nothing runs on Cloud Run.");
  }
  const deployment: Deployment = {
    project: d.project.id,
    region: inv.target.region,
    artifactRepository: cleanName(inv.metadata.name),
    services: d.services,
    queues: d.queues,
    ...(d.database ? { database: d.database } : {}),
    ...(d.schedules.length ? { schedules: d.schedules } : {}),
    ...(d.loadBalancer ? { loadBalancer: d.loadBalancer } : {}),
    ...(d.caches.length ? { caches: d.caches } : {}),
    ...(d.network ? { network: d.network } : {}),
  };
  const mapping = buildMapping(d, workers);
  const cost = estimateCost(inv, deployment, loadPriceBook());
  const decisions = numberDecisions(buildDecisions(d, deployment, cost));
  const riskTrace = traceRisks(d, decisions);
  const api = deployment.services.find((s) => s.kind === "api");
  const summary = [
    `${inv.metadata.name} moves from ${inv.host.hostname ?? "one VM"} to ${deployment.services.length} ` +
      `Cloud Run service${deployment.services.length === 1 ? "" : "s"}${deployment.database ? ` and Cloud SQL ${deployment.database.databaseVersion}` : ""}${deployment.queues.length ? ", with Cloud Tasks in place of the broker" : ""}.`,
    api
      ? `The API ${api.name} scales from ${api.minInstances} to ${api.maxInstances} instances for ${inv.traffic.growth}× today's traffic.`
      : "",
    `Nothing in the design needs a node, a cluster or an SSH session, and every deploy is a revision that can be rolled back in one command.`,
    `Estimated cost: $${cost.scenarios[0]!.totalUsd.toFixed(2)}/month today, $${cost.scenarios[1]!.totalUsd.toFixed(2)}/month at the growth target.`,
  ]
    .filter(Boolean)
    .join(" ");
  return {
    summary,
    growthTarget: inv.traffic.growth,
    deployment,
    mapping,
    decisions: decisions.map(({ topic: _t, element: _e, ...rest }) => rest),
    riskTrace,
    tradeoffs: tradeoffs(d, deployment, cost),
    assumptions: [
      ...d.assumptions,
      "Cost figures are list prices before free tiers and discounts; see cost-estimate.md for every input.",
      "Cloud Run container images are built from the current code base by the cicd phase.",
    ],
    requirements: requirements(d, deployment),
    runbook: runbook(d, deployment),
  };
}

export function designOffline(input: PhaseInput): DesignResult {
  return designFromInventory(input.inventory, upstreamAudit(input), { workerDir: input.options.workerDir });
}
