// Answers without a person: flag, else (with --yes) what the repo says, else a documented default.
// A detected fact is a guess about the user's system, so it is only accepted silently with --yes;
// without it, a question with a detected value and no flag counts as missing.
import type { DetectedFacts } from "../detect/types.js";
import type { AnswerKey, Answers } from "./answers.js";
import { QUESTIONS, type QuestionSpec } from "./questions.js";

export type Origin = "flag" | "detected" | "default" | "answered";

export interface Proposal {
  value: unknown;
  origin: "detected" | "default";
}

/** The default a question would offer now: the repo's fact first, then the built-in one. */
export function proposalFor(spec: QuestionSpec, facts: DetectedFacts, answers: Answers): Proposal | undefined {
  const detected = spec.detected?.(facts, answers);
  if (detected !== undefined) return { value: detected, origin: "detected" };
  const builtin = spec.builtin?.(answers);
  return builtin !== undefined ? { value: builtin, origin: "default" } : undefined;
}

export function isAsked(spec: QuestionSpec, answers: Answers): boolean {
  return spec.when ? spec.when(answers) : true;
}

export interface MissingAnswer {
  key: AnswerKey;
  flag: string;
  flagArg?: string;
  message: string;
  /** What --yes would have used. */
  detected?: unknown;
}

export interface Resolution {
  answers: Answers;
  origins: Partial<Record<AnswerKey, Origin>>;
  missing: MissingAnswer[];
}

export function resolveAnswers(given: Answers, facts: DetectedFacts, acceptDetected: boolean): Resolution {
  const answers: Answers = {};
  const origins: Resolution["origins"] = {};
  const missing: MissingAnswer[] = [];
  const record = answers as Record<string, unknown>;
  for (const spec of QUESTIONS) {
    if (!isAsked(spec, answers)) continue;
    const flag = (given as Record<string, unknown>)[spec.key];
    if (flag !== undefined) {
      record[spec.key] = flag;
      origins[spec.key] = "flag";
      continue;
    }
    const proposal = proposalFor(spec, facts, answers);
    if (proposal && (acceptDetected || proposal.origin === "default")) {
      record[spec.key] = proposal.value;
      origins[spec.key] = proposal.origin;
    } else if (spec.required && !missing.some((m) => m.flag === spec.flag)) {
      missing.push({
        key: spec.key,
        flag: spec.flag,
        flagArg: spec.flagArg,
        message: spec.message,
        ...(proposal ? { detected: proposal.value } : {}),
      });
    }
  }
  return { answers, origins, missing };
}
