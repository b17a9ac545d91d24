// The `run` and phase-command use case: pipeline → writer → (optional) diagram rendering → report.
// Prints nothing: progress goes to `onEvent`, the outcome is the returned report (which is also
// the `--json` document).
import path from "node:path";
import type { PhaseOptions } from "../contracts/phase.js";
import type { GenerationSettings } from "../model/generation.js";
import { estimateModelCostUsd } from "../model/pricing.js";
import type { ProviderChoice, TokenUsage } from "../model/types.js";
import { toolVersion } from "../package-root.js";
import type { PhaseId } from "../phases/registry.js";
import { runPipeline, storedResultFile, VERDICTS_FILE, type PipelineEvent } from "../pipeline/run-pipeline.js";
import { saveLocal } from "../pipeline/plan-cache.js";
import { OverwriteRefusedError } from "../errors.js";
import type { RenderedInto } from "./render.js";
import { editedFiles } from "../write/hand-edits.js";
import { readManifest, type PhaseOptionsRecord } from "../write/manifest.js";
import { applyPlans, type FileAction } from "../write/writer.js";
import { PLAN_PATH } from "../plan/assemble.js";
import type { PhaseRun } from "../pipeline/run-phase.js";

export interface GenerateOptions {
  /** Reported back as `command` ("run", or the phase command's name). */
  command: string;
  /** Phases asked for; the ones they depend on are reused or run too. */
  phases: PhaseId[];
  inventoryFile: string;
  outDir: string;
  provider: ProviderChoice;
  model?: string;
  timeoutMs?: number;
  /** Per-phase thinking and output budgets for Gemini (config `phases.<id>`). */
  generation?: GenerationSettings;
  options: PhaseOptions;
  dryRun: boolean;
  force: boolean;
  env: NodeJS.ProcessEnv;
  /**
   * Reuse kept plans and validation verdicts (.infra-migrate/local/) and keep new ones; default
   * on, off with INFRA_MIGRATE_CACHE=off in `env`.
   */
  cache?: boolean;
  /** Render every written .mmd to .svg (and .png) afterwards (`run --render`). */
  render?: { png: boolean };
  onEvent?: (event: PipelineEvent) => void;
}

export interface ChangedFile {
  path: string;
  phase: string;
  action: FileAction;
  reason?: string;
}

export interface GenerateReport {
  ok: true;
  command: string;
  dryRun: boolean;
  outDir: string;
  inventory: { file: string; hash: string; warnings: number; redactions: number };
  /** Each phase that ran: what its run said of itself (pipeline/run-phase.ts). */
  phases: Pick<PhaseRun, "phase" | "provider" | "model" | "cached" | "calls" | "usage" | "summary">[];
  reused: PhaseId[];
  /** Phases whose plan was kept from an earlier run (.infra-migrate/local/): not regenerated nor validated. */
  reusedPlans: PhaseId[];
  files: ChangedFile[];
  counts: { create: number; update: number; unchanged: number; kept: number };
  tokens: TokenUsage;
  estimatedModelCostUsd: number;
  /** Rendered diagram files, relative to outDir. */
  rendered: string[];
  /** The one ordered migration plan, when this run wrote it (a run of every phase does). */
  plan?: string;
  /** With --force: each overwritten hand-edited file and where its copy was kept. */
  backups: { path: string; copy: string }[];
  elapsedMs: number;
}

/** Which option shapes which phase's files: recorded with them so `check` regenerates the same files. */
export const SHAPING_OPTIONS: Readonly<Record<string, readonly (keyof PhaseOptions & string)[]>> = {
  audit: ["top"],
  llmops: ["workerDir"],
};

export function recordedOptions(phases: string[], options: PhaseOptions): PhaseOptionsRecord {
  const record: PhaseOptionsRecord = {};
  for (const phase of phases) {
    const given = (SHAPING_OPTIONS[phase] ?? []).flatMap((key) => {
      const value = options[key];
      return typeof value === "string" || typeof value === "number" ? [[key, value] as const] : [];
    });
    if (given.length) record[phase] = Object.fromEntries(given);
  }
  return record;
}

export async function generate(options: GenerateOptions): Promise<GenerateReport> {
  const started = performance.now();
  // Hand edits stop the run before minutes of generation, not after (files of phases that only
  // get regenerated as dependencies are still caught by the writer at the end).
  if (!options.force) {
    const manifest = await readManifest(options.outDir, toolVersion());
    const edited = await editedFiles(options.outDir, manifest, options.phases);
    if (edited.length) throw new OverwriteRefusedError(edited);
  }
  const result = await runPipeline({
    inventoryFile: options.inventoryFile,
    outDir: options.outDir,
    phases: options.phases,
    provider: options.provider,
    model: options.model,
    options: options.options,
    env: options.env,
    timeoutMs: options.timeoutMs,
    generation: options.generation,
    onEvent: options.onEvent,
    cache: cacheEnabled(options),
  });
  const written = await applyPlans(result.plans, {
    outDir: options.outDir,
    toolVersion: toolVersion(),
    dryRun: options.dryRun,
    force: options.force,
    stateFiles: result.stored.map(storedResultFile),
    phaseOptions: recordedOptions(
      result.plans.map((plan) => plan.phase),
      options.options,
    ),
  });
  // Kept only when the files were written: a dry run writes nothing at all.
  if (result.keep && !options.dryRun) {
    const manifest = await readManifest(options.outDir, toolVersion());
    await saveLocal(options.outDir, result.keep.plans, new Set(Object.keys(manifest.files)), [
      { name: VERDICTS_FILE, value: result.keep.verdicts() },
    ]);
  }

  let rendered: RenderedInto = { diagrams: [], backups: [] };
  if (options.render && !options.dryRun) {
    const { renderInto } = await import("./render.js");
    const diagrams = written.changes
      .filter((c) => c.path.endsWith(".mmd"))
      .map((c) => path.join(options.outDir, c.path));
    rendered = await renderInto(diagrams, { ...options, png: options.render.png });
  }

  const count = (action: FileAction) => written.changes.filter((c) => c.action === action).length;
  const modelCost = result.runs.reduce((sum, r) => sum + estimateModelCostUsd(r.model, r.usage), 0);
  return {
    ok: true,
    command: options.command,
    dryRun: options.dryRun,
    outDir: options.outDir,
    inventory: {
      file: options.inventoryFile,
      hash: result.inventory.hash,
      warnings: result.inventory.warnings.length,
      redactions: result.inventory.redactions.length,
    },
    phases: result.runs.map((r) => ({
      phase: r.phase,
      provider: r.provider,
      model: r.model,
      cached: r.cached,
      calls: r.calls,
      usage: r.usage,
      summary: r.summary,
    })),
    reused: result.reused,
    reusedPlans: result.reusedPlans,
    files: written.changes.map((c) => ({
      path: c.path,
      phase: c.phase,
      action: c.action,
      ...(c.reason ? { reason: c.reason } : {}),
    })),
    counts: { create: count("create"), update: count("update"), unchanged: count("unchanged"), kept: count("kept") },
    tokens: result.usage,
    estimatedModelCostUsd: Number(modelCost.toFixed(4)),
    rendered: rendered.diagrams.flatMap((r) => r.outputs),
    ...(written.changes.some((c) => c.path === PLAN_PATH) ? { plan: PLAN_PATH } : {}),
    backups: [...written.backups, ...rendered.backups],
    elapsedMs: Math.round(performance.now() - started),
  };
}

export function cacheEnabled(options: { cache?: boolean; env: NodeJS.ProcessEnv }): boolean {
  return options.cache ?? options.env.INFRA_MIGRATE_CACHE !== "off";
}
