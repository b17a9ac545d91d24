// Big inventories make unreadable diagrams, and Mermaid refuses more than 500 edges. Collapsing
// replaces every node that maps to the same key by one node ("62 × Cloud Run worker") and
// deduplicates the edges between them; subgraphs keep the collapsed ids.
import type { FlowEdge, FlowNode, Flowchart } from "./mermaid-flowchart.js";

/** Mermaid's default maxEdges is 500; stay well clear of it. */
export const MAX_DIAGRAM_EDGES = 400;
/** Past this many services a diagram shows kinds, not instances (mapping.json lists them all). */
export const MAX_DETAILED_SERVICES = 24;

/** Collapse `chart` by `keyOf` when it describes too many services or edges to draw one by one. */
export function fitFlowchart(chart: Flowchart, services: number, keyOf: (nodeId: string) => string): Flowchart {
  const big = services > MAX_DETAILED_SERVICES || chart.edges.length > MAX_DIAGRAM_EDGES;
  return big ? collapseFlowchart(chart, keyOf) : chart;
}

export function collapseFlowchart(chart: Flowchart, keyOf: (nodeId: string) => string): Flowchart {
  // Each id's key once: a caller's keyOf may be slow, and the edges ask it again for every end.
  const keys = new Map<string, string>();
  const key = (id: string): string => {
    let found = keys.get(id);
    if (found === undefined) keys.set(id, (found = keyOf(id)));
    return found;
  };
  const members = new Map<string, FlowNode[]>();
  for (const node of chart.nodes) {
    const list = members.get(key(node.id));
    if (list) list.push(node);
    else members.set(key(node.id), [node]);
  }
  const nodes = [...members.entries()].map(([id, list]): FlowNode => {
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
  const edges: FlowEdge[] = [];
  for (const edge of chart.edges) {
    const routed = { ...edge, from: key(edge.from), to: key(edge.to) };
    const seenKey = `${routed.from}>${routed.to}>${routed.label ?? ""}>${routed.style ?? ""}`;
    if (routed.from === routed.to || seen.has(seenKey)) continue;
    seen.add(seenKey);
    edges.push(routed);
  }
  const subgraphs = chart.subgraphs?.map((sub) => ({ ...sub, nodes: [...new Set(sub.nodes.map(key))] }));
  // linkStyles index edges that no longer exist: drop them rather than style the wrong edge.
  return { ...chart, nodes, edges, subgraphs, linkStyles: undefined };
}
