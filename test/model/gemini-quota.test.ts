// Retries through the real SDK against the fake server: our own backoff, and 429s as the Gemini
// API sends them (RetryInfo in the body, QuotaFailure naming the quota).
import { describe, expect, it } from "vitest";
import type { FakeReply } from "../helpers/fake-gemini.mjs";
import { TEST_KEY, VALID, rejection, testRequest, useGeminiHarness } from "../helpers/gemini-harness.js";

const h = useGeminiHarness();
const PER_MINUTE = "GenerateRequestsPerMinutePerProjectPerModel-FreeTier";
const PER_DAY = "GenerateRequestsPerDayPerProjectPerModel-FreeTier";

describe("backoff and server waits", () => {
  const retryInfo = (delay: string) => [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: delay }];
  // Only the hung call needs a short timeout: a loaded machine can take longer than 300 ms to answer
  // the others, which would add a retry of its own.
  it.each<{ name: string; replies: FakeReply[]; delays: number[]; timeoutMs?: number }>([
    { name: "429 waits what Retry-After says", replies: [{ status: 429, retryAfterSeconds: 2 }], delays: [2000] },
    {
      name: "the Retry-After header wins over the body's RetryInfo",
      replies: [{ status: 429, retryAfterSeconds: 2, details: retryInfo("9s") }],
      delays: [2000],
    },
    { name: "429 RetryInfo in the body only", replies: [{ status: 429, details: retryInfo("3.5s") }], delays: [3500] },
    {
      name: "RetryInfo beyond our own backoff cap is still waited out",
      replies: [{ status: 429, retryDelay: "47s" }],
      delays: [47_000],
    },
    { name: "500 then 503: growing backoff", replies: [{ status: 500 }, { status: 503 }], delays: [100, 200] },
    {
      name: "502, 504, 500: growing backoff",
      replies: [{ status: 502 }, { status: 504 }, { status: 500 }],
      delays: [100, 200, 400],
    },
    { name: "a hung call is cut at the timeout", replies: [{ hang: true }], delays: [100], timeoutMs: 300 },
  ])("$name", async ({ replies, delays: expected, timeoutMs = 10_000 }) => {
    h.fake.enqueue(...replies, { json: VALID });
    const result = await h.client({ timeoutMs }).generateJson(testRequest());
    expect(result.calls).toBe(replies.length + 1);
    expect(h.delays).toEqual(expected);
    expect(h.events.filter((e) => e.type === "retry").map((e) => e.delayMs)).toEqual(expected);
  });

  it("full jitter draws below the exponential ceiling", async () => {
    h.fake.enqueue({ status: 500 }, { status: 500 }, { json: VALID });
    await h.client({ random: () => 0.5 }).generateJson(testRequest());
    expect(h.delays).toEqual([50, 100]);
  });
});

describe("honouring the server's wait", () => {
  it.each<{ name: string; reply: FakeReply; waitMs: number }>([
    { name: "RetryInfo 47s (body only, no header)", reply: { status: 429, retryDelay: "47s" }, waitMs: 47_000 },
    {
      name: "a per-minute quota with RetryInfo",
      reply: { status: 429, retryDelay: "26.5s", quotaId: PER_MINUTE },
      waitMs: 26_500,
    },
    { name: "just under the 120 s limit", reply: { status: 429, retryDelay: "119s" }, waitMs: 119_000 },
  ])("$name: waits exactly that long and says so", async ({ reply, waitMs }) => {
    h.fake.enqueue(reply, { json: VALID });
    const result = await h.client().generateJson(testRequest());
    expect(result.calls).toBe(2);
    expect(h.delays).toEqual([waitMs]);
    const retry = h.events.find((e) => e.type === "retry")!;
    expect(retry).toMatchObject({ status: 429, delayMs: waitMs });
    expect(retry.message).toBe(
      `HTTP 429: Gemini asked to wait ${waitMs / 1000} s (RetryInfo); waiting before attempt 2`,
    );
  });

  it("the wait named only in the message ('Please retry in …') is honoured too", async () => {
    h.fake.enqueue(
      { status: 429, message: "You exceeded your current quota. Please retry in 12.4s." },
      { json: VALID },
    );
    await h.client().generateJson(testRequest());
    expect(h.delays).toEqual([12_400]);
    expect(h.events.find((e) => e.type === "retry")!.message).toBe(
      "HTTP 429: Gemini asked to wait 12.4 s (in its message); waiting before attempt 2",
    );
  });

  it("the progress line names the Retry-After header when the header set the wait", async () => {
    h.fake.enqueue({ status: 429, retryAfterSeconds: 2 }, { json: VALID });
    await h.client().generateJson(testRequest());
    expect(h.events.find((e) => e.type === "retry")!.message).toBe(
      "HTTP 429: Gemini asked to wait 2 s (Retry-After); waiting before attempt 2",
    );
  });
});

describe("quota errors that retrying cannot fix", () => {
  it.each<{ name: string; reply: FakeReply; code: string; message: RegExp; hint: RegExp }>([
    {
      name: "per-day quota",
      reply: { status: 429, retryDelay: "30s", quotaId: PER_DAY },
      code: "provider.quota-daily",
      message: new RegExp(`daily quota for gemini-test is used up \\(${PER_DAY}\\).*midnight Pacific time`),
      hint: /--model/,
    },
    {
      name: "a quota of 0 (model not on the free tier)",
      reply: { status: 429, quotaId: PER_MINUTE, quotaValue: "0" },
      code: "provider.quota-zero",
      message: /no quota for gemini-test/,
      hint: /billing/,
    },
    {
      name: "RetryInfo of 5 minutes",
      reply: { status: 429, retryDelay: "300s" },
      code: "provider.quota",
      message: /asks to wait 300 s/,
      hint: /Rerun in a few minutes/,
    },
  ])("$name: fails at once, clearly", async ({ reply, code, message, hint }) => {
    h.fake.setDefault(reply);
    const error = await rejection(h.client().generateJson(testRequest()));
    expect(error).toMatchObject({ code, exitCode: 3 });
    expect(error.message).toMatch(message);
    expect(error.hint).toMatch(hint);
    expect(h.fake.requests).toHaveLength(1);
    expect(h.delays).toEqual([]);
    expect(JSON.stringify({ m: error.message, h: error.hint })).not.toContain(TEST_KEY);
  });
});
