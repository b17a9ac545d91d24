// Validation verdicts remembered by what was validated: a verdict (the findings, usually none) is
// reused when the same validator, on the same machine's tool and under the same tool
// fingerprint, sees the same bytes again. Rendering the same file twice is common (a rerun, a
// `check`, a phase whose inputs changed in a way that leaves most files alone); validating it
// again is the expensive part. Off unless a run turns it on (the pipeline loads and saves the
// entries in the target repo's .infra-migrate/local/), so validators called directly, as in
// their tests, always run.
import { createHash } from "node:crypto";
import { toolFingerprint } from "../tool-fingerprint.js";
import type { ToolRecords } from "./tool-records.js";

export type { ToolRecords } from "./tool-records.js";

export interface VerdictFile {
  version: 1;
  tools: ToolRecords;
  verdicts: Record<string, unknown>;
}

interface Store {
  verdicts: Map<string, unknown>;
  used: Set<string>;
  tools: ToolRecords;
}

let store: Store | undefined;
const counts = { reused: 0, checked: 0 };

/** Verdicts reused and validations run (and kept) since this process turned verdicts on. */
export function verdictCounts(): { reused: number; checked: number } {
  return { ...counts };
}

/** Turn verdict reuse on for this process, starting from what an earlier run kept (or nothing). */
export function useVerdicts(kept: VerdictFile | undefined): ToolRecords {
  store ??= { verdicts: new Map(), used: new Set(), tools: {} };
  for (const [key, value] of Object.entries(kept?.verdicts ?? {}))
    if (!store.verdicts.has(key)) store.verdicts.set(key, value);
  store.tools = { ...kept?.tools, ...store.tools };
  return store.tools;
}

export function verdictsEnabled(): boolean {
  return store !== undefined;
}

/** The kept tool records of this run (empty when verdicts are off). */
export function toolRecords(): ToolRecords {
  return store?.tools ?? {};
}

/** The validator's name, its tool identity, and the input in full (paths included: they appear in findings). */
export function verdictKey(validator: string, identity: string, input: unknown): string {
  return createHash("sha256")
    .update(JSON.stringify([toolFingerprint(), validator, identity, input]))
    .digest("hex");
}

/** The kept verdict for `key`, or what `run` says (kept for next time). JSON values only. */
export async function verdict<T>(key: string | undefined, run: () => Promise<T>): Promise<T> {
  if (!store || key === undefined) return run();
  if (store.verdicts.has(key)) {
    store.used.add(key);
    counts.reused++;
    return structuredClone(store.verdicts.get(key)) as T;
  }
  counts.checked++;
  const value = await run();
  store.verdicts.set(key, structuredClone(value));
  store.used.add(key);
  return value;
}

/** Look a verdict up without running anything. */
export function keptVerdict<T>(key: string): T | undefined {
  if (!store?.verdicts.has(key)) return undefined;
  store.used.add(key);
  counts.reused++;
  return structuredClone(store.verdicts.get(key)) as T;
}

export function keepVerdict(key: string, value: unknown): void {
  if (!store) return;
  counts.checked++;
  store.verdicts.set(key, structuredClone(value));
  store.used.add(key);
}

/** What to save: this run's verdicts first, then older ones, at most `limit`. */
export function verdictFile(limit = 2000): VerdictFile {
  const verdicts: Record<string, unknown> = {};
  if (store) {
    const keys = [...store.used, ...[...store.verdicts.keys()].filter((k) => !store!.used.has(k))];
    for (const key of keys.slice(0, limit)) verdicts[key] = store.verdicts.get(key);
  }
  return { version: 1, tools: store?.tools ?? {}, verdicts };
}
