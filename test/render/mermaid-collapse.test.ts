import { describe, expect, it } from "vitest";
import { buildFlowchart } from "../../src/render/mermaid.js";
import { collapseFlowchart } from "../../src/render/mermaid-collapse.js";
import type { Flowchart } from "../../src/render/mermaid.js";
import { validateMermaid } from "../../src/validate/mermaid.js";
import { auditPhase } from "../../src/phases/audit/index.js";
import { auditOffline } from "../../src/phases/audit/offline.js";
import { designPhase } from "../../src/phases/design/index.js";
import { inputFromYaml } from "../helpers/phase-input.js";
// @ts-expect-error plain JS module without types
import { generateInventory } from "../../bench/gen-inventory.mjs";

const chart: Flowchart = {
  direction: "LR",
  nodes: [
    { id: "users", label: "Users" },
    { id: "w1", label: "worker\none", classes: ["a"] },
    { id: "w2", label: "worker\ntwo", classes: ["b"] },
    { id: "db", label: "DB" },
  ],
  edges: [
    { from: "users", to: "w1" },
    { from: "users", to: "w2" },
    { from: "w1", to: "db", label: "sql" },
    { from: "w2", to: "db", label: "sql" },
    { from: "w1", to: "w2" },
  ],
  subgraphs: [{ id: "vm", label: "VM", nodes: ["w1", "w2", "db"] }],
  classDefs: { a: "fill:#fff", b: "fill:#eee" },
  linkStyles: [{ index: 4, css: "stroke:#f00" }],
};

describe("collapseFlowchart", () => {
  const collapsed = collapseFlowchart(chart, (id) => (id.startsWith("w") ? "workers" : id));

  it("merges nodes with the same key, counting them", () => {
    expect(collapsed.nodes.map((n) => [n.id, n.label, n.classes])).toEqual([
      ["users", "Users", undefined],
      ["workers", "2 × worker", ["a", "b"]],
      ["db", "DB", undefined],
    ]);
  });

  it("routes edges to the merged node, dropping duplicates and self-loops", () => {
    expect(collapsed.edges.map((e) => `${e.from}>${e.to}:${e.label ?? ""}`)).toEqual([
      "users>workers:",
      "workers>db:sql",
    ]);
    expect(collapsed.subgraphs![0]!.nodes).toEqual(["workers", "db"]);
    expect(collapsed.linkStyles).toBeUndefined();
  });

  it("still builds a diagram the real parser accepts", async () => {
    expect(await validateMermaid(buildFlowchart(collapsed))).toEqual([]);
  });
});

describe("collapseFlowchart on many nodes", () => {
  // The collapse as it was written first (a key asked for every node and edge end): the reference.
  function reference(c: Flowchart, keyOf: (id: string) => string): Flowchart {
    const members = new Map<string, Flowchart["nodes"]>();
    for (const node of c.nodes) members.set(keyOf(node.id), [...(members.get(keyOf(node.id)) ?? []), node]);
    const nodes = [...members.entries()].map(([id, list]) => {
      const first = list[0]!;
      if (list.length === 1 && first.id === id) return first;
      const classes = [...new Set(list.flatMap((n) => n.classes ?? []))];
      return {
        ...first,
        id,
        label: `${list.length} × ${first.label.split("\n")[0]}`,
        classes: classes.length ? classes : undefined,
      };
    });
    const seen = new Set<string>();
    const edges: Flowchart["edges"] = [];
    for (const edge of c.edges) {
      const routed = { ...edge, from: keyOf(edge.from), to: keyOf(edge.to) };
      const key = `${routed.from}>${routed.to}>${routed.label ?? ""}>${routed.style ?? ""}`;
      if (routed.from === routed.to || seen.has(key)) continue;
      seen.add(key);
      edges.push(routed);
    }
    const subgraphs = c.subgraphs?.map((sub) => ({ ...sub, nodes: [...new Set(sub.nodes.map(keyOf))] }));
    return { ...c, nodes, edges, subgraphs, linkStyles: undefined };
  }
  const kinds = ["worker", "job", "api"];
  const big: Flowchart = {
    direction: "LR",
    nodes: [
      { id: "users", label: "Users" },
      ...Array.from({ length: 300 }, (_, i) => ({
        id: `svc-${i}`,
        label: `${kinds[i % 3]}\nsvc ${i}`,
        classes: i % 5 ? ["run"] : ["run", `odd${i % 4}`],
      })),
      { id: "svc-lone", label: "lone\none" },
      { id: "db", label: "DB" },
    ],
    edges: [
      ...Array.from({ length: 300 }, (_, i) => ({ from: "users", to: `svc-${i}`, label: i % 2 ? "HTTPS" : undefined })),
      ...Array.from({ length: 300 }, (_, i) => ({ from: `svc-${i}`, to: `svc-${(i * 7) % 300}` })),
      ...Array.from(
        { length: 300 },
        (_, i) => ({ from: `svc-${i}`, to: "db", style: i % 3 ? "thick" : "dotted" }) as const,
      ),
      { from: "svc-lone", to: "db" },
    ],
    subgraphs: [{ id: "run", label: "Run", nodes: [...Array.from({ length: 300 }, (_, i) => `svc-${i}`), "svc-lone"] }],
  };
  const keyOf = (id: string) => {
    const n = /^svc-(\d+)$/.exec(id);
    return n ? `all-${kinds[Number(n[1]) % 3]}` : id;
  };

  it("gives what the reference collapse gives", () => {
    expect(collapseFlowchart(big, keyOf)).toEqual(reference(big, keyOf));
    expect(collapseFlowchart(chart, (id) => (id.startsWith("w") ? "workers" : id))).toEqual(
      reference(chart, (id) => (id.startsWith("w") ? "workers" : id)),
    );
  });

  it("asks for each id's key once", () => {
    const asked = new Map<string, number>();
    collapseFlowchart(big, (id) => {
      asked.set(id, (asked.get(id) ?? 0) + 1);
      return keyOf(id);
    });
    expect(asked.size).toBe(big.nodes.length);
    expect([...asked.values()].every((n) => n === 1)).toBe(true);
  });
});

describe("diagrams of a 500-service VM stay under Mermaid's edge limit", () => {
  it("audit and design diagrams parse", async () => {
    const input = inputFromYaml(generateInventory(500) as string);
    const audit = auditOffline(input);
    const current = (await auditPhase.render(audit, input)).find((a) => a.kind === "mermaid")!.content;
    expect(await validateMermaid(current)).toEqual([]);
    expect(current).toMatch(/"\d+ #215; /); // "120 × …", × written as an entity
    const designInput = { ...input, upstream: { audit } };
    const design = await designPhase.render(designPhase.offline(designInput), designInput);
    const target = design.find((a) => a.kind === "mermaid")!.content;
    expect(await validateMermaid(target)).toEqual([]);
    expect(target).toMatch(/\d+ #215; Cloud Run worker/);
  });
});
