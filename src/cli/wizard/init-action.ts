// `infra-migrate init` in a terminal: calls the init use case, hands it the interactive wizard when
// a person is there to answer, and prints what was detected and what was written.
import path from "node:path";
import type { InitEvent, InitReport } from "../../engine/init.js";
import type { Output } from "../output.js";
import { printBackups, printChanges } from "../print-changes.js";
import { terminal } from "../terminal.js";

function printDetected(out: Output, event: Extract<InitEvent, { type: "detected" }>, cwd: string): void {
  const root = event.machine?.root;
  const machine = event.machine?.ssh
    ? ` and ${event.machine.ssh}`
    : root
      ? ` and this machine${root === "/" ? "" : ` (root ${root})`}`
      : "";
  out.info(out.c.bold(`Reading ${path.relative(cwd, event.fromDir) || "."}${machine} for defaults:`));
  for (const e of event.facts.evidence) out.info(`  ${out.c.dim(e.file)} ${e.found}`);
  if (event.facts.evidence.length === 0)
    out.info(out.c.dim("  nothing recognised (no requirements.txt, Procfile, unit files, compose file, package.json)"));
  // A partial reading must say so before anyone answers questions on top of it.
  for (const w of event.facts.warnings ?? []) out.warn(`${out.c.yellow("warning:")} ${w}`);
}

export async function runInitCommand(
  raw: Record<string, unknown>,
  out: Output,
  cwd = terminal().cwd(),
): Promise<number> {
  const { initProject, HOST_WARNING_PATH } = await import("../../engine/init.js");
  // --json is for machines: they do not answer questions, so it never prompts either.
  const interactive = out.interactive && !out.json;
  const report: InitReport = await initProject({
    flags: raw,
    cwd,
    ask: interactive
      ? async ({ facts, given, saved, acceptDetected }) => {
          const [{ createInquirerPrompter }, { runWizard }] = await Promise.all([
            import("./prompter.js"),
            import("./run-wizard.js"),
          ]);
          const prompter = await createInquirerPrompter();
          if (!acceptDetected)
            out.info(
              out.c.dim("Enter accepts the default · Esc goes back a question · Ctrl-C cancels (nothing is written)"),
            );
          return runWizard({
            facts,
            given,
            saved,
            acceptDetected,
            prompter,
            say: (line) => out.info(line),
            style: { dim: out.c.dim, bold: out.c.bold },
          });
        }
      : undefined,
    onEvent: (event) => {
      if (out.json) return;
      if (event.type === "reading-ssh") out.info(out.c.dim(`Reading ${event.destination} over ssh (read-only)…`));
      else if (event.type === "saved") {
        if (event.files.length) out.info(out.c.bold(`Starting from your answers in ${event.files.join(" and ")}.`));
        for (const file of event.unreadable)
          out.warn(
            `${out.c.yellow("warning:")} could not read your answers from ${file.path} (${file.reason}); starting from the repository`,
          );
      } else printDetected(out, event, cwd);
    },
  });
  if (out.json) {
    out.emitJson(report);
    return 0;
  }
  for (const w of report.warnings)
    if (w.path !== HOST_WARNING_PATH) out.warn(`${out.c.yellow("warning:")} ${w.path ?? ""} ${w.message}`);
  printChanges(out, report.files);
  printBackups(out, report.backups);
  const where = path.relative(cwd, report.outDir) || ".";
  const next = where === "." ? "npx infra-migrate run" : `cd ${where} && npx infra-migrate run`;
  out.info(report.dryRun ? out.c.yellow("Dry run: nothing written.") : `${out.c.green("Done.")} Next: ${next}`);
  return 0;
}
