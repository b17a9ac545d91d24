// Runs phases as a DAG (audit → design → cicd ∥ llmops ∥ observe): each phase starts as soon as what it
// depends on is done, so cicd and llmops overlap. Upstream phases that were not asked for are
// reused from .infra-migrate/results/ when their inputs are unchanged, else run too.
import { readFile } from "node:fs/promises";
import { createHash } from "node:crypto";
import path from "node:path";
import { loadInventory, type LoadedInventory } from "../inventory/load.js";
import { resolveProvider, type ResolvedProvider } from "../model/select.js";
import type { GenerationSettings } from "../model/generation.js";
import type { ProviderChoice, TokenUsage } from "../model/types.js";
import { loadPersona } from "../personas/persona.js";
import { InputError } from "../errors.js";
import { loadPhase, PHASE_IDS, phaseMeta, withDependencies } from "../phases/registry.js";
import type { PhaseOptions } from "../contracts/phase.js";
import type { PlanStep } from "../contracts/plan.js";
import { migrationPlan } from "./migration-plan.js";
import type { PhaseId } from "../phases/registry.js";
import type { Plan } from "../write/plan.js";
import { readManifest } from "../write/manifest.js";
import { toolVersion } from "../package-root.js";
import { toolFingerprint, useKeptFingerprint } from "../tool-fingerprint.js";
import { externalToolsIdentity } from "../validate/tool-identity.js";
import { useVerdicts, verdictFile, type VerdictFile } from "../validate/verdicts.js";
import { recordFacts } from "./fs-facts.js";
import {
  hasKeptPlan,
  keptPlan,
  planEntry,
  planKey,
  readLocal,
  reusedRun,
  watchGenerated,
  type PlanEntry,
} from "./plan-cache.js";
import { runPhase, type PhaseRun } from "./run-phase.js";

/** Validation verdicts and tool records, beside the kept plans in .infra-migrate/local/. */
export const VERDICTS_FILE = "verdicts.json";

export const RESULTS_DIR = ".infra-migrate/results";

export type PipelineEvent =
  | { type: "notice"; message: string }
  | { type: "phase-start"; phase: PhaseId; persona: string; provider: string; model: string }
  | { type: "phase-reused"; phase: PhaseId }
  | { type: "phase-done"; phase: PhaseId; run: PhaseRun; elapsedMs: number }
  | { type: "phase-failed"; phase: PhaseId; error: unknown; elapsedMs: number }
  | { type: "model-event"; phase?: string; detail: string };

export interface PipelineOptions {
  inventoryFile: string;
  outDir: string;
  /** Phases asked for; their dependencies are added. */
  phases: PhaseId[];
  provider: ProviderChoice | ((phase: PhaseId) => ProviderChoice);
  /** One model for every phase, or per phase (`check` replays each phase with the model that wrote it). */
  model?: string | ((phase: PhaseId) => string | undefined);
  options: PhaseOptions;
  env: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** Per-phase thinking level and output budget for Gemini. */
  generation?: GenerationSettings;
  onEvent?: (event: PipelineEvent) => void;
  /** Reuse stored upstream results (default true). `check` turns it off to regenerate everything. */
  reuseStored?: boolean;
  /**
   * Reuse kept plans and validation verdicts from .infra-migrate/local/ (default true). The new
   * ones come back in `PipelineResult.keep`; saving them is the caller's choice (not on dry-run).
   */
  cache?: boolean;
}

export interface StoredResult {
  phase: PhaseId;
  inputsHash: string;
  provider: string;
  model: string;
  result: unknown;
}

export interface PipelineResult {
  inventory: LoadedInventory;
  /** Phases that ran, in DAG order. */
  runs: PhaseRun[];
  /** Upstream phases reused from .infra-migrate/results. */
  reused: PhaseId[];
  plans: Plan[];
  /** Results to persist next to the files (state files for the writer). */
  stored: StoredResult[];
  usage: TokenUsage;
  /** Phases whose kept plan was reused (nothing regenerated or validated). */
  reusedPlans: PhaseId[];
  /** What `saveLocal` keeps for next time: fresh plans and the verdicts (when the cache is on). */
  keep?: { plans: PlanEntry[]; verdicts: () => VerdictFile };
}

function hashOf(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, 16);
}

async function readStored(outDir: string, phase: PhaseId): Promise<StoredResult | undefined> {
  try {
    return JSON.parse(await readFile(path.join(outDir, RESULTS_DIR, `${phase}.json`), "utf8")) as StoredResult;
  } catch {
    return undefined;
  }
}

export function storedResultFile(result: StoredResult): { path: string; content: string } {
  return { path: `${RESULTS_DIR}/${result.phase}.json`, content: JSON.stringify(result, null, 2) + "\n" };
}

