// Types for fake-gemini.mjs (a plain JS module so bench/*.mjs can import it unbuilt).
import type { IncomingHttpHeaders } from "node:http";

export interface FakeUsage {
  promptTokenCount?: number;
  candidatesTokenCount?: number;
  totalTokenCount?: number;
  thoughtsTokenCount?: number;
}

interface ReplyBase {
  /** Wait this long before answering (tests per-call timeouts). */
  delayMs?: number;
}

/** A valid answer: candidates[0].content.parts[0].text = JSON.stringify(json). */
export interface JsonReply extends ReplyBase {
  json: unknown;
  finishReason?: string;
  usage?: FakeUsage;
  /** Cut off (half the text, finishReason MAX_TOKENS) when the request's maxOutputTokens is lower. */
  needsOutputTokens?: number;
}

/** A raw text answer (invalid or truncated JSON, prose, fenced JSON …). */
export interface TextReply extends ReplyBase {
  text: string;
  finishReason?: string;
  usage?: FakeUsage;
}

/**
 * A candidate with no text, e.g. `{ finishReason: "SAFETY" }` (adds safetyRatings), "OTHER",
 * "RECITATION" (adds citationMetadata) or "MAX_TOKENS" (thinking used the whole budget).
 */
export interface FinishReply extends ReplyBase {
  finishReason: string;
  usage?: FakeUsage;
}

/** No candidates at all (and no promptFeedback): what an empty answer looks like. */
export interface NoCandidatesReply extends ReplyBase {
  noCandidates: true;
}

/** The prompt itself was blocked: promptFeedback.blockReason, no candidates. */
export interface BlockedReply extends ReplyBase {
  blockReason: "SAFETY" | "OTHER" | "BLOCKLIST" | "PROHIBITED_CONTENT" | (string & {});
  usage?: FakeUsage;
}

/** An error in Google's format {error:{code,message,status,details}}. */
export interface ErrorReply extends ReplyBase {
  status: number;
  message?: string;
  /** Sets the Retry-After header and a google.rpc.RetryInfo retryDelay detail. */
  retryAfterSeconds?: number;
  /** Adds a google.rpc.ErrorInfo detail, e.g. "API_KEY_INVALID". */
  reason?: string;
  /** A google.rpc.RetryInfo detail only (no header), e.g. "47s", as the Gemini API sends it. */
  retryDelay?: string;
  /** Adds a google.rpc.QuotaFailure violation, e.g. "GenerateRequestsPerDayPerProjectPerModel-FreeTier". */
  quotaId?: string;
  /** The violated quota's value (default "20"; "0" = the tier has no quota for the model). */
  quotaValue?: string;
  details?: unknown[];
}

/** Never answer (until the client gives up or the server closes). */
export interface HangReply extends ReplyBase {
  hang: true;
}

/**
 * Anything but a Gemini answer, as a proxy, a captive portal or a hostile endpoint sends it: this
 * status and these headers (none added), then `body`, or `chunk` written `times` times.
 */
export interface RawReply extends ReplyBase {
  raw: { status: number; headers?: Record<string, string>; body?: string; chunk?: string; times?: number };
}

export type FakeReplyValue =
  JsonReply | TextReply | FinishReply | NoCandidatesReply | BlockedReply | ErrorReply | HangReply | RawReply;
export type FakeReply = FakeReplyValue | ((request: RecordedRequest) => FakeReply | Promise<FakeReply>);

export interface RecordedRequest {
  /** 0-based order of arrival. */
  index: number;
  method: string;
  path: string;
  query: Record<string, string>;
  /** "v1beta" for the Gemini API, "v1beta1" for Vertex AI. */
  apiVersion?: string;
  /** Set for Vertex-style paths; project/location are undefined on the express/global path. */
  vertex?: { project?: string; location?: string };
  model?: string;
  action?: "generateContent" | "streamGenerateContent";
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** Parsed JSON body (undefined when the body was not JSON). */
  body?: any;
}

export interface FakeGeminiOptions {
  /** Default 0: an ephemeral port. */
  port?: number;
  /** Reply used when the scripted queue is empty (default: a 500 saying nothing was scripted). */
  defaultReply?: FakeReply;
  /** Default true: refuse (400) what real Gemini refuses, and undocumented schema keywords. */
  strict?: boolean;
}

export interface FakeGemini {
  /** e.g. http://127.0.0.1:40123 — use as GOOGLE_GEMINI_BASE_URL or httpOptions.baseUrl. */
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Requests to the fake GCE metadata server (token fetches for Vertex AI mode). */
  metadataRequests: RecordedRequest[];
  /** Scripted replies, consumed in order, one per request; then the default. */
  enqueue(...replies: FakeReply[]): void;
  setDefault(reply: FakeReply): void;
  /** Scripted replies not consumed yet. */
  pending(): number;
  /** Stops the server, cutting open and hung connections. */
  close(): Promise<void>;
}

export function startFakeGemini(options?: FakeGeminiOptions): Promise<FakeGemini>;

/** The bearer token the fake metadata server hands out. */
export const FAKE_ACCESS_TOKEN: string;
