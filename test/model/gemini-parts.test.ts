// The Gemini provider's pure pieces: credentials from env, backoff maths, answer reading.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { InputError } from "../../src/errors.js";
import { credentialsFromEnv, describeCredentials, DEFAULT_GEMINI_MODEL } from "../../src/model/credentials.js";
import { formatIssues, readAnswer, stripFences } from "../../src/model/gemini-answer.js";
import {
  backoffDelay,
  parseRetryAfter,
  parseRetryDelay,
  parseRetryHint,
  type RetryPolicy,
} from "../../src/model/gemini-retry.js";

describe("credentialsFromEnv", () => {
  it.each<[string, Record<string, string>, ReturnType<typeof credentialsFromEnv>]>([
    ["nothing set", {}, undefined],
    ["GEMINI_API_KEY", { GEMINI_API_KEY: "k1" }, { kind: "api-key", apiKey: "k1" }],
    [
      "GOOGLE_API_KEY wins like in the SDK",
      { GEMINI_API_KEY: "k1", GOOGLE_API_KEY: "k2" },
      { kind: "api-key", apiKey: "k2" },
    ],
    ["blank key ignored", { GEMINI_API_KEY: "  " }, undefined],
    [
      "Vertex with project and location",
      {
        GOOGLE_GENAI_USE_VERTEXAI: "true",
        GOOGLE_CLOUD_PROJECT: "p",
        GOOGLE_CLOUD_LOCATION: "us-central1",
        GEMINI_API_KEY: "k",
      },
      { kind: "vertex", project: "p", location: "us-central1" },
    ],
    [
      "Vertex flag 1, global location",
      { GOOGLE_GENAI_USE_VERTEXAI: "1", GOOGLE_CLOUD_PROJECT: "p", GOOGLE_CLOUD_LOCATION: "global" },
      { kind: "vertex", project: "p", location: "global" },
    ],
    [
      "Vertex flag false",
      { GOOGLE_GENAI_USE_VERTEXAI: "false", GOOGLE_CLOUD_PROJECT: "p", GEMINI_API_KEY: "k" },
      { kind: "api-key", apiKey: "k" },
    ],
    [
      "ENTERPRISE flag wins over VERTEXAI",
      { GOOGLE_GENAI_USE_ENTERPRISE: "false", GOOGLE_GENAI_USE_VERTEXAI: "true", GOOGLE_CLOUD_PROJECT: "p" },
      undefined,
    ],
  ])("%s", (_name, env, expected) => {
    expect(credentialsFromEnv(env)).toEqual(expected);
  });

  // Vertex AI mode never falls back to an API key: other data and billing terms than the project named.
  it.each<[string, Record<string, string>, RegExp, RegExp]>([
    [
      "no project, a key set",
      { GOOGLE_GENAI_USE_VERTEXAI: "true", GOOGLE_CLOUD_LOCATION: "global", GEMINI_API_KEY: "k" },
      /needs GOOGLE_CLOUD_PROJECT$/,
      /GOOGLE_CLOUD_PROJECT=/,
    ],
    [
      "no location",
      { GOOGLE_GENAI_USE_VERTEXAI: "true", GOOGLE_CLOUD_PROJECT: "p" },
      /needs GOOGLE_CLOUD_LOCATION$/,
      /GOOGLE_CLOUD_LOCATION=global/,
    ],
    [
      "neither (ENTERPRISE flag)",
      { GOOGLE_GENAI_USE_ENTERPRISE: "true", GOOGLE_API_KEY: "k" },
      /needs GOOGLE_CLOUD_PROJECT and GOOGLE_CLOUD_LOCATION/,
      /unset GOOGLE_GENAI_USE_VERTEXAI/,
    ],
    [
      "a key file that does not exist",
      {
        GOOGLE_GENAI_USE_VERTEXAI: "true",
        GOOGLE_CLOUD_PROJECT: "p",
        GOOGLE_CLOUD_LOCATION: "global",
        GOOGLE_APPLICATION_CREDENTIALS: "/nonexistent/key.json",
      },
      /\/nonexistent\/key\.json, which does not exist/,
      /application-default login/,
    ],
  ])("Vertex mode, %s: exit 2 with the fix", (_name, env, message, hint) => {
    let error: unknown;
    try {
      credentialsFromEnv(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).exitCode).toBe(2);
    expect((error as InputError).message).toMatch(message);
    expect((error as InputError).hint).toMatch(hint);
  });

  it("describes credentials without the key", () => {
    expect(describeCredentials({ kind: "api-key", apiKey: "secret-123" })).not.toContain("secret-123");
    expect(describeCredentials({ kind: "vertex", project: "p", location: "global" })).toContain("project p");
  });

  it("defaults to a Gemini 3 model (the 2.5 family is retired on Vertex AI)", () => {
    expect(DEFAULT_GEMINI_MODEL).toMatch(/^gemini-3/);
  });
});

