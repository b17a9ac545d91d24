// Every phase's offline answer for one inventory, rendered and written to a directory the way
// `infra-migrate run --provider offline` lays it out, with the migration plan assembled from
// every phase's steps, without the validators (other tests run those; skipping them keeps this
// ~0.5 s an inventory instead of ~8 s). For tests that exercise the generated files themselves.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { parse } from "yaml";
import path from "node:path";
import type { PlanStep } from "../../src/contracts/plan.js";
import { assemblePlan } from "../../src/plan/assemble.js";
import { PHASE_IDS, loadPhase, type PhaseId } from "../../src/phases/registry.js";
import type { Artifact } from "../../src/write/plan.js";
import { inputFromFile, ROOT } from "./phase-input.js";

export interface OfflineOutput {
  artifacts: Artifact[];
  steps: PlanStep[];
  results: Partial<Record<PhaseId, unknown>>;
}

/**
 * The app's repository for an inventory: a real-app corpus entry's own folder (truth.yaml `from`),
 * else none (the phases then plan from the inventory alone).
 */
export function repoFor(inventoryFile: string): string | undefined {
  const truth = path.join(path.dirname(inventoryFile), "truth.yaml");
  if (!existsSync(truth)) return undefined;
  const from = (parse(readFileSync(truth, "utf8")) as { from?: string }).from;
  return from ? path.join(path.dirname(inventoryFile), from) : undefined;
}

/**
 * Renders of the repository's own inventories (examples, the corpus) with its own or no repository,
 * kept for the worker's life: ~20 test files render the same ~20 inventories, some of them 7 times
 * (~50 s of a run's CPU). The shared project's workers keep modules across files, so the cache is
 * shared by every file a worker runs. Each caller gets its own deep copy: a test may change what it
 * got. Temporary inventories and repositories (which tests write and rewrite) are never cached.
 */
const rendered = new Map<string, Promise<OfflineOutput>>();
const fixed = (file: string | undefined) =>
  file === undefined || file === "/nonexistent" || file.startsWith(`${ROOT}/`);

export async function renderOffline(inventoryFile: string, repoDir = repoFor(inventoryFile)): Promise<OfflineOutput> {
  if (!fixed(inventoryFile) || !fixed(repoDir)) return renderFresh(inventoryFile, repoDir);
  const key = `${inventoryFile}\0${repoDir ?? ""}`;
  let output = rendered.get(key);
  if (!output) {
    output = renderFresh(inventoryFile, repoDir);
    rendered.set(key, output);
    output.catch(() => rendered.delete(key));
  }
  return structuredClone(await output);
}

async function renderFresh(inventoryFile: string, repoDir: string | undefined): Promise<OfflineOutput> {
  const base = { ...inputFromFile(inventoryFile), ...(repoDir ? { repoDir } : {}) };
  const results: Partial<Record<PhaseId, unknown>> = {};
  const artifacts: Artifact[] = [];
  const files: { path: string; phase: string }[] = [];
  const steps: PlanStep[] = [];
  for (const id of PHASE_IDS) {
    const phase = await loadPhase(id);
    // As `run` does: a phase that does not apply (llmops without `llm`) writes nothing.
    if (phase.skipReason?.(base.inventory)) continue;
    const upstream = Object.fromEntries(phase.dependsOn.map((d) => [d, results[d]]));
    const input = { ...base, upstream };
    results[id] = phase.offline(input);
    const rendered = await phase.render(results[id], input);
    artifacts.push(...rendered);
    files.push(...rendered.map((a) => ({ path: a.path, phase: id })));
    steps.push(...(phase.planSteps?.(results[id], input) ?? []));
  }
  artifacts.push(assemblePlan(base.inventory, steps, files));
  return { artifacts, steps, results };
}

export async function writeOffline(
  inventoryFile: string,
  outDir: string,
  repoDir = repoFor(inventoryFile),
): Promise<Artifact[]> {
  const { artifacts } = await renderOffline(inventoryFile, repoDir);
  // Synchronously: ~45 files an inventory, each an mkdir, a write and maybe a chmod, which through
  // fs/promises (libuv's thread pool) cost ~0.15 ms of CPU each on the VMs here against ~0.03 ms.
  const made = new Set<string>();
  for (const a of artifacts) {
    const file = path.join(outDir, a.path);
    const dir = path.dirname(file);
    if (!made.has(dir)) mkdirSync(dir, { recursive: true });
    made.add(dir);
    writeFileSync(file, a.content);
    if (a.executable) chmodSync(file, 0o755);
  }
  return artifacts;
}
