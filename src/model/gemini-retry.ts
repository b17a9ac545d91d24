// Retries around one Gemini HTTP call: per-attempt timeout, exponential backoff with full jitter,
// and the server's own delay (Retry-After, google.rpc.RetryInfo) honoured exactly up to
// maxServerDelayMs: retrying sooner lands inside the same quota window and fails again. The SDK's
// own retryOptions ignore both, so we do not use them.
// Backoff: https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
// RetryInfo: https://cloud.google.com/apis/design/errors#retry_info

export const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  /** Cap of our own backoff. */
  maxDelayMs: number;
  /** Longest server-requested wait we sit out; a longer one fails at once (default 120 s). */
  maxServerDelayMs: number;
  timeoutMs: number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

/** What one failed attempt tells the loop. */
export interface AttemptFailure {
  retryable: boolean;
  status?: number;
  timedOut?: boolean;
  /** Server-requested wait (Retry-After header or RetryInfo.retryDelay). */
  retryAfterMs?: number;
  /** Where that wait was named, for the progress line. */
  retryAfterFrom?: "Retry-After" | "RetryInfo" | "message";
  /** Why retrying cannot help now: a daily quota, a zero quota, or a wait longer than we sit out. */
  quota?: "daily" | "zero" | "wait-too-long";
  /** google.rpc.QuotaFailure quotaId, for the message. */
  quotaId?: string;
  /** Vertex AI without Application Default Credentials: a setup problem, exit 2. */
  missingAdc?: boolean;
}

export interface RetryHooks {
  classify: (error: unknown, timedOut: boolean) => AttemptFailure;
  onRetry?: (info: { attempt: number; delayMs: number; failure: AttemptFailure }) => void;
  /** Turns the last failure into the error the caller sees. */
  giveUp: (error: unknown, failure: AttemptFailure, attempts: number) => Error;
}

export const realSleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/** Delay before attempt `attempt + 1`: the server's wait when it named one, else full jitter over base·2^(attempt-1). */
export function backoffDelay(policy: RetryPolicy, attempt: number, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) return Math.min(policy.maxServerDelayMs, Math.max(0, retryAfterMs));
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(policy.random() * ceiling);
}

/** Retry-After is either delta-seconds or an HTTP date. */
export function parseRetryAfter(header: string | null | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** google.rpc.RetryInfo.retryDelay is a protobuf Duration in JSON: "47s", "0.5s". */
export function parseRetryDelay(details: unknown): number | undefined {
  if (!Array.isArray(details)) return undefined;
  for (const detail of details) {
    const delay = (detail as { retryDelay?: unknown } | null)?.retryDelay;
    if (typeof delay === "string" && /^\d+(\.\d+)?s$/.test(delay)) return Math.round(parseFloat(delay) * 1000);
  }
  return undefined;
}

/** The Gemini API also writes the wait into the message: "Please retry in 45.578569677s." */
export function parseRetryHint(message: string): number | undefined {
  const match = /Please retry in (\d+(?:\.\d+)?)(ms|s)\b/.exec(message);
  if (!match) return undefined;
  return Math.round(parseFloat(match[1]!) * (match[2] === "ms" ? 1 : 1000));
}

/**
 * Runs `attempt(n, signal)` until it succeeds, fails with a non-retryable error, or maxAttempts
 * is reached. Each attempt gets its own AbortSignal that fires after timeoutMs.
 */
export async function withRetries<T>(
  policy: RetryPolicy,
  attempt: (n: number, signal: AbortSignal) => Promise<T>,
  hooks: RetryHooks,
): Promise<T> {
  for (let n = 1; ; n++) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), policy.timeoutMs);
    let failure: AttemptFailure;
    try {
      return await attempt(n, controller.signal);
    } catch (error) {
      failure = hooks.classify(error, controller.signal.aborted);
      if (!failure.retryable || n >= policy.maxAttempts) throw hooks.giveUp(error, failure, n);
    } finally {
      clearTimeout(timer);
    }
    const delayMs = backoffDelay(policy, n, failure.retryAfterMs);
    hooks.onRetry?.({ attempt: n, delayMs, failure });
    await policy.sleep(delayMs);
  }
}