describe("retry maths", () => {
  const policy = (random: number): RetryPolicy => ({
    maxAttempts: 5,
    baseDelayMs: 1000,
    maxDelayMs: 30_000,
    maxServerDelayMs: 120_000,
    timeoutMs: 1,
    sleep: async () => {},
    random: () => random,
  });
  it.each([
    [1, 1, undefined, 1000],
    [1, 3, undefined, 4000],
    [1, 10, undefined, 30_000],
    [0.25, 3, undefined, 1000],
    [0, 4, undefined, 0],
    [1, 1, 5000, 5000],
    [0, 1, 47_000, 47_000],
    [0, 1, 90_000, 90_000],
    [0, 1, 600_000, 120_000],
  ])("random %d, attempt %d, server delay %s → %d ms", (random, attempt, retryAfter, expected) => {
    expect(backoffDelay(policy(random), attempt, retryAfter)).toBe(expected);
  });

  it.each([
    ["2", 2000],
    ["0.5", 500],
    ["Wed, 21 Oct 2026 07:28:10 GMT", 10_000],
    ["soon", undefined],
    [null, undefined],
  ])("Retry-After %s → %s ms", (header, expected) => {
    expect(parseRetryAfter(header, Date.parse("Wed, 21 Oct 2026 07:28:00 GMT"))).toBe(expected);
  });

  it.each([
    [[{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "17s" }], 17_000],
    [[{ reason: "RATE_LIMIT_EXCEEDED" }, { retryDelay: "1.25s" }], 1250],
    [[{ retryDelay: "soon" }], undefined],
    [undefined, undefined],
  ])("RetryInfo %j → %s ms", (details, expected) => {
    expect(parseRetryDelay(details)).toBe(expected);
  });

  it.each([
    ["You exceeded your current quota. Please retry in 45.578569677s.", 45_579],
    ["Please retry in 900ms.", 900],
    ["You exceeded your current quota.", undefined],
  ])("message %j → %s ms", (message, expected) => {
    expect(parseRetryHint(message)).toBe(expected);
  });
});

