// Flowchart builder: every id goes through mermaidId and every label through mermaidText, so
// names from an inventory cannot break the diagram. Bad references are generator bugs: throw.
import { checkCss, mermaidId, mermaidText, mermaidTitle } from "./mermaid-text.js";

export type NodeShape =
  "rect" | "round" | "stadium" | "cylinder" | "circle" | "hexagon" | "parallelogram" | "subroutine" | "queue";
export interface FlowNode {
  id: string;
  label: string;
  shape?: NodeShape;
  classes?: string[];
}
export interface FlowEdge {
  from: string;
  to: string;
  label?: string;
  style?: "solid" | "dotted" | "thick";
}
export interface FlowSubgraph {
  id: string;
  label: string;
  nodes: string[];
  direction?: "LR" | "TB";
}
export interface Flowchart {
  direction: "LR" | "TB";
  title?: string;
  nodes: FlowNode[];
  edges: FlowEdge[];
  subgraphs?: FlowSubgraph[];
  /** class name -> CSS such as `fill:#fdd,stroke:#c00`. */
  classDefs?: Record<string, string>;
  /** Styles edges by their index in `edges`. */
  linkStyles?: { index: number; css: string }[];
}

// `queue` uses the Mermaid 11.3+ shape syntax (horizontal cylinder); the others are classic brackets.
const SHAPES: Record<Exclude<NodeShape, "queue">, [string, string]> = {
  rect: ['["', '"]'],
  round: ['("', '")'],
  stadium: ['(["', '"])'],
  cylinder: ['[("', '")]'],
  circle: ['(("', '"))'],
  hexagon: ['{{"', '"}}'],
  parallelogram: ['[/"', '"/]'],
  subroutine: ['[["', '"]]'],
};

const ARROWS = { solid: "-->", dotted: "-.->", thick: "==>" } as const;
const CLASS_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

export function buildFlowchart(chart: Flowchart): string {
  const ids = new Map<string, string>();
  for (const node of chart.nodes) {
    if (ids.has(node.id)) throw new Error(`flowchart: duplicate node id ${JSON.stringify(node.id)}`);
    ids.set(node.id, mermaidId(node.id));
  }
  const subgraphs = chart.subgraphs ?? [];
  const placed = placeNodes(subgraphs, ids);
  const classDefs = Object.entries(chart.classDefs ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [name, css] of classDefs) {
    if (!CLASS_NAME.test(name) || name === "default")
      throw new Error(`flowchart: bad class name ${JSON.stringify(name)}`);
    checkCss(css, `classDef ${name}`);
  }

  const lines: string[] = [];
  if (chart.title !== undefined) lines.push("---", `title: ${mermaidTitle(chart.title)}`, "---");
  lines.push(`flowchart ${chart.direction}`);
  for (const [name, css] of classDefs) lines.push(`  classDef ${name} ${css}`);
  for (const node of chart.nodes) if (!placed.has(node.id)) lines.push(`  ${nodeLine(node, ids)}`);
  for (const sub of subgraphs) {
    lines.push(`  subgraph ${mermaidId(sub.id)} ["${mermaidText(sub.label)}"]`);
    if (sub.direction) lines.push(`    direction ${sub.direction}`);
    for (const raw of sub.nodes)
      lines.push(
        `    ${nodeLine(
          chart.nodes.find((n) => n.id === raw)!,
          ids,
        )}`,
      );
    lines.push("  end");
  }
  chart.edges.forEach((edge, i) => lines.push(`  ${edgeLine(edge, i, ids)}`));
  lines.push(...classLines(chart.nodes, ids, new Set(classDefs.map(([name]) => name))));
  for (const { index, css } of chart.linkStyles ?? []) {
    if (!Number.isInteger(index) || index < 0 || index >= chart.edges.length) {
      throw new Error(`flowchart: linkStyle index ${index} is not an edge (${chart.edges.length} edges)`);
    }
    lines.push(`  linkStyle ${index} ${checkCss(css, `linkStyle ${index}`)}`);
  }
  return `${lines.join("\n")}\n`;
}

/** Checks subgraph references; returns the raw ids of nodes that live inside a subgraph. */
function placeNodes(subgraphs: FlowSubgraph[], ids: Map<string, string>): Set<string> {
  const placed = new Set<string>();
  const nodeIds = new Set(ids.values());
  const subIds = new Set<string>();
  for (const sub of subgraphs) {
    const id = mermaidId(sub.id);
    if (subIds.has(id) || nodeIds.has(id))
      throw new Error(`flowchart: subgraph id ${JSON.stringify(sub.id)} is already used`);
    subIds.add(id);
    for (const raw of sub.nodes) {
      if (!ids.has(raw))
        throw new Error(`flowchart: subgraph ${JSON.stringify(sub.id)} references unknown node ${JSON.stringify(raw)}`);
      if (placed.has(raw)) throw new Error(`flowchart: node ${JSON.stringify(raw)} is in more than one subgraph`);
      placed.add(raw);
    }
  }
  return placed;
}

function nodeLine(node: FlowNode, ids: Map<string, string>): string {
  const id = ids.get(node.id)!;
  const text = mermaidText(node.label);
  if (node.shape === "queue") return `${id}@{ shape: h-cyl, label: "${text}" }`;
  const [open, close] = SHAPES[node.shape ?? "rect"];
  return `${id}${open}${text}${close}`;
}

function edgeLine(edge: FlowEdge, index: number, ids: Map<string, string>): string {
  const ref = (raw: string): string => {
    const id = ids.get(raw);
    if (id === undefined) throw new Error(`flowchart: edge ${index} references unknown node ${JSON.stringify(raw)}`);
    return id;
  };
  const arrow = ARROWS[edge.style ?? "solid"];
  const label = edge.label === undefined ? "" : `|"${mermaidText(edge.label)}"|`;
  return `${ref(edge.from)} ${arrow}${label} ${ref(edge.to)}`;
}

function classLines(nodes: FlowNode[], ids: Map<string, string>, defined: Set<string>): string[] {
  const members = new Map<string, string[]>();
  for (const node of nodes) {
    for (const name of node.classes ?? []) {
      if (!defined.has(name))
        throw new Error(`flowchart: node ${JSON.stringify(node.id)} uses undefined class ${JSON.stringify(name)}`);
      members.set(name, [...(members.get(name) ?? []), ids.get(node.id)!]);
    }
  }
  return [...defined]
    .filter((name) => members.has(name))
    .map((name) => `  class ${members.get(name)!.join(",")} ${name}`);
}
