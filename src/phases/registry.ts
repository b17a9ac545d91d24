// Phases are imported lazily: `infra-migrate audit` never loads the llmops templates.
import type { PhaseDefinition, PhaseId } from "./types.js";
import { PHASE_IDS } from "./types.js";

const loaders: Record<PhaseId, () => Promise<PhaseDefinition<unknown>>> = {
  audit: async () => (await import("./audit/index.js")).auditPhase as PhaseDefinition<unknown>,
  design: async () => (await import("./design/index.js")).designPhase as PhaseDefinition<unknown>,
  cicd: async () => (await import("./cicd/index.js")).cicdPhase as PhaseDefinition<unknown>,
  llmops: async () => (await import("./llmops/index.js")).llmopsPhase as PhaseDefinition<unknown>,
};

/** Static DAG (kept here so ordering never needs the phase modules loaded). */
export const PHASE_DEPENDENCIES: Record<PhaseId, PhaseId[]> = {
  audit: [],
  design: ["audit"],
  cicd: ["design"],
  llmops: ["design"],
};

export const PHASE_PERSONAS: Record<PhaseId, string> = {
  audit: "cloud-architect",
  design: "serverless-sre",
  cicd: "devops-security-engineer",
  llmops: "ai-ml-architect",
};

export function loadPhase(id: PhaseId): Promise<PhaseDefinition<unknown>> {
  return loaders[id]();
}

/** The requested phases plus everything they depend on, in a valid order. */
export function withDependencies(requested: PhaseId[]): PhaseId[] {
  const needed = new Set<PhaseId>();
  const visit = (id: PhaseId): void => {
    if (needed.has(id)) return;
    PHASE_DEPENDENCIES[id].forEach(visit);
    needed.add(id);
  };
  requested.forEach(visit);
  return PHASE_IDS.filter((id) => needed.has(id));
}

export function isPhaseId(value: string): value is PhaseId {
  return (PHASE_IDS as readonly string[]).includes(value);
}
