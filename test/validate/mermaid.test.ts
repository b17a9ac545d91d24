import { describe, expect, it } from "vitest";
import { buildFlowchart, buildSequence, mermaidId } from "../../src/render/mermaid.js";
import { validateMermaid } from "../../src/validate/mermaid.js";
import { parseMermaidDiagram } from "../helpers/mermaid-dom.js";

describe("validateMermaid", () => {
  it.each([
    ["flowchart", "flowchart LR\n  a --> b\n"],
    ["sequence", "sequenceDiagram\n  a->>b: hi\n"],
    ["front matter title", "---\ntitle: T\n---\nflowchart TB\n  a\n"],
    ["comment line", "%% why\nflowchart TB\n  a --> b\n"],
  ])("accepts a valid %s", async (_name, text) => {
    expect(await validateMermaid(text)).toEqual([]);
  });

  it.each([
    ["unclosed quote", 'flowchart LR\n  a --> b\n  c["x" y"]\n', 3],
    ["bad arrow in a sequence", "sequenceDiagram\n  a->>b: ok\n  a->>>b: no\n", 3],
    ["after front matter", '---\ntitle: T\n---\nflowchart LR\n  a --> b\n  c["x" y"]\n', 6],
    ["after comments and blank lines", '%% one\n\n%% two\nflowchart LR\n  a --> b\n  c["x" y"]\n', 6],
    ["unclosed subgraph", "flowchart LR\n  subgraph s\n  a --> b\n", undefined],
  ])("reports %s", async (_name, text, line) => {
    const findings = await validateMermaid(text);
    expect(findings).toHaveLength(1);
    if (line !== undefined) expect(findings[0]).toMatch(new RegExp(`^line ${line}: `));
    expect(findings[0]).not.toContain("\n");
  });

  it("reports an unknown diagram type", async () => {
    const [finding] = await validateMermaid("notADiagram\n  a --> b\n");
    expect(finding).toMatch(/No diagram type detected|not found/i);
  });

  it("leaves no DOM globals behind", async () => {
    await validateMermaid("flowchart LR\n  a --> b\n");
    expect("window" in globalThis).toBe(false);
    expect("document" in globalThis).toBe(false);
  });

  it("parses concurrent calls independently", async () => {
    const texts = ["flowchart LR\n  a --> b\n", 'flowchart LR\n  a["x" y"]\n', "sequenceDiagram\n  a->>b: x\n"];
    const results = await Promise.all(texts.map(validateMermaid));
    expect(results.map((r) => r.length)).toEqual([0, 1, 0]);
  });
});

describe("builder output parses", () => {
  it("sequence with every step kind and participant kind", async () => {
    const text = buildSequence({
      title: "Job flow",
      participants: [
        { id: "user", label: "User", kind: "actor" },
        { id: "api", label: "API", kind: "participant" },
        { id: "db", label: "MySQL", kind: "database" },
        { id: "tasks", label: "Cloud Tasks", kind: "queue" },
        { id: "worker", label: "Worker" },
      ],
      steps: [
        { autonumber: true },
        { from: "user", to: "api", text: "POST /jobs" },
        { activate: "api" },
        {
          block: "alt",
          label: "valid",
          steps: [{ from: "api", to: "db", text: "insert" }],
          else: [
            { label: "invalid", steps: [{ from: "api", to: "user", text: "422", arrow: "reply" }] },
            { label: "throttled", steps: [] },
          ],
        },
        { block: "opt", label: "async", steps: [{ from: "api", to: "tasks", text: "enqueue", arrow: "async" }] },
        {
          block: "loop",
          label: "retries",
          steps: [
            { from: "tasks", to: "worker", text: "dispatch" },
            { note: "429 slows the queue", over: ["tasks"] },
          ],
        },
        {
          block: "par",
          label: "a",
          steps: [{ from: "worker", to: "db", text: "update" }],
          else: [{ label: "b", steps: [{ from: "worker", to: "api", text: "callback", arrow: "async" }] }],
        },
        { deactivate: "api" },
        { note: "end to end", over: ["user", "worker"] },
        { from: "api", to: "user", text: "202", arrow: "reply" },
      ],
    });
    expect(await validateMermaid(text)).toEqual([]);
    const { db } = await parseMermaidDiagram(text);
    const actors = (db as { getActors(): Map<string, { type: string }> }).getActors();
    expect([...actors].map(([id, a]) => [id, a.type])).toEqual([
      ["user", "actor"],
      ["api", "participant"],
      ["db", "database"],
      ["tasks", "queue"],
      ["worker", "participant"],
    ]);
  });

  it("flowchart with every shape, edge style and a nested direction", async () => {
    const shapes = [
      "rect",
      "round",
      "stadium",
      "cylinder",
      "circle",
      "hexagon",
      "parallelogram",
      "subroutine",
      "queue",
    ] as const;
    const text = buildFlowchart({
      direction: "TB",
      nodes: shapes.map((shape) => ({ id: `node ${shape}`, label: shape, shape })),
      edges: shapes.slice(1).map((shape, i) => ({
        from: `node ${shapes[i]}`,
        to: `node ${shape}`,
        label: `${i}`,
        style: (["solid", "dotted", "thick"] as const)[i % 3],
      })),
      subgraphs: [{ id: "group", label: "Group", nodes: ["node circle", "node queue"], direction: "LR" }],
    });
    expect(await validateMermaid(text)).toEqual([]);
    const { db } = await parseMermaidDiagram(text);
    const vertices = (db as { getVertices(): Map<string, { type: string }> }).getVertices();
    expect(vertices.get(mermaidId("node queue"))!.type).toBe("h-cyl");
    expect(vertices.get(mermaidId("node cylinder"))!.type).toBe("cylinder");
    expect(vertices.size).toBe(shapes.length);
  });

  it("keeps ids that look like keywords or arrow heads apart", async () => {
    const names = [
      "end",
      "endpoint",
      "o",
      "x",
      "oops",
      "xray",
      "v",
      "graph1",
      "classy",
      "style_x",
      "default",
      "subgraph",
      "TB",
      "click",
      "a-b",
      "a b",
    ];
    const text = buildFlowchart({
      direction: "LR",
      nodes: names.map((id) => ({ id, label: id })),
      edges: names.slice(1).map((id, i) => ({ from: names[i]!, to: id })),
    });
    expect(await validateMermaid(text)).toEqual([]);
    const { db } = await parseMermaidDiagram(text);
    const flow = db as { getVertices(): Map<string, unknown>; getEdges(): unknown[] };
    expect([...flow.getVertices().keys()]).toEqual(names.map(mermaidId));
    expect(flow.getEdges()).toHaveLength(names.length - 1);
  });
});
