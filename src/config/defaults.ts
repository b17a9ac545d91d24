// File names shared by the CLI's help text and the config loader; no dependencies, so `--help`
// can show them without loading zod or yaml.
export const CONFIG_FILE = "infra-migrate.config.yaml";
export const DEFAULT_INVENTORY = "infra-migrate.inventory.yaml";
