// The `render` use case: Mermaid .mmd files (the given files and folders, or every diagram under
// the target repo's docs/migration/) → .svg (and .png), all in ONE browser session: one Chromium
// per file costs ~2.5 s each. Prints nothing; returns what was rendered.
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { InputError } from "../errors.js";
import { toolVersion } from "../package-root.js";
import { findChromium } from "../render/chromium.js";
import { applyRendered } from "../write/write-rendered.js";

export interface RenderCommandOptions {
  /** Files or folders given on the command line (relative to cwd); none = <outDir>/docs/migration. */
  paths: string[];
  outDir: string;
  cwd: string;
  png: boolean;
  /** Overwrite rendered files edited by hand since they were rendered. */
  force?: boolean;
  env: NodeJS.ProcessEnv;
}

export interface RenderReport {
  ok: true;
  command: "render";
  outDir: string;
  browser: string | undefined;
  elapsedMs: number;
  /** Paths relative to the target repo. */
  diagrams: { input: string; outputs: string[] }[];
  /** With --force: each overwritten hand-edited file and where its copy was kept. */
  backups: { path: string; copy: string }[];
}

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

export interface RenderedInto {
  diagrams: { input: string; outputs: string[] }[];
  backups: { path: string; copy: string }[];
}

/** Renders the diagrams (absolute .mmd paths inside outDir) and writes them through the writer. */
export async function renderInto(
  inputs: string[],
  options: Pick<RenderCommandOptions, "outDir" | "png" | "force" | "env">,
): Promise<RenderedInto> {
  const rel = (file: string) => path.relative(options.outDir, file).split(path.sep).join("/");
  const outside = inputs.filter((input) => rel(input).startsWith("../") || path.isAbsolute(rel(input)));
  if (outside.length > 0) {
    throw new InputError(
      `Rendered diagrams are written inside the target repository only (${options.outDir})`,
      outside.map((file) => ({ file, message: "outside --out" })),
      "Pass --out <the repository that holds these diagrams>.",
      "render.outside",
    );
  }
  if (inputs.length === 0) return { diagrams: [], backups: [] };
  const { renderDiagrams } = await import("../render/render-diagrams.js");
  // renderDiagrams finds Chromium itself and fails with the install hint (exit 2) when none is
  // found, or when PUPPETEER_EXECUTABLE_PATH points at nothing.
  const rendered = await renderDiagrams(
    inputs.map((input) => ({ input })),
    { png: options.png, env: options.env },
  );
  const written = await applyRendered(
    rendered.flatMap((r) => r.outputs.map((o) => ({ path: rel(o.file), data: o.data }))),
    { outDir: options.outDir, toolVersion: toolVersion(), force: options.force },
  );
  return {
    diagrams: rendered.map((r) => ({ input: rel(r.input), outputs: r.outputs.map((o) => rel(o.file)) })),
    backups: written.backups,
  };
}

export async function renderProject(options: RenderCommandOptions): Promise<RenderReport> {
  const files = await collectDiagrams(options.paths, options.outDir, options.cwd);
  const started = performance.now();
  const { diagrams, backups } = await renderInto(files, options);
  return {
    ok: true,
    command: "render",
    outDir: options.outDir,
    browser: options.env.PUPPETEER_EXECUTABLE_PATH || findChromium(options.env),
    elapsedMs: Math.round(performance.now() - started),
    diagrams,
    backups,
  };
}
