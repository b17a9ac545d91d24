// Renders Mermaid `.mmd` files to `.svg` (and `.png`) beside them, all through ONE headless
// Chromium: a browser launch costs ~1 s and `mmdc` launches one per diagram (NOTES.md).
import { readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Browser } from "puppeteer";
import { InputError, type InputIssue } from "../errors.js";
import { chromiumInstallHint, findChromium, isExecutableFile } from "./chromium.js";
import { mermaidId } from "./mermaid-text.js";

export interface DiagramFile { /** Absolute path of a `.mmd` file. */ input: string }
export interface RenderOptions {
  png?: boolean;
  /** Chromium to launch; default: findChromium(env). */
  executablePath?: string;
  env?: NodeJS.ProcessEnv;
}
export interface RenderedDiagram { input: string; outputs: string[] }

// Pages rendered at once in the shared browser (bench/render.mjs: 2–4 beat 1 on two cores).
const CONCURRENCY = 4;

// We run as root in CI containers, where Chromium's sandbox cannot start.
const CHROMIUM_ARGS = [
  "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--disable-quic",
];

export async function renderDiagrams(files: DiagramFile[], opts: RenderOptions = {}): Promise<RenderedDiagram[]> {
  if (files.length === 0) return [];
  const sources = await Promise.all(files.map(readSource));
  const executablePath = resolveChromium(opts);
  // Optional dependencies: `npx infra-migrate` should not download a browser unless rendering is wanted.
  const [{ default: puppeteer }, { renderMermaid }] = await Promise.all([import("puppeteer"), import("@mermaid-js/mermaid-cli")]).catch((error: unknown) => {
    throw new InputError(
      `Rendering needs the optional packages @mermaid-js/mermaid-cli and puppeteer (${(error as Error).message.split("\n")[0]})`,
      [],
      "npm install --save-dev @mermaid-js/mermaid-cli puppeteer (with PUPPETEER_SKIP_DOWNLOAD=true to use your own Chromium).",
      "render.missing-packages",
    );
  });

  let browser: Browser;
  try {
    browser = await puppeteer.launch({ executablePath, headless: "shell", args: CHROMIUM_ARGS });
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new InputError(`Could not start Chromium at ${executablePath}: ${reason}`, [], chromiumInstallHint(), "render.browser");
  }

  const formats: ("svg" | "png")[] = opts.png ? ["svg", "png"] : ["svg"];
  const results: RenderedDiagram[] = files.map(({ input }) => ({ input, outputs: [] }));
  const issues: InputIssue[] = [];
  try {
    await inPool(sources.length, CONCURRENCY, async (i) => {
      const { input, definition } = sources[i]!;
      const base = input.slice(0, -".mmd".length);
      // A stable id per file keeps re-rendered SVGs byte-identical and distinct when inlined together.
      const svgId = `diagram-${mermaidId(path.basename(base))}`;
      try {
        for (const format of formats) {
          const { data } = await renderMermaid(browser, definition, format, {
            svgId,
            mermaidConfig: { deterministicIds: true, securityLevel: "strict" },
          });
          const output = `${base}.${format}`;
          await writeAtomically(output, data);
          results[i]!.outputs.push(output);
        }
      } catch (error) {
        const message = pageError(error);
        const line = /\bline (\d+)/.exec(message)?.[1];
        issues.push(line ? { file: input, line: Number(line), message } : { file: input, message });
      }
    });
  } finally {
    await browser.close();
  }
  if (issues.length > 0) {
    issues.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
    throw new InputError(`${issues.length} diagram(s) failed to render`, issues, "Fix the Mermaid source, or regenerate it.", "render.failed");
  }
  return results;
}

function resolveChromium(opts: RenderOptions): string {
  const env = opts.env ?? process.env;
  const explicit = opts.executablePath ?? env.PUPPETEER_EXECUTABLE_PATH;
  // A path the user set and got wrong is reported, not silently replaced by another browser.
  if (explicit !== undefined && explicit !== "") {
    if (!isExecutableFile(explicit)) {
      throw new InputError(`Chromium not found at ${explicit}`, [], chromiumInstallHint(), "render.no-chromium");
    }
    return explicit;
  }
  const found = findChromium(env);
  if (!found) throw new InputError("No Chromium or Chrome found to render diagrams", [], chromiumInstallHint(), "render.no-chromium");
  return found;
}

async function readSource({ input }: DiagramFile): Promise<{ input: string; definition: string }> {
  if (!path.isAbsolute(input) || !input.endsWith(".mmd")) {
    throw new InputError(`Expected an absolute path to a .mmd file: ${input}`, [], undefined, "render.input");
  }
  try {
    return { input, definition: await readFile(input, "utf8") };
  } catch (error) {
    throw new InputError(`Cannot read ${input}: ${firstLine(error)}`, [], undefined, "render.input");
  }
}

async function writeAtomically(file: string, data: Uint8Array): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(temp, data);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

async function inPool(count: number, width: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(width, count) }, worker));
}

/** Errors thrown inside the page arrive as "Evaluation failed: Error: …" plus a browser stack. */
function pageError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const lines = message.split("\n");
  const stackStart = lines.findIndex((line) => /^\s*at\s|\(\S+:\d+:\d+\)\s*$/.test(line));
  const text = (stackStart === -1 ? lines : lines.slice(0, stackStart))
    .filter((line) => line.trim() !== "" && !/^-*\^$/.test(line.trim()))
    .map((line) => line.trim())
    .join(" ")
    .replace(/^(Evaluation failed: )?(Error: )?/, "");
  return text.length > 400 ? `${text.slice(0, 399)}…` : text;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n").find((line) => line.trim() !== "")?.trim() ?? "unknown error";
}
