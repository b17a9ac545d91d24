// Shared by the phase commands and `run`: run the pipeline, write the plans, print a summary.
import path from "node:path";
import type { PhaseId } from "../phases/registry.js";
import type { Output } from "./output.js";
import type { Settings } from "./common.js";
import { createProgress } from "./progress.js";

export interface GenerateRequest {
  phases: PhaseId[];
  settings: Settings;
  out: Output;
  command: string;
  /** run --render: render diagrams after writing. */
  render?: boolean;
  png?: boolean;
}

export async function generate(request: GenerateRequest): Promise<number> {
  const { settings, out } = request;
  const [{ runPipeline, storedResultFile }, { applyPlans }, { toolVersion }, { estimateModelCostUsd }] =
    await Promise.all([
      import("../pipeline/run-pipeline.js"),
      import("../write/writer.js"),
      import("../package-root.js"),
      import("../model/pricing.js"),
    ]);
  const progress = createProgress(out);
  const started = performance.now();
  let result;
  try {
    result = await runPipeline({
      inventoryFile: settings.inventoryFile,
      outDir: settings.outDir,
      phases: request.phases,
      provider: settings.provider,
      model: settings.model,
      options: settings.options,
      env: process.env,
      timeoutMs: settings.timeoutMs,
      generation: settings.generation,
      onEvent: progress.onEvent,
    });
  } finally {
    progress.stop();
  }
  const report = await applyPlans(result.plans, {
    outDir: settings.outDir,
    toolVersion: toolVersion(),
    dryRun: settings.dryRun,
    force: settings.force,
    stateFiles: result.stored.map(storedResultFile),
  });

  let rendered: { input: string; outputs: string[] }[] = [];
  if (request.render && !settings.dryRun) {
    const { renderDiagrams } = await import("../render/render-diagrams.js");
    const diagrams = report.changes
      .filter((c) => c.path.endsWith(".mmd"))
      .map((c) => ({ input: path.join(settings.outDir, c.path) }));
    rendered = await renderDiagrams(diagrams, { png: request.png });
  }

  const count = (action: string) => report.changes.filter((c) => c.action === action).length;
  const modelCost = result.runs.reduce((sum, r) => sum + estimateModelCostUsd(r.model, r.usage), 0);
  const elapsedMs = Math.round(performance.now() - started);
  const summary = {
    ok: true,
    command: request.command,
    dryRun: settings.dryRun,
    outDir: settings.outDir,
    inventory: {
      file: settings.inventoryFile,
      hash: result.inventory.hash,
      warnings: result.inventory.warnings.length,
      redactions: result.inventory.redactions.length,
    },
    phases: result.runs.map((r) => ({
      phase: r.phase,
      provider: r.provider,
      model: r.model,
      cached: r.cached,
      calls: r.calls,
      usage: r.usage,
      summary: r.summary,
    })),
    reused: result.reused,
    files: report.changes.map((c) => ({
      path: c.path,
      phase: c.phase,
      action: c.action,
      ...(c.reason ? { reason: c.reason } : {}),
    })),
    counts: { create: count("create"), update: count("update"), unchanged: count("unchanged"), kept: count("kept") },
    tokens: result.usage,
    estimatedModelCostUsd: Number(modelCost.toFixed(4)),
    rendered: rendered.flatMap((r) => r.outputs.map((o) => path.relative(settings.outDir, o))),
    elapsedMs,
  };
  if (out.json) {
    out.emitJson(summary);
    return 0;
  }
  const verb = settings.dryRun ? "would" : "";
  for (const change of report.changes) {
    const mark = {
      create: out.c.green("create"),
      update: out.c.yellow("update"),
      unchanged: out.c.dim("same  "),
      kept: out.c.dim("kept  "),
      conflict: out.c.red("edited"),
    }[change.action];
    out.info(
      `  ${mark} ${change.path}${change.reason && change.action === "kept" ? out.c.dim(` (${change.reason})`) : ""}`,
    );
  }
  for (const file of summary.rendered) out.info(`  ${out.c.green("render")} ${file}`);
  const tokens = result.usage.totalTokens ? `, ${result.usage.totalTokens} tokens (~$${modelCost.toFixed(3)})` : "";
  out.info(
    `${settings.dryRun ? out.c.yellow("Dry run:") : out.c.green("Done:")} ${verb ? `${verb} create` : "created"} ${summary.counts.create}, ` +
      `${verb ? "update" : "updated"} ${summary.counts.update}, unchanged ${summary.counts.unchanged}` +
      `${summary.counts.kept ? `, kept ${summary.counts.kept}` : ""} in ${path.relative(process.cwd(), settings.outDir) || "."}${tokens} (${(elapsedMs / 1000).toFixed(1)} s)`,
  );
  for (const r of result.runs) out.info(`  ${out.c.bold(r.phase)}: ${r.summary}`);
  return 0;
}
