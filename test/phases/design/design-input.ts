// Inputs for the design tests: an example inventory plus the audit result the lead's offline
// rules produce for it (the design phase consumes it as input.upstream.audit).
import path from "node:path";
import { auditOffline } from "../../../src/phases/audit/offline.js";
import type { PhaseInput } from "../../../src/contracts/phase.js";
import { inputFromFile, inputFromYaml, ROOT } from "../../helpers/phase-input.js";

export const EXAMPLES = {
  seed: path.join(ROOT, "examples/seed-vm/inventory.yaml"),
  django: path.join(ROOT, "examples/django-postgres/inventory.yaml"),
  flask: path.join(ROOT, "examples/flask-rabbitmq/inventory.yaml"),
  apiOnly: path.join(ROOT, "examples/api-only/inventory.yaml"),
} as const;

export function withAudit(input: PhaseInput): PhaseInput {
  return { ...input, upstream: { audit: auditOffline(input) } };
}

export function designInput(example: keyof typeof EXAMPLES): PhaseInput {
  return withAudit(inputFromFile(EXAMPLES[example]));
}

export function designInputFromYaml(yaml: string): PhaseInput {
  return withAudit(inputFromYaml(yaml));
}