describe("reading an answer", () => {
  const schema = z.object({ name: z.string(), items: z.array(z.object({ n: z.number() })) });
  const answer = (text: string, finishReason = "STOP") => ({
    candidates: [{ content: { parts: [{ text }] }, finishReason }],
  });

  it.each([
    ['{"a":1}', '{"a":1}'],
    ['```json\n{"a":1}\n```', '{"a":1}'],
    ['```\n{"a":1}```', '{"a":1}'],
    ['prefix ```json\n{"a":1}\n```', 'prefix ```json\n{"a":1}\n```'],
  ])("stripFences(%j)", (input, expected) => {
    expect(stripFences(input)).toBe(expected);
  });

  it("skips thought parts and joins text parts", () => {
    const response = {
      candidates: [
        {
          content: { parts: [{ text: "thinking…", thought: true }, { text: '{"name":"x",' }, { text: '"items":[]}' }] },
        },
      ],
    };
    expect(readAnswer(response, schema, "audit")).toEqual({
      kind: "ok",
      value: { name: "x", items: [] },
      text: '{"name":"x","items":[]}',
    });
  });

  it.each([
    [
      '{"name": 1, "items": [{"n": "one"}]}',
      [
        "name: Invalid input: expected string, received number",
        "items[0].n: Invalid input: expected number, received string",
      ],
    ],
    ["[]", ["(root): Invalid input: expected object, received array"]],
  ])("problems for %j", (text, problems) => {
    expect(readAnswer(answer(text), schema, "audit")).toEqual({ kind: "invalid", text, problems });
  });

  it.each<[string, object, object]>([
    ["empty text", answer(""), { kind: "empty", finishReason: "STOP" }],
    ["whitespace only", answer("  \n"), { kind: "empty", finishReason: "STOP" }],
    ["no candidates", { candidates: [] }, { kind: "empty", finishReason: "NO_CANDIDATES" }],
    ["OTHER without content", { candidates: [{ finishReason: "OTHER" }] }, { kind: "empty", finishReason: "OTHER" }],
    ["RECITATION", { candidates: [{ finishReason: "RECITATION" }] }, { kind: "empty", finishReason: "RECITATION" }],
    ["MAX_TOKENS mid-JSON", answer('{"name":"x","it', "MAX_TOKENS"), { kind: "truncated" }],
    ["MAX_TOKENS with no text (thinking used it all)", answer("", "MAX_TOKENS"), { kind: "truncated" }],
  ])("%s", (_name, response, expected) => {
    expect(readAnswer(response, schema, "audit")).toEqual(expected);
  });

  it("MAX_TOKENS with valid JSON is still accepted", () => {
    expect(readAnswer(answer('{"name":"x","items":[]}', "MAX_TOKENS"), schema, "audit").kind).toBe("ok");
  });

  it("clips prose over its maximum instead of asking for a repair, but not identifiers", () => {
    const bounded = z.object({ summary: z.string().max(20), id: z.string().max(5) });
    const long = JSON.stringify({ summary: "one two three four five six", id: "abc" });
    expect(readAnswer(answer(long), bounded, "audit")).toMatchObject({
      kind: "ok",
      value: { summary: "one two three four …", id: "abc" },
    });
    const badId = JSON.stringify({ summary: "short", id: "abcdefgh" });
    expect(readAnswer(answer(badId), bounded, "audit")).toMatchObject({ kind: "invalid" });
  });

  it("drops control characters from the answer's strings and keys before the schema reads it", () => {
    const text = JSON.stringify({ name: "a\u001b[2J\u001b]0;t\u0007b\u202e", items: [{ n: 1 }] });
    expect(readAnswer(answer(text), schema, "audit")).toMatchObject({ kind: "ok", value: { name: "a[2J]0;tb" } });
  });

  it("an endpoint's finish reason that is not an API enum value is escaped and short in what is said", () => {
    const odd = { candidates: [{ finishReason: `\u001b[2J${"Z".repeat(100)}` }] };
    const reading = readAnswer(odd, schema, "audit");
    expect(reading).toMatchObject({ kind: "empty" });
    const reason = (reading as { finishReason: string }).finishReason;
    expect(reason.startsWith("\\u001b[2JZZZ")).toBe(true);
    expect(reason).not.toContain("\u001b");
    expect(reason).toMatch(/… \(\d+ more characters\)$/);
  });

  it("caps the quoted issues", () => {
    const many = z.array(z.string()).safeParse(Array.from({ length: 14 }, (_, i) => i));
    const lines = formatIssues(many.error!.issues);
    expect(lines).toHaveLength(11);
    expect(lines.at(-1)).toBe("… and 4 more");
  });
});
