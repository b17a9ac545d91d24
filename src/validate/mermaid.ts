// Validates Mermaid source with the real `mermaid@11` parser, in Node, under a happy-dom shim.
//
// What the shim touches: mermaid and DOMPurify look for
// `window`/`document` while their modules load, so we set `globalThis.window` and
// `globalThis.document` to a happy-dom Window only while Mermaid's modules load, then remove
// them (and close the Window); parsing works without them. Mermaid itself leaves one harmless
// global behind, `globalThis.injected` (its feature flags). Nothing else is installed.
//
// Both come from dist/vendor/mermaid-parser.mjs when it was built (npm run build bundles happy-dom
// and Mermaid's self-contained ESM build with esbuild): loading ~1,200 separate modules cost most
// of an offline run; the bundle loads in a sixth of the time. Without it (sources not built) the
// same two modules load from node_modules.
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Window as HappyDomWindow } from "happy-dom";
import type { Mermaid } from "mermaid";
import { packageRoot } from "../package-root.js";
import { splitFrontMatter } from "../render/mermaid-text.js";
import { verdict, verdictKey, verdictsEnabled } from "./verdicts.js";

interface MermaidParts {
  Window: typeof HappyDomWindow;
  importMermaid(): Promise<Mermaid>;
}

let loading: Promise<Mermaid> | undefined;
// mermaid.parse keeps global state (config, the diagram db), so parses run one at a time.
let queue: Promise<unknown> = Promise.resolve();

export function loadMermaid(): Promise<Mermaid> {
  loading ??= importWithShim();
  return loading;
}

async function importParts(): Promise<MermaidParts> {
  const bundle = path.join(packageRoot(), "dist/vendor/mermaid-parser.mjs");
  try {
    return (await import(pathToFileURL(bundle).href)) as MermaidParts;
  } catch (error) {
    if ((error as { code?: string }).code !== "ERR_MODULE_NOT_FOUND") throw error;
    const { Window } = await import("happy-dom");
    const importMermaid = async () =>
      ((await import("mermaid/dist/mermaid.esm.min.mjs" as string)) as { default: Mermaid }).default;
    return { Window, importMermaid };
  }
}

async function importWithShim(): Promise<Mermaid> {
  const { Window, importMermaid } = await importParts();
  const g = globalThis as Record<string, unknown>;
  const had = { window: "window" in g, document: "document" in g };
  const win = new Window();
  if (!had.window) g.window = win;
  if (!had.document) g.document = win.document;
  try {
    const mermaid = await importMermaid();
    mermaid.initialize({ startOnLoad: false });
    return mermaid;
  } finally {
    if (!had.window) delete g.window;
    if (!had.document) delete g.document;
    await win.happyDOM.close();
  }
}

function serially<T>(task: () => Promise<T>): Promise<T> {
  const run = queue.then(task, task);
  queue = run.catch(() => undefined);
  return run;
}

/** Problems with a Mermaid diagram (empty = it parses), each `line N: …` when Mermaid says where. */
export async function validateMermaid(text: string): Promise<string[]> {
  // Mermaid's and happy-dom's versions are in the tool fingerprint; a kept verdict skips loading them.
  return verdict(verdictsEnabled() ? verdictKey("mermaid", "", text) : undefined, () => parseForFindings(text));
}

async function parseForFindings(text: string): Promise<string[]> {
  const mermaid = await loadMermaid();
  return serially(async () => {
    try {
      await mermaid.parse(text);
      return [];
    } catch (error) {
      return [describeError(error, text)];
    }
  });
}

/**
 * The parsed diagram (type and its db, e.g. `db.getVertices()`), for tests that check what the
 * parser read. Front matter is dropped first, as `mermaid.parse` does.
 */
export async function parseMermaidDiagram(text: string): Promise<{ type: string; db: unknown }> {
  const mermaid = await loadMermaid();
  const { body } = splitFrontMatter(text);
  return serially(async () => {
    const diagram = await mermaid.mermaidAPI.getDiagramFromText(body);
    return { type: diagram.type, db: diagram.db };
  });
}

function describeError(error: unknown, text: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const hash = (error as { hash?: { loc?: { first_line?: number }; line?: number } }).hash;
  // Jison parsers (flowchart, sequence) attach `hash`; Langium ones (pie, …) only say "line N".
  const reported = hash?.loc?.first_line ?? hash?.line ?? Number(/\bline (\d+)/.exec(message)?.[1] ?? Number.NaN);
  // Jison's message is "Parse error on line N:\n<context>\n---^\nExpecting …"; keep it on one line.
  const detail = message
    .replace(/^Parse error on line \d+:\n?/, "")
    .split("\n")
    .filter((line) => !/^-*\^$/.test(line.trim()))
    .map((line) => line.trim())
    .filter(Boolean)
    .join(" ");
  if (!Number.isInteger(reported)) return detail;
  return `line ${inputLine(text, reported)}: ${detail}`;
}

/**
 * Mermaid reports lines of the text it parsed: front matter, `%%` comment lines and leading
 * blank lines removed. Map back to the caller's line numbers (1-based).
 */
function inputLine(text: string, reported: number): number {
  const { body, lines: offset } = splitFrontMatter(text);
  const kept: number[] = [];
  body.split("\n").forEach((line, i) => {
    if (/^\s*%%(?!\{)/.test(line)) return;
    if (kept.length === 0 && line.trim() === "") return;
    kept.push(offset + i + 1);
  });
  // Errors at end of input point one line past the text (Mermaid appends a newline).
  return kept[reported - 1] ?? Math.min(offset + reported, text.split("\n").length);
}
