// A fake Gemini endpoint on 127.0.0.1 that speaks the real REST format, so tests (and benches)
// drive the real @google/genai SDK without a network. Point the SDK at `url` through
// GOOGLE_GEMINI_BASE_URL (or httpOptions.baseUrl) and script the replies.
// It refuses what the real endpoints refuse (fake-gemini-rules.mjs), and doubles as the GCE
// metadata server (GCE_METADATA_HOST) so Vertex AI mode gets Application Default Credentials.
// Plain JS (not TS) because bench/*.mjs import it without a build step.
import http from "node:http";
import { requestProblem } from "./fake-gemini-rules.mjs";

// Gemini API: /v1beta/models/M:generateContent. Vertex AI: /v1beta1/projects/P/locations/L/
// publishers/google/models/M:generateContent, or /v1beta1/publishers/google/models/M:… (express).
const ROUTE =
  /^\/(v1(?:alpha|beta1?)?)\/(?:(?:projects\/([^/]+)\/locations\/([^/]+)\/)?publishers\/[^/]+\/)?models\/([^/:]+):(generateContent|streamGenerateContent)$/;

// google.rpc.Code names Gemini puts in error.status.
const STATUS_NAMES = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  502: "UNAVAILABLE",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

const DEFAULT_MESSAGES = {
  400: "Request contains an invalid argument.",
  401: "Request had invalid authentication credentials.",
  403: "The caller does not have permission.",
  404: "models/unknown is not found for API version v1beta, or is not supported for generateContent.",
  429: "Resource has been exhausted (e.g. check quota).",
  500: "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting",
  503: "The model is overloaded. Please try again later.",
  504: "The request timed out. Please try again.",
};

/** The bearer token the fake metadata server hands out (Vertex AI requests then carry it). */
export const FAKE_ACCESS_TOKEN = "ya29.fake-metadata-token";

const NO_SCRIPT = { status: 500, message: "fake-gemini: no reply scripted for this request" };

/** Rough, deterministic token count: one token per 4 characters. */
const tokens = (text) => Math.ceil(text.length / 4);

function errorBody(reply) {
  const code = reply.status;
  const details = [...(reply.details ?? [])];
  if (reply.quotaId) {
    details.push({
      "@type": "type.googleapis.com/google.rpc.QuotaFailure",
      violations: [
        {
          quotaMetric: "generativelanguage.googleapis.com/generate_content_free_tier_requests",
          quotaId: reply.quotaId,
          quotaDimensions: { location: "global", model: "gemini-test" },
          quotaValue: reply.quotaValue ?? "20",
        },
      ],
    });
  }
  if (reply.reason) {
    details.push({
      "@type": "type.googleapis.com/google.rpc.ErrorInfo",
      reason: reply.reason,
      domain: "googleapis.com",
    });
  }
  if (reply.retryAfterSeconds !== undefined) {
    details.push({ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: `${reply.retryAfterSeconds}s` });
  }
  // The real Gemini API sends RetryInfo only in the body (no Retry-After header) and repeats it
  // in the message.
  if (reply.retryDelay !== undefined) {
    details.push({ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: reply.retryDelay });
  }
  const retryText = reply.retryDelay !== undefined ? ` Please retry in ${reply.retryDelay}.` : "";
  const error = {
    code,
    message: (reply.message ?? DEFAULT_MESSAGES[code] ?? `HTTP ${code}`) + retryText,
    status: STATUS_NAMES[code] ?? "UNKNOWN",
  };
  if (details.length) error.details = details;
  return { error };
}

const SAFETY_RATINGS = [
  { category: "HARM_CATEGORY_DANGEROUS_CONTENT", probability: "HIGH", blocked: true },
  { category: "HARM_CATEGORY_HARASSMENT", probability: "NEGLIGIBLE" },
];

function answerBody(reply, request) {
  // A reply that needs more output room than the request allows is cut off, as Gemini does.
  const budget = request.body?.generationConfig?.maxOutputTokens;
  if (reply.needsOutputTokens !== undefined && budget !== undefined && budget < reply.needsOutputTokens) {
    const full = JSON.stringify(reply.json);
    return answerBody({ text: full.slice(0, Math.floor(full.length / 2)), finishReason: "MAX_TOKENS" }, request);
  }
  const usage = (output) => ({
    promptTokenCount: tokens(request.rawBody),
    candidatesTokenCount: tokens(output),
    totalTokenCount: tokens(request.rawBody) + tokens(output),
    ...reply.usage,
  });
  if (reply.noCandidates)
    return { usageMetadata: usage(""), modelVersion: request.model, responseId: `fake-${request.index}` };
  if (reply.blockReason) {
    return {
      promptFeedback: { blockReason: reply.blockReason, safetyRatings: SAFETY_RATINGS },
      usageMetadata: usage(""),
      modelVersion: request.model,
    };
  }
  const text = "json" in reply ? JSON.stringify(reply.json) : reply.text;
  const candidate = { finishReason: reply.finishReason ?? "STOP", index: 0 };
  if (text !== undefined) candidate.content = { role: "model", parts: [{ text }] };
  if (candidate.finishReason === "SAFETY") candidate.safetyRatings = SAFETY_RATINGS;
  if (candidate.finishReason === "RECITATION")
    candidate.citationMetadata = { citations: [{ startIndex: 0, endIndex: 120, uri: "https://example.com/source" }] };
  return {
    candidates: [candidate],
    usageMetadata: usage(text ?? ""),
    modelVersion: request.model,
    responseId: `fake-${request.index}`,
  };
}

