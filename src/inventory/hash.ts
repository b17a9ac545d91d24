// A short, stable fingerprint of an inventory: the cache key and the provenance header use it, so
// it must not depend on key order or formatting in the source file.
import { createHash } from "node:crypto";

/** JSON with object keys sorted at every depth; `undefined` members are dropped like JSON does. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object" && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

/** First 12 hex characters of the sha256 of the canonical JSON. */
export function contentHash(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex").slice(0, 12);
}
