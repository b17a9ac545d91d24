// Every model answer is kept under .infra-migrate/cache/, keyed by what produced it, so a rerun
// on unchanged input makes no model call and `replay` can regenerate reports in CI without a key.
import { mkdir, readFile, readdir, rename, writeFile } from "node:fs/promises";
import { createHash } from "node:crypto";
import path from "node:path";
import { z } from "zod";
import { ProviderError } from "../errors.js";
import type { GenerateJsonRequest, GenerateJsonResult, ModelClient, TokenUsage } from "./types.js";
import { ZERO_USAGE } from "./types.js";

export const CACHE_DIR = ".infra-migrate/cache";

interface CacheEntry {
  key: string;
  /** Same hash without the model: lets replay find an answer whichever model gave it. */
  promptKey: string;
  phase: string;
  persona: string;
  provider: string;
  model: string;
  usage: TokenUsage;
  value: unknown;
}

function hash(parts: unknown[]): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex");
}

export function cacheKeys(model: string, request: GenerateJsonRequest<unknown>): { key: string; promptKey: string } {
  const persona = `${request.persona.id}@${request.persona.version}`;
  const schema = z.toJSONSchema(request.schema, { io: "input", unrepresentable: "any" });
  return { key: hash([model, persona, request.prompt, schema]), promptKey: hash([persona, request.prompt, schema]) };
}

function entryFile(dir: string, phase: string, key: string): string {
  return path.join(dir, `${phase}-${key.slice(0, 24)}.json`);
}

async function readEntry(file: string): Promise<(CacheEntry & { file: string }) | undefined> {
  try {
    return { ...(JSON.parse(await readFile(file, "utf8")) as CacheEntry), file };
  } catch {
    return undefined;
  }
}

async function findByPromptKey(
  dir: string,
  phase: string,
  promptKey: string,
): Promise<(CacheEntry & { file: string }) | undefined> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.startsWith(`${phase}-`) && n.endsWith(".json")).sort();
  } catch {
    return undefined;
  }
  for (const name of names) {
    const entry = await readEntry(path.join(dir, name));
    if (entry?.promptKey === promptKey) return entry;
  }
  return undefined;
}

export interface CachingOptions {
  /** Absolute cache directory (…/.infra-migrate/cache). */
  dir: string;
  /** Replay mode: answer only from the cache (any model), never call `inner`. */
  replay?: boolean;
}

/** Wraps a client with the response cache; in replay mode a miss is a ProviderError (exit 3). */
export function withCache(inner: ModelClient, options: CachingOptions): ModelClient {
  return {
    provider: options.replay ? "replay" : inner.provider,
    model: inner.model,
    async generateJson<T>(request: GenerateJsonRequest<T>): Promise<GenerateJsonResult<T>> {
      const { key, promptKey } = cacheKeys(inner.model, request as GenerateJsonRequest<unknown>);
      const exact = entryFile(options.dir, request.phase, key);
      const hit =
        (await readEntry(exact)) ??
        (options.replay ? await findByPromptKey(options.dir, request.phase, promptKey) : undefined);
      if (hit) {
        const parsed = request.schema.safeParse(hit.value);
        if (parsed.success) {
          // Provenance names who really answered (e.g. gemini), so a replayed file is byte-identical
          // to the one first generated and `check` sees no drift.
          const provider = hit.provider === "gemini" ? "gemini" : inner.provider;
          return {
            value: parsed.data,
            provider,
            model: hit.model,
            cached: true,
            usage: ZERO_USAGE,
            calls: 0,
            cacheFile: hit.file,
          };
        }
      }
      if (options.replay) {
        throw new ProviderError(
          `replay: no cached model answer for phase ${request.phase} (its inputs changed or it never ran with a model)`,
          "Run the phase once with --provider gemini and commit .infra-migrate/cache/, or use --provider offline.",
          { code: "replay.miss" },
        );
      }
      const result = await inner.generateJson(request);
      await request.accept?.(result.value);
      const entry: CacheEntry = {
        key,
        promptKey,
        phase: request.phase,
        persona: `${request.persona.id}@${request.persona.version}`,
        provider: result.provider,
        model: result.model,
        usage: result.usage,
        value: result.value,
      };
      await mkdir(options.dir, { recursive: true });
      const file = entryFile(options.dir, request.phase, key);
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, JSON.stringify(entry, null, 2) + "\n");
      await rename(tmp, file);
      return { ...result, cacheFile: file };
    },
  };
}
