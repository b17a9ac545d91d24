// The fake Gemini server's own contract: the REST shapes the real SDK and real Gemini use.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FAKE_ACCESS_TOKEN, startFakeGemini, type FakeGemini, type FakeReply } from "../helpers/fake-gemini.mjs";

let fake: FakeGemini;
beforeEach(async () => {
  fake = await startFakeGemini();
});
afterEach(async () => {
  await fake.close();
});

const HELLO = { contents: [{ role: "user", parts: [{ text: "hello" }] }] };
const call = (path = "/v1beta/models/gemini-test:generateContent", body: unknown = HELLO) =>
  fetch(`${fake.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

describe("fake gemini replies", () => {
  const cases: Array<{ name: string; reply: FakeReply; status: number; check: (body: any, res: Response) => void }> = [
    {
      name: "json answer",
      reply: { json: { ok: true } },
      status: 200,
      check: (body) => {
        expect(body.candidates[0].content.parts[0].text).toBe('{"ok":true}');
        expect(body.candidates[0].finishReason).toBe("STOP");
        const u = body.usageMetadata;
        expect(u.totalTokenCount).toBe(u.promptTokenCount + u.candidatesTokenCount);
        expect(u.candidatesTokenCount).toBe(Math.ceil('{"ok":true}'.length / 4));
      },
    },
    {
      name: "truncated text",
      reply: { finishReason: "MAX_TOKENS", text: '{"summary": "trunc' },
      status: 200,
      check: (body) => {
        expect(body.candidates[0].finishReason).toBe("MAX_TOKENS");
        expect(body.candidates[0].content.parts[0].text).toBe('{"summary": "trunc');
      },
    },
    {
      name: "safety stop",
      reply: { finishReason: "SAFETY" },
      status: 200,
      check: (body) => {
        expect(body.candidates[0].content).toBeUndefined();
        expect(body.candidates[0].safetyRatings.some((r: any) => r.blocked)).toBe(true);
      },
    },
    {
      name: "prompt blocked",
      reply: { blockReason: "SAFETY" },
      status: 200,
      check: (body) => {
        expect(body.candidates).toBeUndefined();
        expect(body.promptFeedback.blockReason).toBe("SAFETY");
      },
    },
    {
      name: "429 with Retry-After",
      reply: { status: 429, retryAfterSeconds: 7 },
      status: 429,
      check: (body, res) => {
        expect(res.headers.get("retry-after")).toBe("7");
        expect(body.error).toMatchObject({ code: 429, status: "RESOURCE_EXHAUSTED" });
        expect(body.error.details).toContainEqual({
          "@type": "type.googleapis.com/google.rpc.RetryInfo",
          retryDelay: "7s",
        });
      },
    },
    {
      name: "503",
      reply: { status: 503 },
      status: 503,
      check: (body, res) => {
        expect(res.headers.get("retry-after")).toBeNull();
        expect(body.error).toMatchObject({ code: 503, status: "UNAVAILABLE" });
      },
    },
    {
      name: "no candidates",
      reply: { noCandidates: true },
      status: 200,
      check: (body) => {
        expect(body.candidates).toBeUndefined();
        expect(body.promptFeedback).toBeUndefined();
        expect(body.usageMetadata.promptTokenCount).toBeGreaterThan(0);
      },
    },
    {
      name: "RECITATION stop",
      reply: { finishReason: "RECITATION" },
      status: 200,
      check: (body) => {
        expect(body.candidates[0]).toMatchObject({ finishReason: "RECITATION" });
        expect(body.candidates[0].content).toBeUndefined();
        expect(body.candidates[0].citationMetadata.citations).toHaveLength(1);
      },
    },
    {
      name: "429 as the Gemini API sends it: RetryInfo and QuotaFailure in the body, no header",
      reply: { status: 429, retryDelay: "47s", quotaId: "GenerateRequestsPerDayPerProjectPerModel-FreeTier" },
      status: 429,
      check: (body, res) => {
        expect(res.headers.get("retry-after")).toBeNull();
        expect(body.error.message).toMatch(/Please retry in 47s\.$/);
        expect(body.error.details).toContainEqual({
          "@type": "type.googleapis.com/google.rpc.RetryInfo",
          retryDelay: "47s",
        });
        const quota = body.error.details.find((d: any) => d["@type"].endsWith("QuotaFailure"));
        expect(quota.violations[0]).toMatchObject({
          quotaId: "GenerateRequestsPerDayPerProjectPerModel-FreeTier",
          quotaValue: "20",
        });
      },
    },
    {
      name: "bad key",
      reply: { status: 400, reason: "API_KEY_INVALID", message: "API key not valid. Please pass a valid API key." },
      status: 400,
      check: (body) => expect(body.error.details[0]).toMatchObject({ reason: "API_KEY_INVALID" }),
    },
  ];

  it.each(cases)("$name", async ({ reply, status, check }) => {
    fake.enqueue(reply);
    const res = await call();
    expect(res.status).toBe(status);
    expect(res.headers.get("content-type")).toContain("application/json");
    check(await res.json(), res);
  });
});

describe("fake gemini behaviour", () => {
  it("consumes scripted replies in order, then the default, and records every request", async () => {
    fake.enqueue({ status: 500 }, { json: { n: 1 } });
    fake.setDefault({ json: { n: "default" } });
    const statuses = [];
    const body = (i: number) => ({ ...HELLO, i });
    for (let i = 0; i < 3; i++) statuses.push((await call(undefined, body(i))).status);
    expect(statuses).toEqual([500, 200, 200]);
    expect(fake.requests.map((r) => r.body)).toEqual([body(0), body(1), body(2)]);
    expect(fake.requests[0]).toMatchObject({
      model: "gemini-test",
      action: "generateContent",
      apiVersion: "v1beta",
      rawBody: JSON.stringify(body(0)),
    });
    expect(fake.pending()).toBe(0);
  });

  it("answers per request with the function form", async () => {
    fake.setDefault((req) => ({ json: { echoed: req.body.question } }));
    const body = await (await call(undefined, { ...HELLO, question: "why" })).json();
    expect(JSON.parse(body.candidates[0].content.parts[0].text)).toEqual({ echoed: "why" });
  });

  it("answers 500 when nothing is scripted, and 404 for unknown paths", async () => {
    expect((await call()).status).toBe(500);
    const res = await call("/v1beta/files");
    expect(res.status).toBe(404);
    expect((await res.json()).error.status).toBe("NOT_FOUND");
  });

  it.each([
    [
      "/v1beta1/projects/p1/locations/us-central1/publishers/google/models/gemini-x:generateContent",
      { project: "p1", location: "us-central1" },
    ],
    ["/v1beta1/publishers/google/models/gemini-x:generateContent", { project: undefined, location: undefined }],
  ])("routes the Vertex path %s", async (path, vertex) => {
    fake.enqueue({ json: {} });
    expect((await call(path)).status).toBe(200);
    expect(fake.requests[0]).toMatchObject({ model: "gemini-x", apiVersion: "v1beta1", vertex });
  });

  it("streams one SSE event for streamGenerateContent", async () => {
    fake.enqueue({ json: { streamed: true } });
    const res = await call("/v1beta/models/gemini-test:streamGenerateContent?alt=sse");
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const text = await res.text();
    expect(text.startsWith("data: ")).toBe(true);
    expect(JSON.parse(text.slice(6)).candidates[0].content.parts[0].text).toBe('{"streamed":true}');
    expect(fake.requests[0]).toMatchObject({ action: "streamGenerateContent", query: { alt: "sse" } });
  });

  it("close() does not wait for a hung request", async () => {
    fake.enqueue({ hang: true });
    const pending = call().then(
      () => "answered",
      () => "cut",
    );
    while (fake.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    await fake.close();
    expect(await pending).toBe("cut");
  });
});

describe("fake gemini refuses what Gemini refuses (400 INVALID_ARGUMENT, before any scripted reply)", () => {
  const user = (text: string) => ({ role: "user", parts: [{ text }] });
  it.each<[string, unknown, RegExp]>([
    [
      "an empty text part",
      { contents: [user("hi"), { role: "model", parts: [{ text: "" }] }, user("again")] },
      /contents\[1\]\.parts\[0\]/,
    ],
    ["a content without parts", { contents: [{ role: "user", parts: [] }] }, /parts must not be empty/],
    ["no contents", { contents: [] }, /contents is not specified/],
    [
      "thinkingLevel and thinkingBudget together",
      { ...HELLO, generationConfig: { thinkingConfig: { thinkingLevel: "low", thinkingBudget: 1024 } } },
      /thinking budget and thinking level/,
    ],
    [
      "an undocumented schema keyword",
      {
        ...HELLO,
        generationConfig: {
          responseJsonSchema: { type: "object", properties: { id: { type: "string", pattern: "^R\\d+$" } } },
        },
      },
      /undocumented keywords: #\/properties\/id: pattern/,
    ],
  ])("%s", async (_name, body, message) => {
    fake.setDefault({ json: { ok: true } });
    const res = await call(undefined, body);
    expect(res.status).toBe(400);
    const error = (await res.json()).error;
    expect(error.status).toBe("INVALID_ARGUMENT");
    expect(error.message).toMatch(message);
  });

  it("accepts a documented schema and answers", async () => {
    fake.enqueue({ json: { ok: true } });
    const schema = { type: "object", properties: { id: { type: "string", description: "R1…" } }, required: ["id"] };
    expect((await call(undefined, { ...HELLO, generationConfig: { responseJsonSchema: schema } })).status).toBe(200);
  });
});

describe("fake GCE metadata server", () => {
  it("hands out an access token only with Metadata-Flavor: Google", async () => {
    const url = `${fake.url}/computeMetadata/v1/instance/service-accounts/default/token`;
    const denied = await fetch(url);
    expect(denied.status).toBe(403);
    const res = await fetch(url, { headers: { "Metadata-Flavor": "Google" } });
    expect(res.headers.get("metadata-flavor")).toBe("Google");
    expect(await res.json()).toMatchObject({ access_token: FAKE_ACCESS_TOKEN, token_type: "Bearer" });
    expect(fake.metadataRequests).toHaveLength(2);
    expect(fake.requests).toHaveLength(0);
  });
});
