// check: regenerate every phase in memory and compare with the repo. Exit 0 current, 1 drift,
// 4 when the disk holds hand edits a regeneration would lose. Writes nothing.
import type { Command } from "commander";
import { PHASE_IDS, type PhaseId } from "../../phases/registry.js";
import { addTargetOptions } from "../options.js";
import type { GlobalFlags, Output } from "../output.js";
import { setExitCode, terminal } from "../terminal.js";
import type { CheckReport } from "../../engine/check.js";

const HELP = `
The default provider is chosen per phase from .infra-migrate/manifest.json: replay (answers from
.infra-migrate/cache, no key needed) for phases a model generated, offline for the rest.

Examples:
  $ infra-migrate check                                  # exit 1 on drift, 4 on hand edits
  $ infra-migrate check --json > check.json              # for CI steps
  $ infra-migrate check --all --provider offline         # all five phases, offline rules`;

function printReport(out: Output, report: CheckReport): void {
  const marks: Record<string, string> = {
    current: out.c.dim("same    "),
    kept: out.c.dim("kept    "),
    drift: out.c.yellow("drift   "),
    missing: out.c.yellow("missing "),
    orphaned: out.c.yellow("orphaned"),
    edited: out.c.red("edited  "),
  };
  // Only what needs attention: a CI log should show the problem, not the 30 files that match.
  for (const file of report.files.filter((f) => f.state !== "current")) {
    out.info(`  ${marks[file.state]} ${file.path}${file.reason ? out.c.dim(` (${file.reason})`) : ""}`);
    if (file.diff) out.info(file.diff.replace(/^/gm, "      ").trimEnd());
  }
  const count = (state: string) => report.files.filter((f) => f.state === state).length;
  const phases = report.phases.map((p) => `${p.phase} (${p.provider})`).join(", ");
  if (report.status === "current") out.info(`${out.c.green("Current:")} ${report.files.length} files match ${phases}.`);
  if (report.status === "drift") {
    out.warn(
      `${out.c.yellow("Drift:")} ${count("drift")} changed, ${count("missing")} missing, ${count("orphaned")} no longer generated (${phases}).`,
    );
    out.warn("Regenerate with `infra-migrate run` and commit the result.");
  }
  if (report.status === "edited") {
    const edited = report.files.filter((f) => f.state === "edited").map((f) => `  ${f.path}`);
    out.warn(`${out.c.red("Edited by hand:")} user edits would be lost on regeneration:\n${edited.join("\n")}`);
    out.warn(
      "Move the change into the inventory/config, or keep the file and stop regenerating it; `run --force` overwrites.",
    );
  }
}

export function registerCheck(program: Command): void {
  const cmd = addTargetOptions(
    program
      .command("check")
      .description("regenerate in memory and compare with the repo (CI drift check; writes nothing)"),
  )
    .option("--only <phases>", "comma-separated phases to check [default: phases in the manifest]")
    .option("--skip <phases>", "comma-separated phases to leave out")
    .option("--all", "check all five phases, even those never generated")
    .option("--top <n>", "audit: how many most urgent risks the report details [default: as last generated, else 5]")
    .option(
      "--worker-dir <dir>",
      "llmops: where the AI worker code went [default: as last generated, else services/ai-worker]",
    )
    .addHelpText("after", HELP);
  cmd.action(async (_opts, command: Command) => {
    const all = command.optsWithGlobals<Record<string, unknown> & GlobalFlags>();
    const [
      { createOutput },
      { resolveSettings },
      { selectPhases },
      { checkDrift },
      { toolVersion },
      { createProgress },
    ] = await Promise.all([
      import("../output.js"),
      import("../common.js"),
      import("./run.js"),
      import("../../engine/check.js"),
      import("../../package-root.js"),
      import("../progress.js"),
    ]);
    const out = createOutput(all);
    const only = all.only as string | undefined;
    const skip = all.skip as string | undefined;
    // With --only/--all the list is explicit (minus --skip); otherwise the engine starts from the
    // manifest's phases and leaves out the skipped ones.
    const explicit = Boolean(only || all.all);
    const phases: PhaseId[] | undefined = explicit ? selectPhases(only, skip) : undefined;
    const skipped: PhaseId[] | undefined =
      !explicit && skip ? PHASE_IDS.filter((p) => !selectPhases(undefined, skip).includes(p)) : undefined;
    const { only: _o, skip: _s, all: _a, ...rest } = all;
    const settings = await resolveSettings(rest, terminal().env);
    // The live phase table on a terminal, as `run` shows it; nothing extra in CI logs and pipes.
    const progress = await createProgress(out, terminal().stderr, terminal().env, { terminalOnly: true });
    const report = await checkDrift({
      inventoryFile: settings.inventoryFile,
      outDir: settings.outDir,
      phases,
      skip: skipped,
      // Only an explicit --provider overrides the per-phase default: a config file's provider is
      // for generating, and check must reproduce what was generated.
      provider: typeof all.provider === "string" ? settings.provider : undefined,
      model: settings.model,
      options: settings.options,
      env: terminal().env,
      timeoutMs: settings.timeoutMs,
      toolVersion: toolVersion(),
      onEvent: progress.onEvent,
    }).finally(() => progress.stop());
    if (out.json) {
      const { exitCode: _e, ...document } = report;
      out.emitJson(document);
    } else {
      printReport(out, report);
    }
    setExitCode(report.exitCode);
  });
}
