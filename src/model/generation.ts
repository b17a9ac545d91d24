// Per-phase generation settings: how much the model thinks, how long it may answer, and whether a
// temperature is sent at all. Kept apart from the HTTP code so the rules read as a table.
//
// Gemini 3 takes `thinkingLevel` (minimal | low | medium | high); Gemini 2.5 only a token
// `thinkingBudget`, and a request with both is rejected. Google's Gemini 3 guide asks to keep the
// default temperature (1.0): lower values can make the model loop.
// https://ai.google.dev/gemini-api/docs/thinking
// https://ai.google.dev/gemini-api/docs/gemini-3
// https://docs.cloud.google.com/vertex-ai/generative-ai/docs/start/get-started-with-gemini-3

export const THINKING_LEVELS = ["minimal", "low", "medium", "high"] as const;
export type ThinkingLevel = (typeof THINKING_LEVELS)[number];

export interface PhaseGeneration {
  /** Unset: the model's own default (Flash-Lite thinks minimally, Pro and Flash more). */
  thinking?: ThinkingLevel;
  /** Output cap, thinking tokens included. One retry doubles it on MAX_TOKENS. */
  maxOutputTokens?: number;
}

/** Settings from infra-migrate.config.yaml (`phases.<phase>.thinking`, `…maxOutputTokens`). */
export type GenerationSettings = Partial<Record<string, PhaseGeneration>>;

/** Gemini 3 models accept at most 65,536 output tokens. */
export const MAX_OUTPUT_TOKENS_CEILING = 65_536;

/**
 * Output caps sized from the answers each phase really gives (design is by far the largest: a
 * deployment contract, one mapping entry per service, ADRs, a runbook), with room for thinking.
 */
const OUTPUT_TOKENS: Record<string, number> = { audit: 16_384, design: 32_768, cicd: 8_192, llmops: 16_384 };
const DEFAULT_OUTPUT_TOKENS = 16_384;

/**
 * Flash-Lite's own default is minimal thinking, too little for ranking risks and choosing an
 * architecture; cicd and llmops pick parameters from a fixed baseline and need less.
 */
const FLASH_LITE_THINKING: Record<string, ThinkingLevel> = {
  audit: "medium",
  design: "medium",
  cicd: "low",
  llmops: "low",
};

// Gemini 2.5 budgets valid on Pro (128–32,768), Flash (0–24,576) and Flash-Lite (512–24,576).
const BUDGET_FOR_LEVEL: Record<ThinkingLevel, number> = { minimal: 512, low: 1024, medium: 8192, high: 24_576 };

export const isGemini3 = (model: string): boolean => /^(models\/)?gemini-3/.test(model);
const isFlashLite = (model: string): boolean => /flash-lite/.test(model);

/** The settings a phase runs with: configured values first, then the defaults above. */
export function phaseGeneration(model: string, phase: string, settings: GenerationSettings = {}): PhaseGeneration {
  const configured = settings[phase] ?? {};
  const thinking =
    configured.thinking ?? (isGemini3(model) && isFlashLite(model) ? FLASH_LITE_THINKING[phase] : undefined);
  return {
    ...(thinking ? { thinking } : {}),
    maxOutputTokens: configured.maxOutputTokens ?? OUTPUT_TOKENS[phase] ?? DEFAULT_OUTPUT_TOKENS,
  };
}

/** The part of generationConfig these settings decide. */
export function generationConfig(
  model: string,
  generation: PhaseGeneration,
  temperature: number | undefined,
): Record<string, unknown> {
  const config: Record<string, unknown> = { maxOutputTokens: generation.maxOutputTokens };
  if (generation.thinking) {
    config.thinkingConfig = isGemini3(model)
      ? { thinkingLevel: generation.thinking }
      : { thinkingBudget: BUDGET_FOR_LEVEL[generation.thinking] };
  }
  // Gemini 3: no temperature unless the caller insists. Older models keep a low one for stable JSON.
  const chosen = temperature ?? (isGemini3(model) ? undefined : 0.2);
  if (chosen !== undefined) config.temperature = chosen;
  return config;
}

/** The larger budget for the one retry after MAX_TOKENS; undefined when already at the ceiling. */
export function largerBudget(current: number | undefined): number | undefined {
  const base = current ?? DEFAULT_OUTPUT_TOKENS;
  if (base >= MAX_OUTPUT_TOKENS_CEILING) return undefined;
  return Math.min(MAX_OUTPUT_TOKENS_CEILING, base * 2);
}

/** The setting a user changes to give a phase more room: named in hints. */
export const outputTokensSetting = (phase: string): string =>
  `phases.${phase}.maxOutputTokens in infra-migrate.config.yaml`;
