// The phase definition as the runner sees it: identity, persona, prompt, JSON round trip.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { parsePersona } from "../../../src/personas/persona.js";
import { llmopsPhase } from "../../../src/phases/llmops/index.js";
import { loadPhase } from "../../../src/phases/registry.js";
import { ROOT, deploymentWithoutAiWorker, phaseInput, seedDeployment, seedInventory, withoutLlm } from "./fixtures.js";

describe("llmopsPhase", () => {
  it("is registered with its persona, after design", async () => {
    const loaded = await loadPhase("llmops");
    expect([loaded.id, loaded.personaId, loaded.dependsOn]).toEqual(["llmops", "ai-ml-architect", ["design"]]);
    expect(loaded.render).toBe(llmopsPhase.render);
  });

  it("has a persona file with the expected front matter", () => {
    const file = path.join(ROOT, "personas/ai-ml-architect.md");
    const persona = parsePersona(readFileSync(file, "utf8"), file);
    expect(persona).toMatchObject({ id: "ai-ml-architect", version: "1.0.0", phase: "llmops" });
    expect(persona.body).toMatch(/Vertex AI/);
    expect(persona.body).toMatch(/Cloud Tasks/);
  });

  it("builds a prompt with the use case, the fixed topology and the baseline to refine", async () => {
    const prompt = await llmopsPhase.buildPrompt(phaseInput(seedInventory(), seedDeployment()));
    expect(prompt).toContain("Use case: summarise uploaded contracts");
    expect(prompt).toContain("Model latency per call today: 5-15 s");
    expect(prompt).toContain('"workerService":"web-app-prod-ai-worker"');
    expect(prompt).toContain('"taskType":"contract_summary"');
    expect(prompt).toContain("GEMINI_API_KEY"); // env names only; values never reach the inventory
    expect(prompt.length).toBeLessThan(16_000); // ≈ 4,000 tokens
  });

  it("says what is missing when the inventory has no llm section", async () => {
    const prompt = await llmopsPhase.buildPrompt(phaseInput(withoutLlm(), seedDeployment()));
    expect(prompt).toContain("not stated (design a generic text-analysis worker)");
  });

  it("accepts its own offline answer after a JSON round trip through the JSON Schema the model sees", () => {
    const answer = JSON.parse(JSON.stringify(llmopsPhase.offline(phaseInput(seedInventory(), seedDeployment()))));
    expect(llmopsPhase.resultSchema.parse(answer)).toEqual(answer);
    const jsonSchema = z.toJSONSchema(llmopsPhase.resultSchema, { io: "input" }) as {
      properties: Record<string, unknown>;
    };
    expect(Object.keys(jsonSchema.properties)).toEqual(
      expect.arrayContaining(["taskType", "inputFields", "prompt", "model", "queue", "topology", "assumptions"]),
    );
  });

  it("summarises the result in one line", () => {
    const input = phaseInput(seedInventory(), deploymentWithoutAiWorker());
    const summary = llmopsPhase.summarize!(llmopsPhase.offline(input), input);
    expect(summary).toBe(
      "AI worker for contract_summary on gemini-3.5-flash-lite (prompt contract_summary@1.0.0), queue web-app-prod-ai-tasks, 5 names derived",
    );
  });
});
