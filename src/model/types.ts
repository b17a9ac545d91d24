// The one model interface every phase talks to. Gemini, offline rules and replay all implement it,
// so phases never know (or import) which provider answers.
import type { z } from "zod";
import type { Persona } from "../personas/persona.js";
import type { ArrayLimits } from "./response-schema.js";

export type ProviderName = "gemini" | "offline" | "replay";
export type { ProviderChoice } from "./provider-choices.js";

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
}

export interface GenerateJsonRequest<T> {
  /** Phase asking, used in messages ("replay has no answer for phase design"). */
  phase: string;
  persona: Persona;
  /**
   * The task prompt (already redacted: no secret values may appear here). Empty for the offline
   * provider, which answers with `offline` and never reads it.
   */
  prompt: string;
  /** Zod schema the answer must satisfy; turned into JSON Schema for structured output. */
  schema: z.ZodType<T>;
  /** Array bounds for this run (e.g. one mapping entry per inventory service), for the sent schema. */
  limits?: ArrayLimits;
  /**
   * Deterministic built-in expert rules producing the same schema. The offline provider
   * answers with this; other providers ignore it.
   */
  offline: () => T;
  /**
   * Optional last check run on an answer before it is cached (e.g. render the files and run the
   * validators); throwing rejects the answer so a bad one is never replayed from the cache.
   */
  accept?: (value: T) => Promise<void>;
}

export interface GenerateJsonResult<T> {
  value: T;
  provider: ProviderName;
  /** Model id, e.g. `gemini-3-flash`, or `offline-rules` for the offline provider. */
  model: string;
  /** True when the answer came from .infra-migrate/cache without a model call. */
  cached: boolean;
  usage: TokenUsage;
  /** Number of HTTP calls made to the provider for this answer (0 when cached/offline). */
  calls: number;
  /** The .infra-migrate/cache file holding this answer (absolute), when the cache holds it. */
  cacheFile?: string;
}

export interface ModelClient {
  readonly provider: ProviderName;
  readonly model: string;
  generateJson<T>(request: GenerateJsonRequest<T>): Promise<GenerateJsonResult<T>>;
}

export const ZERO_USAGE: TokenUsage = { inputTokens: 0, outputTokens: 0, totalTokens: 0 };
