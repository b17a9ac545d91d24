// The offline provider's answer for the design phase: deterministic expert rules over the
// inventory and the audit result, producing the same schema the model must fill.
import { impliedLinks, impliedLinkText, withImpliedLinks } from "../../contracts/implied-links.js";
import type { Inventory } from "../../inventory/schema.js";
import { type AuditResult, auditResultSchema } from "../../contracts/audit-result.js";
import type { PhaseInput } from "../../contracts/phase.js";
import { estimateCost } from "./cost/estimate.js";
import { heldCostText } from "./held-docs.js";
import { loadPriceBook } from "../../contracts/gcp-prices.js";
import type { Deployment } from "../../contracts/deployment.js";
import { buildDecisions } from "./rules/decisions.js";
import { buildDeployment } from "./rules/deployment-rules.js";
import { newDraft } from "./rules/draft.js";
import { buildMapping } from "./rules/mapping.js";
import { requirements, runbook, tradeoffs } from "./rules/narrative.js";
import { cleanName } from "./rules/names.js";
import { numberDecisions, traceRisks } from "./rules/risk-trace.js";
import { celeryMode } from "./rules/processes.js";
import { planServedFolders } from "./rules/served-folders.js";
import { planStorage } from "./rules/storage.js";
import { planSecretFiles } from "./rules/secret-files.js";
import { holdCommandless } from "./rules/command-hold.js";
import { repointedSettings } from "./rules/repointed.js";
import { nothingForCloudRun } from "./rules/sqlite.js";
import { whatMoves } from "./rules/nothing-deploys.js";
import { planImages } from "../../image/plan.js";
import { osPythonVersion } from "../../image/runtime-versions.js";
import type { DesignResult } from "./schema.js";
import { exposedGuards, exposedQuestion } from "./rules/proxy-routes.js";
import { PARSE_ONCE } from "../../contracts/parse-once.js";
import { besideServerDatabase } from "../../contracts/sqlite-plan.js";

/** The upstream audit result, validated; undefined when design runs without one. */
export function upstreamAudit(input: PhaseInput): AuditResult | undefined {
  const parsed = auditResultSchema.safeParse(input.upstream.audit, PARSE_ONCE);
  return parsed.success ? parsed.data : undefined;
}

export interface DesignOptions {
  workerDir?: unknown;
  /** `push` rewrites Celery to Cloud Tasks; anything else keeps it on Memorystore (processes.ts). */
  celery?: unknown;
  /** The target repository (read-only): where the app's files are, for mount paths and commands. */
  repoDir?: string;
  /** Files infra-migrate generated there before: not the app's. */
  generated?: ReadonlySet<string>;
}

