// Inputs for the llmops tests: the seed inventory (parsed with the real schema) and Deployment
// fixtures written by hand, since the design phase's offline rules land separately.
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { inventorySchema, type Inventory } from "../../../src/inventory/schema.js";
import type { Deployment } from "../../../src/contracts/deployment.js";
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

const api = {
  name: "web-app-prod",
  kind: "api" as const,
  replaces: ["api", "nginx"],
  port: 8080,
  healthPath: "/healthz",
  cpu: "1",
  memory: "512Mi",
  concurrency: 80,
  timeoutSeconds: 60,
  minInstances: 1,
  maxInstances: 20,
  cpuBoost: true,
  serviceAccount: "web-app-runtime",
  ingress: "all" as const,
  secrets: ["DATABASE_URL"],
  cloudSqlInstance: "acme-mvp-db",
};

/** The design's deployment for the seed VM: API + Celery worker, no AI worker of its own. */
export function seedDeployment(): Deployment {
  return {
    project: "acme-mvp-prod",
    region: "us-central1",
    artifactRepository: "apps",
    services: [
      api,
      {
        ...api,
        name: "web-app-worker",
        kind: "worker",
        replaces: ["worker"],
        minInstances: 0,
        serviceAccount: "web-app-worker",
        ingress: "internal",
      },
    ],
    queues: [
      {
        name: "web-app-tasks",
        target: "web-app-worker",
        path: "/tasks/run",
        maxAttempts: 10,
        minBackoffSeconds: 1,
        maxBackoffSeconds: 600,
        maxDispatchesPerSecond: 20,
        maxConcurrentDispatches: 50,
        dispatchDeadlineSeconds: 600,
      },
    ],
    database: {
      instance: "acme-mvp-db",
      engine: "mysql",
      databaseVersion: "MYSQL_8_0",
      tier: "db-custom-1-3840",
      highAvailability: true,
      readReplicas: 0,
      storageGiB: 20,
      pointInTimeRecovery: true,
    },
  };
}

/** A deployment that already plans the AI worker, its queue and its service account. */
export function deploymentWithAiWorker(): Deployment {
  const d = seedDeployment();
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
