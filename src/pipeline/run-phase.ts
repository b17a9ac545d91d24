// One phase: prompt → model (any provider) → validated result → files → our own validators.
import type { PlanStep } from "../contracts/plan.js";
import { GenerationError, InternalError } from "../errors.js";
import { redactText } from "../inventory/redact.js";
import type { ModelClient, TokenUsage } from "../model/types.js";
import type { Persona } from "../personas/persona.js";
import type { PhaseInput } from "../contracts/phase.js";
import type { PhaseDefinition } from "../phases/registry.js";
import type { Artifact, Plan } from "../write/plan.js";
import { toolVersion } from "../package-root.js";

export interface PhaseRun {
  phase: string;
  result: unknown;
  plan: Plan;
  provider: string;
  model: string;
  cached: boolean;
  calls: number;
  usage: TokenUsage;
  summary: string;
  /** Absent when no prompt was built (the offline rules answer without one). */
  promptChars?: number;
  /** The model cache file the answer came from or went to (absolute), if any. */
  modelCacheFile?: string;
  /** The phase's steps in the migration plan (run-pipeline.ts adds them; kept with the plan). */
  planSteps?: PlanStep[];
}

async function renderAndValidate(
  definition: PhaseDefinition<unknown>,
  value: unknown,
  input: PhaseInput,
  offline: boolean,
): Promise<Artifact[]> {
  const artifacts = await definition.render(value, input);
  const findings = definition.validate
    ? await definition.validate(artifacts, input, { source: offline ? "offline" : "model" })
    : [];
  const message = `Phase ${definition.id}: generated files failed validation; nothing was written`;
  // Our own rules producing an invalid file is a bug (exit 70); a model's answer doing so is a
  // provider failure (exit 3) that a rerun or another model may fix.
  if (findings.length > 0 && offline) throw new InternalError(message, findings, { code: "internal.generator" });
  if (findings.length > 0) {
    throw new GenerationError(
      message,
      findings,
      "The model's answer produced an invalid file and was not cached. Rerun, try another --model, or use --provider offline.",
    );
  }
  return artifacts;
}

/**
 * `onResult` gets the phase's result as soon as it is final, which for an offline answer is before
 * its files are rendered and checked (our own rules failing a check fail the whole run, exit 70):
 * the phases that depend on it start while this one's validators run. A model's answer is final
 * only once its files pass (a failure asks the model again), so it comes with the run.
 */
export async function runPhase(
  definition: PhaseDefinition<unknown>,
  persona: Persona,
  client: ModelClient,
  input: PhaseInput,
  onResult?: (value: unknown) => void,
): Promise<PhaseRun> {
  // The offline rules answer from the phase input, never from a prompt: building one would be
  // wasted work (the design prompt works out a whole draft design to show the model).
  // The inventory was redacted on load; redacting the prompt again guards against a template or
  // upstream result that carried a secret-looking value through.
  const prompt = client.provider === "offline" ? undefined : redactText(await definition.buildPrompt(input)).text;
  let artifacts: Artifact[] | undefined;
  // A model that answers part of the result gets the rest merged back from the phase's rules; the
  // offline provider answers all of it.
  const split = client.provider === "offline" ? undefined : definition.modelAnswer;
  const complete = (value: unknown) => (split ? split.complete(value, input) : value);
  let completed: unknown;
  const answer = await client.generateJson({
    phase: definition.id,
    persona,
    prompt: prompt ?? "",
    schema: split?.schema ?? definition.resultSchema,
    limits: definition.responseLimits?.(input),
    offline: () => definition.offline(input),
    accept: async (value) => {
      completed = complete(value);
      artifacts = await renderAndValidate(definition, completed, input, client.provider === "offline");
    },
  });
  const result = completed ?? complete(answer.value);
  if (!artifacts && answer.provider === "offline") onResult?.(result);
  // Cached, offline and replayed answers skip `accept`: render and validate them here.
  artifacts ??= await renderAndValidate(definition, result, input, answer.provider === "offline");
  return {
    phase: definition.id,
    result,
    plan: {
      phase: definition.id,
      provenance: {
        toolVersion: toolVersion(),
        phase: definition.id,
        persona: `${persona.id}@${persona.version}`,
        provider: answer.provider,
        model: answer.model,
        inventoryHash: input.inventoryHash,
      },
      artifacts,
    },
    provider: answer.provider,
    model: answer.model,
    cached: answer.cached,
    calls: answer.calls,
    usage: answer.usage,
    summary: definition.summarize?.(result, input) ?? `${artifacts.length} files`,
    ...(prompt === undefined ? {} : { promptChars: prompt.length }),
    ...(answer.cacheFile ? { modelCacheFile: answer.cacheFile } : {}),
  };
}
