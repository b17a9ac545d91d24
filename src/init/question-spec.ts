// The shape of one question `init` asks (see questions.ts for the table).
import type { DetectedFacts } from "../detect/types.js";
import type { AnswerKey, Answers } from "./answers.js";
import type { Parser } from "./field-parsers.js";

export type QuestionKind = "text" | "number" | "select" | "confirm" | "services" | "latency";

/** A value read from the repository or the VM, and where: shown beside the question, kept as provenance. */
export interface Detected {
  value: unknown;
  /** Repository path, or absolute path on the VM. */
  file?: string;
  line?: number;
  /** What the file showed, when the value is read from it indirectly: "a daily mysqldump cron job". */
  note?: string;
}

export interface QuestionSpec {
  key: AnswerKey;
  /** The flag that answers it, e.g. `--project`. */
  flag: string;
  /** How the flag's value looks in help and error messages. */
  flagArg?: string;
  message: string;
  /** One line in plain words: why we ask, and what the answer changes. */
  help?: string;
  kind: QuestionKind;
  choices?: readonly string[];
  /** What each choice means, shown under the list as it is highlighted. */
  choiceHelp?: Readonly<Record<string, string>>;
  /** A select whose choices are suggestions: "something else" lets a person type their own. */
  freeText?: boolean;
  required: boolean;
  /** Asked only when this holds for the answers so far. */
  when?: (a: Answers) => boolean;
  /** A fact read from the repository: proposed as the default, accepted silently only with --yes. */
  detected?: (facts: DetectedFacts, a: Answers) => Detected | undefined;
  /** A documented default, used when nothing was detected. */
  builtin?: (a: Answers) => unknown;
  parse: Parser;
}

/** A detected value with its source, or nothing when the value is missing. */
export function fact(value: unknown, file?: string, line?: number, note?: string): Detected | undefined {
  if (value === undefined) return undefined;
  return {
    value,
    ...(file && file !== "dependencies" ? { file } : {}),
    ...(line ? { line } : {}),
    ...(note ? { note } : {}),
  };
}

/** "deploy/crontab:3, a daily mysqldump cron job" — for a person reading the question. */
export function describeSource(found: Detected): string | undefined {
  const where = found.file ? `${found.file}${found.line ? `:${found.line}` : ""}` : undefined;
  return [where, found.note].filter(Boolean).join(", ") || undefined;
}
