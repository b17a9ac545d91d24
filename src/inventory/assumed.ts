// Values nobody gave: the schema fills in a default (`backups: none`, `rollback: none`, growth 10)
// so every phase can run, but a default is not a fact about the user's system. The loader marks
// each one `{ from: assumed }` in the inventory's provenance, so reports show it as assumed and a
// risk resting on it says so, instead of citing it as evidence.
import type { Inventory } from "./schema.js";

/** Inventory paths the schema defaults and the phases reason about. */
const DEFAULTED = ["deploy.method", "deploy.rollback", "deploy.downtime", "traffic.growth", "team.kubernetes"] as const;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function given(raw: unknown, path: string): boolean {
  let node = raw;
  for (const key of path.split(".")) {
    if (!isRecord(node) || !(key in node)) return false;
    node = node[key];
  }
  return node !== undefined && node !== null;
}

/** Adds `{ from: assumed }` for each defaulted value the raw document did not give (an explicit entry wins). */
export function markAssumed(raw: unknown, inventory: Inventory): Inventory {
  const marks: Record<string, { from: "assumed" }> = {};
  for (const path of DEFAULTED) if (!given(raw, path)) marks[path] = { from: "assumed" };
  const rawData = isRecord(raw) && Array.isArray(raw.data) ? raw.data : [];
  inventory.data.forEach((store, i) => {
    if (!(isRecord(rawData[i]) && rawData[i].backups !== undefined))
      marks[`data[${store.service}].backups`] = { from: "assumed" };
  });
  const fresh = Object.entries(marks).filter(([path]) => !inventory.provenance?.[path]);
  if (fresh.length === 0) return inventory;
  return { ...inventory, provenance: { ...Object.fromEntries(fresh), ...inventory.provenance } };
}

/** True when the inventory's value at `path` is a default nobody gave, or is missing. */
export function isAssumed(inventory: Inventory, path: string): boolean {
  return inventory.provenance?.[path]?.from === "assumed";
}
