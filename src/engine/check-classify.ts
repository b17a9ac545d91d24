// Pure part of `check`: given what the writer WOULD do with freshly regenerated plans, say per
// file whether the repo is current, drifted, or holds hand edits that a regeneration would lose.
import { ExitCode } from "../errors.js";
import type { ProviderChoice } from "../model/types.js";
import type { PhaseId } from "../phases/registry.js";
import type { Manifest } from "../write/manifest.js";
import type { FileChange } from "../write/writer.js";
import { unifiedDiff } from "./line-diff.js";

/**
 * current   regenerated content equals the file on disk
 * drift     disk still matches the manifest, but the generator now produces something else
 * missing   the generator produces it, but it is not on disk
 * orphaned  the manifest lists it for a checked phase, but the generator no longer produces it
 * edited    the disk copy differs from what infra-migrate wrote (hash ≠ manifest): regenerating would lose it
 * kept      a create-only file (e.g. the user's Dockerfile) that infra-migrate never overwrites
 */
export type CheckState = "current" | "drift" | "missing" | "orphaned" | "edited" | "kept";
export type CheckStatus = "current" | "drift" | "edited";

export interface CheckFile {
  path: string;
  phase: string;
  state: CheckState;
  reason?: string;
  /** Unified diff from the disk copy to the regenerated content (drift and edited only). */
  diff?: string;
}

const DRIFT_STATES: ReadonlySet<CheckState> = new Set(["drift", "missing", "orphaned"]);

export function classifyChanges(
  changes: FileChange[],
  manifest: Manifest,
  phases: readonly string[],
  maxDiffLines = 40,
): CheckFile[] {
  const files: CheckFile[] = changes.map((change) => {
    const base = { path: change.path, phase: change.phase };
    const diff = (before: string) =>
      unifiedDiff(change.current ?? "", change.content, {
        path: change.path,
        maxLines: maxDiffLines,
        labels: { before, after: "generated" },
      });
    switch (change.action) {
      case "unchanged":
        return { ...base, state: "current" };
      case "kept":
        return { ...base, state: "kept", reason: change.reason };
      case "create":
        return {
          ...base,
          state: "missing",
          reason: manifest.files[change.path] ? "deleted from disk" : "produced now but never written",
        };
      case "update":
        return { ...base, state: "drift", diff: diff("on disk") };
      case "conflict":
        return { ...base, state: "edited", reason: change.reason, diff: diff("yours") };
    }
  });
  const produced = new Set(changes.map((c) => c.path));
  const checked = new Set(phases);
  for (const [file, entry] of Object.entries(manifest.files)) {
    if (checked.has(entry.phase) && !produced.has(file)) {
      files.push({
        path: file,
        phase: entry.phase,
        state: "orphaned",
        reason: "in the manifest but no longer generated",
      });
    }
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Hand edits outrank drift: exit 4 tells CI that regenerating would destroy someone's work. */
export function overallStatus(files: CheckFile[]): { status: CheckStatus; exitCode: number } {
  if (files.some((f) => f.state === "edited")) return { status: "edited", exitCode: ExitCode.refusedOverwrite };
  if (files.some((f) => DRIFT_STATES.has(f.state))) return { status: "drift", exitCode: ExitCode.drift };
  return { status: "current", exitCode: ExitCode.ok };
}

/** Phases that have files in the manifest, in pipeline order. */
export function manifestPhases(manifest: Manifest, order: readonly PhaseId[]): PhaseId[] {
  const present = new Set(Object.values(manifest.files).map((entry) => entry.phase));
  return order.filter((phase) => present.has(phase));
}

/**
 * Default provider per phase: replay (answers from .infra-migrate/cache) where a model produced
 * the files, the offline rules where they did. A phase without manifest entries follows the rest
 * of the repo: replay if any file came from a model, else offline.
 */
export function defaultProviders(manifest: Manifest, order: readonly PhaseId[]): Record<PhaseId, ProviderChoice> {
  const byPhase = new Map<string, Set<string>>();
  // Only phases count: init's files and rendered diagrams (pseudo-phase "render") came from no model.
  const phases = new Set<string>(order);
  for (const entry of Object.values(manifest.files).filter((e) => phases.has(e.phase))) {
    const set = byPhase.get(entry.phase) ?? new Set<string>();
    set.add(entry.provider);
    byPhase.set(entry.phase, set);
  }
  const usedModel = (providers: Set<string> | undefined) => [...(providers ?? [])].some((p) => p !== "offline");
  const fallback: ProviderChoice = [...byPhase.values()].some(usedModel) ? "replay" : "offline";
  const result = {} as Record<PhaseId, ProviderChoice>;
  for (const phase of order) {
    const providers = byPhase.get(phase);
    result[phase] = providers === undefined ? fallback : usedModel(providers) ? "replay" : "offline";
  }
  return result;
}
