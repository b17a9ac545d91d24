// What infra-migrate accepts back from a Gemini endpoint before the SDK reads it. The endpoint is
// whatever GOOGLE_GEMINI_BASE_URL / GOOGLE_VERTEX_BASE_URL (or a proxy) says, so an answer may not
// be Gemini's at all. Without these checks a proxy's login page came back as "Unexpected token '<'",
// a redirect was followed to any host with the request (and its API key header) resent there, and
// a 400 MB body was read whole into memory (3.4 GB resident) before the schema check refused it.
//
// - Redirects are not followed: Gemini's API and Vertex AI answer in place; a 3xx is a proxy or a
//   wrong base URL, said as such.
// - A successful answer must be JSON: an HTML or plain-text 200 is a captive portal or a proxy
//   page, not something a retry fixes.
// - A successful JSON answer must be an object: `null`, an array or a number is not a
//   GenerateContentResponse (the SDK failed on `null` with "Cannot set properties of null").
// - A body is read up to MAX_ANSWER_BYTES: the largest answer asked for (65,536 output tokens, a few
//   bytes each, JSON-escaped, with thought signatures) is a few MB; past the limit the read stops.

import { quotedLine } from "../printable.js";

/** Bytes of one HTTP answer read at most (16 MiB). */
export const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

export type EndpointProblem = "redirect" | "not-json" | "not-an-answer" | "too-large";

/** The endpoint answered with something no Gemini endpoint sends: retrying cannot help. */
export class EndpointError extends Error {
  override readonly name = "EndpointError";
  constructor(
    readonly problem: EndpointProblem,
    message: string,
  ) {
    super(message);
  }
}

/** The EndpointError an SDK error carries (thrown as is, or as the cause of a read that failed). */
export function endpointErrorIn(error: unknown): EndpointError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    if (current instanceof EndpointError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** scheme://host[:port]/path of a URL, without its query (an API key may ride in `?key=`). */
function where(url: string, base?: string): string {
  try {
    const parsed = new URL(url, base);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return "an unreadable address";
  }
}

const JSON_TYPE = /^application\/(?:[\w.+-]*\+)?json\b/i;

/** The first bytes of a body, as one line, for a message (the body is not read further). */
async function opening(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return "";
  const { value } = await reader.read().catch(() => ({ value: undefined }));
  await reader.cancel().catch(() => undefined);
  return value ? quotedLine(new TextDecoder().decode(value.slice(0, 120)), 120) : "";
}

// JSON's whitespace, and a UTF-8 byte order mark's bytes (fetch's JSON reading drops a BOM).
const SKIPPED = new Set([0x20, 0x09, 0x0a, 0x0d, 0xef, 0xbb, 0xbf]);
const OPEN_BRACE = 0x7b;

/**
 * A stream that passes `body` through and errors once more than `limit` bytes went by, or, for a
 * successful answer (`status`), when its first byte past whitespace does not open an object.
 */
function checked(
  body: ReadableStream<Uint8Array>,
  limit: number,
  url: string,
  status?: number,
): ReadableStream<Uint8Array> {
  let seen = 0;
  let head = status === undefined ? undefined : "";
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > limit) return controller.error(tooLarge(url, limit));
        if (head !== undefined) {
          const start = chunk.findIndex((byte) => !SKIPPED.has(byte));
          if (start < 0) return controller.enqueue(chunk);
          if (chunk[start] !== OPEN_BRACE) {
            head += new TextDecoder().decode(chunk.slice(start, start + 120));
            return controller.error(notAnAnswer(url, status!, head));
          }
          head = undefined;
        }
        controller.enqueue(chunk);
      },
      flush(controller) {
        if (head !== undefined) controller.error(notAnAnswer(url, status!, ""));
      },
    }),
  );
}

function notAnAnswer(url: string, status: number, first: string): EndpointError {
  return new EndpointError(
    "not-an-answer",
    `the endpoint ${where(url)} answered HTTP ${status} with ` +
      (first
        ? `JSON that is not a Gemini answer (it begins: ${JSON.stringify(quotedLine(first, 120))})`
        : "an empty body") +
      "; a Gemini answer is a JSON object",
  );
}

function tooLarge(url: string, limit: number): EndpointError {
  return new EndpointError(
    "too-large",
    `the endpoint ${where(url)} sent an answer larger than ${Math.round(limit / 1024 / 1024)} MiB; ` +
      "it was not read further (a Gemini answer is at most a few MB)",
  );
}

/**
 * Checks one HTTP answer (fetched with `redirect: "manual"`) and returns one the SDK may read:
 * the same status and headers, its body capped at `limit` bytes. Throws EndpointError for a
 * redirect, a successful answer that is not JSON, or a declared length over the limit.
 */
export async function guardAnswer(response: Response, url: string, limit = MAX_ANSWER_BYTES): Promise<Response> {
  if (response.status >= 300 && response.status < 400) {
    const location = response.headers.get("location");
    await response.body?.cancel().catch(() => undefined);
    throw new EndpointError(
      "redirect",
      `the endpoint ${where(url)} answered HTTP ${response.status}, redirecting to ${
        location ? where(location, url) : "nowhere (no Location header)"
      }; infra-migrate does not follow redirects (Gemini's API never sends one)`,
    );
  }
  const declared = Number(response.headers.get("content-length") ?? "");
  if (Number.isFinite(declared) && declared > limit) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge(url, limit);
  }
  const type = response.headers.get("content-type");
  if (response.ok && type && !JSON_TYPE.test(type)) {
    const first = await opening(response);
    throw new EndpointError(
      "not-json",
      `the endpoint ${where(url)} answered HTTP ${response.status} with ${type.split(";")[0]}, not JSON` +
        (first ? ` (it begins: ${JSON.stringify(first)})` : ""),
    );
  }
  if (!response.body) return response;
  return new Response(checked(response.body, limit, url, response.ok ? response.status : undefined), {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}
