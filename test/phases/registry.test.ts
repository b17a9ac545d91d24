// The registry is the only source of a phase's id, persona and dependencies.
import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  isPhaseId,
  loadPhase,
  PHASE_IDS,
  type PhaseId,
  phaseMeta,
  withDependencies,
} from "../../src/phases/registry.js";
import { ROOT } from "../helpers/phase-input.js";

describe("phase registry", () => {
  it("lists every phase folder once, each after the phases it depends on", () => {
    const folders = readdirSync(path.join(ROOT, "src/phases"), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    expect([...PHASE_IDS].sort()).toEqual(folders.sort());
    PHASE_IDS.forEach((id, index) => {
      for (const dep of phaseMeta(id).dependsOn) expect(PHASE_IDS.indexOf(dep)).toBeLessThan(index);
    });
  });

  it.each([
    [["cicd"], ["audit", "design", "cicd"]],
    [
      ["llmops", "audit"],
      ["audit", "design", "llmops"],
    ],
    [["audit"], ["audit"]],
  ])("%j with its dependencies is %j", (requested, expected) => {
    expect(withDependencies(requested as PhaseId[])).toEqual(expected);
  });

  it("loads a phase as its registry entry plus its implementation", async () => {
    for (const id of PHASE_IDS) {
      const phase = await loadPhase(id);
      expect([phase.id, phase.personaId, phase.dependsOn]).toEqual([
        id,
        phaseMeta(id).personaId,
        phaseMeta(id).dependsOn,
      ]);
      expect(typeof phase.offline).toBe("function");
    }
  });

  it("tells phase ids from other words", () => {
    expect(PHASE_IDS.every(isPhaseId)).toBe(true);
    expect(isPhaseId("deploy")).toBe(false);
  });
});
