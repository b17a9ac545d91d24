// The review screen before anything is written: every answer on one list, with where it came
// from; picking one asks that question again. A change that makes other questions apply (an LLM
// use case brings its latency and provider) asks those too; one that makes them moot drops them.
import type { DetectedFacts } from "../../detect/types.js";
import { CancelledError } from "../../errors.js";
import type { AnswerKey, Answers } from "../../init/answers.js";
import { QUESTIONS, questionFor, type QuestionSpec } from "../../init/questions.js";
import { isAsked, proposalFor, type Origin } from "../../init/resolve.js";
import { askQuestion, display, type AskContext } from "./ask-question.js";
import { GoBack } from "./prompter.js";
import { originOf } from "./wizard-state.js";
import { isDeepStrictEqual } from "node:util";
import { setAnswer, type WizardState as State } from "./wizard-state.js";

export interface ReviewOptions {
  ctx: AskContext;
  facts: DetectedFacts;
  saved: Answers;
}

const LABELS: Partial<Record<AnswerKey, string>> = {
  name: "Project name",
  services: "Services",
  "database.engine": "Database",
  "database.version": "Database version",
  "database.sizeGiB": "Database size (GiB)",
  "database.backups": "Backups",
  "host.monthlyCostUsd": "VM cost a month (USD)",
  "host.cpus": "VM vCPUs",
  "host.memoryGiB": "VM memory (GiB)",
  "deploy.method": "Deploys",
  "deploy.durationMinutes": "Deploy takes (min)",
  "deploy.perWeek": "Deploys a week",
  "deploy.rollback": "Rollback",
  "traffic.peakRps": "Peak requests/s",
  "traffic.growth": "Growth to plan for",
  "team.engineers": "Engineers",
  "team.kubernetes": "Runs Kubernetes",
  "target.project": "GCP project",
  "target.region": "GCP region",
  "target.service": "Cloud Run service",
  "target.github": "GitHub repository",
  "target.businessHours": "Business hours",
  "llm.useCase": "LLM use case",
  "llm.latencySeconds": "LLM latency (s)",
  "llm.provider": "LLM provider",
  provider: "Plan written by",
};

const WRITE = "\u0000write";
const CANCEL = "\u0000cancel";
const ORIGIN_WORDS: Record<Origin, string> = {
  flag: "from a flag",
  saved: "saved before",
  detected: "detected",
  default: "default",
  answered: "your answer",
};

const visible = (answers: Answers) => QUESTIONS.filter((spec) => isAsked(spec, answers));

/** Asks the questions a change made relevant; drops answers to questions that no longer apply. */
async function settle(state: State, before: Set<AnswerKey>, options: ReviewOptions): Promise<void> {
  for (const spec of QUESTIONS) {
    if (!isAsked(spec, state.answers)) {
      setAnswer(state, spec.key, undefined, "answered");
      continue;
    }
    if (before.has(spec.key) || state.answers[spec.key] !== undefined) continue;
    const proposal = proposalFor(spec, options.facts, state.answers, options.saved);
    const value = await askQuestion({ spec, proposal, step: "new" }, options.ctx).catch((error: unknown) => {
      if (error instanceof GoBack) return proposal?.value;
      throw error;
    });
    setAnswer(state, spec.key, value, originOf(value, proposal));
  }
}

function row(spec: QuestionSpec, state: State, width: number): { name: string; value: string; description: string } {
  const origin = state.origins[spec.key];
  return {
    name: `${(LABELS[spec.key] ?? spec.message).padEnd(width)}  ${display(state.answers[spec.key])}`,
    value: spec.key,
    description: `${origin ? `${ORIGIN_WORDS[origin]}; ` : ""}Enter to change: ${spec.message}`,
  };
}

export async function reviewAnswers(state: State, options: ReviewOptions): Promise<void> {
  const { ctx } = options;
  for (;;) {
    const specs = visible(state.answers);
    const width = Math.max(...specs.map((s) => (LABELS[s.key] ?? s.message).length));
    ctx.say("");
    const picked = await ctx.prompter
      .select<string>({
        message: "Review your answers: pick one to change, or write the files",
        choices: [
          {
            name: "Write the files",
            value: WRITE,
            description: "infra-migrate.inventory.yaml and infra-migrate.config.yaml",
          },
          ...specs.map((spec) => row(spec, state, width)),
          { name: "Cancel", value: CANCEL, description: "write nothing" },
        ],
        default: WRITE,
        pageSize: 14,
      })
      .catch((error: unknown) => {
        if (error instanceof GoBack) return undefined;
        throw error;
      });
    if (picked === undefined) continue;
    if (picked === WRITE) return;
    if (picked === CANCEL) throw new CancelledError();
    const spec = questionFor(picked as AnswerKey);
    const before = new Set(specs.map((s) => s.key));
    try {
      const proposal = proposalFor(spec, options.facts, state.answers, options.saved);
      const value = await askQuestion({ spec, current: state.answers[spec.key], proposal, step: "change" }, ctx);
      if (!isDeepStrictEqual(value, state.answers[spec.key]))
        setAnswer(state, spec.key, value, originOf(value, proposal));
    } catch (error) {
      if (!(error instanceof GoBack)) throw error;
      continue;
    }
    await settle(state, before, options);
  }
}
