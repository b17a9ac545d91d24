// The interactive path: walk the question table in order, with a step counter ("7 of 24"). A
// question answered by a flag is not asked; with --yes, neither is one the repo (or a built-in
// default) answers. Everything else is asked with the best default (the answer saved in the
// repository, else the detected value, else the documented default) and checked as it is typed.
// Esc goes back a question; at the end a review screen lets any answer be changed before writing.
import type { DetectedFacts } from "../../detect/types.js";
import type { AnswerKey, Answers } from "../../init/answers.js";
import { QUESTIONS, type QuestionSpec } from "../../init/questions.js";
import { isAsked, proposalFor, type Origin } from "../../init/resolve.js";
import { askQuestion, display, type AskContext, type WizardStyle } from "./ask-question.js";
import { GoBack, type Prompter } from "./prompter.js";
import { reviewAnswers } from "./review.js";
import { completeCronJobs } from "./services-editor.js";
import { originOf, setAnswer, type WizardState as State } from "./wizard-state.js";

export interface WizardRequest {
  facts: DetectedFacts;
  given: Answers;
  /** Answers read back from the repository's inventory and config (a rerun). */
  saved?: Answers;
  acceptDetected: boolean;
  prompter: Prompter;
  say: (line: string) => void;
  style?: WizardStyle;
}

export interface WizardResult {
  answers: Answers;
  origins: Partial<Record<AnswerKey, Origin>>;
}

const PLAIN: WizardStyle = { dim: (t) => t, bold: (t) => t };

export async function runWizard(request: WizardRequest): Promise<WizardResult> {
  const { facts, given, acceptDetected, prompter, say } = request;
  const saved = request.saved ?? {};
  const ctx: AskContext = { prompter, say, style: request.style ?? PLAIN, facts };
  const state: State = { answers: {}, origins: {} };
  const record = state.answers as Record<string, unknown>;
  const flagOf = (spec: QuestionSpec) => (given as Record<string, unknown>)[spec.key];
  // A rerun starts from the saved answers: by default only what they lack is asked, then the review.
  const quick = Object.keys(saved).length > 0 && !acceptDetected && (await startFromSaved(ctx));

  /** What the walk does with a question now: take a value without asking, skip it, or ask. */
  const decide = (spec: QuestionSpec): { take?: { value: unknown; origin: Origin }; skip?: true } => {
    const flag = flagOf(spec);
    if (flag !== undefined) return { take: { value: flag, origin: "flag" } };
    const proposal = proposalFor(spec, facts, state.answers, saved);
    if (acceptDetected && proposal) return { take: proposal };
    if (quick && proposal?.origin === "saved") return { take: proposal };
    // A rerun asks only the required questions the saved answers lack; the review shows the rest.
    if (quick && !spec.required) return { skip: true };
    // --yes means "ask only what you must": optional questions nothing answers stay unset.
    if (acceptDetected && !spec.required) return { skip: true };
    return {};
  };
  /** The questions still to be asked, assuming each is answered with its default: for "7 of 24". */
  const toAsk = (): QuestionSpec[] => {
    const assumed = { ...state.answers } as Record<string, unknown>;
    const list: QuestionSpec[] = [];
    for (const spec of QUESTIONS) {
      if (!isAsked(spec, assumed)) continue;
      const { take, skip } = decide(spec);
      if (!take && !skip) list.push(spec);
      assumed[spec.key] ??= take?.value ?? proposalFor(spec, facts, assumed, saved)?.value;
    }
    return list;
  };

  const asked: QuestionSpec[] = [];
  let i = 0;
  while (i < QUESTIONS.length) {
    const spec = QUESTIONS[i]!;
    if (!isAsked(spec, state.answers)) {
      delete record[spec.key];
      delete state.origins[spec.key];
      i++;
      continue;
    }
    const { take, skip } = decide(spec);
    if (take || skip) {
      if (take) {
        record[spec.key] = spec.kind === "services" ? await completeCronJobs(ctx, take.value as never) : take.value;
        state.origins[spec.key] = take.origin;
        if (take.origin !== "saved")
          say(
            `✔ ${spec.message}: ${display(take.value)} (${take.origin === "flag" ? `from ${flagName(spec, take.value)}` : take.origin})`,
          );
      }
      i++;
      continue;
    }
    const pending = toAsk();
    const step = `${Math.max(1, pending.indexOf(spec) + 1)} of ${pending.length}`;
    try {
      const proposal = proposalFor(spec, facts, state.answers, saved);
      const value = await askQuestion({ spec, current: record[spec.key], proposal, step }, ctx);
      setAnswer(state, spec.key, value, originOf(value, proposal));
      asked.push(spec);
      i++;
    } catch (error) {
      if (!(error instanceof GoBack)) throw error;
      const previous = asked.pop();
      if (previous) i = QUESTIONS.indexOf(previous);
      else say(ctx.style.dim("  (this is the first question)"));
    }
  }
  if (!acceptDetected) await reviewAnswers(state, { ctx, facts, saved });
  return { answers: state.answers, origins: state.origins };
}

/** The flag as it was typed: a yes/no question answered "no" came from --no-<flag>. */
function flagName(spec: QuestionSpec, value: unknown): string {
  return spec.kind === "confirm" && value === false ? spec.flag.replace(/^--/, "--no-") : spec.flag;
}

async function startFromSaved(ctx: AskContext): Promise<boolean> {
  const choice = await ctx.prompter
    .select({
      message: "Your answers from the last run are saved in this repository. Start from them?",
      choices: [
        {
          name: "Yes: show them and change what is wrong",
          value: "quick",
          description: "only new questions are asked",
        },
        {
          name: "Go through every question again",
          value: "all",
          description: "each one defaults to your saved answer",
        },
      ],
      default: "quick",
    })
    // The first question has nothing before it: Esc keeps the default.
    .catch((error: unknown) => {
      if (error instanceof GoBack) return "quick";
      throw error;
    });
  return choice === "quick";
}
