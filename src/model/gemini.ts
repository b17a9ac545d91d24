// The real Gemini provider: @google/genai (API key or Vertex AI), structured JSON output, our own
// retries (the SDK's ignore RetryInfo), per-phase thinking and output budget, one resend on an
// empty answer, one larger budget on MAX_TOKENS, one repair turn on schema violations.
// The only file that imports @google/genai, and lazily, so `--help` never loads it.
import type { Content, GenerateContentConfig, GoogleGenAI } from "@google/genai";
import { InputError, ProviderError } from "../errors.js";
import { credentialsFromEnv, type GeminiCredentials } from "./credentials.js";
import {
  emptyAnswer,
  invalidAnswer,
  readAnswer,
  repairMessage,
  type GeminiResponse,
  type Reading,
} from "./gemini-answer.js";
import { guardAnswer } from "./endpoint-guard.js";
import { classifyError, giveUpError, redact, type ErrorContext } from "./gemini-errors.js";
import { parseRetryAfter, realSleep, withRetries, type RetryPolicy } from "./gemini-retry.js";
import {
  generationConfig,
  largerBudget,
  outputTokensSetting,
  phaseGeneration,
  type GenerationSettings,
} from "./generation.js";
import { toResponseSchema } from "./response-schema.js";
import type { GenerateJsonRequest, GenerateJsonResult, ModelClient, TokenUsage } from "./types.js";

export { DEFAULT_GEMINI_MODEL, credentialsFromEnv, type GeminiCredentials } from "./credentials.js";

export interface GeminiEvent {
  type: "call" | "retry" | "resend" | "larger-budget" | "repair";
  phase: string;
  attempt: number;
  status?: number;
  delayMs?: number;
  /** One line for the progress view, e.g. "HTTP 429: Gemini asked to wait 47 s (RetryInfo)". */
  message: string;
}

export interface GeminiClientOptions {
  model: string;
  apiKey?: string;
  vertex?: { project: string; location: string };
  /** Overrides the endpoint. Unset, the SDK's GOOGLE_GEMINI_BASE_URL / GOOGLE_VERTEX_BASE_URL apply. */
  baseUrl?: string;
  /** Per HTTP call, default 120000. */
  timeoutMs?: number;
  /** HTTP calls per turn including the first, default 5. */
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Longest server-requested wait (RetryInfo) we sit out, default 120000; longer fails at once. */
  maxServerDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  onEvent?: (event: GeminiEvent) => void;
  /** Per-phase thinking level and output budget (infra-migrate.config.yaml `phases.<id>`). */
  generation?: GenerationSettings;
  /** Unset: none for Gemini 3 (Google's guide keeps the default), 0.2 for older models. */
  temperature?: number;
}

