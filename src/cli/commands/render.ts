// render: every Mermaid .mmd under docs/migration/ (or the given files/folders) → .svg (and
// --png), all through ONE browser session (see src/engine/render.ts).
import path from "node:path";
import type { Command } from "commander";
import type { GlobalFlags } from "../output.js";
import { terminal } from "../terminal.js";

export function registerRender(program: Command): void {
  program
    .command("render [paths...]")
    .description("render Mermaid diagrams (.mmd) to .svg with mermaid-cli, in one browser session (needs Chromium)")
    .option("-o, --out <dir>", "target repository whose docs/migration/ holds the diagrams [default: .]")
    .option("--png", "also write .png files")
    .option("-f, --force", "overwrite rendered files edited by hand since they were rendered")
    .addHelpText(
      "after",
      "\nChromium is found from PUPPETEER_EXECUTABLE_PATH, /usr/bin/chromium, chromium-browser or Chrome " +
        "on PATH.\n\nExamples:\n  $ infra-migrate render --out /tmp/acme\n  $ infra-migrate render " +
        "docs/migration/audit/current-architecture.mmd --png",
    )
    .action(async (paths: string[], _opts, command: Command) => {
      const all = command.optsWithGlobals<{ out?: string; png?: boolean; force?: boolean } & GlobalFlags>();
      const [{ createOutput }, { renderProject }] = await Promise.all([
        import("../output.js"),
        import("../../engine/render.js"),
      ]);
      const out = createOutput(all);
      const report = await renderProject({
        paths,
        outDir: path.resolve(all.out ?? "."),
        cwd: terminal().cwd(),
        png: all.png === true,
        force: all.force === true,
        env: terminal().env,
      });
      if (out.json) {
        out.emitJson(report);
        return;
      }
      for (const d of report.diagrams) for (const output of d.outputs) out.info(`  ${out.c.green("render")} ${output}`);
      const { printBackups } = await import("../print-changes.js");
      printBackups(out, report.backups);
      out.info(
        `${out.c.green("Done:")} ${report.diagrams.length} diagram(s) in ${(report.elapsedMs / 1000).toFixed(1)} s with ${report.browser}`,
      );
    });
}
