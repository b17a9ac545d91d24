// The pipeline's modules from src/, in the shape mutation-run.mjs takes (the bench passes dist/'s).
import { loadInventory } from "../../src/inventory/load.js";
import { createOfflineClient } from "../../src/model/offline.js";
import { loadPersona } from "../../src/personas/persona.js";
import { loadPhase, PHASE_IDS, phaseMeta } from "../../src/phases/registry.js";
import { migrationPlan } from "../../src/pipeline/migration-plan.js";
import { runPhase } from "../../src/pipeline/run-phase.js";
import { runPipeline } from "../../src/pipeline/run-pipeline.js";
import type { Engine } from "./mutation-run.mjs";

export const SRC_ENGINE: Engine = {
  runPipeline,
  loadInventory,
  loadPhase,
  phaseMeta,
  PHASE_IDS,
  loadPersona,
  runPhase,
  createOfflineClient,
  migrationPlan,
};
