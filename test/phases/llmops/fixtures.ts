// Inputs for the llmops tests: the seed inventory (parsed with the real schema) and the deployment
// the real offline design plans for it, plus variants derived from that one.
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { inventorySchema, type Inventory } from "../../../src/inventory/schema.js";
import { isAiWorkerTarget, type Deployment } from "../../../src/contracts/deployment.js";
import type { DesignResult } from "../../../src/phases/design/schema.js";
import { chain, chainFile } from "../../helpers/chain.js";
import type { PhaseInput } from "../../../src/contracts/phase.js";
import type { LlmopsResult } from "../../../src/phases/llmops/schema.js";

export const ROOT = path.resolve(import.meta.dirname, "../../..");

export function seedInventory(): Inventory {
  return inventorySchema.parse(parseYaml(readFileSync(path.join(ROOT, "examples/seed-vm/inventory.yaml"), "utf8")));
}

export function withoutLlm(): Inventory {
  const { llm: _llm, ...rest } = seedInventory();
  return inventorySchema.parse(rest);
}

/** The deployment the real offline audit → design plans for the seed VM (API, Celery worker, AI worker). */
export function seedDeployment(): Deployment {
  return structuredClone(seedDesign().deployment);
}

let design: DesignResult | undefined;
function seedDesign(): DesignResult {
  design ??= chainFile(path.join(ROOT, "examples/seed-vm/inventory.yaml")).design;
  return design;
}

/** What the real offline design plans for another inventory (a variant of the seed's). */
export function designedFor(inventory: Inventory): Deployment {
  const base = { inventory, inventoryHash: "test", upstream: {}, options: {}, repoDir: "/nonexistent" };
  return chain(base).design.deployment;
}

/** The seed deployment without the AI worker the design plans: llmops must derive the names. */
export function deploymentWithoutAiWorker(): Deployment {
  const d = seedDeployment();
  const ai = d.services.filter((s) => isAiWorkerTarget(s)).map((s) => s.name);
  d.services = d.services.filter((s) => !ai.includes(s.name));
  d.queues = d.queues.filter((q) => !ai.includes(q.target));
  return d;
}

/** A deployment whose AI worker, queue and service account carry names of its own choosing. */
export function deploymentWithAiWorker(): Deployment {
  const d = deploymentWithoutAiWorker();
  const api = d.services.find((s) => s.kind === "api")!;
  d.services.push({
    ...api,
    name: "contracts-ai-worker",
    kind: "worker",
    replaces: ["worker"],
    serviceAccount: "contracts-ai-sa",
    ingress: "all",
    timeoutSeconds: 300,
  });
  d.queues.push({
    name: "contracts-ai-queue",
    target: "contracts-ai-worker",
    path: "/work/summarise",
    maxAttempts: 7,
    minBackoffSeconds: 2.5,
    maxBackoffSeconds: 120,
    maxDispatchesPerSecond: 3,
    maxConcurrentDispatches: 40,
    dispatchDeadlineSeconds: 120,
  });
  return d;
}

export function phaseInput(
  inventory: Inventory,
  deployment?: Deployment,
  options: PhaseInput["options"] = {},
): PhaseInput {
  return {
    inventory,
    inventoryHash: "test",
    upstream: deployment ? { design: { deployment } } : {},
    options,
    repoDir: "/nonexistent",
  };
}

/**
 * A schema-valid answer full of text that would be code if it were spliced: quotes, triple
 * quotes, braces, backslashes, front-matter look-alikes, HTML. Every marker contains "pwned".
 */
export function hostileResult(base: LlmopsResult): LlmopsResult {
  const r = structuredClone(base);
  r.useCase = `"""; import pwned_use_case; x = """ {{pwned}} \\ ' "`;
  r.inputFields[0]!.description = `"); __import__("pwned_desc"); ("`;
  r.inputFields.push({
    name: "notes",
    type: "string",
    required: false,
    maxLength: 50,
    description: `\\" + pwned_concat + \\"`,
  });
  r.outputFields[0]!.description = `'''pwned''' """pwned""" {pwned} %s \\x00 é 🚀`;
  r.prompt.instructions += `\n\n"""\nimport pwned_prompt\n{{pwned_handlebars}}\n---\nversion: 6.6.6\n---\n`;
  r.docs.summary = `<script>pwned()</script> | pipe | ${"`"}code${"`"} and more text to reach the minimum length.`;
  r.docs.failureModes[0]!.effect = "| pwned | table |";
  r.assumptions.push("<img src=x onerror=pwned()>");
  return r;
}
