// The validator runs Mermaid with no DOM and a no-op DOMPurify (src/validate/purify-stub.ts). This
// holds it to Mermaid under happy-dom with the real DOMPurify, as a browser has it: the same verdict
// and the same words for every diagram here, good and broken, and for the bundled example's
// diagrams. Labels with markup, scripts and entities are where sanitising happens.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildFlowchart, buildSequence } from "../../src/render/mermaid.js";
import { validateMermaid } from "../../src/validate/mermaid.js";
import { findingsUnderDom } from "../helpers/mermaid-dom.js";

const EXAMPLE = path.resolve(import.meta.dirname, "../../examples/seed-vm/out/docs/migration");
const exampleDiagrams = ["audit/current-architecture.mmd", "design/target-architecture.mmd", "llmops/sequence.mmd"];

const LABELS = [
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  "a<br/>b<br>c",
  "<b>bold</b> <i>it</i> <style>x{}</style>",
  '<a href="javascript:alert(1)">x</a>',
  "#35; #quot; &amp; &lt;b&gt;",
  "`**md**`",
  "héllo 中文 🚀",
];

const DIAGRAMS: [string, string][] = [
  [
    "flowchart of hostile labels",
    buildFlowchart({
      direction: "LR",
      nodes: LABELS.map((label, i) => ({ id: `n${i}`, label })),
      edges: LABELS.slice(1).map((label, i) => ({ from: `n${i}`, to: `n${i + 1}`, label })),
      subgraphs: [{ id: "g", label: LABELS[0]!, nodes: ["n0", "n1"] }],
    }),
  ],
  [
    "sequence of hostile labels",
    buildSequence({
      participants: [
        { id: "a", label: LABELS[0]!, kind: "actor" },
        { id: "b", label: LABELS[1]! },
      ],
      steps: LABELS.map((text, i) => (i % 2 ? { from: "a", to: "b", text } : { note: text, over: ["a", "b"] })),
    }),
  ],
  [
    "raw html labels in a flowchart",
    'flowchart LR\n  a["<b>x</b><script>y</script>"] -->|"<i>e</i>"| b("<img src=x onerror=1>")\n',
  ],
  ["raw html in a sequence", "sequenceDiagram\n  a->>b: <b>hi</b><script>x</script>\n  Note over a,b: <i>n</i>\n"],
  ["unclosed quote", 'flowchart LR\n  a --> b\n  c["x" y"]\n'],
  ["bad arrow in a sequence", "sequenceDiagram\n  a->>b: ok\n  a->>>b: no\n"],
  ["unclosed subgraph", "flowchart LR\n  subgraph s\n  a --> b\n"],
  ["unknown diagram type", "notADiagram\n  a --> b\n"],
  ["broken pie", 'pie title T\n  "a" : x\n'],
  ["good pie", 'pie title T\n  "a" : 1\n  "<b>b</b>" : 2\n'],
  ["broken front matter", "---\ntitle: [\n---\nflowchart LR\n  a --> b\n"],
  ["class diagram", "classDiagram\n  class A {\n    +int x\n  }\n  A <|-- B : <b>uses</b>\n"],
];

describe("the validator without a DOM agrees with Mermaid under happy-dom", () => {
  it.each(DIAGRAMS)("%s", async (_name, text) => {
    expect(await validateMermaid(text)).toEqual(await findingsUnderDom(text));
  });

  it("holds for every broken diagram above: each is reported, so agreement is not two empty lists", async () => {
    const broken = DIAGRAMS.filter(([name]) => /broken|unclosed|bad|unknown/.test(name));
    expect(broken.length).toBeGreaterThanOrEqual(6);
    for (const [, text] of broken) expect(await validateMermaid(text)).toHaveLength(1);
  });

  it.each(exampleDiagrams)("the example's %s", async (file) => {
    const text = readFileSync(path.join(EXAMPLE, file), "utf8");
    expect(await validateMermaid(text)).toEqual([]);
    expect(await findingsUnderDom(text)).toEqual([]);
  });
});
