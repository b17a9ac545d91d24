// llmops builds the worker the design planned: names, queue settings and path come from the
// design's deployment (nothing derived), and the same sizing rules apply on both sides.
import { describe, expect, it } from "vitest";
import { llmopsPhase } from "../../../src/phases/llmops/index.js";
import { aiWorkerSizing } from "../../../src/contracts/ai-worker-sizing.js";
import { chainFile, EXAMPLE } from "../../helpers/chain.js";

describe("llmops on the design's deployment", () => {
  const { input, design } = chainFile(EXAMPLE("seed-vm"));
  const result = llmopsPhase.offline(input);
  const worker = design.deployment.services.find((s) => s.name.endsWith("-ai-worker"))!;
  const queue = design.deployment.queues.find((q) => q.target === worker.name)!;

  it("derives no names for the seed example", () => {
    expect(result.topology.derived).toEqual([]);
    expect(llmopsPhase.summarize!(result, input)).not.toMatch(/derived/);
  });

  it("uses the design's service, accounts, queue and path", () => {
    expect(result.topology).toMatchObject({
      apiService: "web-app-prod",
      apiServiceAccount: "web-app-prod-sa",
      workerService: worker.name,
      workerServiceAccount: worker.serviceAccount,
      invokerServiceAccount: queue.oidcServiceAccount,
      queue: queue.name,
      workerPath: queue.path,
    });
  });

  it("keeps the design's queue settings, which come from the same sizing rules", () => {
    const sizing = aiWorkerSizing(input.inventory);
    expect(result.queue).toEqual(sizing.queue);
    expect(result.model.timeoutSeconds).toBe(sizing.modelTimeoutSeconds);
    expect(worker.timeoutSeconds).toBeGreaterThanOrEqual(result.queue.dispatchDeadlineSeconds);
  });
});
