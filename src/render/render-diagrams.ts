// Renders Mermaid `.mmd` files to `.svg` (and `.png`) with mermaid-cli, all through ONE headless
// Chromium (a launch costs ~0.4–1 s and `mmdc` launches one per diagram: bench/render.mjs), and as far as
// output allows through one already-loaded page (PageSession below). Returns the bytes: the writer
// (src/write) puts them beside their `.mmd` and records them in the manifest.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { availableParallelism } from "node:os";
import type { Browser, BrowserContext, FrameAddStyleTagOptions, GoToOptions, Page, Viewport } from "puppeteer";
import { InputError, type InputIssue } from "../errors.js";
import { chromiumInstallHint, findChromium, isExecutableFile } from "./chromium.js";
import { mermaidId, splitFrontMatter } from "./mermaid-text.js";

export interface DiagramFile {
  /** Absolute path of a `.mmd` file. */ input: string;
}
export interface RenderOptions {
  png?: boolean;
  /** Chromium to launch; default: findChromium(env). */
  executablePath?: string;
  env?: NodeJS.ProcessEnv;
  /**
   * A running Chromium to render in, left open for its owner (tests share one instead of
   * launching ~12); default: launch one from executablePath and close it when done.
   */
  browser?: Browser;
}
export interface RenderedDiagram {
  input: string;
  /** The rendered files (absolute path beside the input, and bytes), for the writer to write. */
  outputs: { file: string; data: Uint8Array }[];
}

// We run as root in CI containers, where Chromium's sandbox cannot start.
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
];

// Mermaid's defaults plus: ids derived from the svgId; a fixed seed for the rough.js curves of its
// newer node shapes (otherwise random, so every re-render changed the SVG); "strict" encodes tags
// in labels and disables click handlers.
const MERMAID_CONFIG = { deterministicIds: true, handDrawnSeed: 1, securityLevel: "strict" } as const;

// Loading Mermaid into a page costs ~0.5 s; rendering a diagram in a loaded page ~0.1 s
// (bench/render.mjs). A page therefore renders many diagrams; more pages run side by side only
// when there are enough diagrams to keep the cores busy.
const DIAGRAMS_PER_PAGE = 10;
const PUPPETEER_DEFAULT_VIEWPORT = { width: 800, height: 600 };

export async function renderDiagrams(files: DiagramFile[], opts: RenderOptions = {}): Promise<RenderedDiagram[]> {
  if (files.length === 0) return [];
  const sources = await Promise.all(files.map(readSource));
  const executablePath = opts.browser ? undefined : resolveChromium(opts);
  // Optional dependencies: `npx infra-migrate` should not download a browser unless rendering is wanted.
  const [{ default: puppeteer }, { renderMermaid }] = await Promise.all([
    import("puppeteer"),
    import("@mermaid-js/mermaid-cli"),
  ]).catch((error: unknown) => {
    throw new InputError(
      `Rendering needs the optional packages @mermaid-js/mermaid-cli and puppeteer (${(error as Error).message.split("\n")[0]})`,
      [],
      "npm install --save-dev @mermaid-js/mermaid-cli puppeteer (with PUPPETEER_SKIP_DOWNLOAD=true to use your own Chromium).",
      "render.missing-packages",
    );
  });

  let browser: Browser;
  try {
    browser = opts.browser ?? (await puppeteer.launch({ executablePath, headless: "shell", args: CHROMIUM_ARGS }));
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new InputError(
      `Could not start Chromium at ${executablePath}: ${reason}`,
      [],
      chromiumInstallHint(),
      "render.browser",
    );
  }

  const formats: ("svg" | "png")[] = opts.png ? ["svg", "png"] : ["svg"];
  const results: RenderedDiagram[] = files.map(({ input }) => ({ input, outputs: [] }));
  const issues: InputIssue[] = [];
  const width = Math.min(availableParallelism(), Math.ceil(sources.length / DIAGRAMS_PER_PAGE));
  const sessions = planPages(
    sources.map(({ definition }) => diagramKind(definition)),
    width,
  ).map((indexes) => ({ indexes, page: new PageSession(browser) }));
  try {
    await Promise.all(
      sessions.map(async ({ indexes, page }) => {
        for (const i of indexes) {
          const { input, definition } = sources[i]!;
          const base = input.slice(0, -".mmd".length);
          // A stable id per file keeps re-rendered SVGs byte-identical and distinct when inlined together.
          const svgId = `diagram-${mermaidId(path.basename(base))}`;
          try {
            let viewport: Viewport | undefined;
            for (const format of formats) {
              const { data } = await renderMermaid(page.asBrowser(), definition, format, {
                svgId,
                mermaidConfig: MERMAID_CONFIG,
                ...(format === "png" && viewport ? { viewport } : {}),
              });
              if (format === "svg") viewport = pngViewport(data);
              results[i]!.outputs.push({ file: `${base}.${format}`, data });
            }
          } catch (error) {
            // A failed render may leave Mermaid's scratch elements behind: the next diagram gets a clean page.
            await page.discard();
            const message = pageError(error);
            const line = /\bline (\d+)/.exec(message)?.[1];
            issues.push(line ? { file: input, line: Number(line), message } : { file: input, message });
          }
        }
      }),
    );
  } finally {
    // A browser we were given stays open for its owner: only our pages (contexts) go.
    if (browser === opts.browser) await Promise.all(sessions.map(({ page }) => page.discard()));
    else await browser.close();
  }
  if (issues.length > 0) {
    issues.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
    throw new InputError(
      `${issues.length} diagram(s) failed to render`,
      issues,
      "Fix the Mermaid source, or regenerate it.",
      "render.failed",
    );
  }
  return results;
}

