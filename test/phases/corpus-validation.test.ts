// Every phase's offline answer for every real app of the corpus passes that phase's own validation
// (shellcheck, actionlint, Python, Mermaid, Dockerfile checks…): the gate `run` puts before
// writing anything. (The examples' runs are validated end to end by test/e2e; the design's
// validation of the corpus is test/phases/design/real-apps.test.ts's, so it is not run twice.) A finding here is what a user of that kind of app would
// meet as "generated files failed validation; nothing was written" — a bug of ours, not theirs.
// (A setup script with a variable only one branch of its template uses failed shellcheck for an
// app whose database takes the private IP but that has no cache: no example had that shape.)
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { PhaseInput } from "../../src/contracts/phase.js";
import { PHASE_IDS, loadPhase, type PhaseId } from "../../src/phases/registry.js";
import { useVerdicts, verdictCounts } from "../../src/validate/verdicts.js";
import { repoFor } from "../helpers/offline-output.js";
import { inputFromFile, inventoryDirs, ROOT } from "../helpers/phase-input.js";

/** Each phase's validation findings, by phase, for one inventory (phases that do not apply skipped). */
async function findingsFor(inventoryFile: string): Promise<Partial<Record<PhaseId, string[]>>> {
  const repoDir = repoFor(inventoryFile);
  const base: PhaseInput = { ...inputFromFile(inventoryFile), ...(repoDir ? { repoDir } : {}) };
  const results: Partial<Record<PhaseId, unknown>> = {};
  const findings: Partial<Record<PhaseId, string[]>> = {};
  for (const id of PHASE_IDS) {
    const phase = await loadPhase(id);
    if (phase.skipReason?.(base.inventory)) continue;
    const input = { ...base, upstream: Object.fromEntries(phase.dependsOn.map((d) => [d, results[d]])) };
    results[id] = phase.offline(input);
    if (id === "design") continue;
    const artifacts = await phase.render(results[id], input);
    findings[id] = (await phase.validate?.(artifacts, input, { source: "offline" })) ?? [];
  }
  return findings;
}

// As a user's `run` does (the pipeline turns verdicts on), a verdict is kept by what was validated
// (the validator, its tool's identity, the bytes) and reused for the same bytes: the apps share
// files byte for byte (scripts/deploy/canary.sh, ~275 lines, in every app; common workflow steps),
// and ShellCheck on them was ~20 % of this file's ~30 s of CPU. Each distinct file is still
// validated once, by the real tool. The verdict store is process-wide state: this file runs in a
// worker of its own (vitest.config.ts, ISOLATED).
useVerdicts(undefined);

describe.skipIf(!existsSync(path.join(ROOT, "test/fixtures/real")))(
  "every real app's generated files pass the validation run puts before writing",
  () => {
    const dirs = inventoryDirs().filter((d) => d.startsWith("test/fixtures/real/"));

    it.each(dirs)("%s", async (dir) => {
      const findings = await findingsFor(path.join(ROOT, dir, "inventory.yaml"));
      // The audit applies to every inventory (its offline answer needs no validation: an empty list).
      expect(Object.keys(findings)).toContain("audit");
      expect(findings).toEqual(Object.fromEntries(Object.keys(findings).map((id) => [id, []])));
    });

    it("validated every distinct file once and reused the verdict for the same bytes in another app", () => {
      const { checked, reused } = verdictCounts();
      expect(checked).toBeGreaterThan(0);
      if (dirs.length > 1) expect(reused).toBeGreaterThan(0);
    });
  },
);
