// The offline provider: each phase's deterministic expert rules behind the same interface.
import { ProviderError } from "../errors.js";
import type { z } from "zod";
import { ZERO_USAGE, type GenerateJsonRequest, type GenerateJsonResult, type ModelClient } from "./types.js";

export const OFFLINE_MODEL = "offline-rules";

export function createOfflineClient(): ModelClient {
  return {
    provider: "offline",
    model: OFFLINE_MODEL,
    async generateJson<T>(request: GenerateJsonRequest<T>): Promise<GenerateJsonResult<T>> {
      const parsed = fitProse(request.schema, request.offline());
      if (!parsed.success) {
        // Our own rules broke our own schema: a bug, reported as such rather than written out.
        const first = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join(".")}: ${i.message}`);
        throw new ProviderError(
          `offline rules for phase ${request.phase} produced an invalid result: ${first.join("; ")}`,
          "This is a bug in infra-migrate; please report it with your inventory.",
        );
      }
      return {
        value: parsed.data,
        provider: "offline",
        model: OFFLINE_MODEL,
        cached: false,
        usage: ZERO_USAGE,
        calls: 0,
      };
    },
  };
}

/**
 * The rules write prose from inventory facts, and a large inventory (hundreds of services) can
 * make a sentence longer than the schema allows. Clip such strings to the schema's own maximum
 * (read from zod's issues) instead of failing; anything else that breaks the schema is a bug.
 */
export function fitProse<T>(schema: z.ZodType<T>, value: unknown): z.ZodSafeParseResult<T> {
  let parsed = schema.safeParse(value);
  for (let round = 0; round < 3 && !parsed.success; round++) {
    const clippable = parsed.error.issues.filter(
      (i) => i.code === "too_big" && i.origin === "string" && typeof i.maximum === "number",
    );
    if (clippable.length === 0 || clippable.length !== parsed.error.issues.length) break;
    for (const issue of clippable) {
      const parent = issue.path.slice(0, -1).reduce<any>((node, key) => node?.[key as keyof typeof node], value);
      const key = issue.path[issue.path.length - 1] as string | number;
      const text = parent?.[key];
      const max = Number((issue as { maximum: number | bigint }).maximum);
      if (typeof text === "string") parent[key] = `${text.slice(0, max - 1)}…`;
    }
    parsed = schema.safeParse(value);
  }
  return parsed;
}
