// Options shared by the commands that generate (audit, design, cicd, llmops, run, check), parsed
// once with zod after merging flag > env > config file > default.
import path from "node:path";
import { z } from "zod";
import { DEFAULT_INVENTORY, loadConfig, type Config } from "../config/config.js";
import { InputError } from "../errors.js";
import type { GenerationSettings, ThinkingLevel } from "../model/generation.js";
import type { ProviderChoice } from "../model/types.js";
import type { PhaseOptions } from "../contracts/phase.js";
import { PROVIDER_CHOICES } from "../model/provider-choices.js";
import { terminal } from "./terminal.js";

const rawSchema = z.object({
  inventory: z.string().min(1).optional(),
  out: z.string().min(1).optional(),
  provider: z.enum(PROVIDER_CHOICES).optional(),
  model: z
    .string()
    .regex(/^[A-Za-z0-9._\/-]{1,100}$/, "expected a model id such as gemini-3.5-flash-lite")
    .optional(),
  timeout: z.coerce.number().int().min(1).max(3600).optional(),
  config: z.string().optional(),
  dryRun: z.boolean().optional(),
  force: z.boolean().optional(),
  top: z.coerce.number().int().min(1).max(50).optional(),
  workerDir: z
    .string()
    .regex(/^(?!\/)(?!.*\.\.)[A-Za-z0-9._\/-]{1,200}$/, "expected a relative path inside the repository")
    .optional(),
});

export interface Settings {
  inventoryFile: string;
  outDir: string;
  provider: ProviderChoice;
  model?: string;
  timeoutMs?: number;
  dryRun: boolean;
  force: boolean;
  options: PhaseOptions;
  /** Per-phase Gemini thinking level and output budget, from the config file. */
  generation: GenerationSettings;
  config: Partial<Config>;
}

export async function resolveSettings(
  raw: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  cwd = terminal().cwd(),
): Promise<Settings> {
  const parsed = rawSchema.safeParse(raw);
  if (!parsed.success) {
    throw new InputError(
      "Invalid option",
      parsed.error.issues.map((i) => ({
        file: "command line",
        path: `--${String(i.path[0] ?? "")}`,
        message: i.message,
      })),
      "Run with --help to see the options.",
      "usage.invalid",
    );
  }
  const flags = parsed.data;
  const { config } = await loadConfig(cwd, flags.config);
  const envProvider = env.INFRA_MIGRATE_PROVIDER;
  if (envProvider && !(PROVIDER_CHOICES as readonly string[]).includes(envProvider)) {
    throw new InputError(
      `INFRA_MIGRATE_PROVIDER=${envProvider} is not a provider`,
      [],
      "Use auto, gemini, offline or replay.",
      "usage.invalid",
    );
  }
  const top = flags.top ?? config.phases?.audit?.top;
  const workerDir = flags.workerDir ?? config.phases?.llmops?.workerDir;
  const celery = config.phases?.design?.celery;
  const timeout = flags.timeout ?? config.timeoutSeconds;
  return {
    inventoryFile: path.resolve(cwd, flags.inventory ?? config.inventory ?? DEFAULT_INVENTORY),
    outDir: path.resolve(cwd, flags.out ?? config.out ?? "."),
    provider: flags.provider ?? (envProvider as ProviderChoice | undefined) ?? config.provider ?? "auto",
    model: flags.model ?? env.INFRA_MIGRATE_MODEL ?? config.model,
    timeoutMs: timeout ? timeout * 1000 : undefined,
    dryRun: flags.dryRun === true,
    force: flags.force === true,
    options: { ...(top ? { top } : {}), ...(workerDir ? { workerDir } : {}), ...(celery ? { celery } : {}) },
    generation: generationFrom(config),
    config,
  };
}

function generationFrom(config: Partial<Config>): GenerationSettings {
  const settings: GenerationSettings = {};
  for (const [phase, section] of Object.entries(config.phases ?? {})) {
    const { thinking, maxOutputTokens } = (section ?? {}) as { thinking?: ThinkingLevel; maxOutputTokens?: number };
    if (thinking || maxOutputTokens) settings[phase] = { thinking, maxOutputTokens };
  }
  return settings;
}