export function designFromInventory(
  given: Inventory,
  audit: AuditResult | undefined,
  options: DesignOptions = {},
): DesignResult {
  // Store links the processes' settings imply and dependsOn leaves out (a crontab line with DB_HOST):
  // every rule below reads them as if dependsOn said so.
  const links = impliedLinks(given);
  const inv = withImpliedLinks(given);
  const osPython = osPythonVersion(inv.host.os);
  const images = planImages(inv, options.repoDir ?? "/nonexistent", {
    ...(osPython ? { osPython } : {}),
    ...(options.generated ? { generated: options.generated } : {}),
  });
  const d = newDraft(inv, audit, celeryMode(options.celery), images);
  for (const link of links) d.assumptions.push(`${impliedLinkText(link)} (its settings say so).`);
  if (options.repoDir) d.repoDir = options.repoDir;
  buildDeployment(d, options);
  planStorage(d, options.repoDir);
  planServedFolders(d);
  planSecretFiles(d);
  // A job or worker pool with no command it can run would run the web server: held (command-hold.ts).
  holdCommandless(d);
  const repointed = repointedSettings(d);
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
    ...(d.buckets.length ? { buckets: d.buckets } : {}),
    ...(d.secretFiles.length ? { secretFiles: d.secretFiles } : {}),
    ...(d.filestores?.length ? { filestores: d.filestores } : {}),
    ...(repointed.length ? { repointed } : {}),
  };
  const mapping = buildMapping(d);
  // Address-only paths are kept closed by Cloud Armor (edge.ts); the rest need a decision.
  const exposed = exposedGuards(d).filter((g) => !g.addressOnly);
  const cost = estimateCost(inv, deployment, loadPriceBook());
  const decisions = numberDecisions(buildDecisions(d, deployment, cost));
  const riskTrace = traceRisks(d, decisions);
  const api = deployment.services.find((s) => s.kind === "api");
  const stays = nothingForCloudRun(inv);
  const none = d.nothing;
  const summary = stays
    ? `Nothing of ${inv.metadata.name} moves to Cloud Run yet: ${stays}. Recommended: ${
        d.sqlite && besideServerDatabase(inv, d.sqlite.openers)
          ? "move what the file holds into the server database the app already uses (or Memorystore), as its open decision says; then every process runs on Cloud Run."
          : `a small Compute Engine VM with the ${inv.data.some((x) => x.engine === "h2") ? "H2" : "SQLite"} file on a persistent disk and daily snapshots (one machine, its data protected), or Cloud SQL once the app is configured for a server database its documentation supports.`
      }`
    : none
      ? [
          `${inv.metadata.name}: ${none}.`,
          whatMoves(deployment) === "nothing yet"
            ? "Nothing moves to Google Cloud yet."
            : `What moves now: ${whatMoves(deployment)} (runbook.md). No image is built and nothing is deployed, so no deploy workflow or monitoring is written.`,
          openDecisions(mapping),
          `Estimated cost: $${cost.scenarios[0]!.totalUsd.toFixed(2)}/month.`,
        ]
          .filter(Boolean)
          .join(" ")
      : [
          `${inv.metadata.name} moves from ${inv.host.hostname ?? "one VM"} to ${runSummary(deployment)}${deployment.database ? ` and Cloud SQL ${deployment.database.databaseVersion}` : ""}${d.stores.some((h) => h.home === "cloud-tasks") ? ", with Cloud Tasks in place of the broker" : ""}${d.stores.some((h) => h.home.startsWith("memorystore")) ? ", with Memorystore for what Redis holds" : ""}${d.buckets.length ? " and Cloud Storage for user files" : ""}.`,
          openDecisions(mapping),
          api
            ? `The API ${api.name} scales from ${api.minInstances} to ${api.maxInstances} instances for ${inv.traffic.growth}× today's traffic.`
            : "",
          `Nothing in the design needs a node, a cluster or an SSH session, and every deploy is a revision that can be rolled back in one command.`,
          `Estimated cost${cost.held ? " of what deploys" : ""}: $${cost.scenarios[0]!.totalUsd.toFixed(2)}/month today, $${cost.scenarios[1]!.totalUsd.toFixed(2)}/month at the growth target.`,
          heldCostText(cost, deployment),
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
    assumptions: fitAssumptions([
      ...d.assumptions,
      "Cost figures are list prices before free tiers and discounts; see cost-estimate.md for every input.",
      ...(none ? [] : ["Cloud Run container images are built from the current code base by the cicd phase."]),
    ]),
    requirements: requirements(d, deployment),
    runbook: runbook(d, deployment),
    ...(exposed.length ? { unknowns: exposed.slice(0, 10).map(exposedQuestion) } : {}),
  };
}

const MAX_ASSUMPTIONS = 20;

/**
 * At most the schema's 20 assumptions: one per cron schedule or storage folder the design could
 * not place adds up on a large VM, and the rest are folded into the last entry by their start.
 */
export function fitAssumptions(all: string[]): string[] {
  if (all.length <= MAX_ASSUMPTIONS) return all;
  const kept = all.slice(0, MAX_ASSUMPTIONS - 1);
  const rest = all.slice(MAX_ASSUMPTIONS - 1);
  const heads = rest.map((a) => a.split(":")[0]!.slice(0, 40)).join("; ");
  const folded = `${rest.length} more of the kinds above, for: ${heads}`;
  return [...kept, folded.length <= 400 ? folded : `${folded.slice(0, 399)}…`];
}

/** "2 Cloud Run services, 1 worker pool and 3 jobs". */
function runSummary(dep: Deployment): string {
  const count = (kind: string, one: string, many: string) => {
    const n = dep.services.filter((s) => s.kind === kind).length;
    return n === 0 ? "" : `${n} ${n === 1 ? one : many}`;
  };
  const parts = [
    count("api", "Cloud Run service", "Cloud Run services"),
    count("worker", "push worker", "push workers"),
    count("worker-pool", "worker pool", "worker pools"),
    count("job", "job", "jobs"),
  ].filter(Boolean);
  if (parts.length === 0) return "Cloud Run";
  return parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`;
}

/** The summary's line on what is left to decide: each decision by what it is about, not only whose it is. */
function openDecisions(mapping: DesignResult["mapping"]): string {
  const open = mapping.filter((m) => m.target.kind === "needs-decision").map((m) => m.subject ?? m.service);
  const list = [...new Set(open)];
  return list.length ? `Decide before the cut-over: ${list.join("; ")} (options and costs in architecture.md).` : "";
}

export function designOffline(input: PhaseInput): DesignResult {
  return designFromInventory(input.inventory, upstreamAudit(input), {
    workerDir: input.options.workerDir,
    celery: input.options.celery,
    repoDir: input.repoDir,
    ...(input.generatedFiles ? { generated: input.generatedFiles } : {}),
  });
}
