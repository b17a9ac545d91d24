// Prose longer than the schema allows is clipped, for the offline rules and the model alike: a
// summary three characters over its limit is not worth a repair turn (the sent schema states
// lengths only in descriptions, so a model overshoots now and then).
import type { z } from "zod";
import { PARSE_ONCE } from "../contracts/parse-once.js";

/**
 * Parses `value`, clipping strings that break only a maximum length (zod's `too_big` on a string)
 * to that maximum, ending in "…". With `proseOnly` (model answers) only text with a space is
 * clipped: an identifier a model made too long is an error for the repair turn, not something to
 * cut. The offline rules clip any string (they build long ones from inventory facts).
 */
export function fitProse<T>(
  schema: z.ZodType<T>,
  value: unknown,
  { proseOnly = false }: { proseOnly?: boolean } = {},
): z.ZodSafeParseResult<T> {
  let parsed = schema.safeParse(value, PARSE_ONCE);
  for (let round = 0; round < 3 && !parsed.success; round++) {
    let clipped = 0;
    for (const issue of parsed.error.issues) {
      if (issue.code !== "too_big" || issue.origin !== "string" || typeof issue.maximum !== "number") continue;
      type Node = Record<PropertyKey, unknown> | undefined;
      const parent = issue.path.slice(0, -1).reduce<Node>((node, key) => node?.[key] as Node, value as Node);
      const key = issue.path[issue.path.length - 1] as string | number;
      const text = parent?.[key];
      if (!parent || typeof text !== "string" || (proseOnly && !/\s/.test(text.trim()))) continue;
      const max = Number((issue as { maximum: number | bigint }).maximum);
      parent[key] = `${text.slice(0, max - 1)}…`;
      clipped++;
    }
    if (clipped === 0) break;
    parsed = schema.safeParse(value, PARSE_ONCE);
  }
  return parsed;
}
