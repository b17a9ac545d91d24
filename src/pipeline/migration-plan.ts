// The Plan (in the writer's sense) for docs/migration/README.md: every phase's steps in registry
// order, and every file the phases generated, assembled by src/plan/assemble.ts.
import type { PlanStep } from "../contracts/plan.js";
import type { Inventory } from "../inventory/schema.js";
import { assemblePlan } from "../plan/assemble.js";
import { PHASE_IDS, type PhaseId } from "../phases/registry.js";
import type { Plan } from "../write/plan.js";
import type { PhaseRun } from "./run-phase.js";

/** The writer and `check` file it under this name, like a phase. */
export const PLAN_PHASE = "plan";

export function migrationPlan(inventory: Inventory, runs: PhaseRun[], steps: ReadonlyMap<PhaseId, PlanStep[]>): Plan {
  const files = runs.flatMap((run) => run.plan.artifacts.map((a) => ({ path: a.path, phase: run.phase })));
  const artifact = assemblePlan(
    inventory,
    PHASE_IDS.flatMap((id) => steps.get(id) ?? []),
    files,
  );
  const last = runs[runs.length - 1]!.plan.provenance;
  return {
    phase: PLAN_PHASE,
    provenance: { ...last, phase: PLAN_PHASE, persona: "none", provider: "rules", model: "assembled" },
    artifacts: [artifact],
  };
}
