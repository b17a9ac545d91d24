// Command-line flags → answers. Every problem is collected (not just the first), so one run
// shows everything to fix. No commander here: the CLI hands over its parsed option object.
import type { InputIssue } from "../errors.js";
import type { Answers, ServiceAnswer } from "./answers.js";
import { QUESTIONS, type QuestionSpec } from "./questions.js";
import { parseServiceSpec } from "./service-spec.js";

/** `--deploy-method` → `deployMethod`, the key commander uses. */
export function optionKey(flag: string): string {
  return flag.replace(/^--/, "").replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
}

export interface FlagAnswers {
  given: Answers;
  issues: InputIssue[];
}

function issue(spec: QuestionSpec, message: string): InputIssue {
  return { file: "command line", path: spec.flag, message };
}

export function answersFromFlags(raw: Record<string, unknown>): FlagAnswers {
  const given: Answers = {};
  const issues: InputIssue[] = [];
  const set = (spec: QuestionSpec, value: unknown) => {
    if (value !== undefined) (given as Record<string, unknown>)[spec.key] = value;
  };
  for (const spec of QUESTIONS) {
    const value = raw[optionKey(spec.flag)];
    if (value === undefined) continue;
    if (spec.key === "services") {
      const specs = Array.isArray(value) ? value.map(String) : [String(value)];
      const services: ServiceAnswer[] = [];
      for (const text of specs) {
        const parsed = parseServiceSpec(text);
        if (!parsed.ok) issues.push(issue(spec, parsed.error));
        else if (services.some((s) => s.name === parsed.value!.name))
          issues.push(issue(spec, `service "${parsed.value!.name}" given twice`));
        else services.push(parsed.value!);
      }
      if (services.length) given.services = services;
      continue;
    }
    if (spec.kind === "confirm" && typeof value === "boolean") {
      set(spec, value);
      continue;
    }
    let text = String(value);
    // --database engine[:version] answers two questions.
    if (spec.key === "database.engine" || spec.key === "database.version") {
      const [engine, ...version] = text.split(":");
      text = spec.key === "database.engine" ? engine! : version.join(":");
      if (spec.key === "database.version" && text === "") continue;
    }
    const parsed = spec.parse(text);
    if (!parsed.ok) issues.push(issue(spec, `"${text}": ${parsed.error}`));
    else if (parsed.value === undefined) issues.push(issue(spec, "is empty"));
    else set(spec, parsed.value);
  }
  return { given, issues };
}
