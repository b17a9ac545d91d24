// Sequence diagram builder: participant ids through mermaidId, all text through mermaidText.
// Steps referencing undeclared participants are generator bugs: throw.
import { mermaidId, mermaidText, mermaidTitle } from "./mermaid-text.js";

export interface SequenceParticipant {
  id: string;
  label: string;
  kind?: "participant" | "actor" | "database" | "queue";
}
export type SequenceStep =
  | { from: string; to: string; text: string; arrow?: "sync" | "reply" | "async" }
  | { note: string; over: string[] }
  | {
      block: "alt" | "opt" | "loop" | "par";
      label: string;
      steps: SequenceStep[];
      else?: { label: string; steps: SequenceStep[] }[];
    }
  | { activate: string }
  | { deactivate: string }
  | { autonumber: true };
export interface SequenceDiagram {
  title?: string;
  participants: SequenceParticipant[];
  steps: SequenceStep[];
}

const ARROWS = { sync: "->>", reply: "-->>", async: "-)" } as const;
// `par` separates its branches with `and`; `alt` with `else`. `opt`/`loop` have one branch.
const BRANCH_KEYWORD = { alt: "else", par: "and", opt: undefined, loop: undefined } as const;

interface Scope {
  ids: Map<string, string>;
  order: Map<string, number>;
}

export function buildSequence(d: SequenceDiagram): string {
  const scope: Scope = { ids: new Map(), order: new Map() };
  d.participants.forEach((p, i) => {
    if (scope.ids.has(p.id)) throw new Error(`sequence: duplicate participant id ${JSON.stringify(p.id)}`);
    scope.ids.set(p.id, mermaidId(p.id));
    scope.order.set(p.id, i);
  });
  const lines: string[] = [];
  if (d.title !== undefined) lines.push("---", `title: ${mermaidTitle(d.title)}`, "---");
  lines.push("sequenceDiagram");
  for (const p of d.participants) lines.push(`  ${participantLine(p, scope)}`);
  writeSteps(d.steps, "  ", scope, lines);
  return `${lines.join("\n")}\n`;
}

function participantLine(p: SequenceParticipant, scope: Scope): string {
  const id = scope.ids.get(p.id)!;
  const label = mermaidText(p.label);
  const kind = p.kind ?? "participant";
  if (kind === "participant" || kind === "actor") return `${kind} ${id} as ${label}`;
  // Mermaid 11 participant types: `participant id@{ "type": "database" } as Label`.
  return `participant ${id}@{ "type": "${kind}" } as ${label}`;
}

function ref(scope: Scope, raw: string, where: string): string {
  const id = scope.ids.get(raw);
  if (id === undefined) throw new Error(`sequence: ${where} references unknown participant ${JSON.stringify(raw)}`);
  return id;
}

function writeSteps(steps: SequenceStep[], indent: string, scope: Scope, lines: string[]): void {
  for (const step of steps) {
    if ("from" in step) {
      const arrow = ARROWS[step.arrow ?? "sync"];
      lines.push(
        `${indent}${ref(scope, step.from, "message")}${arrow}${ref(scope, step.to, "message")}: ${mermaidText(step.text)}`,
      );
    } else if ("note" in step) {
      lines.push(`${indent}Note over ${noteSpan(step.over, scope)}: ${mermaidText(step.note)}`);
    } else if ("block" in step) {
      writeBlock(step, indent, scope, lines);
    } else if ("activate" in step) {
      lines.push(`${indent}activate ${ref(scope, step.activate, "activate")}`);
    } else if ("deactivate" in step) {
      lines.push(`${indent}deactivate ${ref(scope, step.deactivate, "deactivate")}`);
    } else {
      lines.push(`${indent}autonumber`);
    }
  }
}

/** Mermaid notes span at most two participants: use the leftmost and rightmost named. */
function noteSpan(over: string[], scope: Scope): string {
  if (over.length === 0) throw new Error("sequence: a note must be over at least one participant");
  for (const raw of over) ref(scope, raw, "note");
  const sorted = [...new Set(over)].sort((a, b) => scope.order.get(a)! - scope.order.get(b)!);
  const ends = sorted.length === 1 ? [sorted[0]!] : [sorted[0]!, sorted[sorted.length - 1]!];
  return ends.map((raw) => scope.ids.get(raw)!).join(",");
}

type BlockStep = Extract<SequenceStep, { block: string }>;

function writeBlock(step: BlockStep, indent: string, scope: Scope, lines: string[]): void {
  const keyword = BRANCH_KEYWORD[step.block];
  if (step.else?.length && keyword === undefined)
    throw new Error(`sequence: a ${step.block} block cannot have else branches`);
  lines.push(`${indent}${step.block} ${mermaidText(step.label)}`);
  writeSteps(step.steps, `${indent}  `, scope, lines);
  for (const branch of step.else ?? []) {
    lines.push(`${indent}${keyword} ${mermaidText(branch.label)}`);
    writeSteps(branch.steps, `${indent}  `, scope, lines);
  }
  lines.push(`${indent}end`);
}
