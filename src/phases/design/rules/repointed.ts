// The settings whose VM value the move re-points (deployment.repointed), gathered from each
// target's env plan (app-env.ts: an object store's endpoint and keys, the VM address of a store or
// of another app process): only those a target still mounts as a secret or reads as a plain setting
// once every rule has run, and never one setup-database.sh stores (it writes that value itself).
// scripts/setup-secrets.sh reads none of them from the VM.
import type { RepointedSetting } from "../../../contracts/deployment.js";
import type { Draft } from "./draft.js";

/** The contract's newValue is at most 400 characters. */
const clip = (text: string) => (text.length <= 400 ? text : `${text.slice(0, 399)}…`);

export function repointedSettings(d: Draft): RepointedSetting[] {
  const plans = d.notes.env ?? {};
  const stored = new Set(Object.values(plans).flatMap((p) => p.stored ?? []));
  const out = new Map<string, string>();
  for (const t of d.services) {
    const read = new Set([...t.secrets, ...(t.plainEnv ?? [])]);
    for (const [name, newValue] of Object.entries(plans[t.name]?.newValues ?? {}))
      if (read.has(name) && !stored.has(name) && !out.has(name)) out.set(name, clip(newValue));
  }
  return [...out].sort(([a], [b]) => a.localeCompare(b)).map(([name, newValue]) => ({ name, newValue }));
}
