// Answers → infra-migrate.config.yaml, checked with the config schema every command loads it with.
import { DEFAULT_INVENTORY, configSchema, type Config } from "../config/config.js";
import { InternalError } from "../errors.js";
import type { Answers } from "./answers.js";

export function buildConfig(answers: Answers, inventoryFile = DEFAULT_INVENTORY): Config {
  const config = {
    apiVersion: "infra-migrate/v1",
    kind: "Config",
    inventory: inventoryFile,
    provider: answers.provider ?? "auto",
  };
  const parsed = configSchema.safeParse(config);
  if (!parsed.success)
    throw new InternalError(
      "init built an invalid config",
      parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`),
    );
  return parsed.data;
}
