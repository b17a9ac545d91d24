// Offline rules: the inventory's llm section and the design's deployment shape the worker; what
// neither says becomes an explicit assumption.
import { describe, expect, it } from "vitest";
import { inventorySchema, type Inventory } from "../../../src/inventory/schema.js";
import { DEFAULT_VERTEX_MODEL, offlineLlmops } from "../../../src/phases/llmops/offline.js";
import { llmopsResultSchema } from "../../../src/phases/llmops/schema.js";
import { taskShapeFor } from "../../../src/contracts/task-shape.js";
import {
  deploymentWithAiWorker,
  deploymentWithoutAiWorker,
  designedFor,
  phaseInput,
  seedDeployment,
  seedInventory,
  withoutLlm,
} from "./fixtures.js";

function withLlm(llm: Record<string, unknown>): Inventory {
  return inventorySchema.parse({ ...seedInventory(), llm });
}

describe("taskShapeFor", () => {
  it.each([
    ["summarise uploaded contracts", "contract_summary", ["summary", "key_points", "parties", "notable_clauses"]],
    ["Summarize customer support tickets", "ticket_summary", ["summary", "key_points"]],
    ["classify incoming emails", "email_classification", ["label", "confidence", "rationale"]],
    ["extract invoice totals from PDFs", "pdf_extraction", ["items", "notes"]],
    ["translate product descriptions", "description_translation", ["translation"]],
    ["something vague about documents", "document_analysis", ["answer"]],
    [undefined, "document_analysis", ["answer"]],
    ['résumé screening ✓ "quoted" class import', "document_analysis", ["answer"]], // "import" is a keyword: falls back
  ])("%j → %s", (useCase, taskType, outputs) => {
    const shape = taskShapeFor(useCase);
    expect(shape.taskType).toBe(taskType);
    expect(shape.outputFields.map((f) => f.name)).toEqual(outputs);
  });
});