/** A PNG wider than this is scaled down to it: big enough to read, small enough to commit. */
const PNG_MAX_WIDTH = 4096;

/**
 * The page a PNG is shot in. Mermaid draws an SVG at most as wide as its container (useMaxWidth),
 * so in puppeteer's 800 px page a 2,178 px diagram came out 784 px wide, its text unreadable. The
 * page is made as wide as the diagram's own viewBox (plus the body's margins), and the device
 * scale doubles the pixels of small and medium diagrams.
 */
export function pngViewport(svg: Uint8Array): Viewport | undefined {
  const head = new TextDecoder().decode(svg.subarray(0, 4096));
  const box = /viewBox="[-\d.]+[ ,]+[-\d.]+[ ,]+([\d.]+)[ ,]+([\d.]+)"/.exec(head);
  if (!box) return undefined;
  const width = Math.ceil(Number(box[1]));
  const height = Math.ceil(Number(box[2]));
  if (!(width > 0 && height > 0)) return undefined;
  const deviceScaleFactor = Math.min(2, Math.max(1, PNG_MAX_WIDTH / width));
  return {
    width: Math.max(PUPPETEER_DEFAULT_VIEWPORT.width, width + 16),
    height: Math.max(600, height + 16),
    deviceScaleFactor,
  };
}

/** The diagram type: the first word after any front matter, comments and %%{init}%% directives. */
export function diagramKind(definition: string): string {
  for (const line of splitFrontMatter(definition.replace(/^\uFEFF/, "")).body.split("\n")) {
    const text = line.trim();
    if (text === "" || text.startsWith("%%")) continue;
    return /^[A-Za-z][\w-]*/.exec(text)?.[0] ?? "";
  }
  return "";
}

// Diagram types whose Mermaid renderer keeps no module state between renders: any number of them
// can share a page and still give the same bytes as a fresh page (test/render). Sequence diagrams,
// for one, number their actors with a module-level counter that never resets.
const STATELESS_KINDS = new Set(["flowchart", "flowchart-v2", "graph"]);

/**
 * Splits diagrams (by index, in order) over pages so that every SVG is what a fresh page would
 * give: a page takes any number of stateless diagrams but at most one of every other type.
 * Stateless diagrams are spread over `width` pages round-robin.
 */
