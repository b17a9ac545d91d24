// Every question `init` asks, in order, as data: its flag, whether it is required, where its
// default comes from (the repo, or a documented built-in), and how typed text is checked. The
// wizard and the non-interactive path both walk this one table, so they cannot drift apart.
import { z } from "zod";
import { sanitiseName } from "../detect/procfile.js";
import type { DetectedFacts } from "../detect/types.js";
import {
  BACKUPS,
  DEPLOY_METHODS,
  dataStoreSchema,
  deploySchema,
  inventorySchema,
  llmSchema,
  targetSchema,
  teamSchema,
  trafficSchema,
} from "../inventory/schema.js";
import type { AnswerKey, Answers } from "./answers.js";
import { booleanParser, choiceParser, latencyParser, numberParser, textParser, type Parser } from "./field-parsers.js";
import { PROVIDER_CHOICES } from "../model/provider-choices.js";

export type QuestionKind = "text" | "number" | "select" | "confirm" | "services" | "latency";

export interface QuestionSpec {
  key: AnswerKey;
  /** The flag that answers it, e.g. `--project`. */
  flag: string;
  /** How the flag's value looks in help and error messages. */
  flagArg?: string;
  message: string;
  kind: QuestionKind;
  choices?: readonly string[];
  /** A select whose choices are suggestions: "something else" lets a person type their own. */
  freeText?: boolean;
  required: boolean;
  /** Asked only when this holds for the answers so far. */
  when?: (a: Answers) => boolean;
  /** A fact read from the repository: proposed as the default, accepted silently only with --yes. */
  detected?: (facts: DetectedFacts, a: Answers) => unknown;
  /** A documented default, used when nothing was detected. */
  builtin?: (a: Answers) => unknown;
  parse: Parser;
}

const hasDatabase = (a: Answers) => a["database.engine"] !== undefined && a["database.engine"] !== "none";
const hasLlm = (a: Answers) => a["llm.useCase"] !== undefined;
const DB_ENGINE = z
  .string()
  .regex(/^[a-z][a-z0-9-]*$/, "expected an engine name such as mysql, postgres or none")
  .max(50);
const LLM_PROVIDERS = llmSchema.shape.provider.unwrap().options;
const optional = <T extends z.ZodType>(schema: T) =>
  schema instanceof z.ZodOptional || schema instanceof z.ZodDefault ? (schema.unwrap() as z.ZodType) : schema;

/** Cloud Run service names: ≤ 49 characters, lowercase, dashes, no trailing dash. */
export function cloudRunNameFor(project: string): string {
  return sanitiseName(project).slice(0, 49).replace(/-+$/, "") || "web-app";
}