describe("offlineLlmops", () => {
  it("shapes the example from its llm section and latency", () => {
    const r = offlineLlmops(phaseInput(seedInventory(), seedDeployment()));
    expect(llmopsResultSchema.parse(r)).toEqual(r);
    expect(r.taskType).toBe("contract_summary");
    expect(r.inputFields.map((f) => f.name)).toEqual(["contract_text", "language"]);
    expect(r.prompt).toMatchObject({ name: "contract_summary", version: "1.0.0" });
    expect(r.model).toMatchObject({ id: DEFAULT_VERTEX_MODEL, location: "global", timeoutSeconds: 30 });
    expect(r.queue.dispatchDeadlineSeconds).toBeGreaterThan(r.model.timeoutSeconds);
    expect(r.queue.minBackoffSeconds).toBe(15);
    expect(r.assumptions.join("\n")).toMatch(/GEMINI_API_KEY/);
  });

  it("derives the worker's own service, queue and identities when the design has none", () => {
    const { topology } = offlineLlmops(phaseInput(seedInventory(), deploymentWithoutAiWorker()));
    expect(topology).toEqual({
      apiService: "web-app-prod",
      apiServiceAccount: "web-app-prod-sa",
      workerService: "web-app-prod-ai-worker",
      workerServiceAccount: "ai-worker-runtime",
      invokerServiceAccount: "ai-worker-invoker",
      queue: "web-app-prod-ai-tasks",
      workerPath: "/tasks/contract-summary",
      derived: ["workerService", "workerServiceAccount", "queue", "workerPath", "invokerServiceAccount"],
    });
  });

  it("takes the worker, its queue and its settings from the design when it has them", () => {
    const r = offlineLlmops(phaseInput(seedInventory(), deploymentWithAiWorker()));
    expect(r.topology).toMatchObject({
      workerService: "contracts-ai-worker",
      workerServiceAccount: "contracts-ai-sa",
      queue: "contracts-ai-queue",
      workerPath: "/work/summarise",
    });
    expect(r.topology.derived).toEqual(["invokerServiceAccount"]);
    expect(r.queue).toMatchObject({
      maxAttempts: 7,
      minBackoffSeconds: 3,
      maxBackoffSeconds: 120,
      maxDispatchesPerSecond: 3,
      maxConcurrentDispatches: 40,
      dispatchDeadlineSeconds: 120,
    });
    expect(r.assumptions.join("\n")).not.toMatch(/no dedicated AI worker/);
  });

  it("without a design, derives the API too and says so", () => {
    const r = offlineLlmops(phaseInput(seedInventory()));
    expect(r.topology.apiService).toBe("web-app-prod");
    expect(r.topology.derived).toContain("apiService");
    expect(r.assumptions.join("\n")).toMatch(/no API service/);
  });

  // The runner skips llmops without `llm` (test/pipeline/phase-applicability.test.ts); called
  // directly it still builds a generic worker and says what it assumed.
  it("without an llm section, builds a generic worker and lists what it assumed", () => {
    const r = offlineLlmops(phaseInput(withoutLlm(), designedFor(withoutLlm())));
    expect(llmopsResultSchema.safeParse(r).success).toBe(true);
    expect(r.taskType).toBe("document_analysis");
    const assumed = r.assumptions.join("\n");
    expect(assumed).toMatch(/no llm section/);
    expect(assumed).toMatch(/5-15 s/);
    expect(assumed).toMatch(/No model named/);
    // The design plans no worker without `llm`, so llmops derives the queue and says so.
    expect(assumed).toMatch(/2 model calls per second/);
    const derived = offlineLlmops(phaseInput(withoutLlm(), deploymentWithoutAiWorker())).assumptions.join("\n");
    expect(derived).toMatch(/2 model calls per second/);
  });

  it.each([
    [
      { useCase: "summarise contracts", provider: "vertex-ai", model: "gemini-2.5-flash" },
      DEFAULT_VERTEX_MODEL,
      /not a current Vertex AI model/,
    ],
    [
      { useCase: "summarise contracts", provider: "vertex-ai", model: "gemini-3-pro-preview" },
      "gemini-3-pro-preview",
      undefined,
    ],
    [{ useCase: "summarise contracts", provider: "openai", model: "gpt-4o" }, DEFAULT_VERTEX_MODEL, /uses openai/],
    [
      { useCase: "summarise contracts", provider: "vertex-ai", model: "gemini 3; rm" },
      DEFAULT_VERTEX_MODEL,
      /not a current/,
    ],
  ])("model choice for %j", (llm, id, note) => {
    const r = offlineLlmops(phaseInput(withLlm(llm), seedDeployment()));
    expect(r.model.id).toBe(id);
    if (note) expect(r.assumptions.join("\n")).toMatch(note);
  });

  it("sizes the queue from requestsPerMinute and latency", () => {
    const emails = withLlm({ useCase: "classify emails", latencySeconds: [2, 40], requestsPerMinute: 600 });
    const r = offlineLlmops(phaseInput(emails, designedFor(emails)));
    expect(r.queue.maxDispatchesPerSecond).toBe(10);
    expect(r.queue.maxConcurrentDispatches).toBe(400); // 10/s × 40 s in flight
    expect(r.model.timeoutSeconds).toBe(80);
    expect(r.queue.dispatchDeadlineSeconds).toBe(240);
    expect(llmopsResultSchema.safeParse(r).success).toBe(true);
  });

  it("quotes hostile inventory text on one line", () => {
    const r = offlineLlmops(
      phaseInput(withLlm({ useCase: 'do\nthe\tthing "x" | y', model: "bad model\nname" }), seedDeployment()),
    );
    expect(llmopsResultSchema.safeParse(r).success).toBe(true);
    expect(r.useCase).toBe('do the thing "x" | y');
  });

  it("is deterministic", () => {
    const input = phaseInput(seedInventory(), seedDeployment());
    expect(JSON.stringify(offlineLlmops(input))).toBe(JSON.stringify(offlineLlmops(input)));
  });
});
