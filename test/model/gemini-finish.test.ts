// Answers without usable text, through the real SDK against the fake server: an empty answer is
// asked again (never echoed back as an empty part), RECITATION is named as such, MAX_TOKENS gets
// one larger budget. The fake answers 400 to any empty part, as Gemini and Vertex AI do.
import { describe, expect, it } from "vitest";
import type { FakeReply } from "../helpers/fake-gemini.mjs";
import { ProviderError, VALID, rejection, testRequest, useGeminiHarness } from "../helpers/gemini-harness.js";

const h = useGeminiHarness();
const everyPart = () => h.fake.requests.flatMap((r) => r.body.contents.flatMap((c: any) => c.parts));

describe("empty answers", () => {
  it.each<{ name: string; empty: FakeReply }>([
    { name: "no candidates", empty: { noCandidates: true } },
    { name: "finishReason OTHER without text", empty: { finishReason: "OTHER" } },
    { name: "STOP with an empty text", empty: { text: "" } },
  ])("$name: the same turn is sent again, then the answer is used", async ({ empty }) => {
    h.fake.enqueue(empty, { json: VALID });
    const result = await h.client().generateJson(testRequest());
    expect(result.value).toEqual(VALID);
    expect(result.calls).toBe(2);
    const [first, second] = h.fake.requests.map((r) => r.body.contents);
    expect(second).toEqual(first);
    expect(second).toHaveLength(1);
    expect(h.events.map((e) => e.type)).toEqual(["call", "resend", "call"]);
  });

  it("an empty answer to the repair turn resends the repair turn, with the earlier text in it", async () => {
    const invalid = { summary: "one VM", risks: [{ id: "R1", severity: "extreme" }] };
    h.fake.enqueue({ json: invalid }, { finishReason: "OTHER" }, { json: VALID });
    const result = await h.client().generateJson(testRequest());
    expect(result.calls).toBe(3);
    expect(h.fake.requests[2]!.body.contents).toEqual(h.fake.requests[1]!.body.contents);
    expect(h.fake.requests[2]!.body.contents.map((c: any) => c.role)).toEqual(["user", "model", "user"]);
    expect(everyPart().every((p: any) => typeof p.text === "string" && p.text.length > 0)).toBe(true);
  });

  it.each<{ name: string; replies: FakeReply[]; code: string; message: RegExp; not?: RegExp }>([
    {
      name: "empty twice",
      replies: [{ finishReason: "OTHER" }, { noCandidates: true }],
      code: "provider.empty-answer",
      message: /empty answer for phase audit twice \(no candidates\)/,
    },
    {
      name: "OTHER twice",
      replies: [{ finishReason: "OTHER" }, { finishReason: "OTHER" }],
      code: "provider.empty-answer",
      message: /finishReason OTHER/,
    },
    {
      name: "RECITATION twice",
      replies: [{ finishReason: "RECITATION" }, { finishReason: "RECITATION" }],
      code: "provider.recitation",
      message: /resembled published material.*RECITATION.*not about your inventory/,
      not: /safety/i,
    },
  ])("$name fails with exit 3 and the finish reason", async ({ replies, code, message, not }) => {
    h.fake.enqueue(...replies);
    const error = await rejection(h.client().generateJson(testRequest()));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code, exitCode: 3 });
    expect(error.message).toMatch(message);
    if (not) expect(`${error.message} ${error.hint}`).not.toMatch(not);
    expect(h.fake.requests).toHaveLength(2);
    expect(everyPart().every((p: any) => p.text.length > 0)).toBe(true);
  });

  it("RECITATION once, then an answer: the answer is used", async () => {
    h.fake.enqueue({ finishReason: "RECITATION" }, { json: VALID });
    expect((await h.client().generateJson(testRequest())).value).toEqual(VALID);
  });
});

describe("MAX_TOKENS", () => {
  const budgets = () => h.fake.requests.map((r) => r.body.generationConfig.maxOutputTokens);

  it("retries once with twice the budget, and keeps the larger budget for the repair turn", async () => {
    const invalid = { summary: "x", risks: [] };
    h.fake.enqueue({ json: invalid, needsOutputTokens: 20_000 }, { json: invalid }, { json: VALID });
    const result = await h.client().generateJson(testRequest());
    expect(result.value).toEqual(VALID);
    expect(budgets()).toEqual([16_384, 32_768, 32_768]);
    expect(h.events.map((e) => e.type)).toEqual(["call", "larger-budget", "call", "repair", "call"]);
    expect(h.events[1]!.message).toBe("answer cut off at 16384 tokens: asking again with 32768");
  });

  it("thinking that used the whole budget (no text at all) counts as cut off", async () => {
    h.fake.enqueue({ finishReason: "MAX_TOKENS" }, { json: VALID });
    expect((await h.client().generateJson(testRequest())).calls).toBe(2);
    expect(budgets()).toEqual([16_384, 32_768]);
  });

  it("names the real setting when even the larger budget is not enough", async () => {
    h.fake.setDefault({ json: VALID, needsOutputTokens: 100_000 });
    const error = await rejection(
      h.client({ generation: { audit: { maxOutputTokens: 40_000 } } }).generateJson(testRequest()),
    );
    expect(error).toMatchObject({ code: "provider.truncated", exitCode: 3 });
    expect(budgets()).toEqual([40_000, 65_536]);
    expect(error.hint).toMatch(/Raise phases\.audit\.maxOutputTokens in infra-migrate\.config\.yaml \(at most 65536\)/);
  });
});
