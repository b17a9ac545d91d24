// Design result → architecture.md, target-architecture.mmd, decisions.md, cost-estimate.md,
// mapping.json, runbook.md. Cost figures are always recomputed here from the deployment and the
// price file, so a model's prose can never put a wrong number in the estimate.
import { renderTemplate } from "../../render/templates.js";
import type { Artifact } from "../../write/plan.js";
import type { PhaseInput } from "../../contracts/phase.js";
import { describeAssumptions } from "./cost/assumptions.js";
import { isAiWorkerTarget, type Volume } from "../../contracts/deployment.js";
import { type CostLine, estimateCost, usd } from "./cost/estimate.js";
import { loadPriceBook } from "../../contracts/gcp-prices.js";
import { billingOf } from "./cost/instance-based.js";
import { targetArchitectureDiagram } from "./diagram.js";
import { heldAdds, heldCostText, heldCostView, heldDocs } from "./held-docs.js";
import { deployedOnly } from "../../contracts/held-targets.js";
import { upstreamAudit } from "./offline.js";
import { splitNote } from "./rules/storage.js";
import { someNames } from "./rules/names.js";
import { whatMoves } from "./rules/nothing-deploys.js";
import type { DesignResult } from "./schema.js";

/** Who a mount gives its files to (Cloud Storage FUSE's uid/gid; deploy-flags.ts mountOptions). */
const ownerText = (v: Volume): string =>
  v.owner
    ? `uid ${v.owner.uid}${v.owner.gid !== undefined ? `, gid ${v.owner.gid}` : ""} (the image's user)`
    : "any user (the image's user is not known: files 666, folders 777)";

export const DESIGN_DIR = "docs/migration/design";
export const MAPPING_SCHEMA_URL = "https://unpkg.com/infra-migrate/schema/mapping.schema.json";

const REQUIREMENT_TITLES: Record<DesignResult["requirements"][number]["id"], string> = {
  "zero-downtime-deploys": "Zero-downtime deploys",
  "scale-to-zero": "Scale to zero",
  "api-worker-separation": "API / worker separation",
  "managed-database": "Managed database",
  "no-nodes": "No nodes to manage",
};

const line = (l: CostLine) => ({ ...l, cost: usd(l.monthlyUsd) });
const tidy = (md: string) => md.replace(/\n{3,}/g, "\n\n").replace(/\s+$/, "\n");

