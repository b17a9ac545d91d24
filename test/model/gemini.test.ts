// The real @google/genai SDK against the fake Gemini server on 127.0.0.1.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { InfraMigrateError, ProviderError } from "../../src/errors.js";
import { createGeminiClient, type GeminiClientOptions, type GeminiEvent } from "../../src/model/gemini.js";
import type { Persona } from "../../src/personas/persona.js";
import { startFakeGemini, type FakeGemini, type FakeReply } from "../helpers/fake-gemini.mjs";

const KEY = "AIza-test-SECRET-key-123";
const persona: Persona = {
  id: "tester",
  version: "1.0.0",
  title: "Tester",
  phase: "audit",
  model: "gemini-test",
  body: "You are a meticulous cloud auditor.\n",
  sha256: "0".repeat(64),
  file: "personas/tester.md",
};
const schema = z.object({
  summary: z.string(),
  risks: z.array(z.object({ id: z.string(), severity: z.enum(["low", "high"]) })).min(1),
  notes: z.string().default(""),
});
const request = {
  phase: "audit",
  persona,
  prompt: "Audit this VM: nginx + uvicorn + celery + mysql.",
  schema,
  offline: () => {
    throw new Error("the gemini provider must not call offline()");
  },
};
const VALID = { summary: "one VM", risks: [{ id: "r1", severity: "high" }] };
const INVALID = { summary: "one VM", risks: [{ id: "r1", severity: "extreme" }] };

let fake: FakeGemini;
let delays: number[];
let events: GeminiEvent[];
beforeEach(async () => {
  fake = await startFakeGemini();
  delays = [];
  events = [];
});
afterEach(() => fake.close());

