// Unknown keys are allowed (forward compatibility) but usually a typo: warn with a suggestion.
// The known keys come from the zod schema itself, so they cannot drift from it.
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
      const child = def.shape[key];
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

/** Levenshtein distance with adjacent transpositions counted as one edit. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}
