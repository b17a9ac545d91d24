// `check`: regenerate in memory, compare with the disk and the manifest, write nothing.
// The pipeline runs with reuseStored:false so stored upstream results cannot hide drift; the
// writer's own planChanges decides create/update/conflict, so check and run never disagree.
import { InputError } from "../errors.js";
import type { ProviderChoice } from "../model/types.js";
import type { PipelineEvent } from "../pipeline/run-pipeline.js";
import { type PhaseOptions } from "../contracts/phase.js";
import { PHASE_IDS, phaseMeta, type PhaseId } from "../phases/registry.js";
import { readManifest, type Manifest } from "../write/manifest.js";
import { PLAN_PHASE } from "../pipeline/migration-plan.js";
import { planChanges } from "../write/writer.js";
import { cacheEnabled } from "./generate.js";
import {
  classifyChanges,
  defaultProviders,
  manifestPhases,
  overallStatus,
  type CheckFile,
  type CheckStatus,
} from "./check-classify.js";

export interface CheckOptions {
  inventoryFile: string;
  outDir: string;
  /** Phases to check; default: every phase with files in the manifest. */
  phases?: PhaseId[];
  /** Phases left out (applied after the default or explicit list). */
  skip?: PhaseId[];
  /** Overrides the per-phase default (replay where a model answered, offline elsewhere). */
  provider?: ProviderChoice;
  model?: string;
  options: PhaseOptions;
  env: NodeJS.ProcessEnv;
  timeoutMs?: number;
  toolVersion: string;
  /** Reuse plans and verdicts a `run` kept (read only: check writes nothing). Default as generate. */
  cache?: boolean;
  /** Diff lines shown per file (default 40). */
  maxDiffLines?: number;
  onEvent?: (event: PipelineEvent) => void;
}

export interface CheckReport {
  ok: boolean;
  status: CheckStatus;
  exitCode: number;
  phases: { phase: string; provider: string; model: string }[];
  files: CheckFile[];
}

export async function checkDrift(options: CheckOptions): Promise<CheckReport> {
  const manifest = await readManifest(options.outDir, options.toolVersion);
  const skip = new Set(options.skip ?? []);
  const phases = (options.phases ?? manifestPhases(manifest, PHASE_IDS)).filter((phase) => !skip.has(phase));
  if (phases.length === 0) {
    throw new InputError(
      `Nothing to check: ${options.outDir} has no files recorded in .infra-migrate/manifest.json`,
      [],
      "Run `infra-migrate run` first (and commit .infra-migrate/), or pass --only <phases> to check anyway.",
      "check.nothing",
    );
  }
  const defaults = defaultProviders(manifest, PHASE_IDS);
  const choose = (phase: PhaseId): ProviderChoice => options.provider ?? defaults[phase];
  // Regenerate as the files were generated: options given on the command line then (recorded in
  // the manifest) fill what the flags and config leave open, and each phase replays its own model.
  const phaseOptions = { ...recordedFor(manifest, phases), ...definedOnly(options.options) };
  const models = manifestModels(manifest);
  const model = options.model ?? ((phase: PhaseId) => models.get(phase));
  const { runPipeline } = await import("../pipeline/run-pipeline.js");
  const result = await runPipeline({
    inventoryFile: options.inventoryFile,
    outDir: options.outDir,
    phases,
    provider: choose,
    model,
    options: phaseOptions,
    env: options.env,
    timeoutMs: options.timeoutMs,
    onEvent: options.onEvent,
    reuseStored: false,
    cache: cacheEnabled(options),
  });
  const checked = new Set<string>(phases);
  // The migration plan is assembled from every phase: it is checked whenever they all are (a phase
  // that does not apply to the inventory, llmops without `llm`, has nothing to check).
  const applies = (id: PhaseId) => !phaseMeta(id).skipReason?.(result.inventory.inventory);
  if (PHASE_IDS.every((id) => checked.has(id) || !applies(id))) checked.add(PLAN_PHASE);
  const plans = result.plans.filter((plan) => checked.has(plan.phase));
  const changes = await planChanges(plans, options.outDir, manifest);
  const files = classifyChanges(changes, manifest, phases, options.maxDiffLines);
  const { status, exitCode } = overallStatus(files);
  return {
    ok: status === "current",
    status,
    exitCode,
    phases: result.runs
      .filter((run) => checked.has(run.phase))
      // The provider asked for (replay, offline…), not the one recorded in a replayed answer.
      .map((run) => ({ phase: run.phase, provider: choose(run.phase as PhaseId), model: run.model })),
    files,
  };
}

const definedOnly = (options: PhaseOptions): PhaseOptions =>
  Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));

/** The options recorded for the checked phases (each phase's own keys, so they cannot clash). */
function recordedFor(manifest: Manifest, phases: readonly PhaseId[]): PhaseOptions {
  return Object.assign({}, ...phases.map((phase) => manifest.options?.[phase] ?? {})) as PhaseOptions;
}

/** The model a phase's files were written with, where a model wrote them (replay needs the same one). */
function manifestModels(manifest: Manifest): Map<string, string> {
  const models = new Map<string, string>();
  for (const entry of Object.values(manifest.files))
    if (entry.provider !== "offline" && !models.has(entry.phase)) models.set(entry.phase, entry.model);
  return models;
}
