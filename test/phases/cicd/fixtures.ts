// Hand-built inputs for the cicd tests: the seed VM's inventory (examples/seed-vm/inventory.yaml)
// and a design deployment for it (API web-app-prod + worker web-app-prod-worker).
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { inventorySchema, type Inventory } from "../../../src/inventory/schema.js";
import type { Deployment } from "../../../src/contracts/deployment.js";
import type { PhaseInput } from "../../../src/contracts/phase.js";

export const ROOT = path.resolve(import.meta.dirname, "../../..");

export function seedInventory(): Inventory {
  const text = readFileSync(path.join(ROOT, "examples/seed-vm/inventory.yaml"), "utf8");
  return inventorySchema.parse(parse(text));
}

export function seedDeployment(): Deployment {
  return {
    project: "acme-mvp-prod",
    region: "us-central1",
    artifactRepository: "acme-mvp",
    services: [
      {
        name: "web-app-prod",
        kind: "api",
        replaces: ["nginx", "api"],
        port: 8080,
        healthPath: "/healthz",
        cpu: "1",
        memory: "512Mi",
        concurrency: 80,
        timeoutSeconds: 300,
        minInstances: 1,
        maxInstances: 20,
        cpuBoost: true,
        serviceAccount: "web-app-api",
        ingress: "all",
        secrets: ["DATABASE_URL", "SECRET_KEY"],
        cloudSqlInstance: "acme-mvp-db",
        command: ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8080"],
      },
      {
        name: "web-app-prod-worker",
        kind: "worker",
        replaces: ["worker", "redis"],
        port: 8080,
        healthPath: "/healthz",
        cpu: "1",
        memory: "1Gi",
        concurrency: 4,
        timeoutSeconds: 900,
        minInstances: 0,
        maxInstances: 10,
        cpuBoost: false,
        serviceAccount: "web-app-worker",
        ingress: "internal",
        secrets: ["DATABASE_URL", "GEMINI_API_KEY"],
        cloudSqlInstance: "acme-mvp-db",
        command: ["celery", "-A", "app.tasks", "worker", "--concurrency", "4"],
      },
    ],
    queues: [],
  };
}

export function seedInput(overrides: Partial<PhaseInput> = {}, deployment: Deployment = seedDeployment()): PhaseInput {
  return {
    inventory: seedInventory(),
    inventoryHash: "test0000",
    upstream: { design: { deployment } },
    options: {},
    // The seed app's own files (requirements.txt, app/): the Dockerfile is planned and checked against them.
    repoDir: path.join(ROOT, "test/fixtures/repos/acme-mvp"),
    ...overrides,
  };
}
