// The interactive path: walk the question table in order. A question answered by a flag is not
// asked; with --yes, neither is one the repo (or a built-in default) answers. Everything else is
// asked with the detected value as its default and checked as it is typed; with --yes, optional
// questions nothing answers are skipped.
import type { DetectedFacts } from "../../detect/types.js";
import type { Answers, ServiceAnswer } from "../../init/answers.js";
import { QUESTIONS, type QuestionSpec } from "../../init/questions.js";
import { isAsked, proposalFor, type Origin } from "../../init/resolve.js";
import type { Prompter } from "./prompter.js";
import { completeCronJobs, editServices } from "./services-editor.js";

export interface WizardRequest {
  facts: DetectedFacts;
  given: Answers;
  acceptDetected: boolean;
  prompter: Prompter;
  say: (line: string) => void;
}

export interface WizardResult {
  answers: Answers;
  origins: Partial<Record<keyof Answers, Origin>>;
}

function display(value: unknown): string {
  if (Array.isArray(value) && value.every((v) => typeof v === "number")) return value.join("-");
  if (Array.isArray(value)) return `${value.length} service(s)`;
  if (typeof value === "boolean") return value ? "yes" : "no";
  return String(value);
}

/** The choice value behind "something else": not a valid answer to any question, so it cannot collide. */
const TYPE_IT = "\u0000type-it";

async function ask(spec: QuestionSpec, proposed: unknown, p: Prompter, say: WizardRequest["say"]): Promise<unknown> {
  const check = (text: string): true | string => {
    const r = spec.parse(text);
    if (!r.ok) return r.error;
    return r.value === undefined && spec.required ? "an answer is required" : true;
  };
  switch (spec.kind) {
    case "services":
      return editServices(p, proposed as ServiceAnswer[] | undefined, say);
    case "confirm":
      return p.confirm({ message: spec.message, default: proposed as boolean | undefined });
    case "select": {
      const choices = [...(spec.choices ?? [])];
      if (typeof proposed === "string" && !choices.includes(proposed)) choices.unshift(proposed);
      const picked = await p.select({
        message: spec.message,
        choices: [
          ...choices.map((c) => ({ name: c, value: c })),
          ...(spec.freeText ? [{ name: "something else (type it)", value: TYPE_IT }] : []),
        ],
        default: proposed as string | undefined,
      });
      if (picked !== TYPE_IT) return picked;
      const r = spec.parse(await p.input({ message: spec.message, validate: check }));
      return r.ok ? r.value : undefined;
    }
    default: {
      const text = await p.input({
        message: spec.message,
        default: proposed === undefined ? undefined : display(proposed),
        validate: check,
      });
      const r = spec.parse(text);
      return r.ok ? r.value : undefined;
    }
  }
}

export async function runWizard(request: WizardRequest): Promise<WizardResult> {
  const { facts, given, acceptDetected, prompter, say } = request;
  const answers: Answers = {};
  const origins: WizardResult["origins"] = {};
  const record = answers as Record<string, unknown>;
  // Services taken from a flag or the repo may still hold a cron job with no schedule or command:
  // a person is here to ask for just that.
  const settle = async (spec: QuestionSpec, value: unknown): Promise<unknown> =>
    spec.kind === "services" ? completeCronJobs(prompter, value as ServiceAnswer[], say) : value;
  for (const spec of QUESTIONS) {
    if (!isAsked(spec, answers)) continue;
    const flag = (given as Record<string, unknown>)[spec.key];
    if (flag !== undefined) {
      record[spec.key] = await settle(spec, flag);
      origins[spec.key] = "flag";
      say(`✔ ${spec.message}: ${display(flag)} (from ${spec.flag})`);
      continue;
    }
    const proposal = proposalFor(spec, facts, answers);
    if (acceptDetected && proposal) {
      record[spec.key] = await settle(spec, proposal.value);
      origins[spec.key] = proposal.origin;
      say(`✔ ${spec.message}: ${display(proposal.value)} (${proposal.origin})`);
      continue;
    }
    // --yes means "ask only what you must": optional questions nothing answers stay unset.
    if (acceptDetected && !spec.required) continue;
    const value = await ask(spec, proposal?.value, prompter, say);
    if (value !== undefined) {
      record[spec.key] = value;
      origins[spec.key] = "answered";
    }
  }
  return { answers, origins };
}
