// Every phase's offline answer for one inventory, rendered and written to a directory the way
// `infra-migrate run --provider offline` lays it out, without the validators (other tests run
// those; skipping them keeps this ~0.5 s an inventory instead of ~8 s). For tests that exercise the
// generated files themselves (run the scripts, parse the commands).
import { chmod, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { PHASE_IDS, loadPhase, type PhaseId } from "../../src/phases/registry.js";
import type { Artifact } from "../../src/write/plan.js";
import { inputFromFile } from "./phase-input.js";

export async function renderOffline(inventoryFile: string): Promise<Artifact[]> {
  const base = inputFromFile(inventoryFile);
  const results: Partial<Record<PhaseId, unknown>> = {};
  const artifacts: Artifact[] = [];
  for (const id of PHASE_IDS) {
    const phase = await loadPhase(id);
    const upstream = Object.fromEntries(phase.dependsOn.map((d) => [d, results[d]]));
    const input = { ...base, upstream };
    results[id] = phase.offline(input);
    artifacts.push(...(await phase.render(results[id], input)));
  }
  return artifacts;
}

export async function writeOffline(inventoryFile: string, outDir: string): Promise<Artifact[]> {
  const artifacts = await renderOffline(inventoryFile);
  for (const a of artifacts) {
    const file = path.join(outDir, a.path);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, a.content);
    if (a.executable) await chmod(file, 0o755);
  }
  return artifacts;
}
