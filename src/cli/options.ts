// Flags shared by the generating commands. Commander only: this module is loaded for `--help`,
// so it must not pull in zod, yaml or the engine (see common.ts for parsing the values).
import { Option, type Command } from "commander";

import { DEFAULT_INVENTORY } from "../config/defaults.js";
import { PROVIDER_CHOICES } from "../model/provider-choices.js";

export function addTargetOptions(cmd: Command): Command {
  return cmd
    .option("-i, --inventory <file>", `inventory file (YAML or JSON) [default: ${DEFAULT_INVENTORY}]`)
    .option("-o, --out <dir>", "target repository to write into [default: .]")
    .addOption(
      new Option(
        "-p, --provider <name>",
        "who answers: gemini, offline rules, or replay from cache [default: auto]",
      ).choices(PROVIDER_CHOICES),
    )
    .option("-m, --model <id>", "Gemini model id (env INFRA_MIGRATE_MODEL) [default: the persona's model]")
    .option("--timeout <seconds>", "per model call timeout in seconds [default: 120]")
    .option("-c, --config <file>", "config file [default: ./infra-migrate.config.yaml when present]");
}

export function addWriteOptions(cmd: Command): Command {
  return cmd
    .option("-n, --dry-run", "show what would be created/updated; write nothing")
    .option("-f, --force", "overwrite files edited by hand since they were generated");
}
