// From the inventory's free-text use case ("summarise uploaded contracts") to a task shape: a
// snake_case task type, input and output fields. Deterministic keyword rules, not guesses: an
// unknown verb gives a generic text task and says so.
import type { TaskField } from "./ai-worker-task.js";
import { isSafeIdentifier } from "./python-names.js";

export type Action = "summary" | "classification" | "extraction" | "translation" | "answer" | "generation" | "analysis";

const VERBS: Record<string, Action> = {
  summarise: "summary",
  summarize: "summary",
  summary: "summary",
  summaries: "summary",
  digest: "summary",
  classify: "classification",
  categorise: "classification",
  categorize: "classification",
  tag: "classification",
  label: "classification",
  triage: "classification",
  moderate: "classification",
  extract: "extraction",
  parse: "extraction",
  translate: "translation",
  answer: "answer",
  chat: "answer",
  reply: "answer",
  respond: "answer",
  generate: "generation",
  write: "generation",
  draft: "generation",
  compose: "generation",
  analyse: "analysis",
  analyze: "analysis",
  review: "analysis",
  check: "analysis",
};

const STOP = new Set([
  "the",
  "a",
  "an",
  "of",
  "for",
  "and",
  "or",
  "to",
  "from",
  "with",
  "by",
  "in",
  "on",
  "our",
  "their",
  "user",
  "users",
  "uploaded",
  "incoming",
  "new",
  "customer",
  "customers",
  "all",
  "each",
  "every",
  "into",
]);

export interface TaskShape {
  taskType: string;
  action: Action;
  subject: string;
  inputFields: TaskField[];
  outputFields: TaskField[];
  /** True when no known verb was found and a generic shape was used. */
  generic: boolean;
}

function singular(word: string): string {
  if (word.endsWith("ies") && word.length > 4) return `${word.slice(0, -3)}y`;
  if (word.endsWith("s") && !word.endsWith("ss") && word.length > 3) return word.slice(0, -1);
  return word;
}

const text = (name: string, description: string, maxLength = 100_000, required = true): TaskField => ({
  name,
  type: "text",
  required,
  maxLength,
  description,
});
const list = (name: string, description: string): TaskField => ({
  name,
  type: "string_list",
  required: true,
  description,
});

function outputs(action: Action, subject: string): TaskField[] {
  switch (action) {
    case "summary": {
      const fields = [
        text("summary", `Plain-language summary of the ${subject}`, 20_000),
        list("key_points", "The most important points, one sentence each"),
      ];
      if (subject === "contract") {
        fields.push(
          list("parties", "Parties named in the contract"),
          list("notable_clauses", "Clauses a reader should check: renewal, termination, liability, payment"),
        );
      }
      return fields;
    }
    case "classification":
      return [
        {
          name: "label",
          type: "string",
          required: true,
          maxLength: 100,
          description: `Category assigned to the ${subject}`,
        },
        { name: "confidence", type: "number", required: true, description: "Model confidence between 0 and 1" },
        text("rationale", "One or two sentences explaining the label", 2_000),
      ];
    case "extraction":
      return [
        list("items", `Facts extracted from the ${subject}`),
        text("notes", "Anything the model could not extract and why", 5_000, false),
      ];
    case "translation":
      return [text("translation", `The translated ${subject}`)];
    default:
      return [text("answer", `The model's ${action === "answer" ? "answer" : "output"} for the ${subject}`, 50_000)];
  }
}

/** Shape of the task for a use case; `undefined` use case → generic text analysis. */
export function taskShapeFor(useCase: string | undefined): TaskShape {
  const words = (useCase ?? "").toLowerCase().match(/[a-z]+/g) ?? [];
  const verbAt = words.findIndex((w) => VERBS[w] !== undefined);
  const action: Action = verbAt >= 0 ? VERBS[words[verbAt]!]! : "analysis";
  const nouns = words.filter((w, i) => i !== verbAt && !STOP.has(w) && VERBS[w] === undefined && w.length > 2);
  const subjectWord = nouns.length ? singular(nouns[nouns.length - 1]!) : "document";
  const subject = isSafeIdentifier(subjectWord) && subjectWord.length <= 20 ? subjectWord : "document";
  const taskType = `${subject}_${action}`;
  const inputFields: TaskField[] = [text(`${subject}_text`, `Full text of the ${subject} to process`)];
  if (action === "summary" || action === "translation") {
    inputFields.push({
      name: "language",
      type: "string",
      required: false,
      maxLength: 35,
      description: "Language of the output as a BCP 47 tag, e.g. en or pt-BR",
    });
  }
  return { taskType, action, subject, inputFields, outputFields: outputs(action, subject), generic: verbAt < 0 };
}

export function kebab(snake: string): string {
  return snake.replace(/_/g, "-");
}
