// Shared by the phase commands and `run`: call the generate use case with the resolved settings,
// show progress while it runs, then print its report.
import path from "node:path";
import type { GenerateReport } from "../engine/generate.js";
import type { PhaseId } from "../phases/registry.js";
import type { Settings } from "./common.js";
import type { Output } from "./output.js";
import { printBackups, printChanges } from "./print-changes.js";
import { createProgress } from "./progress.js";
import { terminal } from "./terminal.js";

export interface GenerateRequest {
  phases: PhaseId[];
  settings: Settings;
  out: Output;
  command: string;
  /** run --render: render diagrams after writing. */
  render?: boolean;
  png?: boolean;
}

export async function runGenerate(request: GenerateRequest): Promise<number> {
  const { settings, out } = request;
  const { generate } = await import("../engine/generate.js");
  const progress = await createProgress(out);
  let report: GenerateReport;
  try {
    report = await generate({
      command: request.command,
      phases: request.phases,
      inventoryFile: settings.inventoryFile,
      outDir: settings.outDir,
      provider: settings.provider,
      model: settings.model,
      timeoutMs: settings.timeoutMs,
      generation: settings.generation,
      options: settings.options,
      dryRun: settings.dryRun,
      force: settings.force,
      env: terminal().env,
      render: request.render ? { png: request.png === true } : undefined,
      onEvent: progress.onEvent,
    });
  } finally {
    progress.stop();
  }
  if (out.json) out.emitJson(report);
  else {
    printGenerateReport(out, report);
    if (!report.dryRun) printRecordedOptions(out, settings, report);
  }
  return 0;
}

const CONFIG_KEYS: Record<string, { flag: string; key: string }> = {
  top: { flag: "--top", key: "phases.audit.top" },
  workerDir: { flag: "--worker-dir", key: "phases.llmops.workerDir" },
};

/** A shaping option from the command line, not the config: say where it is kept, and how to make it stick. */
function printRecordedOptions(out: Output, settings: Settings, report: GenerateReport): void {
  const written = new Set(report.phases.map((p) => p.phase));
  const fromConfig = { top: settings.config.phases?.audit?.top, workerDir: settings.config.phases?.llmops?.workerDir };
  for (const [option, { flag, key }] of Object.entries(CONFIG_KEYS)) {
    const value = settings.options[option];
    const phase = option === "top" ? "audit" : "llmops";
    if (value === undefined || fromConfig[option as keyof typeof fromConfig] !== undefined || !written.has(phase))
      continue;
    out.info(
      out.c.dim(
        `${flag} ${String(value)} is recorded in .infra-migrate/manifest.json, so \`check\` regenerates the same files; ` +
          `to use it on every run, set ${key}: ${String(value)} in infra-migrate.config.yaml.`,
      ),
    );
  }
}

function printGenerateReport(out: Output, report: GenerateReport): void {
  const verb = report.dryRun ? "would" : "";
  printChanges(out, report.files);
  printBackups(out, report.backups);
  for (const file of report.rendered) out.info(`  ${out.c.green("render")} ${file}`);
  const { counts } = report;
  const tokens = report.tokens.totalTokens
    ? `, ${report.tokens.totalTokens} tokens (~$${report.estimatedModelCostUsd.toFixed(3)})`
    : "";
  const where = path.relative(terminal().cwd(), report.outDir) || ".";
  out.info(
    `${report.dryRun ? out.c.yellow("Dry run:") : out.c.green("Done:")} ` +
      `${verb ? `${verb} create` : "created"} ${counts.create}, ${verb ? "update" : "updated"} ${counts.update}, ` +
      `unchanged ${counts.unchanged}${counts.kept ? `, kept ${counts.kept}` : ""} in ${where}${tokens} ` +
      `(${(report.elapsedMs / 1000).toFixed(1)} s)`,
  );
  for (const phase of report.phases) out.info(`  ${out.c.bold(phase.phase)}: ${phase.summary}`);
  if (report.plan) {
    const plan = path.relative(terminal().cwd(), path.join(report.outDir, report.plan)) || report.plan;
    out.info(
      `${out.c.bold("Next:")} follow ${plan}, the migration plan day by day (prerequisites to switching off the VM).`,
    );
  }
}