export async function renderDesign(result: DesignResult, input: PhaseInput): Promise<Artifact[]> {
  const inv = input.inventory;
  const dep = result.deployment;
  const cost = estimateCost(inv, dep, loadPriceBook());
  const diagram = targetArchitectureDiagram(result, inv.metadata.name);
  const audit = upstreamAudit(input);
  const critical = new Set((audit?.risks ?? []).filter((r) => r.severity === "critical").map((r) => r.id));
  const riskTitles = new Map((audit?.risks ?? []).map((r) => [r.id, r.title]));
  const today = cost.scenarios[0]!;
  const growth = cost.scenarios[1]!;
  const common = { name: inv.metadata.name, region: dep.region, project: dep.project, growth: result.growthTarget };
  // What the deploy deploys: a held target's queues and schedules wait with it (held-docs.ts).
  const run = deployedOnly(dep);
  const heldNames = new Set(dep.services.filter((s) => s.held).map((s) => s.name));
  const held = heldCostView(cost, dep);

  const architecture = await renderTemplate("design/architecture.md.hbs", {
    ...common,
    summary: result.summary,
    diagram: diagram.trimEnd(),
    requirements: result.requirements.map((r) => ({ title: REQUIREMENT_TITLES[r.id], how: r.how })),
    mapping: result.mapping.map((m) => ({
      ...m,
      settingsText: Object.entries(m.settings)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(", "),
    })),
    openDecisions: result.mapping.filter((m) => m.target.kind === "needs-decision" && m.options?.length),
    services: dep.services.map((s) => ({
      ...s,
      heldText: s.held ? " (held: stays on the VM)" : "",
      secretsText: s.secrets.join(", ") || "none",
      sql: s.cloudSqlInstance ?? "none",
      concurrencyText: s.kind === "api" || s.kind === "worker" ? String(s.concurrency) : "n/a",
      timeoutText: s.kind === "worker-pool" ? "none" : `${s.timeoutSeconds} s`,
      billingText: billingOf(s),
      instancesText:
        s.kind === "worker-pool"
          ? `${s.minInstances} (always on)`
          : `${s.minInstances}–${s.maxInstances}${s.sessionAffinity ? ", session affinity" : ""}`,
    })),
    // A service that keeps the app's own port (next start -p 3000, an image's fixed port) is named,
    // so the sentence under the table does not claim 8080 for it.
    otherPorts: someNames(
      dep.services
        .filter((s) => (s.kind === "api" || s.kind === "worker") && s.port !== 8080)
        .map((s) => `\`${s.name}\` on ${s.port}`),
    ),
    volumes: (dep.buckets ?? []).map((b) => ({
      bucket: b.name,
      sourcePath: b.sourcePath,
      // A folder that also holds code is mounted per subfolder of user files: each mount path once.
      mountPaths:
        [
          ...new Set(
            dep.services
              .flatMap((s) => s.volumes ?? [])
              .filter((v) => v.bucket === b.name)
              .map((v) => v.mountPath),
          ),
        ]
          .map((p) => `\`${p}\``)
          .join(", ") || "not mounted",
      folders: (b.folders ?? []).map((f) => `\`${f}\``).join(", "),
      targets: dep.services
        .filter((s) => s.volumes?.some((v) => v.bucket === b.name))
        .map((s) => `\`${s.name}\`${heldNames.has(s.name) ? " (held)" : ""}`),
      owners: [
        ...new Set(
          dep.services.flatMap((s) => (s.volumes ?? []).filter((v) => v.bucket === b.name)).map((v) => ownerText(v)),
        ),
      ].join("; "),
    })),
    // Which subfolders of a folder that also holds code are mounted, and why.
    splitNotes: (inv.storage ?? []).map((st) => splitNote(st).trim()).filter(Boolean),
    queues: run.queues,
    schedules: run.schedules ?? [],
    held: heldDocs(dep),
    heldCost: heldCostText(cost, dep),
    heldAdds: heldAdds(cost),
    database: dep.database ?? false,
    tradeoffs: result.tradeoffs,
    assumptions: result.assumptions,
    unknowns: result.unknowns ?? [],
    appChanges: result.mapping.flatMap((m) => m.appChanges.map((c) => ({ service: m.service, change: c }))),
    todayTotal: usd(today.totalUsd),
    growthTotal: usd(growth.totalUsd),
  });
  const decisions = await renderTemplate("design/decisions.md.hbs", {
    ...common,
    decisions: result.decisions.map((d) => ({
      ...d,
      risks:
        d.closesRisks.map((id) => `${id}${riskTitles.has(id) ? ` (${riskTitles.get(id)})` : ""}`).join(", ") || "none",
    })),
    trace: result.riskTrace.map((t) => ({
      ...t,
      critical: critical.has(t.riskId) ? "critical" : "",
      title: riskTitles.get(t.riskId) ?? "",
      decisionsText: t.decisionIds.join(", ") || "n/a",
    })),
    warm: cost.warmInstances.map(line),
  });
  const costMd = await renderTemplate("design/cost-estimate.md.hbs", {
    ...common,
    tier: cost.cloudRunTier === "tier1" ? "Tier 1" : "Tier 2",
    assumptions: describeAssumptions(cost.assumptions, inv, dep.services.some(isAiWorkerTarget)),
    scenarios: cost.scenarios.map((s) => ({
      label: s.label,
      rps: s.averageRps.toFixed(2),
      total: usd(s.totalUsd),
      lines: s.lines.map(line),
    })),
    warm: cost.warmInstances.map((l) => ({ ...line(l), held: heldNames.has(l.component) })),
    instanceWarm: cost.warmInstances.some((l) => /instance-based/.test(l.item)),
    idleWarm: cost.warmInstances.some((l) => !/instance-based/.test(l.item)),
    billing: cost.billing.map((b) => ({ ...b, held: heldNames.has(b.service) })),
    held,
    heldDelta: usd(today.totalUsd + (cost.held?.scenarios[0]?.totalUsd ?? 0) - cost.vm.totalUsd),
    vm: { lines: cost.vm.lines.map(line), total: usd(cost.vm.totalUsd), fromInventory: cost.vm.fromInventory },
    hasVm: cost.vm.lines.length > 0,
    delta: usd(today.totalUsd - cost.vm.totalUsd),
    nothingDeployed: dep.services.length === 0,
    moves: whatMoves(dep) === "nothing yet" ? "" : whatMoves(dep),
    sources: cost.sources,
    warnings: cost.warnings,
  });
  const steps = (list: DesignResult["runbook"]["database"]) => list.map((s) => ({ ...s, verify: s.verify ?? "" }));
  const rb = result.runbook;
  const runbook = await renderTemplate("design/runbook.md.hbs", {
    ...common,
    hasFiles: (dep.buckets ?? []).length > 0,
    runbook: {
      database: steps(rb.database),
      cutover: steps(rb.cutover),
      rollback: steps(rb.rollback),
      firstWeek: rb.firstWeek,
    },
  });
  const mapping = {
    $schema: MAPPING_SCHEMA_URL,
    apiVersion: "infra-migrate/v1",
    kind: "ServiceMapping",
    inventory: inv.metadata.name,
    project: dep.project,
    region: dep.region,
    mapping: result.mapping,
    deployment: dep,
  };
  return [
    { path: `${DESIGN_DIR}/architecture.md`, kind: "markdown", content: tidy(architecture) },
    { path: `${DESIGN_DIR}/target-architecture.mmd`, kind: "mermaid", content: diagram },
    { path: `${DESIGN_DIR}/decisions.md`, kind: "markdown", content: tidy(decisions) },
    { path: `${DESIGN_DIR}/cost-estimate.md`, kind: "markdown", content: tidy(costMd) },
    { path: `${DESIGN_DIR}/mapping.json`, kind: "json", content: JSON.stringify(mapping, null, 2) + "\n" },
    { path: `${DESIGN_DIR}/runbook.md`, kind: "markdown", content: tidy(runbook) },
  ];
}
