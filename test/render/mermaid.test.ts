import { describe, expect, it } from "vitest";
import { buildFlowchart, buildSequence, mermaidId, mermaidText, type Flowchart } from "../../src/render/mermaid.js";

describe("mermaidId", () => {
  it.each([
    ["api", "api"],
    ["Api_v2", "Api_v2"],
    ["celery worker", /^celery_worker__[0-9a-f]{10}$/],
    ["end", /^end__[0-9a-f]{10}$/],
    ["END", /^END__[0-9a-f]{10}$/],
    ["class", /^class__[0-9a-f]{10}$/],
    ["9lives", /^n_9lives__[0-9a-f]{10}$/],
    ["", /^n__[0-9a-f]{10}$/],
    ["🚀", /^n__[0-9a-f]{10}$/],
    ["héllo", /^hello__[0-9a-f]{10}$/],
    ["x".repeat(80), /^x{40}__[0-9a-f]{10}$/],
    // Looks like one of our hashed ids, so it is hashed again rather than kept.
    ["api__0123456789", /^api_0123456789__[0-9a-f]{10}$/],
  ])("%j -> %s", (raw, want) => {
    const id = mermaidId(raw);
    if (typeof want === "string") expect(id).toBe(want);
    else expect(id).toMatch(want);
    expect(id).toMatch(/^[A-Za-z][A-Za-z0-9_]*$/);
    expect(mermaidId(raw)).toBe(id);
  });

  it("gives distinct ids to names that slug the same", () => {
    const names = ["a b", "a-b", "a_b", "a.b", "a  b", "A b", "end", "End", "", " ", "  "];
    const ids = names.map(mermaidId);
    expect(new Set(ids).size).toBe(names.length);
  });
});

describe("mermaidText", () => {
  it.each([
    ["plain words", "plain words"],
    ['say "hi"', "say #34;hi#34;"],
    ["a;b#c%%d", "a#59;b#35;c#37;#37;d"],
    ["<b>", "#60;b#62;"],
    ["two\nlines", "two<br/>lines"],
    ["crlf\r\nend", "crlf<br/>end"],
    ["héllo 中文 🚀", "héllo 中文 🚀"],
    ["go direction LR", "go direction#32;LR"],
    ["", "#160;"],
    ["`md`", "#96;md#96;"],
    ["x:y,z@{", "x#58;y#44;z#64;#123;"],
  ])("%j -> %j", (raw, want) => {
    expect(mermaidText(raw)).toBe(want);
  });

  it("caps long text with an ellipsis", () => {
    expect(mermaidText("abcdef", 4)).toBe("abc#8230;");
    expect(mermaidText("🚀".repeat(10), 3)).toBe("🚀🚀#8230;");
  });
});

const chart: Flowchart = {
  direction: "LR",
  title: "Request path",
  nodes: [
    { id: "lb", label: "Load balancer", shape: "stadium" },
    { id: "api", label: "FastAPI", classes: ["svc"] },
    { id: "db", label: "MySQL", shape: "cylinder" },
    { id: "tasks", label: "Cloud Tasks", shape: "queue" },
  ],
  edges: [
    { from: "lb", to: "api", label: "HTTPS" },
    { from: "api", to: "db", style: "dotted" },
    { from: "api", to: "tasks", style: "thick" },
  ],
  subgraphs: [{ id: "cloud run", label: "Cloud Run", nodes: ["api"], direction: "TB" }],
  classDefs: { svc: "fill:#dfd,stroke:#090" },
  linkStyles: [{ index: 1, css: "stroke:#999" }],
};