export async function runPipeline(options: PipelineOptions): Promise<PipelineResult> {
  const inventory = await loadInventory(options.inventoryFile);
  for (const warning of inventory.warnings) {
    options.onEvent?.({
      type: "notice",
      message:
        `warning: ${warning.file}:${warning.line ?? "?"}:${warning.column ?? "?"} ${warning.path ?? ""} ${warning.message}`.trim(),
    });
  }
  const manifest = await readManifest(options.outDir, toolVersion());
  const generatedFiles: ReadonlySet<string> = new Set(Object.keys(manifest.files));
  // A phase that does not apply to this inventory (llmops without `llm`) is left out, and said so;
  // asked for alone, that is a usage error rather than a silent no-op.
  const skipped = withDependencies(options.phases).flatMap((phase) => {
    const reason = phaseMeta(phase).skipReason?.(inventory.inventory);
    return reason ? [{ phase, reason }] : [];
  });
  const runnable = options.phases.filter((p) => !skipped.some((s) => s.phase === p));
  if (runnable.length === 0 && skipped.length > 0)
    throw new InputError(
      `Nothing to run: ${skipped.map((s) => `${s.phase}: ${s.reason}`).join("; ")}.`,
      [],
      "Add the missing section to the inventory, or run another phase.",
      "phase.not-applicable",
    );
  for (const s of skipped) options.onEvent?.({ type: "notice", message: `${s.phase} skipped: ${s.reason}` });
  const order = withDependencies(runnable);
  const requested = new Set(runnable);
  const providers = new Map<string, Promise<ResolvedProvider>>();
  const providerFor = (phase: PhaseId): Promise<ResolvedProvider> => {
    const choice = typeof options.provider === "function" ? options.provider(phase) : options.provider;
    const model = typeof options.model === "function" ? options.model(phase) : options.model;
    const key = `${choice} ${model ?? ""}`;
    let resolved = providers.get(key);
    if (!resolved) {
      resolved = resolveProvider({
        choice,
        model,
        env: options.env,
        outDir: options.outDir,
        timeoutMs: options.timeoutMs,
        generation: options.generation,
        onEvent: (e) => options.onEvent?.({ type: "model-event", phase: e.phase, detail: e.message }),
      }).then((p) => {
        if (p.notice) options.onEvent?.({ type: "notice", message: p.notice });
        return p;
      });
      providers.set(key, resolved);
    }
    return resolved;
  };

  const runs = new Map<PhaseId, PhaseRun>();
  const stored = new Map<PhaseId, StoredResult>();
  const reused: PhaseId[] = [];
  const reusedPlans: PhaseId[] = [];
  const freshPlans: PlanEntry[] = [];
  const inputsHashes = new Map<PhaseId, string>();
  const tasks = new Map<PhaseId, Promise<unknown>>();
  // What a phase's dependents wait for: its result, which can be final before its run is done
  // (runPhase's onResult), else the run's.
  const results = new Map<PhaseId, Promise<unknown>>();
  const cacheOn = options.cache !== false;
  const records = cacheOn ? useVerdicts(await readLocal<VerdictFile>(options.outDir, VERDICTS_FILE)) : undefined;
  if (records) records.fingerprint = useKeptFingerprint(records.fingerprint);
  const tools = records ? externalToolsIdentity(records) : undefined;
  // A phase that will be generated (asked for, no kept plan) starts its slowest validators now, in
  // the background, while the phases it waits for run. A kept plan usually means nothing to check.
  for (const phase of order) {
    const warm = phaseMeta(phase).warmValidators;
    if (warm && requested.has(phase) && !(cacheOn && hasKeptPlan(options.outDir, phase))) warm().catch(() => undefined);
  }

  const execute = async (phase: PhaseId, release: (result: unknown) => void): Promise<unknown> => {
    const meta = phaseMeta(phase);
    const upstreamIds = meta.dependsOn;
    const upstreamValues = await Promise.all(upstreamIds.map((id) => results.get(id)!));
    const upstream = Object.fromEntries(upstreamIds.map((id, i) => [id, upstreamValues[i]]));
    const persona = await loadPersona(meta.personaId);
    const inputsHash = hashOf([
      inventory.hash,
      `${persona.id}@${persona.version}`,
      upstreamIds.map((id) => inputsHashes.get(id)),
      options.options,
    ]);
    inputsHashes.set(phase, inputsHash);

    if (!requested.has(phase) && options.reuseStored !== false) {
      const previous = await readStored(options.outDir, phase);
      if (previous && previous.inputsHash === inputsHash) {
        const parsed = (await loadPhase(phase)).resultSchema.safeParse(previous.result);
        if (parsed.success) {
          reused.push(phase);
          options.onEvent?.({ type: "phase-reused", phase });
          return parsed.data;
        }
      }
    }
    const provider = await providerFor(phase);
    const client = await provider.clientFor(persona);
    options.onEvent?.({
      type: "phase-start",
      phase,
      persona: `${persona.id}@${persona.version}`,
      provider: provider.name,
      model: client.model,
    });
    const started = performance.now();
    const key =
      tools &&
      planKey({
        fingerprint: toolFingerprint(),
        tools: await tools,
        phase,
        persona: `${persona.id}@${persona.version} ${persona.sha256}`,
        inventory: inventory.inventory,
        upstream,
        options: options.options,
        provider: provider.name,
        model: client.model,
        generation: options.generation?.[phase] ?? null,
      });
    const finish = (run: PhaseRun) => {
      runs.set(phase, run);
      stored.set(phase, { phase, inputsHash, provider: run.provider, model: run.model, result: run.result });
      options.onEvent?.({ type: "phase-done", phase, run, elapsedMs: performance.now() - started });
      return run.result;
    };
    const kept = key ? await keptPlan(options.outDir, phase, key, generatedFiles) : undefined;
    if (kept) {
      reusedPlans.push(phase);
      return finish(reusedRun(kept));
    }
    try {
      const definition = await loadPhase(phase);
      const generated = watchGenerated(generatedFiles);
      const input = {
        inventory: inventory.inventory,
        inventoryHash: inventory.hash,
        upstream,
        options: options.options,
        repoDir: options.outDir,
        generatedFiles: generated.set,
      };
      // The phase's migration-plan steps are worked out with its run (and kept with its plan), so a
      // kept plan needs no phase module loaded.
      const generateOnce = async (): Promise<PhaseRun> => {
        const run = await runPhase(definition, persona, client, input, release);
        return { ...run, planSteps: definition.planSteps?.(run.result, input) ?? [] };
      };
      if (!key) return finish(await generateOnce());
      const { value: run, facts, untracked } = await recordFacts(options.outDir, generateOnce);
      // A repository read that left no fact (a stream, a descriptor…): this plan is not kept.
      if (!untracked) freshPlans.push(await planEntry(options.outDir, key, run, facts, generated.facts()));
      return finish(run);
    } catch (error) {
      options.onEvent?.({ type: "phase-failed", phase, error, elapsedMs: performance.now() - started });
      throw error;
    }
  };

  for (const phase of order) {
    let release!: (result: unknown) => void;
    const early = new Promise<unknown>((resolve) => (release = resolve));
    const task = execute(phase, release);
    task.catch(() => undefined); // awaited below; avoid an unhandled rejection while siblings run
    tasks.set(phase, task);
    const result = Promise.race([early, task]);
    result.catch(() => undefined); // a failed phase is reported from `tasks`
    results.set(phase, result);
  }
  // Wait for every phase (so siblings finish and cache their answers), then surface the first error.
  const settled = await Promise.allSettled(order.map((phase) => tasks.get(phase)!));
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failure) throw failure.reason;

  const ran = order.filter((phase) => runs.has(phase)).map((phase) => runs.get(phase)!);
  const usage = ran.reduce<TokenUsage>(
    (sum, r) => ({
      inputTokens: sum.inputTokens + r.usage.inputTokens,
      outputTokens: sum.outputTokens + r.usage.outputTokens,
      totalTokens: sum.totalTokens + r.usage.totalTokens,
    }),
    { inputTokens: 0, outputTokens: 0, totalTokens: 0 },
  );
  const plans = ran.map((r) => r.plan);
  // The one ordered plan needs every phase's steps and files: it comes with a full run (run, check)
  // of every phase that applies to the inventory (llmops without `llm` does not). Each run brings
  // its steps, a kept plan too.
  const applicable = PHASE_IDS.filter((p) => !phaseMeta(p).skipReason?.(inventory.inventory));
  if (ran.length === applicable.length) {
    const planSteps = new Map<PhaseId, PlanStep[]>(ran.map((run) => [run.phase as PhaseId, run.planSteps ?? []]));
    plans.push(migrationPlan(inventory.inventory, ran, planSteps));
  }
  return {
    inventory,
    runs: ran,
    reused,
    plans,
    stored: order.filter((phase) => stored.has(phase)).map((phase) => stored.get(phase)!),
    usage,
    reusedPlans: order.filter((phase) => reusedPlans.includes(phase)), // in phase order, not finishing order
    ...(cacheOn ? { keep: { plans: freshPlans, verdicts: () => verdictFile() } } : {}),
  };
}
