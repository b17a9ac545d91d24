// The CLI entry: builds the commander program, runs it, and is the ONE place that catches errors.
// Command modules are small and import the engine lazily inside their actions, so `--help` and
// `--version` load commander and nothing else.
import { Command, CommanderError, Option } from "commander";
import { CancelledError, ExitCode, InfraMigrateError } from "../errors.js";
import { toolVersion } from "../package-root.js";
import { printable } from "../printable.js";
import { createOutput, type GlobalFlags } from "./output.js";
import { exitCodeSet, terminal, withTerminal, type Terminal } from "./terminal.js";
import { registerPhaseCommands } from "./commands/phase.js";
import { registerRun } from "./commands/run.js";
import { registerPersonas } from "./commands/personas.js";
import { registerCheck } from "./commands/check.js";
import { registerRender } from "./commands/render.js";
import { registerInit } from "./commands/init.js";

const EXAMPLES = `
Examples:
  $ npx infra-migrate init                       # guided: writes the inventory and config
  $ npx infra-migrate audit --inventory examples/seed-vm/inventory.yaml --out /tmp/acme
  $ npx infra-migrate run --out . --render       # all five phases, then SVG diagrams
  $ npx infra-migrate check                      # CI: exit 1 when generated files drifted
  $ GEMINI_API_KEY=… npx infra-migrate run --provider gemini

Exit codes: 0 ok · 1 drift · 2 bad input or usage · 3 model/provider failure · 4 refused to overwrite edits
            70 internal error (a bug in infra-migrate: please report it) · 130 cancelled (Ctrl-C in init)
Docs: https://github.com/infra-migrate/infra-migrate#readme`;

export function buildProgram(): Command {
  const program = new Command("infra-migrate")
    .description(
      "Move a one-VM product to serverless Google Cloud: audit, design, CI/CD and LLM Ops, each by an expert persona.",
    )
    .version(toolVersion(), "-V, --version")
    .option("--json", "print one JSON document on stdout (human output goes to stderr)")
    .option("-q, --quiet", "print only warnings and errors")
    .option("--debug", "show stack traces")
    .addOption(new Option("--no-color", "disable colour (also NO_COLOR=1)"))
    .showSuggestionAfterError(true)
    .addHelpText("after", EXAMPLES);
  // Before any subcommand exists: commander copies these settings into each one when it is
  // created, so usage errors in `audit --bogus` also reach our handler (exit 2, not commander's 1).
  program.exitOverride();
  program.configureOutput({ writeErr: (s) => terminal().stderr.write(s), writeOut: (s) => terminal().stdout.write(s) });
  registerInit(program);
  registerPhaseCommands(program);
  registerRun(program);
  registerCheck(program);
  registerRender(program);
  registerPersonas(program);
  return program;
}

/**
 * Runs one command line and returns its exit code. `inside`: run in the caller's process with
 * these streams, environment and folder (tests of parsing, messages and exit codes); the process's
 * own exit code and streams are left alone. Without it, the process's (bin/infra-migrate.js).
 */
export async function main(argv: string[], inside?: Terminal): Promise<number> {
  if (inside) return (await withTerminal(inside, () => main(argv))).value;
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return exitCodeSet() ?? ExitCode.ok;
  } catch (error) {
    return reportError(error, program.opts<GlobalFlags>(), argv);
  }
}

/** `infra-migrate audit --help` when the mistake was inside a known command, else `infra-migrate --help`. */
function helpCommand(argv: string[]): string {
  const commands = new Set(buildProgram().commands.map((c) => c.name()));
  const command = argv.slice(2).find((arg) => !arg.startsWith("-"));
  return command && commands.has(command) ? `infra-migrate ${command} --help` : "infra-migrate --help";
}

function reportError(error: unknown, flags: GlobalFlags, argv: string[]): number {
  const debug = flags.debug === true || argv.includes("--debug");
  const json = flags.json === true || argv.includes("--json");
  const out = createOutput({ ...flags, json, debug });
  if (error instanceof CommanderError) {
    // --help and --version "fail" with exit 0; everything else commander rejects is usage: exit 2.
    if (error.exitCode === 0 || error.code === "commander.helpDisplayed" || error.code === "commander.version")
      return 0;
    // Commander printed the problem (and a "Did you mean" when it has one); say where the usage is.
    // With no command at all it printed the whole help already.
    if (error.code !== "commander.help")
      out.error(`${out.c.dim("hint:")} run \`${helpCommand(argv)}\` to see the commands and options.`);
    return ExitCode.badInput;
  }
  if (error instanceof CancelledError) {
    // A person's choice, not a failure: no "error:" prefix and no report hint.
    if (json) out.emitJson({ ok: false, error: error.toJSON() });
    out.error(error.message);
    return error.exitCode;
  }
  if (error instanceof InfraMigrateError) {
    if (json) out.emitJson({ ok: false, error: error.toJSON() });
    // Messages can quote what an endpoint, a file or a model said: shown, never obeyed by the terminal.
    out.error(`${out.c.red("error:")} ${printable(error.message)}`);
    if (error.hint) out.error(`${out.c.dim("hint:")} ${printable(error.hint)}`);
    if (debug && error.stack) out.error(error.stack);
    return error.exitCode;
  }
  const message = printable(error instanceof Error ? error.message : String(error));
  if (json) out.emitJson({ ok: false, error: { code: "internal", message, exitCode: ExitCode.internal } });
  out.error(`${out.c.red("internal error:")} ${message}`);
  out.error(
    debug && error instanceof Error && error.stack
      ? error.stack
      : "Run again with --debug for a stack trace, and please report it.",
  );
  return ExitCode.internal;
}
