// Turns what the SDK throws into retry decisions and, finally, one error with a hint.
// The SDK's ApiError carries only `status` and `message` (the JSON error body as a string).
// Quota errors: a 429's google.rpc.QuotaFailure names the quota; per-day ones reset at midnight
// Pacific time (https://ai.google.dev/gemini-api/docs/rate-limits), so retrying is pointless.
import { InputError, ProviderError, type InfraMigrateError } from "../errors.js";
import { quotedLine } from "../printable.js";
import { endpointErrorIn } from "./endpoint-guard.js";
import { RETRYABLE_STATUS, parseRetryDelay, parseRetryHint, type AttemptFailure } from "./gemini-retry.js";
import { outputTokensSetting } from "./generation.js";

export interface GoogleError {
  status: number;
  /** google.rpc.Code name, e.g. RESOURCE_EXHAUSTED. */
  statusName?: string;
  message: string;
  details?: unknown[];
  /** The body was a Google API error (`{"error": {"status": "PERMISSION_DENIED", …}}`), not a proxy's page. */
  fromGoogle: boolean;
}

export interface ErrorContext {
  phase: string;
  model: string;
  backend: "api-key" | "vertex";
  /** Vertex AI location, for the 404 hint. */
  location?: string;
  timeoutMs: number;
  maxServerDelayMs: number;
  /** Removed from every message we build (the API key). */
  secret?: string;
}

/** Reads an SDK ApiError without importing the SDK (it is loaded lazily). */
export function asGoogleError(error: unknown): GoogleError | undefined {
  const candidate = error as { name?: unknown; status?: unknown; message?: unknown } | null;
  if (candidate?.name !== "ApiError" || typeof candidate.status !== "number") return undefined;
  const raw = String(candidate.message ?? "");
  try {
    const body = JSON.parse(raw) as { error?: { message?: string; status?: string; details?: unknown[] } } | null;
    const inner = body?.error ?? {};
    return {
      status: candidate.status,
      statusName: inner.status,
      message: inner.message ?? raw,
      details: inner.details,
      // The SDK wraps a body that is not JSON as {"error": {"message": <the page>, "status": <the HTTP
      // reason, "Forbidden">}}; Google's own errors name a google.rpc code (PERMISSION_DENIED).
      fromGoogle: /^[A-Z][A-Z_]+$/.test(inner.status ?? ""),
    };
  } catch {
    return { status: candidate.status, message: raw, fromGoogle: false };
  }
}

// Z_*: a compressed body that does not decode (a proxy that cut or garbled it), as a cut connection.
const NETWORK_CODES =
  /^(ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|EAI_AGAIN|ENOTFOUND|ENETUNREACH|EHOSTUNREACH|UND_ERR_\w+|Z_DATA_ERROR|Z_BUF_ERROR)$/;

function isNetworkError(error: unknown): boolean {
  const e = error as { name?: string; message?: string; code?: string; cause?: { code?: string } } | null;
  if (!e) return false;
  return (e.name === "TypeError" && e.message === "fetch failed") || NETWORK_CODES.test(e.code ?? e.cause?.code ?? "");
}

interface QuotaViolation {
  quotaId?: string;
  quotaValue?: string;
}

function quotaViolations(google: GoogleError): QuotaViolation[] {
  return (google.details ?? []).flatMap((d) => {
    const detail = d as { "@type"?: string; violations?: QuotaViolation[] } | null;
    return detail?.["@type"]?.endsWith("google.rpc.QuotaFailure") ? (detail.violations ?? []) : [];
  });
}

// google-auth-library's words when Vertex AI mode finds no Application Default Credentials, or
// finds expired ones (a user's ADC needs a new login).
const ADC_PROBLEM = /Could not load the default credentials|invalid_grant|invalid_rapt|reauth/i;

