// What generationConfig each phase sends, per model family, as the fake server records it.
import { describe, expect, it } from "vitest";
import type { GenerationSettings } from "../../src/model/generation.js";
import { VALID, testRequest, useGeminiHarness } from "../helpers/gemini-harness.js";

const h = useGeminiHarness();

describe("generationConfig per phase and model", () => {
  it.each<{ model: string; phase: string; generation?: GenerationSettings; expected: Record<string, unknown> }>([
    {
      model: "gemini-3.5-flash-lite",
      phase: "design",
      expected: { maxOutputTokens: 32_768, thinkingConfig: { thinkingLevel: "medium" } },
    },
    {
      model: "gemini-3.5-flash-lite",
      phase: "audit",
      expected: { maxOutputTokens: 16_384, thinkingConfig: { thinkingLevel: "medium" } },
    },
    {
      model: "gemini-3.5-flash-lite",
      phase: "cicd",
      expected: { maxOutputTokens: 8192, thinkingConfig: { thinkingLevel: "low" } },
    },
    {
      model: "gemini-3.5-flash-lite",
      phase: "observe",
      expected: { maxOutputTokens: 16_384 },
    },
    {
      model: "gemini-3.5-flash-lite",
      phase: "design",
      generation: { design: { thinking: "high", maxOutputTokens: 50_000 } },
      expected: { maxOutputTokens: 50_000, thinkingConfig: { thinkingLevel: "high" } },
    },
    // Other Gemini 3 models keep their own default thinking unless configured.
    { model: "gemini-3.1-pro-preview", phase: "design", expected: { maxOutputTokens: 32_768 } },
    // Gemini 2.5 takes a token budget, never a level; and a low temperature for stable JSON.
    {
      model: "gemini-2.5-flash",
      phase: "audit",
      generation: { audit: { thinking: "medium" } },
      expected: { maxOutputTokens: 16_384, thinkingConfig: { thinkingBudget: 8192 }, temperature: 0.2 },
    },
  ])("$model, $phase", async ({ model, phase, generation, expected }) => {
    h.fake.enqueue({ json: VALID });
    await h.client({ model, generation }).generateJson(testRequest({ phase }));
    const { responseJsonSchema: _s, responseMimeType, ...sent } = h.fake.requests[0]!.body.generationConfig;
    expect(responseMimeType).toBe("application/json");
    expect(sent).toEqual(expected);
  });

  it("no temperature for any gemini-3 model (Google's guide keeps the default 1.0)", async () => {
    for (const model of ["gemini-3.5-flash-lite", "gemini-3-flash-preview", "gemini-3.1-pro-preview"]) {
      h.fake.enqueue({ json: VALID });
      await h.client({ model }).generateJson(testRequest());
    }
    expect(h.fake.requests.map((r) => r.body.generationConfig.temperature)).toEqual([undefined, undefined, undefined]);
  });
});
