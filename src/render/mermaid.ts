// Mermaid builders: phases describe diagrams as data and these functions write the source.
// Ids pass through mermaidId and text through mermaidText, so no name can break a diagram.
export { MAX_LABEL_LENGTH, mermaidId, mermaidText, mermaidTitle } from "./mermaid-text.js";
export { buildFlowchart } from "./mermaid-flowchart.js";
export type { Flowchart, FlowEdge, FlowNode, FlowSubgraph, NodeShape } from "./mermaid-flowchart.js";
export { buildSequence } from "./mermaid-sequence.js";
export type { SequenceDiagram, SequenceParticipant, SequenceStep } from "./mermaid-sequence.js";
