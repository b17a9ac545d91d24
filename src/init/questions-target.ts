// The questions about where the system goes: the Google Cloud project and region, the Cloud Run
// service, the GitHub repository, business hours, the LLM feature and who writes the reports.
import { sanitiseName } from "../detect/procfile.js";
import { cloudRunNameProblem, projectIdProblem } from "../inventory/gcp-names.js";
import { BUSINESS_HOURS, GCP_REGION, GITHUB_REPO, llmSchema } from "../inventory/schema.js";
import { PROVIDER_CHOICES } from "../model/provider-choices.js";
import type { Answers } from "./answers.js";
import { llmUseCaseFrom } from "./detected-defaults.js";
import { choiceParser, latencyParser, patternProblem, textParser } from "./field-parsers.js";
import { fact, type QuestionSpec } from "./question-spec.js";

const hasLlm = (a: Answers) => a["llm.useCase"] !== undefined;
const LLM_PROVIDERS = llmSchema.shape.provider.unwrap().options;

/** Cloud Run service names: ≤ 49 characters, lowercase, dashes, no trailing dash. */
export function cloudRunNameFor(project: string): string {
  return sanitiseName(project).slice(0, 49).replace(/-+$/, "") || "web-app";
}

export const TARGET_QUESTIONS: QuestionSpec[] = [
  {
    key: "target.project",
    flag: "--project",
    flagArg: "<id>",
    message: "GCP project id",
    help: "The id (not the display name) of the Google Cloud project to deploy into, as `gcloud projects list` shows it.",
    kind: "text",
    required: true,
    parse: textParser((id) => {
      const problem = projectIdProblem(id);
      return problem ? `"${id}": a project id ${problem}, e.g. acme-shop-prod` : undefined;
    }),
  },
  {
    key: "target.region",
    flag: "--region",
    flagArg: "<region>",
    message: "GCP region",
    help: "Where Cloud Run and Cloud SQL run: pick the one closest to your users.",
    kind: "text",
    required: true,
    builtin: () => "us-central1",
    parse: textParser(
      patternProblem(GCP_REGION, "a region name such as us-central1 or europe-west1", "us-central1", 40),
    ),
  },
  {
    key: "target.service",
    flag: "--service-name",
    flagArg: "<name>",
    message: "Cloud Run service name",
    help: "The name of the web app's Cloud Run service (workers and jobs get names derived from it).",
    kind: "text",
    required: true,
    builtin: (a) => (a.name ? cloudRunNameFor(a.name) : undefined),
    parse: textParser((name) => {
      const problem = cloudRunNameProblem(name);
      return problem ? `"${name}": a Cloud Run service name ${problem}, e.g. web-app-prod` : undefined;
    }),
  },
  {
    key: "target.github",
    flag: "--github",
    flagArg: "<owner/repo>",
    message: "GitHub repository (owner/repo)",
    help: "The deploy workflow signs in to Google Cloud from this repository only (Workload Identity Federation, no keys).",
    kind: "text",
    required: true,
    detected: (f) => fact(f.github, undefined, undefined, f.github ? "git remote origin" : undefined),
    parse: textParser(patternProblem(GITHUB_REPO, "owner/repo as in the repository's URL", "acme/web-app", 141)),
  },
  {
    key: "target.businessHours",
    flag: "--business-hours",
    flagArg: '<"HH:MM-HH:MM Area/City">',
    message: "Business hours (empty to skip)",
    help: "When most of your users are active: the plan keeps an instance warm then, and lets it scale to zero outside.",
    kind: "text",
    required: false,
    parse: textParser(
      patternProblem(BUSINESS_HOURS, '"HH:MM-HH:MM" and a time zone', '"08:00-20:00 America/Sao_Paulo"', 80),
    ),
  },
  {
    key: "llm.useCase",
    flag: "--llm-use-case",
    flagArg: "<text>",
    message: "What do you use an LLM for? (empty if nothing)",
    help: "An answer adds the llmops phase: an async AI worker behind Cloud Tasks, sized for this use.",
    kind: "text",
    required: false,
    detected: (f) => llmUseCaseFrom(f),
    parse: textParser(
      patternProblem(/^[^\n]{1,500}$/, "one line describing the feature", '"summarise uploaded contracts"', 500),
    ),
  },
  {
    key: "llm.latencySeconds",
    flag: "--llm-latency",
    flagArg: "<min-max>",
    message: "How long may an LLM answer take, in seconds? (fastest-slowest)",
    help: "Sizes the worker's timeouts and retries: 5-15 means answers usually take 5 s and may take up to 15 s.",
    kind: "latency",
    required: false,
    when: hasLlm,
    parse: latencyParser(),
  },
  {
    key: "llm.provider",
    flag: "--llm-provider",
    flagArg: "<provider>",
    message: "LLM provider",
    kind: "select",
    choices: LLM_PROVIDERS,
    choiceHelp: {
      "vertex-ai": "Gemini through Vertex AI in your project: IAM instead of API keys (the plan's default)",
      "gemini-api": "Gemini through the Gemini API with an API key",
      openai: "OpenAI's API",
      anthropic: "Anthropic's API",
      other: "another provider or a self-hosted model",
    },
    required: true,
    when: hasLlm,
    detected: (f) =>
      fact(f.llm?.provider, f.llm?.source, undefined, f.llm ? "the SDK in the app's packages" : undefined),
    builtin: () => "vertex-ai",
    parse: choiceParser(LLM_PROVIDERS),
  },
  {
    key: "provider",
    flag: "--provider",
    flagArg: "<name>",
    message: "Who writes the migration plan by default?",
    help: "Saved in infra-migrate.config.yaml; any command can still override it with --provider.",
    kind: "select",
    choices: [...PROVIDER_CHOICES],
    choiceHelp: {
      auto: "Gemini when GEMINI_API_KEY (or Vertex AI settings) is set, else the built-in rules",
      gemini: "always Gemini, as expert personas; fails without credentials",
      offline: "the built-in expert rules: no key, no network, the same answer every time",
      replay: "only answers saved in .infra-migrate/cache (for CI jobs without a key)",
    },
    required: true,
    builtin: () => "auto",
    parse: choiceParser([...PROVIDER_CHOICES]),
  },
];