describe("buildFlowchart", () => {
  it("writes flowchart syntax with front matter title", () => {
    const idSub = mermaidId("cloud run");
    expect(buildFlowchart(chart)).toBe(
      [
        "---",
        'title: "Request path"',
        "---",
        "flowchart LR",
        "  classDef svc fill:#dfd,stroke:#090",
        '  lb(["Load balancer"])',
        '  db[("MySQL")]',
        '  tasks@{ shape: h-cyl, label: "Cloud Tasks" }',
        `  subgraph ${idSub} ["Cloud Run"]`,
        "    direction TB",
        '    api["FastAPI"]',
        "  end",
        '  lb -->|"HTTPS"| api',
        "  api -.-> db",
        "  api ==> tasks",
        "  class api svc",
        "  linkStyle 1 stroke:#999",
        "",
      ].join("\n"),
    );
  });

  it("is deterministic", () => {
    expect(buildFlowchart(structuredClone(chart))).toBe(buildFlowchart(chart));
  });

  it.each<[string, Partial<Flowchart>, RegExp]>([
    ["edge from unknown node", { edges: [{ from: "nope", to: "api" }] }, /edge 0 references unknown node "nope"/],
    ["edge to unknown node", { edges: [{ from: "api", to: "nope" }] }, /unknown node "nope"/],
    [
      "subgraph with unknown node",
      { subgraphs: [{ id: "s", label: "S", nodes: ["nope"] }] },
      /subgraph "s" references unknown node/,
    ],
    [
      "node in two subgraphs",
      {
        subgraphs: [
          { id: "s", label: "S", nodes: ["api"] },
          { id: "t", label: "T", nodes: ["api"] },
        ],
      },
      /more than one subgraph/,
    ],
    ["subgraph id clashing with a node", { subgraphs: [{ id: "api", label: "S", nodes: [] }] }, /already used/],
    ["duplicate node", { nodes: [...chart.nodes, { id: "api", label: "again" }] }, /duplicate node id "api"/],
    ["undefined class", { classDefs: {} }, /undefined class "svc"/],
    ["CSS with a semicolon", { classDefs: { svc: "fill:#fff;click x" } }, /unsafe CSS/],
    ["CSS with a newline", { classDefs: { svc: "fill:#fff\nclick x call y()" } }, /unsafe CSS/],
    ["bad class name", { classDefs: { "svc x": "fill:#fff", svc: "fill:#fff" } }, /bad class name/],
    ["linkStyle past the edges", { linkStyles: [{ index: 3, css: "stroke:#000" }] }, /linkStyle index 3/],
  ])("throws on %s", (_name, patch, message) => {
    expect(() => buildFlowchart({ ...chart, ...patch })).toThrow(message);
  });
});

describe("buildSequence", () => {
  it("writes every step kind", () => {
    const text = buildSequence({
      participants: [
        { id: "user", label: "User", kind: "actor" },
        { id: "api", label: "API" },
        { id: "db", label: "MySQL", kind: "database" },
        { id: "q", label: "Tasks", kind: "queue" },
      ],
      steps: [
        { autonumber: true },
        { from: "user", to: "api", text: "POST /jobs" },
        { activate: "api" },
        {
          block: "par",
          label: "fan out",
          steps: [{ from: "api", to: "q", text: "enqueue", arrow: "async" }],
          else: [{ label: "meanwhile", steps: [{ from: "api", to: "db", text: "insert" }] }],
        },
        { note: "over everything", over: ["q", "user", "api"] },
        { deactivate: "api" },
        { from: "api", to: "user", text: "202", arrow: "reply" },
      ],
    });
    expect(text).toBe(
      [
        "sequenceDiagram",
        "  actor user as User",
        "  participant api as API",
        '  participant db@{ "type": "database" } as MySQL',
        '  participant q@{ "type": "queue" } as Tasks',
        "  autonumber",
        "  user->>api: POST /jobs",
        "  activate api",
        "  par fan out",
        "    api-)q: enqueue",
        "  and meanwhile",
        "    api->>db: insert",
        "  end",
        "  Note over user,q: over everything",
        "  deactivate api",
        "  api-->>user: 202",
        "",
      ].join("\n"),
    );
  });

  it.each<[string, Parameters<typeof buildSequence>[0]["steps"], RegExp]>([
    ["message from unknown", [{ from: "ghost", to: "a", text: "x" }], /message references unknown participant "ghost"/],
    ["note over unknown", [{ note: "x", over: ["ghost"] }], /note references unknown/],
    ["note over nobody", [{ note: "x", over: [] }], /at least one participant/],
    ["activate unknown", [{ activate: "ghost" }], /activate references unknown/],
    [
      "unknown inside a block",
      [{ block: "loop", label: "l", steps: [{ deactivate: "ghost" }] }],
      /deactivate references unknown/,
    ],
    [
      "else on opt",
      [{ block: "opt", label: "o", steps: [], else: [{ label: "e", steps: [] }] }],
      /opt block cannot have else/,
    ],
  ])("throws on %s", (_name, steps, message) => {
    expect(() => buildSequence({ participants: [{ id: "a", label: "A" }], steps })).toThrow(message);
  });
});
