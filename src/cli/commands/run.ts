// run: every phase as a DAG (audit → design → cicd ∥ llmops ∥ observe), in one atomic write.
import { Option, type Command } from "commander";
import { PHASE_IDS, type PhaseId } from "../../phases/registry.js";
import { InputError } from "../../errors.js";
import { addTargetOptions, addWriteOptions } from "../options.js";
import type { GlobalFlags } from "../output.js";
import { setExitCode, terminal } from "../terminal.js";

function parsePhaseList(value: string | undefined, flag: string): PhaseId[] | undefined {
  if (value === undefined) return undefined;
  const items = value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = items.filter((s) => !(PHASE_IDS as readonly string[]).includes(s));
  if (bad.length || items.length === 0) {
    throw new InputError(
      `${flag} takes a comma-separated list of phases`,
      [{ file: "command line", path: flag, message: `unknown: ${bad.join(", ") || "(empty)"}` }],
      `Phases: ${PHASE_IDS.join(", ")}.`,
      "usage.invalid",
    );
  }
  return items as PhaseId[];
}

export function selectPhases(only?: string, skip?: string): PhaseId[] {
  const onlyList = parsePhaseList(only, "--only");
  const skipList = parsePhaseList(skip, "--skip") ?? [];
  const selected = (onlyList ?? [...PHASE_IDS]).filter((p) => !skipList.includes(p));
  if (selected.length === 0)
    throw new InputError("--only/--skip left no phase to run", [], `Phases: ${PHASE_IDS.join(", ")}.`, "usage.invalid");
  return selected;
}

export function registerRun(program: Command): void {
  const cmd = addWriteOptions(
    addTargetOptions(
      program.command("run").description("run all five phases (audit → design → cicd ∥ llmops ∥ observe)"),
    ),
  )
    .option("--only <phases>", "comma-separated phases to run (their dependencies are reused or run)")
    .option("--skip <phases>", "comma-separated phases to leave out")
    .option("--top <n>", "audit: how many of the most urgent risks the report details [default: 5]")
    .option("--worker-dir <dir>", "llmops: where the AI worker code goes [default: services/ai-worker]")
    .option("--render", "render every .mmd diagram to .svg afterwards (needs Chromium)")
    .addOption(new Option("--png", "with --render, also write .png files"))
    .addHelpText(
      "after",
      "\nExamples:\n  $ infra-migrate run --inventory examples/seed-vm/inventory.yaml --out /tmp/acme\n  $ infra-migrate run --only audit,design --dry-run",
    );
  cmd.action(async (_opts, command: Command) => {
    const all = command.optsWithGlobals<Record<string, unknown> & GlobalFlags>();
    const [{ createOutput }, { resolveSettings }, { runGenerate }] = await Promise.all([
      import("../output.js"),
      import("../common.js"),
      import("../generate.js"),
    ]);
    const out = createOutput(all);
    const phases = selectPhases(all.only as string | undefined, all.skip as string | undefined);
    const { only: _o, skip: _s, render: _r, png: _p, ...rest } = all;
    const settings = await resolveSettings(rest, terminal().env);
    setExitCode(
      await runGenerate({
        phases,
        settings,
        out,
        command: "run",
        render: all.render === true,
        png: all.png === true,
      }),
    );
  });
}