function parseRequest(req, rawBody, index) {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const match = ROUTE.exec(url.pathname);
  let body;
  try {
    body = rawBody ? JSON.parse(rawBody) : undefined;
  } catch {
    body = undefined;
  }
  return {
    index,
    method: req.method ?? "GET",
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    apiVersion: match?.[1],
    vertex: match ? { project: match[2], location: match[3] } : undefined,
    model: match?.[4],
    action: match?.[5],
    headers: req.headers,
    rawBody,
    body,
  };
}

/** @param {import("./fake-gemini.d.mts").FakeGeminiOptions} [options] */
export async function startFakeGemini(options = {}) {
  const queue = [];
  const requests = [];
  const metadataRequests = [];
  const hanging = new Set();
  let fallback = options.defaultReply ?? NO_SCRIPT;

  async function resolveReply(request) {
    let reply = queue.length ? queue.shift() : fallback;
    while (typeof reply === "function") reply = await reply(request);
    return reply;
  }

  async function handle(req, res) {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const request = parseRequest(req, Buffer.concat(chunks).toString("utf8"), requests.length);
    if (request.path.startsWith("/computeMetadata/")) return metadata(request, res);
    requests.push(request);
    if (!request.action || request.method !== "POST") {
      return send(
        res,
        404,
        errorBody({ status: 404, message: `fake-gemini: no route for ${request.method} ${request.path}` }),
      );
    }
    const problem = options.strict === false ? undefined : requestProblem(request.body);
    if (problem) return send(res, 400, errorBody({ status: 400, message: problem }));
    const reply = await resolveReply(request);
    if (reply.delayMs) await new Promise((done) => setTimeout(done, reply.delayMs));
    if (reply.hang) {
      hanging.add(res);
      res.on("close", () => hanging.delete(res));
      return;
    }
    if (reply.raw) return sendRaw(res, reply.raw);
    if (reply.status && reply.status !== 200) {
      const headers = reply.retryAfterSeconds !== undefined ? { "retry-after": String(reply.retryAfterSeconds) } : {};
      return send(res, reply.status, errorBody(reply), headers);
    }
    const body = answerBody(reply, request);
    if (request.action === "streamGenerateContent") {
      res.writeHead(200, { "content-type": "text/event-stream" });
      return res.end(`data: ${JSON.stringify(body)}\r\n\r\n`);
    }
    return send(res, 200, body);
  }

  // The GCE metadata server's token endpoint: google-auth-library asks it for an access token
  // when GCE_METADATA_HOST points here and no credentials file is set.
  function metadata(request, res) {
    metadataRequests.push(request);
    const headers = { "metadata-flavor": "Google" };
    if (request.headers["metadata-flavor"] !== "Google") return send(res, 403, { error: "missing Metadata-Flavor" });
    if (request.path.endsWith("/service-accounts/default/token"))
      return send(res, 200, { access_token: FAKE_ACCESS_TOKEN, expires_in: 3599, token_type: "Bearer" }, headers);
    if (request.path.endsWith("/project/project-id")) return sendText(res, "fake-project", headers);
    return sendText(res, "", headers);
  }

  // Writes a raw reply's chunks as the client reads them (a client that stops reading closes the
  // socket: the write fails and the loop ends), then its body.
  async function sendRaw(res, { status, headers = {}, body = "", chunk, times = 0 }) {
    res.writeHead(status, headers);
    for (let i = 0; chunk && i < times && !res.destroyed; i++)
      if (!res.write(chunk))
        await new Promise((resume) => {
          // Whichever comes first; the other listener goes too (one pair a chunk would pile up).
          const done = () => {
            res.off("drain", done).off("close", done);
            resume();
          };
          res.on("drain", done).on("close", done);
        });
    if (!res.destroyed) res.end(body);
  }

  function sendText(res, text, headers) {
    res.writeHead(200, { "content-type": "application/text", ...headers });
    res.end(text);
  }

  function send(res, status, body, headers = {}) {
    if (res.destroyed) return;
    res.writeHead(status, { "content-type": "application/json; charset=UTF-8", ...headers });
    res.end(JSON.stringify(body));
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error) =>
      send(res, 500, errorBody({ status: 500, message: `fake-gemini: ${error?.message ?? error}` })),
    );
  });
  await new Promise((ready, fail) => {
    server.once("error", fail);
    server.listen(options.port ?? 0, "127.0.0.1", ready);
  });
  const port = server.address().port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    metadataRequests,
    enqueue: (...replies) => void queue.push(...replies),
    setDefault: (reply) => void (fallback = reply),
    pending: () => queue.length,
    close: () =>
      new Promise((done) => {
        for (const res of hanging) res.destroy();
        server.close(() => done());
        // Keep-alive and hung sockets would keep close() waiting forever.
        server.closeAllConnections();
      }),
  };
}