export function createGeminiClient(options: GeminiClientOptions): ModelClient {
  const credentials = resolveCredentials(options);
  const policy: RetryPolicy = {
    maxAttempts: Math.max(1, options.maxAttempts ?? 5),
    baseDelayMs: options.baseDelayMs ?? 1000,
    maxDelayMs: options.maxDelayMs ?? 30_000,
    maxServerDelayMs: options.maxServerDelayMs ?? 120_000,
    timeoutMs: options.timeoutMs ?? 120_000,
    sleep: options.sleep ?? realSleep,
    random: options.random ?? Math.random,
  };
  const secret = credentials.kind === "api-key" ? credentials.apiKey : undefined;
  const emit = (event: GeminiEvent) => options.onEvent?.(event);
  let sdk: Promise<GoogleGenAI> | undefined;

  async function generateJson<T>(request: GenerateJsonRequest<T>): Promise<GenerateJsonResult<T>> {
    sdk ??= loadSdk(credentials, options.baseUrl);
    const ai = await sdk;
    const { phase } = request;
    const usage: TokenUsage = { inputTokens: 0, outputTokens: 0, totalTokens: 0 };
    let calls = 0;
    const ctx: ErrorContext = {
      phase,
      model: options.model,
      backend: credentials.kind,
      location: credentials.kind === "vertex" ? credentials.location : undefined,
      timeoutMs: policy.timeoutMs,
      maxServerDelayMs: policy.maxServerDelayMs,
      secret,
    };
    const generation = phaseGeneration(options.model, phase, options.generation);
    const fixed: GenerateContentConfig = {
      systemInstruction: request.persona.body,
      responseMimeType: "application/json",
      responseJsonSchema: toResponseSchema(request.schema, request.limits),
    };
    let budget = generation.maxOutputTokens;

    // One turn = one logical request, retried as a whole; every HTTP request counts as a call.
    const send = (contents: Content[]): Promise<GeminiResponse> => {
      const config = {
        ...fixed,
        ...generationConfig(options.model, { ...generation, maxOutputTokens: budget }, options.temperature),
      };
      let retryAfterMs: number | undefined;
      const countingFetch: typeof fetch = async (input, init) => {
        calls++;
        const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
        const response = await fetch(input, { ...init, redirect: "manual" });
        retryAfterMs = parseRetryAfter(response.headers.get("retry-after"));
        return guardAnswer(response, url);
      };
      return withRetries(
        policy,
        async (attempt, abortSignal) => {
          retryAfterMs = undefined;
          emit({
            type: "call",
            phase,
            attempt,
            message: `calling ${options.model}${attempt > 1 ? ` (attempt ${attempt})` : ""}`,
          });
          const response = await ai.models.generateContent({
            model: options.model,
            contents,
            config: { ...config, abortSignal, httpOptions: { fetch: countingFetch } },
          });
          addUsage(usage, response);
          return response;
        },
        {
          classify: (error, timedOut) => classifyError(error, timedOut, retryAfterMs, policy.maxServerDelayMs),
          onRetry: ({ attempt, delayMs, failure }) => {
            const seconds = `${Math.round(delayMs / 100) / 10} s`;
            const why = failure.timedOut
              ? "no answer in time"
              : failure.status
                ? `HTTP ${failure.status}`
                : "network error";
            const message =
              failure.retryAfterMs !== undefined
                ? `${why}: Gemini asked to wait ${seconds} (${failure.retryAfterFrom === "message" ? "in its message" : (failure.retryAfterFrom ?? "RetryInfo")}); waiting before attempt ${attempt + 1}`
                : `${why}: retrying in ${seconds} (attempt ${attempt + 1} of ${policy.maxAttempts})`;
            emit({ type: "retry", phase, attempt, status: failure.status, delayMs, message });
          },
          giveUp: (error, failure, attempts) => giveUpError(error, failure, attempts, ctx),
        },
      );
    };

    // Sends a turn; an empty answer is asked again once (never echoed back: Gemini rejects an
    // empty part with 400), a truncated one once more with a larger output budget.
    const ask = async (contents: Content[]): Promise<Reading<T>> => {
      let reading = readAnswer(await send(contents), request.schema, phase);
      let resent = false;
      let enlarged = false;
      for (;;) {
        if (reading.kind === "empty" && !resent) {
          resent = true;
          emit({ type: "resend", phase, attempt: 1, message: `empty answer (${reading.finishReason}): asking again` });
        } else if (reading.kind === "truncated" && !enlarged && largerBudget(budget) !== undefined) {
          enlarged = true;
          const next = largerBudget(budget)!;
          emit({
            type: "larger-budget",
            phase,
            attempt: 1,
            message: `answer cut off at ${budget} tokens: asking again with ${next}`,
          });
          budget = next;
        } else return reading;
        reading = readAnswer(await send(contents), request.schema, phase);
      }
    };

    const contents: Content[] = [{ role: "user", parts: [{ text: request.prompt }] }];
    let reading = await ask(contents);
    if (reading.kind === "invalid") {
      emit({ type: "repair", phase, attempt: 1, message: "answer did not match the schema: one repair turn" });
      reading = await ask([
        ...contents,
        { role: "model", parts: [{ text: reading.text }] },
        { role: "user", parts: [{ text: repairMessage(reading.problems) }] },
      ]);
      if (reading.kind === "invalid")
        throw invalidAnswer(
          phase,
          reading.problems.map((p) => redact(p, secret)),
        );
    }
    if (reading.kind === "empty") throw emptyAnswer(phase, reading.finishReason);
    if (reading.kind === "truncated") throw truncated(phase, budget);
    return { value: reading.value, provider: "gemini", model: options.model, cached: false, usage, calls };
  }

  return { provider: "gemini", model: options.model, generateJson };
}

function truncated(phase: string, budget: number | undefined): ProviderError {
  return new ProviderError(
    `Gemini's answer for phase ${phase} was cut off at the output limit (finishReason MAX_TOKENS, maxOutputTokens ${budget}, thinking tokens included), also after one retry with a larger limit.`,
    `Raise ${outputTokensSetting(phase)} (at most 65536), lower phases.${phase}.thinking, or choose a larger model with --model.`,
    { code: "provider.truncated" },
  );
}

function resolveCredentials(options: GeminiClientOptions): GeminiCredentials {
  if (options.vertex) return { kind: "vertex", ...options.vertex };
  if (options.apiKey) return { kind: "api-key", apiKey: options.apiKey };
  const fromEnv = credentialsFromEnv(process.env);
  if (fromEnv) return fromEnv;
  // Missing credentials are configuration, like `--provider gemini` without them in select.ts: exit 2.
  throw new InputError(
    "No Gemini credentials: set GEMINI_API_KEY, or GOOGLE_GENAI_USE_VERTEXAI=true with GOOGLE_CLOUD_PROJECT and GOOGLE_CLOUD_LOCATION.",
    [],
    "Or run with --provider offline to use the built-in rules.",
    "provider.no-credentials",
  );
}

async function loadSdk(credentials: GeminiCredentials, baseUrl: string | undefined): Promise<GoogleGenAI> {
  const { GoogleGenAI } = await import("@google/genai");
  // Only an explicit baseUrl is passed: otherwise the SDK's own *_BASE_URL env vars keep working.
  const httpOptions = baseUrl ? { baseUrl } : undefined;
  if (credentials.kind === "api-key")
    return new GoogleGenAI({ vertexai: false, apiKey: credentials.apiKey, httpOptions });
  // Explicit project and location: the SDK then ignores any API key in the environment, and says
  // so with console.debug, which is stdout: it would corrupt `--json` output. Silenced for the
  // (synchronous) constructor only.
  const debug = console.debug;
  console.debug = () => undefined;
  try {
    return new GoogleGenAI({
      vertexai: true,
      project: credentials.project,
      location: credentials.location,
      httpOptions,
    });
  } finally {
    console.debug = debug;
  }
}

function addUsage(usage: TokenUsage, response: GeminiResponse): void {
  const meta = response.usageMetadata ?? {};
  const input = meta.promptTokenCount ?? 0;
  // Thinking tokens are billed as output; totalTokenCount already includes them.
  const output = (meta.candidatesTokenCount ?? 0) + (meta.thoughtsTokenCount ?? 0);
  usage.inputTokens += input;
  usage.outputTokens += output;
  usage.totalTokens += meta.totalTokenCount ?? input + output;
}
