// One question of the table, asked of a person: the step counter, the default with where it came
// from ("detected in deploy/crontab:3"), a line of help, choices with their meaning, and typed
// text checked on the spot with the question's own parser.
import type { ServiceAnswer } from "../../init/answers.js";
import type { QuestionSpec } from "../../init/questions.js";
import type { Proposal } from "../../init/resolve.js";
import type { AskContext } from "./wizard-state.js";
import { editServices } from "./services-editor.js";

export type { AskContext, WizardStyle } from "./wizard-state.js";

export function display(value: unknown): string {
  if (value === undefined) return "—";
  if (Array.isArray(value) && value.every((v) => typeof v === "number")) return value.join("-");
  if (Array.isArray(value)) {
    const names = value.map((s: ServiceAnswer) => s.name);
    return `${names.length}: ${names.slice(0, 6).join(", ")}${names.length > 6 ? ", …" : ""}`;
  }
  if (typeof value === "boolean") return value ? "yes" : "no";
  return String(value);
}

/** "saved", "detected in deploy/crontab:3, a mysqldump job runs …": where a default came from. */
export function originText(proposal: Proposal | undefined): string | undefined {
  if (!proposal) return undefined;
  if (proposal.origin === "saved") return "your saved answer";
  if (proposal.origin === "detected") return proposal.source ? `detected: ${proposal.source}` : "detected";
  return undefined;
}

/** The choice value behind "something else": not a valid answer to any question, so it cannot collide. */
const TYPE_IT = "\u0000type-it";

export interface AskRequest {
  spec: QuestionSpec;
  /** The answer given earlier in this run (going back, or the review screen), else the proposal. */
  current?: unknown;
  proposal?: Proposal;
  /** "7 of 24". */
  step: string;
}

export async function askQuestion(request: AskRequest, ctx: AskContext): Promise<unknown> {
  const { spec, proposal, step } = request;
  const { prompter: p, style } = ctx;
  const value = request.current ?? proposal?.value;
  const from = request.current === undefined ? originText(proposal) : undefined;
  const message = `${style.dim(step)} ${spec.message}${from ? style.dim(` [${from}]`) : ""}`;
  if (spec.help && spec.kind !== "services") ctx.say(style.dim(`  ${spec.help}`));
  const check = (text: string): true | string => {
    const r = spec.parse(text);
    if (!r.ok) return r.error;
    return r.value === undefined && spec.required ? "an answer is required" : true;
  };
  switch (spec.kind) {
    case "services":
      return editServices(ctx, { message, proposed: value as ServiceAnswer[] | undefined });
    case "confirm":
      return p.confirm({ message, default: value as boolean | undefined });
    case "select": {
      const choices = [...(spec.choices ?? [])];
      if (typeof value === "string" && !choices.includes(value)) choices.unshift(value);
      const picked = await p.select({
        message,
        choices: [
          ...choices.map((c) => ({ name: c, value: c, description: spec.choiceHelp?.[c] })),
          ...(spec.freeText
            ? [{ name: "something else (type it)", value: TYPE_IT, description: "describe it in your own words" }]
            : []),
        ],
        default: value as string | undefined,
      });
      if (picked !== TYPE_IT) return picked;
      const r = spec.parse(await p.input({ message: spec.message, validate: check }));
      return r.ok ? r.value : undefined;
    }
    default: {
      const text = await p.input({
        message,
        default: value === undefined ? undefined : display(value),
        validate: check,
      });
      const r = spec.parse(text);
      return r.ok ? r.value : undefined;
    }
  }
}
