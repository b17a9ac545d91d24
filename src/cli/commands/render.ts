// render: every Mermaid .mmd under docs/migration/ (or the given files/folders) → .svg (and
// --png), all through ONE browser session: one Chromium per file costs ~2.5 s each.
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import type { Command } from "commander";
import type { GlobalFlags } from "../output.js";

const DIAGRAM_ROOT = "docs/migration";

async function walkDiagrams(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map(async (entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory())
        return entry.name === "node_modules" || entry.name.startsWith(".") ? [] : walkDiagrams(full);
      return entry.isFile() && entry.name.endsWith(".mmd") ? [full] : [];
    }),
  );
  return nested.flat();
}

/** Absolute .mmd paths, sorted: the given files and folders, or <out>/docs/migration. */
export async function collectDiagrams(paths: string[], outDir: string, cwd = process.cwd()): Promise<string[]> {
  const { InputError } = await import("../../errors.js");
  const targets = paths.length > 0 ? paths.map((p) => path.resolve(cwd, p)) : [path.join(outDir, DIAGRAM_ROOT)];
  const found: string[] = [];
  for (const target of targets) {
    const info = await stat(target).catch(() => undefined);
    if (!info) {
      throw new InputError(
        `No such file or folder: ${target}`,
        [],
        paths.length
          ? "Pass .mmd files or folders holding them."
          : "Generate diagrams first: `infra-migrate run` (or audit/design/llmops).",
        "render.not-found",
      );
    }
    if (info.isDirectory()) found.push(...(await walkDiagrams(target)));
    else if (target.endsWith(".mmd")) found.push(target);
    else
      throw new InputError(
        `Not a Mermaid .mmd file: ${target}`,
        [],
        "Pass .mmd files or folders holding them.",
        "render.not-mermaid",
      );
  }
  const unique = [...new Set(found)].sort();
  if (unique.length === 0) {
    throw new InputError(
      `No .mmd diagrams under ${targets.join(", ")}`,
      [],
      "Generate diagrams first: `infra-migrate run`.",
      "render.none",
    );
  }
  return unique;
}

export function registerRender(program: Command): void {
  program
    .command("render [paths...]")
    .description("render Mermaid diagrams (.mmd) to .svg with mermaid-cli, in one browser session (needs Chromium)")
    .option("-o, --out <dir>", "target repository whose docs/migration/ holds the diagrams [default: .]")
    .option("--png", "also write .png files")
    .addHelpText(
      "after",
      "\nChromium is found from PUPPETEER_EXECUTABLE_PATH, /usr/bin/chromium, chromium-browser or Chrome on PATH.\n\nExamples:\n  $ infra-migrate render --out /tmp/acme\n  $ infra-migrate render docs/migration/audit/current-architecture.mmd --png",
    )
    .action(async (paths: string[], _opts, command: Command) => {
      const all = command.optsWithGlobals<{ out?: string; png?: boolean } & GlobalFlags>();
      const [{ createOutput }, { findChromium }, { renderDiagrams }] = await Promise.all([
        import("../output.js"),
        import("../../render/chromium.js"),
        import("../../render/render-diagrams.js"),
      ]);
      const out = createOutput(all);
      const outDir = path.resolve(all.out ?? ".");
      const files = await collectDiagrams(paths, outDir);
      const started = performance.now();
      // renderDiagrams finds Chromium itself and fails with the install hint (exit 2) when none is
      // found, or when PUPPETEER_EXECUTABLE_PATH points at nothing.
      const rendered = await renderDiagrams(
        files.map((input) => ({ input })),
        { png: all.png === true },
      );
      const elapsedMs = Math.round(performance.now() - started);
      const browser = process.env.PUPPETEER_EXECUTABLE_PATH || findChromium(process.env);
      // Paths inside the target repo are shown relative to it; others stay absolute.
      const rel = (file: string) => {
        const relative = path.relative(outDir, file);
        return relative.startsWith("..") || path.isAbsolute(relative) ? file : relative;
      };
      if (out.json) {
        out.emitJson({
          ok: true,
          command: "render",
          outDir,
          browser,
          elapsedMs,
          diagrams: rendered.map((r) => ({ input: rel(r.input), outputs: r.outputs.map(rel) })),
        });
        return;
      }
      for (const r of rendered) for (const output of r.outputs) out.info(`  ${out.c.green("render")} ${rel(output)}`);
      out.info(
        `${out.c.green("Done:")} ${rendered.length} diagram(s) in ${(elapsedMs / 1000).toFixed(1)} s with ${browser}`,
      );
    });
}
