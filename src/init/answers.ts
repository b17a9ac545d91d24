// The answers `init` collects, one key per question. Keys are the inventory paths they fill
// (`target.project`), so a missing answer can be named by its flag and its place in the file.
import type { z } from "zod";
import type { HostFacts, ServiceAnswer } from "../detect/types.js";
import type {
  BACKUPS,
  BuildInput,
  DEPLOY_METHODS,
  Provenance,
  SecretFile,
  Storage,
  llmSchema,
} from "../inventory/schema.js";

export type { ServiceAnswer } from "../detect/types.js";

export type Backups = (typeof BACKUPS)[number];
/** A known method (DEPLOY_METHODS) or the team's own words. */
export type DeployMethod = (typeof DEPLOY_METHODS)[number] | (string & {});
export type Rollback = "none" | "manual" | "automatic";
export type LlmProvider = z.output<typeof llmSchema>["provider"];
export type ModelProvider = "auto" | "gemini" | "offline" | "replay";

export interface Answers {
  name?: string;
  services?: ServiceAnswer[];
  /** "none" when the product has no database. */
  "database.engine"?: string;
  /** A SQLite database (detected, not asked): its file on the VM and the processes that open it. */
  sqliteFile?: { path?: string; services?: string[] };
  /** Not a question: the database server's databases when processes name different ones (detect/server-databases.ts). */
  serverDatabases?: Array<{ name: string; services: string[] }>;
  "database.version"?: string;
  "database.sizeGiB"?: number;
  "database.backups"?: Backups;
  /** The VM today: what it costs and its size, for the cost comparison. */
  "host.monthlyCostUsd"?: number;
  "host.cpus"?: number;
  "host.memoryGiB"?: number;
  "deploy.method"?: DeployMethod;
  "deploy.durationMinutes"?: number;
  "deploy.perWeek"?: number;
  "deploy.rollback"?: Rollback;
  "traffic.peakRps"?: number;
  "traffic.growth"?: number;
  "team.engineers"?: number;
  "team.kubernetes"?: boolean;
  "target.project"?: string;
  "target.region"?: string;
  "target.service"?: string;
  "target.github"?: string;
  "target.businessHours"?: string;
  "llm.useCase"?: string;
  "llm.latencySeconds"?: [number, number];
  "llm.provider"?: LlmProvider;
  /** Who answers the phases by default: goes into infra-migrate.config.yaml. */
  provider?: ModelProvider;
  /** Not a question: the machine's facts from `init --from-host` and the host answers, written as the inventory's `host`. */
  host?: HostFacts & { monthlyCostUsd?: number };
  /** Not a question: user-file folders found on the VM or in the app's settings. */
  storage?: Storage[];
  /** Not a question: files holding a secret in the app's folder on the VM (detect/secret-files.ts). */
  secretFiles?: SecretFile[];
  /** Not a question: folders of code the app loads, which the image must carry (detect/build-inputs.ts). */
  buildInputs?: BuildInput[];
  /** Not a question: where each value came from (inventory `provenance`), keyed by inventory path. */
  provenance?: Record<string, Provenance>;
}

export type AnswerKey = keyof Answers;

export type Parsed<T> = { ok: true; value: T | undefined } | { ok: false; error: string };
