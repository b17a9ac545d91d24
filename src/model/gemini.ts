// The real Gemini provider: @google/genai (API key or Vertex AI), structured JSON output, our own
// retries (the SDK's ignore Retry-After), one repair turn on schema violations, token usage summed.
// The only file that imports @google/genai, and lazily, so `--help` never loads it.
import type { Content, GenerateContentConfig, GoogleGenAI } from "@google/genai";
import { ProviderError } from "../errors.js";
import { credentialsFromEnv, type GeminiCredentials } from "./credentials.js";
import { invalidAnswer, readAnswer, repairMessage, toResponseSchema, type GeminiResponse } from "./gemini-answer.js";
import { classifyError, giveUpError, redact, type ErrorContext } from "./gemini-errors.js";
import { parseRetryAfter, realSleep, withRetries, type RetryPolicy } from "./gemini-retry.js";
import type { GenerateJsonRequest, GenerateJsonResult, ModelClient, TokenUsage } from "./types.js";

export { DEFAULT_GEMINI_MODEL, credentialsFromEnv, type GeminiCredentials } from "./credentials.js";

export interface GeminiEvent {
  type: "call" | "retry" | "repair";
  phase: string;
  attempt: number;
  status?: number;
  delayMs?: number;
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
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  onEvent?: (event: GeminiEvent) => void;
  maxOutputTokens?: number;
  /** Default 0.2. Gemini 3.x Flash-Lite ignores custom temperatures; older models honour it. */
  temperature?: number;
}

export function createGeminiClient(options: GeminiClientOptions): ModelClient {
  const credentials = resolveCredentials(options);
  const policy: RetryPolicy = {
    maxAttempts: Math.max(1, options.maxAttempts ?? 5),
    baseDelayMs: options.baseDelayMs ?? 1000,
    maxDelayMs: options.maxDelayMs ?? 30_000,
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
    const usage: TokenUsage = { inputTokens: 0, outputTokens: 0, totalTokens: 0 };
    let calls = 0;
    const ctx: ErrorContext = {
      phase: request.phase,
      model: options.model,
      backend: credentials.kind,
      timeoutMs: policy.timeoutMs,
      secret,
    };
    const config: GenerateContentConfig = {
      systemInstruction: request.persona.body,
      responseMimeType: "application/json",
      responseJsonSchema: toResponseSchema(request.schema),
      temperature: options.temperature ?? 0.2,
      ...(options.maxOutputTokens ? { maxOutputTokens: options.maxOutputTokens } : {}),
    };

    // One turn = one logical request, retried as a whole; every HTTP request counts as a call.
    const turn = (contents: Content[]): Promise<GeminiResponse> => {
      let retryAfterMs: number | undefined;
      const countingFetch: typeof fetch = async (input, init) => {
        calls++;
        const response = await fetch(input, init);
        retryAfterMs = parseRetryAfter(response.headers.get("retry-after"));
        return response;
      };
      return withRetries(
        policy,
        async (attempt, abortSignal) => {
          retryAfterMs = undefined;
          emit({ type: "call", phase: request.phase, attempt });
          const response = await ai.models.generateContent({
            model: options.model,
            contents,
            config: { ...config, abortSignal, httpOptions: { fetch: countingFetch } },
          });
          addUsage(usage, response);
          return response;
        },
        {
          classify: (error, timedOut) => classifyError(error, timedOut, retryAfterMs),
          onRetry: ({ attempt, delayMs, failure }) =>
            emit({ type: "retry", phase: request.phase, attempt, status: failure.status, delayMs }),
          giveUp: (error, failure, attempts) => giveUpError(error, failure, attempts, ctx),
        },
      );
    };

    const contents: Content[] = [{ role: "user", parts: [{ text: request.prompt }] }];
    let reading = readAnswer(await turn(contents), request.schema, request.phase);
    if (!reading.ok) {
      emit({ type: "repair", phase: request.phase, attempt: 1 });
      const repair: Content[] = [
        ...contents,
        { role: "model", parts: [{ text: reading.text }] },
        { role: "user", parts: [{ text: repairMessage(reading.problems) }] },
      ];
      reading = readAnswer(await turn(repair), request.schema, request.phase);
      if (!reading.ok)
        throw invalidAnswer(
          request.phase,
          reading.problems.map((p) => redact(p, secret)),
        );
    }
    return { value: reading.value, provider: "gemini", model: options.model, cached: false, usage, calls };
  }

  return { provider: "gemini", model: options.model, generateJson };
}

function resolveCredentials(options: GeminiClientOptions): GeminiCredentials {
  if (options.vertex) return { kind: "vertex", ...options.vertex };
  if (options.apiKey) return { kind: "api-key", apiKey: options.apiKey };
  const fromEnv = credentialsFromEnv(process.env);
  if (fromEnv) return fromEnv;
  throw new ProviderError(
    "No Gemini credentials: set GEMINI_API_KEY, or GOOGLE_GENAI_USE_VERTEXAI=true with GOOGLE_CLOUD_PROJECT (and GOOGLE_CLOUD_LOCATION).",
    "Or run with --provider offline to use the built-in rules.",
    { code: "provider.no-credentials" },
  );
}

async function loadSdk(credentials: GeminiCredentials, baseUrl: string | undefined): Promise<GoogleGenAI> {
  const { GoogleGenAI } = await import("@google/genai");
  // Only an explicit baseUrl is passed: otherwise the SDK's own *_BASE_URL env vars keep working.
  const httpOptions = baseUrl ? { baseUrl } : undefined;
  return credentials.kind === "vertex"
    ? new GoogleGenAI({ vertexai: true, project: credentials.project, location: credentials.location, httpOptions })
    : new GoogleGenAI({ vertexai: false, apiKey: credentials.apiKey, httpOptions });
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