export function planPages(kinds: string[], width: number): number[][] {
  const pages: { indexes: number[]; kinds: Set<string> }[] = Array.from({ length: Math.max(1, width) }, () => ({
    indexes: [],
    kinds: new Set<string>(),
  }));
  let turn = 0;
  kinds.forEach((kind, index) => {
    if (STATELESS_KINDS.has(kind)) {
      pages[turn++ % Math.max(1, width)]!.indexes.push(index);
      return;
    }
    let page = pages.find((candidate) => !candidate.kinds.has(kind));
    if (!page) {
      page = { indexes: [], kinds: new Set() };
      pages.push(page);
    }
    page.kinds.add(kind);
    page.indexes.push(index);
  });
  return pages.filter((page) => page.indexes.length > 0).map((page) => page.indexes);
}

/**
 * One Chromium page kept open across mermaid-cli `renderMermaid` calls. renderMermaid opens a
 * page, loads Mermaid into it and closes it for every diagram. Handed this session instead of the
 * browser, it gets the same page each time, already loaded: navigation, listeners, request
 * interception and style tags happen once, `close` is deferred to the browser, and the ES modules
 * stay cached in the document, so a diagram costs its layout, not a Mermaid load.
 */
class PageSession {
  private context: BrowserContext | undefined;
  private page: Page | undefined;
  private view: Page | undefined;
  private loadedUrl: string | undefined;
  private readonly once = new Set<string>();
  private readonly styles = new Set<string>();

  constructor(private readonly browser: Browser) {}

  /** What renderMermaid needs of a Browser: `newPage`. */
  asBrowser(): Browser {
    return { newPage: () => this.open() } as unknown as Browser;
  }

  private async open(): Promise<Page> {
    if (!this.page || !this.view) {
      // A context of its own per page: PNG screenshots of two pages in one context hang in headless shell.
      this.context = await this.browser.createBrowserContext();
      this.page = await this.context.newPage();
      this.view = this.wrap(this.page);
    }
    // A PNG render resizes the viewport to its diagram; every render starts from puppeteer's default.
    await this.page.setViewport(PUPPETEER_DEFAULT_VIEWPORT);
    if (this.loadedUrl !== undefined) await this.page.$eval("#container", (container) => container.replaceChildren());
    return this.view;
  }

  /** Drops the page: the next render opens and loads a fresh one. */
  async discard(): Promise<void> {
    const context = this.context;
    this.context = this.page = this.view = this.loadedUrl = undefined;
    this.once.clear();
    this.styles.clear();
    await context?.close().catch(() => undefined);
  }

  private wrap(page: Page): Page {
    const onlyOnce = async (key: string, action: () => Promise<unknown>): Promise<void> => {
      if (this.once.has(key)) return;
      this.once.add(key);
      await action();
    };
    const view: Page = new Proxy(page, {
      get: (target, property) => {
        switch (property) {
          case "goto":
            return async (url: string, options?: GoToOptions) => {
              if (this.loadedUrl === url) return null;
              const response = await target.goto(url, options);
              this.loadedUrl = url;
              return response;
            };
          case "on":
            return (event: string, handler: (arg: unknown) => void) => {
              if (!this.once.has(`on:${event}`)) {
                this.once.add(`on:${event}`);
                target.on(event as "console", handler);
              }
              return view;
            };
          case "setRequestInterception":
            return (enabled: boolean) => onlyOnce(`intercept:${enabled}`, () => target.setRequestInterception(enabled));
          case "addStyleTag":
            return async (options: FrameAddStyleTagOptions) => {
              const key = options.url ?? options.path ?? options.content ?? "";
              if (this.styles.has(key)) return null;
              this.styles.add(key);
              return target.addStyleTag(options);
            };
          case "close":
            return async () => undefined;
          default: {
            const value: unknown = Reflect.get(target, property, target);
            return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
          }
        }
      },
    });
    return view;
  }
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
  if (!found)
    throw new InputError(
      "No Chromium or Chrome found to render diagrams",
      [],
      chromiumInstallHint(),
      "render.no-chromium",
    );
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
  return (
    message
      .split("\n")
      .find((line) => line.trim() !== "")
      ?.trim() ?? "unknown error"
  );
}