export function classifyError(
  error: unknown,
  timedOut: boolean,
  retryAfterHeaderMs: number | undefined,
  maxServerDelayMs: number,
): AttemptFailure {
  if (timedOut) return { retryable: true, timedOut: true };
  // A redirect, a page that is not JSON, an answer too large to read: the endpoint is not Gemini's.
  if (endpointErrorIn(error)) return { retryable: false };
  const google = asGoogleError(error);
  if (!google) {
    if (ADC_PROBLEM.test(error instanceof Error ? error.message : String(error)))
      return { retryable: false, missingAdc: true };
    return { retryable: isNetworkError(error) };
  }
  const fromInfo = retryAfterHeaderMs === undefined ? parseRetryDelay(google.details) : undefined;
  const fromMessage =
    retryAfterHeaderMs === undefined && fromInfo === undefined ? parseRetryHint(google.message) : undefined;
  const retryAfterMs = retryAfterHeaderMs ?? fromInfo ?? fromMessage;
  const failure: AttemptFailure = {
    retryable: RETRYABLE_STATUS.has(google.status),
    status: google.status,
    retryAfterMs,
    ...(retryAfterMs === undefined
      ? {}
      : {
          retryAfterFrom:
            retryAfterHeaderMs !== undefined ? "Retry-After" : fromInfo !== undefined ? "RetryInfo" : "message",
        }),
  };
  if (google.status !== 429) return failure;
  const violations = quotaViolations(google);
  const daily = violations.find((v) => /PerDay|Daily/i.test(v.quotaId ?? ""));
  const zero = violations.find((v) => v.quotaValue === "0");
  if (daily) return { ...failure, retryable: false, quota: "daily", quotaId: daily.quotaId };
  if (zero) return { ...failure, retryable: false, quota: "zero", quotaId: zero.quotaId };
  if ((failure.retryAfterMs ?? 0) > maxServerDelayMs) return { ...failure, retryable: false, quota: "wait-too-long" };
  return failure;
}

export function redact(text: string, secret?: string): string {
  return secret && secret.length >= 4 ? text.split(secret).join("***") : text;
}

function hasReason(google: GoogleError, reason: string): boolean {
  return JSON.stringify(google.details ?? []).includes(reason) || google.message.includes("API key not valid");
}

const ENDPOINT_HINT =
  "Check GOOGLE_GEMINI_BASE_URL / GOOGLE_VERTEX_BASE_URL and any HTTPS proxy (HTTPS_PROXY): they must reach Gemini's API itself, not a login page or another host.";
const KEY_HINT =
  "Check GEMINI_API_KEY (or GOOGLE_API_KEY): create a key at https://aistudio.google.com/apikey, or run with --provider offline.";
const VERTEX_AUTH_HINT =
  "Run `gcloud auth application-default login`, check GOOGLE_CLOUD_PROJECT, that the Vertex AI API is enabled and that you have roles/aiplatform.user.";
const ADC_HINT =
  "Run `gcloud auth application-default login` (or set GOOGLE_APPLICATION_CREDENTIALS to a " +
  "service-account key file, or run on Google Cloud with an attached service account). Vertex AI mode " +
  "never falls back to GEMINI_API_KEY: to use the key, unset GOOGLE_GENAI_USE_VERTEXAI.";

