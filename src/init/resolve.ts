// Answers without a person: flag, else the answer saved in the repository's inventory and config
// (a person gave it before), else (with --yes) what the repo says, else a documented default. A
// detected fact is a guess about the user's system, so it is only accepted silently with --yes;
// without it, a question with a detected value and no flag counts as missing.
import type { DetectedFacts } from "../detect/types.js";
import type { AnswerKey, Answers } from "./answers.js";
import { describeSource, QUESTIONS, type QuestionSpec } from "./questions.js";

export type Origin = "flag" | "saved" | "detected" | "default" | "answered";

export interface Proposal {
  value: unknown;
  origin: "saved" | "detected" | "default";
  /** Where a detected value was read, for a person: "deploy/crontab:3, a daily mysqldump job". */
  source?: string;
}

/** Saved answers that only hold for the database they were given for. */
const FOR_ENGINE: ReadonlySet<AnswerKey> = new Set(["database.version", "database.sizeGiB", "database.backups"]);

/** The default a question would offer now: the saved answer, then the repo's fact, then the built-in one. */
export function proposalFor(
  spec: QuestionSpec,
  facts: DetectedFacts,
  answers: Answers,
  saved: Answers = {},
): Proposal | undefined {
  const kept = saved[spec.key];
  const sameEngine = !FOR_ENGINE.has(spec.key) || saved["database.engine"] === answers["database.engine"];
  if (kept !== undefined && sameEngine) return { value: kept, origin: "saved" };
  const detected = spec.detected?.(facts, answers);
  if (detected !== undefined) {
    const source = describeSource(detected);
    return { value: detected.value, origin: "detected", ...(source ? { source } : {}) };
  }
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

export function resolveAnswers(
  given: Answers,
  facts: DetectedFacts,
  acceptDetected: boolean,
  saved: Answers = {},
): Resolution {
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
    const proposal = proposalFor(spec, facts, answers, saved);
    if (proposal && (acceptDetected || proposal.origin !== "detected")) {
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
