// Every question `init` asks, in order, as data: its flag, whether it is required, a line of help
// in plain words, where its default comes from (the repo, or a documented built-in), and how typed
// text is checked. The wizard and the non-interactive path both walk this one table, so they
// cannot drift apart. The questions live in questions-system.ts (the VM today) and
// questions-target.ts (where it goes).
import type { AnswerKey } from "./answers.js";
import type { QuestionSpec } from "./question-spec.js";
import { SYSTEM_QUESTIONS } from "./questions-system.js";
import { TARGET_QUESTIONS } from "./questions-target.js";

export { describeSource, fact, type Detected, type QuestionKind, type QuestionSpec } from "./question-spec.js";

export { cloudRunNameFor } from "./questions-target.js";

export const QUESTIONS: QuestionSpec[] = [...SYSTEM_QUESTIONS, ...TARGET_QUESTIONS];

export function questionFor(key: AnswerKey): QuestionSpec {
  return QUESTIONS.find((q) => q.key === key)!;
}