/** The error the caller sees once the retry loop stops. */
export function giveUpError(
  error: unknown,
  failure: AttemptFailure,
  attempts: number,
  ctx: ErrorContext,
): InfraMigrateError {
  const tries = `${attempts} attempt${attempts === 1 ? "" : "s"}`;
  const make = (code: string, message: string, hint: string) =>
    new ProviderError(redact(message, ctx.secret), hint, { code, cause: error });
  if (failure.missingAdc) {
    const detail = quotedLine(error instanceof Error ? error.message.split("\n")[0]! : String(error));
    return new InputError(
      `Vertex AI mode needs Application Default Credentials, and none usable were found (${detail}).`,
      [],
      ADC_HINT,
      "provider.vertex-adc",
    );
  }
  if (failure.timedOut) {
    return make(
      "provider.timeout",
      `Gemini (${ctx.model}) did not answer phase ${ctx.phase} in time: timed out after ${ctx.timeoutMs} ms on each of ${tries}.`,
      "The service may be overloaded: retry later, or raise the per-call timeout.",
    );
  }
  const endpoint = endpointErrorIn(error);
  if (endpoint)
    return make(
      `provider.endpoint-${endpoint.problem}`,
      `Gemini call for phase ${ctx.phase} failed: ${endpoint.message}.`,
      ENDPOINT_HINT,
    );
  const google = asGoogleError(error);
  if (!google) {
    const detail = quotedLine(error instanceof Error ? `${error.message}${causeText(error)}` : String(error));
    return failure.retryable
      ? make(
          "provider.network",
          `Could not reach Gemini after ${tries}: ${detail}`,
          "Check your network or proxy (and GOOGLE_GEMINI_BASE_URL / GOOGLE_VERTEX_BASE_URL if set).",
        )
      : make(
          "provider.failed",
          `Gemini call for phase ${ctx.phase} failed: ${detail}`,
          "Rerun with --debug for the stack trace.",
        );
  }
  // The status name and message are the endpoint's words: one line, escaped, bounded.
  const what = quotedLine(
    `HTTP ${google.status}${google.statusName ? ` ${google.statusName}` : ""}: ${google.message}`,
  );
  if ((google.status === 401 || google.status === 403 || google.status === 407) && !google.fromGoogle) {
    const first = JSON.stringify(quotedLine(google.message, 120));
    return make(
      "provider.endpoint-refused",
      `The endpoint refused the call for phase ${ctx.phase} with HTTP ${google.status} and a page that is not a Google API error (it begins: ${first}): a proxy or gateway in between answered, not Gemini.`,
      `${ENDPOINT_HINT} If the endpoint is right, ${ctx.backend === "vertex" ? VERTEX_AUTH_HINT : KEY_HINT}`,
    );
  }
  if (
    google.status === 401 ||
    google.status === 403 ||
    (google.status === 400 && hasReason(google, "API_KEY_INVALID"))
  ) {
    const who = ctx.backend === "vertex" ? "Vertex AI refused the credentials" : "Gemini rejected the API key";
    return make("provider.auth", `${who} (${what}).`, ctx.backend === "vertex" ? VERTEX_AUTH_HINT : KEY_HINT);
  }
  if (google.status === 404) {
    // Gemini 3 models are served from Vertex AI's global endpoint, not from regional ones.
    const regional = ctx.backend === "vertex" && ctx.location !== "global";
    return make(
      "provider.model-not-found",
      `Model "${ctx.model}" was not found${ctx.backend === "vertex" ? ` in location ${ctx.location}` : ""} (${what}).`,
      regional
        ? `Gemini 3 models are served from the global endpoint: set GOOGLE_CLOUD_LOCATION=global (now ${ctx.location}). Otherwise check --model: the id may be misspelt or retired.`
        : "Check --model and the persona's model: the id may be misspelt or retired (Gemini 2.5 models are retired on Vertex AI).",
    );
  }
  if (failure.quota === "daily") {
    return make(
      "provider.quota-daily",
      `Gemini's daily quota for ${ctx.model} is used up (${failure.quotaId}); retrying today would fail again. Daily quotas reset at midnight Pacific time.`,
      "Rerun after the reset, choose another model with --model, raise the quota (https://ai.google.dev/gemini-api/docs/rate-limits), or run with --provider offline.",
    );
  }
  if (failure.quota === "zero") {
    return make(
      "provider.quota-zero",
      `This project has no quota for ${ctx.model} (${failure.quotaId} is 0): the model is not offered on its tier.`,
      "Enable billing on the Google Cloud project behind the key, choose another model with --model, or run with --provider offline.",
    );
  }
  if (failure.quota === "wait-too-long") {
    const seconds = Math.round((failure.retryAfterMs ?? 0) / 1000);
    return make(
      "provider.quota",
      `Gemini asks to wait ${seconds} s before the next call for ${ctx.model}, longer than infra-migrate waits (${Math.round(ctx.maxServerDelayMs / 1000)} s) (${what}).`,
      "Rerun in a few minutes, raise your quota, or run with --provider offline.",
    );
  }
  if (google.status === 429) {
    return make(
      "provider.quota",
      `Gemini rate limit or quota exhausted for ${ctx.model} after ${tries} (${what}).`,
      "Wait and rerun, raise your quota, or run with --provider offline.",
    );
  }
  if (failure.retryable) {
    return make(
      "provider.unavailable",
      `Gemini failed for phase ${ctx.phase} after ${tries} (${what}).`,
      "Google's service is having trouble: retry later, or run with --provider offline.",
    );
  }
  const tooLong = /max_output_tokens|maxOutputTokens/i.test(google.message);
  return make(
    "provider.rejected",
    `Gemini rejected the request for phase ${ctx.phase} (${what}).`,
    tooLong
      ? `Check ${outputTokensSetting(ctx.phase)} against the model's output limit.`
      : "If the message is about the response schema, this is a bug in infra-migrate: report it with the phase and the model; otherwise rerun with --debug.",
  );
}

function causeText(error: Error): string {
  const cause = error.cause as { code?: string; message?: string } | undefined;
  return cause ? ` (${cause.code ?? cause.message ?? "unknown cause"})` : "";
}
