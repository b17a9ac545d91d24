// Unknown keys are allowed (forward compatibility) but usually a typo: warn with a suggestion.
// The known keys come from the zod schema itself, so they cannot drift from it.
import { distance as levenshtein } from "fastest-levenshtein";
import type { z } from "zod";
import type { KeyPath } from "./positions.js";

export interface UnknownKey {
  path: PropertyKey[];
  key: string;
  suggestion?: string;
}

interface Def {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Strip wrappers (default, optional, pipe …) down to the object or array underneath. */
function unwrap(schema: z.ZodType): Def {
  let def = defOf(schema);
  for (let i = 0; i < 20; i++) {
    const inner = def.innerType ?? (def.type === "pipe" ? def.in : undefined);
    if (!inner) break;
    def = defOf(inner);
  }
  return def;
}

/** Walk raw input data beside the schema; report keys the schema does not name. */
export function findUnknownKeys(schema: z.ZodType, data: unknown, path: KeyPath = []): UnknownKey[] {
  const def = unwrap(schema);
  const found: UnknownKey[] = [];
  if (def.type === "object" && def.shape && isRecord(data)) {
    const known = Object.keys(def.shape);
    for (const [key, value] of Object.entries(data)) {
      // Own keys only: `__proto__`, `constructor` or `toString` in a file are unknown keys, not the
      // shape's inherited members (which crashed the walk with an internal error).
      const child = Object.hasOwn(def.shape, key) ? def.shape[key] : undefined;
      if (child) found.push(...findUnknownKeys(child, value, [...path, key]));
      else found.push({ path: [...path, key], key, suggestion: closest(key, known) });
    }
  } else if (def.type === "array" && def.element && Array.isArray(data)) {
    data.forEach((item, i) => found.push(...findUnknownKeys(def.element!, item, [...path, i])));
  }
  return found;
}

const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);

const normalise = (s: string) => s.toLowerCase().replace(/[_\-\s]/g, "");

/** The closest candidate when it is plausibly a typo: same letters ignoring case and `_`/`-`, or a small edit. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const distance = normalise(word) === normalise(name) ? 0 : editDistance(word.toLowerCase(), name.toLowerCase());
    if (!best || distance < best.distance) best = { name, distance };
  }
  if (!best) return undefined;
  const allowed = Math.max(1, Math.min(3, Math.floor(best.name.length / 3)));
  return best.distance <= allowed ? best.name : undefined;
}

/**
 * Levenshtein distance (fastest-levenshtein), except that one swap of adjacent letters, the most
 * common typo (`srevices`), counts as one edit instead of two.
 */
export function editDistance(a: string, b: string): number {
  if (a.length === b.length && a.length > 1) {
    const diffs = [...a].flatMap((ch, i) => (ch === b[i] ? [] : [i]));
    if (
      diffs.length === 2 &&
      diffs[1] === diffs[0]! + 1 &&
      a[diffs[0]!] === b[diffs[1]!] &&
      a[diffs[1]!] === b[diffs[0]!]
    )
      return 1;
  }
  return levenshtein(a, b);
}