export const QUESTIONS: QuestionSpec[] = [
  {
    key: "name",
    flag: "--name",
    flagArg: "<name>",
    message: "Project name (lowercase letters, digits, dashes)",
    kind: "text",
    required: true,
    detected: (f) => (f.name ? sanitiseName(f.name).slice(0, 63) || undefined : undefined),
    parse: textParser(inventorySchema.shape.metadata.shape.name),
  },
  {
    key: "services",
    flag: "--service",
    flagArg: "<name:role:software[:port[:schedule]]>",
    message: "Services on the VM",
    kind: "services",
    required: true,
    detected: (f) => (f.services.length ? f.services.map(({ source: _s, line: _l, ...s }) => s) : undefined),
    parse: () => ({ ok: false, error: "use the services editor" }),
  },
  {
    key: "database.engine",
    flag: "--database",
    flagArg: "<engine[:version]>",
    message: "Database engine",
    kind: "select",
    choices: ["mysql", "postgres", "mariadb", "mongodb", "sqlserver", "none"],
    required: true,
    detected: (f) => f.database?.engine,
    builtin: () => "none",
    parse: textParser(DB_ENGINE),
  },
  {
    key: "database.version",
    flag: "--database",
    flagArg: "<engine[:version]>",
    message: "Database version",
    kind: "text",
    required: false,
    when: hasDatabase,
    detected: (f, a) => (f.database?.engine === a["database.engine"] ? f.database?.version : undefined),
    parse: textParser(z.string().regex(/^[0-9A-Za-z.+-]{1,30}$/, "expected a version such as 8.0")),
  },
  {
    key: "database.sizeGiB",
    flag: "--db-size",
    flagArg: "<GiB>",
    message: "Database size in GiB",
    kind: "number",
    required: false,
    when: hasDatabase,
    parse: numberParser(optional(dataStoreSchema.shape.sizeGiB)),
  },
  {
    key: "database.backups",
    flag: "--backups",
    flagArg: "<kind>",
    message: "Database backups",
    kind: "select",
    choices: BACKUPS,
    required: true,
    when: hasDatabase,
    builtin: () => "none",
    parse: choiceParser(BACKUPS),
  },
  {
    key: "deploy.method",
    flag: "--deploy-method",
    flagArg: "<method>",
    message: "How do you deploy today?",
    kind: "select",
    choices: DEPLOY_METHODS,
    freeText: true,
    required: true,
    detected: (f) => f.deployMethod,
    builtin: () => "ssh-systemctl",
    parse: textParser(optional(deploySchema.shape.method)),
  },
  {
    key: "deploy.durationMinutes",
    flag: "--deploy-minutes",
    flagArg: "<n>",
    message: "How many minutes does a deploy take?",
    kind: "number",
    required: false,
    parse: numberParser(optional(deploySchema.shape.durationMinutes)),
  },
  {
    key: "deploy.perWeek",
    flag: "--deploys-per-week",
    flagArg: "<n>",
    message: "Deploys per week",
    kind: "number",
    required: false,
    parse: numberParser(optional(deploySchema.shape.perWeek)),
  },
  {
    key: "deploy.rollback",
    flag: "--rollback",
    flagArg: "<kind>",
    message: "How do you roll back a bad deploy?",
    kind: "select",
    choices: ["none", "manual", "automatic"],
    required: true,
    builtin: () => "none",
    parse: choiceParser(["none", "manual", "automatic"]),
  },
  {
    key: "traffic.peakRps",
    flag: "--peak-rps",
    flagArg: "<n>",
    message: "Peak requests per second today",
    kind: "number",
    required: false,
    parse: numberParser(optional(trafficSchema.shape.peakRps)),
  },
  {
    key: "traffic.growth",
    flag: "--growth",
    flagArg: "<x>",
    message: "Growth to plan for (multiple of today's traffic)",
    kind: "number",
    required: true,
    builtin: () => 10,
    parse: numberParser(optional(trafficSchema.shape.growth)),
  },
  {
    key: "team.engineers",
    flag: "--engineers",
    flagArg: "<n>",
    message: "Engineers on the team",
    kind: "number",
    required: false,
    parse: numberParser(optional(teamSchema.shape.engineers)),
  },
  {
    key: "team.kubernetes",
    flag: "--kubernetes",
    message: "Does the team run Kubernetes today?",
    kind: "confirm",
    required: true,
    builtin: () => false,
    parse: booleanParser(),
  },
  {
    key: "target.project",
    flag: "--project",
    flagArg: "<id>",
    message: "GCP project id",
    kind: "text",
    required: true,
    parse: textParser(optional(targetSchema.shape.project)),
  },
  {
    key: "target.region",
    flag: "--region",
    flagArg: "<region>",
    message: "GCP region",
    kind: "text",
    required: true,
    builtin: () => "us-central1",
    parse: textParser(optional(targetSchema.shape.region)),
  },
  {
    key: "target.service",
    flag: "--service-name",
    flagArg: "<name>",
    message: "Cloud Run service name",
    kind: "text",
    required: true,
    builtin: (a) => (a.name ? cloudRunNameFor(a.name) : undefined),
    parse: textParser(optional(targetSchema.shape.service)),
  },
  {
    key: "target.github",
    flag: "--github",
    flagArg: "<owner/repo>",
    message: "GitHub repository (owner/repo)",
    kind: "text",
    required: true,
    detected: (f) => f.github,
    parse: textParser(optional(targetSchema.shape.github)),
  },
  {
    key: "target.businessHours",
    flag: "--business-hours",
    flagArg: '<"HH:MM-HH:MM Area/City">',
    message: 'Business hours, e.g. "08:00-20:00 America/Sao_Paulo" (empty to skip)',
    kind: "text",
    required: false,
    parse: textParser(optional(targetSchema.shape.businessHours)),
  },
  {
    key: "llm.useCase",
    flag: "--llm-use-case",
    flagArg: "<text>",
    message: "What do you use an LLM for? (empty if nothing)",
    kind: "text",
    required: false,
    parse: textParser(optional(llmSchema.shape.useCase)),
  },
  {
    key: "llm.latencySeconds",
    flag: "--llm-latency",
    flagArg: "<min-max>",
    message: "Acceptable LLM latency in seconds (min-max, e.g. 5-15)",
    kind: "latency",
    required: false,
    when: hasLlm,
    parse: latencyParser(optional(llmSchema.shape.latencySeconds)),
  },
  {
    key: "llm.provider",
    flag: "--llm-provider",
    flagArg: "<provider>",
    message: "LLM provider",
    kind: "select",
    choices: LLM_PROVIDERS,
    required: true,
    when: hasLlm,
    detected: (f) => f.llm?.provider,
    builtin: () => "vertex-ai",
    parse: choiceParser(LLM_PROVIDERS),
  },
  {
    key: "provider",
    flag: "--provider",
    flagArg: "<name>",
    message: "Who should answer the phases by default?",
    kind: "select",
    choices: [...PROVIDER_CHOICES],
    required: true,
    builtin: () => "auto",
    parse: choiceParser([...PROVIDER_CHOICES]),
  },
];

export function questionFor(key: AnswerKey): QuestionSpec {
  return QUESTIONS.find((q) => q.key === key)!;
}