function client(overrides: Partial<GeminiClientOptions> = {}) {
  return createGeminiClient({
    model: "gemini-test",
    apiKey: KEY,
    baseUrl: fake.url,
    timeoutMs: 2000,
    maxAttempts: 4,
    baseDelayMs: 100,
    maxDelayMs: 30_000,
    random: () => 1,
    sleep: async (ms) => void delays.push(ms),
    onEvent: (e) => events.push(e),
    ...overrides,
  });
}

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe("gemini client: answers", () => {
  it("returns the validated value, usage and one call, with the request Gemini expects", async () => {
    fake.enqueue({ json: VALID, usage: { promptTokenCount: 120, candidatesTokenCount: 30, totalTokenCount: 150 } });
    const result = await client().generateJson(request);
    expect(result).toEqual({
      value: { ...VALID, notes: "" },
      provider: "gemini",
      model: "gemini-test",
      cached: false,
      usage: { inputTokens: 120, outputTokens: 30, totalTokens: 150 },
      calls: 1,
    });
    const sent = fake.requests[0]!;
    expect(sent.path).toBe("/v1beta/models/gemini-test:generateContent");
    expect(sent.headers["x-goog-api-key"]).toBe(KEY);
    expect(sent.body.systemInstruction.parts[0].text).toBe(persona.body);
    expect(sent.body.contents).toEqual([{ role: "user", parts: [{ text: request.prompt }] }]);
    const generation = sent.body.generationConfig;
    expect(generation).toMatchObject({ responseMimeType: "application/json", temperature: 0.2 });
    expect(generation.responseJsonSchema.$schema).toBeUndefined();
    expect(generation.responseJsonSchema.required).toEqual(["summary", "risks"]);
    expect(generation.responseJsonSchema.properties.risks.items.properties.severity.enum).toEqual(["low", "high"]);
    expect(sent.rawBody).not.toMatch(/abortSignal|httpOptions/);
  });

  it.each<{ name: string; replies: FakeReply[]; calls: number; timeoutMs?: number }>([
    { name: "fenced JSON", replies: [{ text: "```json\n" + JSON.stringify(VALID) + "\n```" }], calls: 1 },
    { name: "schema-invalid, then valid on repair", replies: [{ json: INVALID }, { json: VALID }], calls: 2 },
    { name: "prose, then valid on repair", replies: [{ text: "Here is the audit." }, { json: VALID }], calls: 2 },
    {
      name: "slow beyond the timeout, then valid",
      replies: [{ delayMs: 600, json: VALID }, { json: VALID }],
      calls: 2,
      timeoutMs: 250,
    },
  ])("$name", async ({ replies, calls, timeoutMs }) => {
    fake.enqueue(...replies);
    // Only the slow case needs a short timeout; a loaded machine must not turn the others into retries.
    const result = await client(timeoutMs ? { timeoutMs } : {}).generateJson(request);
    expect(result.value).toEqual({ ...VALID, notes: "" });
    expect(result.calls).toBe(calls);
    expect(fake.requests).toHaveLength(calls);
  });

  it("repair turn replays the answer and quotes the zod issue path; usage sums both turns", async () => {
    const usage = { promptTokenCount: 100, candidatesTokenCount: 10, totalTokenCount: 110 };
    fake.enqueue({ json: INVALID, usage }, { json: VALID, usage });
    const result = await client().generateJson(request);
    expect(result.usage).toEqual({ inputTokens: 200, outputTokens: 20, totalTokens: 220 });
    const [prompt, answer, repair] = fake.requests[1]!.body.contents;
    expect(prompt).toEqual({ role: "user", parts: [{ text: request.prompt }] });
    expect(answer).toEqual({ role: "model", parts: [{ text: JSON.stringify(INVALID) }] });
    expect(repair.role).toBe("user");
    expect(repair.parts[0].text).toContain("risks[0].severity:");
    expect(events.map((e) => e.type)).toEqual(["call", "repair", "call"]);
  });

  it("keeps calls and usage apart for parallel requests on one client (cicd ∥ llmops)", async () => {
    const usage = { promptTokenCount: 10, candidatesTokenCount: 1, totalTokenCount: 11 };
    let slowSeen = false;
    fake.setDefault((req) => {
      const first = req.body.contents[0].parts[0].text === "slow" && !slowSeen;
      if (first) slowSeen = true;
      return first ? { status: 503 } : { json: VALID, usage };
    });
    const shared = client();
    const [slow, fast] = await Promise.all([
      shared.generateJson({ ...request, prompt: "slow" }),
      shared.generateJson({ ...request, prompt: "fast" }),
    ]);
    expect([slow.calls, fast.calls]).toEqual([2, 1]);
    expect([slow.usage.totalTokens, fast.usage.totalTokens]).toEqual([11, 11]);
  });

  it("reaches the fake through the SDK's own GOOGLE_GEMINI_BASE_URL", async () => {
    const before = process.env.GOOGLE_GEMINI_BASE_URL;
    process.env.GOOGLE_GEMINI_BASE_URL = fake.url;
    try {
      fake.enqueue({ json: VALID });
      const result = await client({ baseUrl: undefined }).generateJson(request);
      expect(result.calls).toBe(1);
      expect(fake.requests[0]!.path).toBe("/v1beta/models/gemini-test:generateContent");
    } finally {
      if (before === undefined) delete process.env.GOOGLE_GEMINI_BASE_URL;
      else process.env.GOOGLE_GEMINI_BASE_URL = before;
    }
  });
});

