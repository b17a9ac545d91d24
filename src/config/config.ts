// infra-migrate.config.yaml: project defaults so a team (and its CI job) need no long flags.
// Precedence everywhere: flag > environment (INFRA_MIGRATE_*) > config file > built-in default.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { LineCounter, parseDocument } from "yaml";
import { SourceMap, formatPath } from "../inventory/positions.js";
import { z } from "zod";
import { InputError } from "../errors.js";

import { CONFIG_FILE } from "./defaults.js";
import { MAX_OUTPUT_TOKENS_CEILING, THINKING_LEVELS } from "../model/generation.js";
import { PROVIDER_CHOICES } from "../model/provider-choices.js";

export { CONFIG_FILE, DEFAULT_INVENTORY } from "./defaults.js";

/** Gemini settings any phase takes: how much it thinks and how long its answer may be. */
const generation = {
  thinking: z.enum(THINKING_LEVELS).optional(),
  maxOutputTokens: z.number().int().min(1024).max(MAX_OUTPUT_TOKENS_CEILING).optional(),
};

export const configSchema = z.strictObject({
  apiVersion: z.literal("infra-migrate/v1"),
  kind: z.literal("Config"),
  inventory: z.string().min(1).optional(),
  out: z.string().min(1).optional(),
  provider: z.enum(PROVIDER_CHOICES).optional(),
  model: z
    .string()
    .regex(/^[A-Za-z0-9._\/-]{1,100}$/)
    .optional(),
  timeoutSeconds: z.number().int().min(1).max(3600).optional(),
  phases: z
    .strictObject({
      audit: z.strictObject({ top: z.number().int().min(1).max(50).optional(), ...generation }).optional(),
      // celery: push rewrites Celery to Cloud Tasks; keep (the default) runs it on Memorystore.
      design: z.strictObject({ celery: z.enum(["keep", "push"]).optional(), ...generation }).optional(),
      cicd: z.strictObject(generation).optional(),
      llmops: z.strictObject({ workerDir: z.string().min(1).optional(), ...generation }).optional(),
    })
    .optional(),
});
export type Config = z.infer<typeof configSchema>;

export interface LoadedConfig {
  config: Partial<Config>;
  /** Absolute path of the file, when there was one. */
  file?: string;
}

/** Reads ./infra-migrate.config.yaml (or the given file). A missing default file is fine. */
export async function loadConfig(cwd: string, explicit?: string): Promise<LoadedConfig> {
  const file = path.resolve(cwd, explicit ?? CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    if (explicit) throw new InputError(`No config file at ${file}`, [], "Create one with `infra-migrate init`.");
    return { config: {} };
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, lineCounter: lines, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const at = lines.linePos(e.pos[0]);
    throw new InputError("Invalid config file", [
      { file, line: at.line, column: at.col, message: e.message.split("\n")[0]! },
    ]);
  }
  const parsed = configSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    const map = new SourceMap(doc, lines);
    throw new InputError(
      "Invalid config file",
      parsed.error.issues.map((i) => {
        const at = map.locate(i.path as PropertyKey[], i.code === "unrecognized_keys" ? "key" : "value");
        return {
          file,
          line: at.line,
          column: at.column,
          path: formatPath(i.path as PropertyKey[]),
          message: i.message,
        };
      }),
      "Valid keys: apiVersion, kind, inventory, out, provider, model, timeoutSeconds, phases.audit.top, " +
        "phases.design.celery, phases.llmops.workerDir, phases.<phase>.thinking, " +
        "phases.<phase>.maxOutputTokens (see the README).",
    );
  }
  return { config: parsed.data, file };
}
