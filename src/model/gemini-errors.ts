// Turns what the SDK throws into retry decisions and, finally, one ProviderError with a hint.
// The SDK's ApiError carries only `status` and `message` (the JSON error body as a string).
import { ProviderError } from "../errors.js";
import { RETRYABLE_STATUS, parseRetryDelay, type AttemptFailure } from "./gemini-retry.js";

export interface GoogleError {
  status: number;
  /** google.rpc.Code name, e.g. RESOURCE_EXHAUSTED. */
  statusName?: string;
  message: string;
  details?: unknown[];
}

export interface ErrorContext {
  phase: string;
  model: string;
  backend: "api-key" | "vertex";
  timeoutMs: number;
  /** Removed from every message we build (the API key). */
  secret?: string;
}

/** Reads an SDK ApiError without importing the SDK (it is loaded lazily). */
export function asGoogleError(error: unknown): GoogleError | undefined {
  const candidate = error as { name?: unknown; status?: unknown; message?: unknown } | null;
  if (candidate?.name !== "ApiError" || typeof candidate.status !== "number") return undefined;
  const raw = String(candidate.message ?? "");
  try {
    const body = JSON.parse(raw) as { error?: { message?: string; status?: string; details?: unknown[] } };
    const inner = body.error ?? {};
    return {
      status: candidate.status,
      statusName: inner.status,
      message: inner.message ?? raw,
      details: inner.details,
    };
  } catch {
    return { status: candidate.status, message: raw };
  }
}

const NETWORK_CODES =
  /^(ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|EAI_AGAIN|ENOTFOUND|ENETUNREACH|EHOSTUNREACH|UND_ERR_\w+)$/;

function isNetworkError(error: unknown): boolean {
  const e = error as { name?: string; message?: string; code?: string; cause?: { code?: string } } | null;
  if (!e) return false;
  return (e.name === "TypeError" && e.message === "fetch failed") || NETWORK_CODES.test(e.code ?? e.cause?.code ?? "");
}

export function classifyError(error: unknown, timedOut: boolean, retryAfterHeaderMs?: number): AttemptFailure {
  if (timedOut) return { retryable: true, timedOut: true };
  const google = asGoogleError(error);
  if (google) {
    return {
      retryable: RETRYABLE_STATUS.has(google.status),
      status: google.status,
      retryAfterMs: retryAfterHeaderMs ?? parseRetryDelay(google.details),
    };
  }
  return { retryable: isNetworkError(error) };
}

export function redact(text: string, secret?: string): string {
  return secret && secret.length >= 4 ? text.split(secret).join("***") : text;
}

function hasReason(google: GoogleError, reason: string): boolean {
  return JSON.stringify(google.details ?? []).includes(reason) || google.message.includes("API key not valid");
}

const KEY_HINT =
  "Check GEMINI_API_KEY (or GOOGLE_API_KEY): create a key at https://aistudio.google.com/apikey, or run with --provider offline.";
const VERTEX_AUTH_HINT =
  "Run `gcloud auth application-default login`, check GOOGLE_CLOUD_PROJECT, that the Vertex AI API is enabled and that you have roles/aiplatform.user.";

/** The error the caller sees once the retry loop stops. */
export function giveUpError(
  error: unknown,
  failure: AttemptFailure,
  attempts: number,
  ctx: ErrorContext,
): ProviderError {
  const tries = `${attempts} attempt${attempts === 1 ? "" : "s"}`;
  const make = (code: string, message: string, hint: string) =>
    new ProviderError(redact(message, ctx.secret), hint, { code, cause: error });
  if (failure.timedOut) {
    return make(
      "provider.timeout",
      `Gemini (${ctx.model}) did not answer phase ${ctx.phase} in time: timed out after ${ctx.timeoutMs} ms on each of ${tries}.`,
      "The service may be overloaded: retry later, or raise the per-call timeout.",
    );
  }
  const google = asGoogleError(error);
  if (!google) {
    const detail = error instanceof Error ? `${error.message}${causeText(error)}` : String(error);
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
  const what = `HTTP ${google.status}${google.statusName ? ` ${google.statusName}` : ""}: ${google.message}`;
  if (
    google.status === 401 ||
    google.status === 403 ||
    (google.status === 400 && hasReason(google, "API_KEY_INVALID"))
  ) {
    const who = ctx.backend === "vertex" ? "Vertex AI refused the credentials" : "Gemini rejected the API key";
    return make("provider.auth", `${who} (${what}).`, ctx.backend === "vertex" ? VERTEX_AUTH_HINT : KEY_HINT);
  }
  if (google.status === 404) {
    return make(
      "provider.model-not-found",
      `Model "${ctx.model}" was not found (${what}).`,
      "Check --model and the persona's model: the id may be misspelt or retired (Gemini 2.5 models are retired on Vertex AI).",
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
  return make(
    "provider.rejected",
    `Gemini rejected the request for phase ${ctx.phase} (${what}).`,
    "Rerun with --debug; if the schema was rejected, this is a bug in infra-migrate.",
  );
}

function causeText(error: Error): string {
  const cause = error.cause as { code?: string; message?: string } | undefined;
  return cause ? ` (${cause.code ?? cause.message ?? "unknown cause"})` : "";
}