describe("gemini client: failures", () => {
  it.each<{
    name: string;
    replies?: FakeReply[];
    always?: FakeReply;
    code: string;
    calls: number;
    message: RegExp;
    hint?: RegExp;
    timeoutMs?: number;
  }>([
    {
      name: "always 500",
      always: { status: 500 },
      code: "provider.unavailable",
      calls: 4,
      message: /after 4 attempts.*HTTP 500 INTERNAL/,
    },
    {
      name: "always 429",
      always: { status: 429, retryAfterSeconds: 1 },
      code: "provider.quota",
      calls: 4,
      message: /quota/,
    },
    {
      name: "401",
      replies: [{ status: 401 }],
      code: "provider.auth",
      calls: 1,
      message: /rejected the API key/,
      hint: /GEMINI_API_KEY/,
    },
    {
      name: "400 API_KEY_INVALID",
      replies: [{ status: 400, reason: "API_KEY_INVALID", message: "API key not valid. Please pass a valid API key." }],
      code: "provider.auth",
      calls: 1,
      message: /API key not valid/,
      hint: /GEMINI_API_KEY/,
    },
    { name: "403", replies: [{ status: 403 }], code: "provider.auth", calls: 1, message: /403 PERMISSION_DENIED/ },
    {
      name: "404",
      replies: [{ status: 404 }],
      code: "provider.model-not-found",
      calls: 1,
      message: /"gemini-test" was not found/,
      hint: /--model/,
    },
    {
      name: "other 400",
      replies: [{ status: 400, message: "Invalid JSON payload" }],
      code: "provider.rejected",
      calls: 1,
      message: /Invalid JSON payload/,
    },
    {
      name: "truncated at MAX_TOKENS, also with the larger budget",
      always: { finishReason: "MAX_TOKENS", text: '{"summary": "trunc' },
      code: "provider.truncated",
      calls: 2,
      message: /cut off at the output limit \(finishReason MAX_TOKENS, maxOutputTokens 32768/,
      hint: /phases\.audit\.maxOutputTokens in infra-migrate\.config\.yaml/,
    },
    {
      name: "a server wait longer than 120 s fails at once",
      always: { status: 429, retryAfterSeconds: 600 },
      code: "provider.quota",
      calls: 1,
      message: /asks to wait 600 s .* longer than infra-migrate waits \(120 s\)/,
    },
    {
      name: "SAFETY stop",
      replies: [{ finishReason: "SAFETY" }],
      code: "provider.blocked",
      calls: 1,
      message: /blocked by safety filters/,
    },
    {
      name: "prompt blockReason",
      replies: [{ blockReason: "SAFETY" }],
      code: "provider.blocked",
      calls: 1,
      message: /prompt was blocked/,
    },
    {
      name: "invalid twice",
      replies: [{ json: INVALID }, { json: INVALID }],
      code: "provider.invalid-answer",
      calls: 2,
      message: /phase audit[\s\S]*risks\[0\]\.severity/,
    },
    {
      name: "too slow on every attempt",
      always: { delayMs: 800, json: VALID },
      code: "provider.timeout",
      calls: 4,
      message: /timed out after 200 ms on each of 4 attempts/,
      timeoutMs: 200,
    },
  ])("$name", async ({ replies = [], always, code, calls, message, hint, timeoutMs = 10_000 }) => {
    fake.enqueue(...replies);
    if (always) fake.setDefault(always);
    // Only the slow case needs a short timeout; under load the others must not turn into timeouts.
    const error = await failure(client({ timeoutMs }).generateJson(request));
    expect(error.code).toBe(code);
    expect(error.exitCode).toBe(3);
    expect(error.message).toMatch(message);
    if (hint) expect(error.hint).toMatch(hint);
    expect(fake.requests).toHaveLength(calls);
    const everything = JSON.stringify({ message: error.message, hint: error.hint, events });
    expect(everything).not.toContain(KEY);
  });

  it("retries network errors, then says it could not reach Gemini", async () => {
    const gone = await startFakeGemini();
    await gone.close();
    const error = await failure(client({ baseUrl: gone.url, maxAttempts: 2 }).generateJson(request));
    expect(error.code).toBe("provider.network");
    expect(error.message).toMatch(/after 2 attempts.*ECONNREFUSED/);
    expect(delays).toHaveLength(1);
  });

  it("without credentials fails with a hint, before any call", () => {
    const saved = { ...process.env };
    for (const name of ["GEMINI_API_KEY", "GOOGLE_API_KEY", "GOOGLE_GENAI_USE_VERTEXAI", "GOOGLE_GENAI_USE_ENTERPRISE"])
      delete process.env[name];
    try {
      const error = (() => {
        try {
          client({ apiKey: undefined });
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(InfraMigrateError);
      expect((error as ProviderError).code).toBe("provider.no-credentials");
      expect((error as ProviderError).exitCode).toBe(2); // configuration, as `--provider gemini` without a key
      expect((error as ProviderError).hint).toMatch(/--provider offline/);
    } finally {
      Object.assign(process.env, saved);
    }
  });
});
