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
