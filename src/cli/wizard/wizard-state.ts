// The answers a wizard run has collected so far, and where each came from; and what every
// question of the wizard is asked with (the prompter, the printer, the colours, the detected facts).
import type { DetectedFacts } from "../../detect/types.js";
import type { Prompter } from "./prompter.js";
import type { AnswerKey, Answers } from "../../init/answers.js";
import { isDeepStrictEqual } from "node:util";
import type { Origin, Proposal } from "../../init/resolve.js";

export interface WizardStyle {
  dim(text: string): string;
  bold(text: string): string;
}

export interface AskContext {
  prompter: Prompter;
  say: (line: string) => void;
  style: WizardStyle;
  facts: DetectedFacts;
}

export interface WizardState {
  answers: Answers;
  origins: Partial<Record<AnswerKey, Origin>>;
}

/** Sets (or, with undefined, clears) one answer and its origin. */
export function setAnswer(state: WizardState, key: AnswerKey, value: unknown, origin: Origin): void {
  const record = state.answers as Record<string, unknown>;
  if (value === undefined) {
    delete record[key];
    delete state.origins[key];
  } else {
    record[key] = value;
    state.origins[key] = origin;
  }
}

/** A detected or saved default taken as it was keeps its origin (and so its file and line). */
export function originOf(value: unknown, proposal: Proposal | undefined): Origin {
  return proposal && proposal.origin !== "default" && isDeepStrictEqual(value, proposal.value)
    ? proposal.origin
    : "answered";
}
