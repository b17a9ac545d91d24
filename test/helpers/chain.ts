// Runs the real offline chain audit → design for an inventory, so downstream phase tests (cicd,
// llmops) consume the deployment the design actually plans, not a hand-built one.
import path from "node:path";
import { auditOffline } from "../../src/phases/audit/offline.js";
import { designPhase } from "../../src/phases/design/index.js";
import type { DesignResult } from "../../src/phases/design/schema.js";
import type { PhaseInput, PhaseOptions } from "../../src/contracts/phase.js";
import { inputFromFile, inputFromYaml, ROOT } from "./phase-input.js";

export const EXAMPLE = (name: string): string => path.join(ROOT, "examples", name, "inventory.yaml");

export interface Chained {
  input: PhaseInput;
  design: DesignResult;
}

export function chain(base: PhaseInput): Chained {
  const audit = auditOffline(base);
  const design = designPhase.offline({ ...base, upstream: { audit } });
  return { input: { ...base, upstream: { audit, design } }, design };
}

export const chainFile = (file: string, options: PhaseOptions = {}): Chained => chain(inputFromFile(file, options));
export const chainYaml = (yaml: string, options: PhaseOptions = {}): Chained => chain(inputFromYaml(yaml, options));
