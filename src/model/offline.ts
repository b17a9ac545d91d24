// The offline provider: each phase's deterministic expert rules behind the same interface.
import { InternalError } from "../errors.js";
import { fitProse } from "./fit-prose.js";
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
        throw new InternalError(`offline rules for phase ${request.phase} produced an invalid result`, first, {
          code: "internal.generator",
        });
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
