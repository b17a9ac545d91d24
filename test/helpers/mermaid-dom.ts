// Test helper: Mermaid as a browser has it, from node_modules: its self-contained ESM build, loaded
// with happy-dom's Window installed as the global window and document, so that DOMPurify is the real
// one and sanitises every label. The product's validator (src/validate/mermaid.ts) runs Mermaid with
// no DOM and a no-op DOMPurify; tests that check what a label becomes, and the test that holds the
// two to the same verdicts, use this one. Loaded once per test worker; parses run one at a time
// (Mermaid keeps global state).
import { Window } from "happy-dom";
import type { Mermaid } from "mermaid";
import { splitFrontMatter } from "../../src/render/mermaid-text.js";
import { mermaidFindings } from "../../src/validate/mermaid.js";

let loading: Promise<Mermaid> | undefined;
let queue: Promise<unknown> = Promise.resolve();

async function importUnderDom(): Promise<Mermaid> {
  const g = globalThis as Record<string, unknown>;
  const had = { window: "window" in g, document: "document" in g };
  const win = new Window();
  if (!had.window) g.window = win;
  if (!had.document) g.document = win.document;
  try {
    const mermaid = ((await import("mermaid/dist/mermaid.esm.min.mjs" as string)) as { default: Mermaid }).default;
    mermaid.initialize({ startOnLoad: false });
    return mermaid;
  } finally {
    if (!had.window) delete g.window;
    if (!had.document) delete g.document;
    await win.happyDOM.close();
  }
}

function serially<T>(task: (mermaid: Mermaid) => Promise<T>): Promise<T> {
  loading ??= importUnderDom();
  const run = queue.then(
    async () => task(await loading!),
    async () => task(await loading!),
  );
  queue = run.catch(() => undefined);
  return run;
}

/** The findings the validator would report, from Mermaid with the real DOMPurify. */
export function findingsUnderDom(text: string): Promise<string[]> {
  return serially((mermaid) => mermaidFindings(mermaid, text));
}

/**
 * The parsed diagram (type and its db, e.g. `db.getVertices()`) after the real DOMPurify, for tests
 * that check what the parser read. Front matter is dropped first, as `mermaid.parse` does.
 */
export function parseMermaidDiagram(text: string): Promise<{ type: string; db: unknown }> {
  const { body } = splitFrontMatter(text);
  return serially(async (mermaid) => {
    const diagram = await mermaid.mermaidAPI.getDiagramFromText(body);
    return { type: diagram.type, db: diagram.db };
  });
}
