// The design plans the AI worker when the inventory calls a model: its Cloud Run service, queue,
// identities, the ADR that closes the audit's model-call risk, and the cost lines.
import { describe, expect, it } from "vitest";
import { estimateCost } from "../../../src/phases/design/cost/estimate.js";
import { loadPriceBook } from "../../../src/contracts/gcp-prices.js";
import { designPhase } from "../../../src/phases/design/index.js";
import { designResultSchema, type DesignResult } from "../../../src/phases/design/schema.js";
import { aiWorkerSizing } from "../../../src/contracts/ai-worker-sizing.js";
import { designInput, designInputFromYaml, EXAMPLES } from "./design-input.js";
import { readFileSync } from "node:fs";

const design = (input = designInput("seed")): DesignResult => designResultSchema.parse(designPhase.offline(input));
const seed = design();
const ai = seed.deployment.services.find((s) => s.name === "web-app-prod-ai-worker")!;
const queue = seed.deployment.queues.find((q) => q.target === ai.name)!;

describe("AI worker in the design", () => {
  it("is a Cloud Run worker with its own identity, internal ingress and the llmops worker image", () => {
    expect(ai).toMatchObject({
      kind: "worker",
      serviceAccount: "web-app-prod-ai-worker-sa",
      ingress: "internal",
      minInstances: 0,
      secrets: ["DATABASE_URL"],
      cloudSqlInstance: "web-app-prod-db",
      source: { context: "services/ai-worker", dockerfile: "services/ai-worker/Dockerfile" },
      env: { GOOGLE_CLOUD_PROJECT: "acme-mvp-prod", AI_QUEUE: "web-app-prod-ai-tasks" },
    });
  });

  it("waits longer than the slowest model call and sizes concurrency for I/O-bound calls", () => {
    const sizing = aiWorkerSizing(designInput("seed").inventory);
    expect(ai.timeoutSeconds).toBeGreaterThanOrEqual(15 * 2); // llm.latencySeconds [5, 15] with margin
    expect(ai.timeoutSeconds).toBe(queue.dispatchDeadlineSeconds);
    expect(queue.dispatchDeadlineSeconds).toBeGreaterThan(sizing.modelTimeoutSeconds);
    expect(ai.concurrency).toBeGreaterThan(
      seed.deployment.services.find((s) => s.name === "web-app-prod-worker")!.concurrency,
    );
    expect(ai.maxInstances * ai.concurrency).toBeGreaterThanOrEqual(queue.maxConcurrentDispatches);
  });

  it("gets its own queue pushing to the path the llmops worker serves, with the invoker identity", () => {
    expect(queue).toMatchObject({
      name: "web-app-prod-ai-tasks",
      path: "/tasks/contract-summary",
      oidcServiceAccount: "web-app-prod-ai-worker-invoker",
    });
  });

  it("takes the model credential away from every other service", () => {
    for (const s of seed.deployment.services) expect(s.secrets).not.toContain("GEMINI_API_KEY");
    const api = seed.mapping.find((m) => m.service === "api")!;
    expect(api.appChanges.join(" ")).toMatch(
      /Remove GEMINI_API_KEY from api: only web-app-prod-ai-worker calls Vertex AI, as service account web-app-prod-ai-worker-sa \(the one identity with roles\/aiplatform\.user\)/,
    );
    expect(api.settings).toMatchObject({ aiWorker: ai.name, aiQueue: queue.name });
    expect(seed.mapping.find((m) => m.service === "worker")!.appChanges.join(" ")).toMatch(
      /Remove GEMINI_API_KEY from worker/,
    );
  });

  it("records an ADR that closes the audit's model-call risk (found by category and affected services)", () => {
    const audit = designInput("seed").upstream.audit as { risks: { id: string; category: string; title: string }[] };
    const risk = audit.risks.find((r) => /Model calls/.test(r.title))!;
    const adr = seed.decisions.find((d) => /Move model calls off the API/.test(d.title))!;
    expect(adr.closesRisks).toContain(risk.id);
    expect(adr.decision).toMatch(/only identity granted roles\/aiplatform\.user/);
    expect(seed.riskTrace.find((t) => t.riskId === risk.id)!.decisionIds[0]).toBe(adr.id);
    // The other coupling risk (API, workers and data on one machine) stays with the task worker.
    const other = audit.risks.find((r) => r.category === "coupling" && r.id !== risk.id)!;
    expect(seed.riskTrace.find((t) => t.riskId === other.id)!.decisionIds).not.toContain(adr.id);
  });

  it("is counted by the cost model, with a note that model tokens are extra", () => {
    const cost = estimateCost(designInput("seed").inventory, seed.deployment, loadPriceBook());
    expect(cost.scenarios[0]!.lines.filter((l) => l.component === ai.name).map((l) => l.item)).toEqual([
      "vCPU time",
      "memory time",
      "tasks",
    ]);
    expect(cost.warnings.join(" ")).toMatch(/web-app-prod-ai-worker: Vertex AI model charges/);
  });

  it("follows the worker directory option and refuses one that leaves the repository", () => {
    const custom = design({ ...designInput("seed"), options: { workerDir: "apps/ai" } });
    expect(custom.deployment.services.find((s) => s.name === ai.name)!.source).toEqual({
      context: "apps/ai",
      dockerfile: "apps/ai/Dockerfile",
    });
    const hostile = design({ ...designInput("seed"), options: { workerDir: "../../etc" } });
    expect(hostile.deployment.services.find((s) => s.name === ai.name)!.source!.context).toBe("services/ai-worker");
  });

  it.each(["django", "flask", "apiOnly"] as const)("%s calls no model: no AI worker is planned", (ex) => {
    const r = design(designInput(ex));
    expect(r.deployment.services.some((s) => /ai-worker/.test(s.name))).toBe(false);
    expect(r.decisions.some((d) => /model calls/i.test(d.title))).toBe(false);
  });

  it("plans none from a model key alone (no llm section), and says how to get one", () => {
    const yaml = readFileSync(EXAMPLES.apiOnly, "utf8").replace(
      "env: [DATABASE_URL, JWT_SECRET, PARTNER_API_TOKEN, LOG_LEVEL]",
      "env: [DATABASE_URL, JWT_SECRET, OPENAI_API_KEY]",
    );
    const r = design(designInputFromYaml(yaml));
    expect(r.deployment.services.some((s) => s.name.endsWith("-ai-worker"))).toBe(false);
    expect(r.deployment.queues).toEqual([]);
    // The model calls stay where they are, with their key.
    expect(r.deployment.services.find((s) => s.kind === "api")!.secrets).toContain("OPENAI_API_KEY");
    expect(r.assumptions.join(" ")).toMatch(/holds a model provider key, but the inventory has no `llm` section/);
  });
});
