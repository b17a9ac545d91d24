// Validates Mermaid source with the real `mermaid@11` parser, in Node, with no DOM.
//
// dist/vendor/mermaid-parser.mjs (npm run build: scripts/bundle-vendor.mjs) bundles Mermaid's core
// ESM build and its dependencies, with DOMPurify replaced by a no-op (src/validate/purify-stub.ts):
// loading and parsing need no `window` then, where the real DOMPurify needed happy-dom installed as
// the global window while Mermaid loaded and sanitised every label through it. Mermaid itself leaves
// one harmless global behind, `globalThis.injected` (its feature flags). Nothing else is installed.
// test/validate/mermaid-dom.test.ts holds the verdicts to those of Mermaid under happy-dom with the
// real DOMPurify, the way the validator ran before.
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Mermaid } from "mermaid";
import { packageRoot } from "../package-root.js";
import { splitFrontMatter } from "../render/mermaid-text.js";
import { verdict, verdictKey, verdictsEnabled } from "./verdicts.js";

let loading: Promise<Mermaid> | undefined;
// mermaid.parse keeps global state (config, the diagram db), so parses run one at a time.
let queue: Promise<unknown> = Promise.resolve();

export function loadMermaid(): Promise<Mermaid> {
  loading ??= importMermaid();
  return loading;
}

async function importMermaid(): Promise<Mermaid> {
  const bundle = path.join(packageRoot(), "dist/vendor/mermaid-parser.mjs");
  let parts: { importMermaid(): Promise<Mermaid> };
  try {
    parts = (await import(pathToFileURL(bundle).href)) as typeof parts;
  } catch (error) {
    if ((error as { code?: string }).code !== "ERR_MODULE_NOT_FOUND") throw error;
    // Mermaid from node_modules would load the real DOMPurify, which needs a DOM.
    throw new Error(`the Mermaid validator is not built (${bundle} is missing): run \`npm run build\``, {
      cause: error,
    });
  }
  const mermaid = await parts.importMermaid();
  mermaid.initialize({ startOnLoad: false });
  return mermaid;
}

function serially<T>(task: () => Promise<T>): Promise<T> {
  const run = queue.then(task, task);
  queue = run.catch(() => undefined);
  return run;
}

/** Problems with a Mermaid diagram (empty = it parses), each `line N: …` when Mermaid says where. */
export async function validateMermaid(text: string): Promise<string[]> {
  // Mermaid's version and the stub's code are in the tool fingerprint; a kept verdict skips loading them.
  return verdict(verdictsEnabled() ? verdictKey("mermaid", "", text) : undefined, () => parseForFindings(text));
}

async function parseForFindings(text: string): Promise<string[]> {
  const mermaid = await loadMermaid();
  return serially(() => mermaidFindings(mermaid, text));
}

/** What `mermaid.parse` says of `text` with this Mermaid (empty = it parses). Not serialised. */
export async function mermaidFindings(mermaid: Mermaid, text: string): Promise<string[]> {
  try {
    await mermaid.parse(text);
    return [];
  } catch (error) {
    return [describeError(error, text)];
  }
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
