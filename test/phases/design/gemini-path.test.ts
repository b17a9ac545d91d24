// The model path: the real SDK against the fake Gemini server. The model's answer is parsed by the
// design schema, so a hostile value fails at the schema instead of reaching a generated file.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createGeminiClient } from "../../../src/model/gemini.js";
import { loadPersona } from "../../../src/personas/persona.js";
import { designPhase } from "../../../src/phases/design/index.js";
import { startFakeGemini, type FakeGemini } from "../../helpers/fake-gemini.mjs";
import { designInput } from "./design-input.js";

let fake: FakeGemini;
beforeEach(async () => {
  fake = await startFakeGemini();
});
afterEach(async () => {
  await fake.close();
});

const client = () =>
  createGeminiClient({
    model: "gemini-test",
    apiKey: "test-key",
    baseUrl: fake.url,
    maxAttempts: 1,
    timeoutMs: 5000,
    sleep: async () => {},
  });

describe("design through the Gemini path", () => {
  it("renders the model's answer (prose the model improved, values the schema checked)", async () => {
    const input = designInput("seed");
    const answer = structuredClone(designPhase.offline(input));
    answer.summary = "Model-written summary: the product moves to Cloud Run, Cloud Tasks and Cloud SQL.";
    fake.enqueue({ json: answer });
    const persona = await loadPersona("serverless-sre");
    const prompt = await designPhase.buildPrompt(input);
    const got = await client().generateJson({
      phase: "design",
      persona,
      prompt,
      schema: designPhase.resultSchema,
      offline: () => designPhase.offline(input),
    });
    expect(got.provider).toBe("gemini");
    const artifacts = await designPhase.render(got.value, input);
    expect(artifacts.find((a) => a.path.endsWith("architecture.md"))!.content).toContain("Model-written summary");
    expect(await designPhase.validate!(artifacts, input, { source: "model" })).toEqual([]);
    const body = JSON.stringify(fake.requests[0]!.body);
    expect(body).toContain("senior site reliability engineer"); // the persona is the system instruction
    expect(body).toContain("web-app-prod");
  });

  it("fails loudly when the model returns a hostile service name, after one repair turn", async () => {
    const input = designInput("seed");
    const bad = structuredClone(designPhase.offline(input));
    bad.deployment.services[0]!.name = "web$(curl evil)";
    fake.enqueue({ json: bad }, { json: bad });
    const persona = await loadPersona("serverless-sre");
    await expect(
      client().generateJson({
        phase: "design",
        persona,
        prompt: "design",
        schema: designPhase.resultSchema,
        offline: () => designPhase.offline(input),
      }),
    ).rejects.toMatchObject({ exitCode: 3 });
  });
});
