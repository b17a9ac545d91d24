// What a phase implements: prompt, result schema, offline rules, renderers, validators — data and
// pure functions. Its id, persona and dependencies live in src/phases/registry.ts; the runner
// (src/pipeline/run-phase.ts) wires the two to the model and the writer.
import type { z } from "zod";
import type { Inventory } from "../inventory/schema.js";
import type { ArrayLimits } from "../model/response-schema.js";
import type { Artifact } from "../write/plan.js";
import type { PlanStep } from "./plan.js";

export interface PhaseOptions {
  /** audit: how many of the top-ranked (most urgent) risks the report details (default 5). */
  top?: number;
  /** llmops: where the worker code goes (default services/ai-worker). */
  workerDir?: string;
  /** Anything else a phase needs from flags/config. */
  [key: string]: unknown;
}

export interface PhaseInput {
  /** Validated, redacted inventory. */
  inventory: Inventory;
  /** Short hash of the redacted inventory, for provenance and caching. */
  inventoryHash: string;
  /** Results of upstream phases, keyed by phase id (audit result for design, etc.). */
  upstream: Readonly<Record<string, unknown>>;
  options: PhaseOptions;
  /** Absolute path of the target repo, read-only for phases (e.g. to detect an existing Dockerfile). */
  repoDir: string;
  /**
   * Paths infra-migrate generated in the target repo before (from the manifest). A file that
   * exists but is in this set is ours, not the user's: e.g. our own Dockerfile from a previous
   * run must not be mistaken for one the team wrote.
   */
  generatedFiles?: ReadonlySet<string>;
}

export interface ValidationContext {
  source: "model" | "offline";
}

/**
 * A model that answers only part of a phase's result: the schema sent (and checked) for that part,
 * and how the rest, which the phase's rules fill deterministically, is merged back before render.
 */
export interface ModelAnswer<R> {
  schema: z.ZodType;
  /** `answer` has passed `schema`. Throws a GenerationError when the two parts do not fit. */
  complete(answer: unknown, input: PhaseInput): R;
}

export interface PhaseImplementation<R> {
  /** Schema the model's answer must satisfy (strict patterns on anything reused downstream). */
  resultSchema: z.ZodType<R>;
  /**
   * Array bounds for the schema sent to the model, sized from this input (one mapping entry per
   * inventory service, not the schema's worst case of 5,000): smaller schemas are accepted by
   * Gemini where a huge one fails with "too many states". zod still checks the static bounds.
   */
  responseLimits?(input: PhaseInput): ArrayLimits;
  /**
   * Set when the model answers only part of the result (the offline provider still answers all
   * of it): keeps the sent schema small by not asking for what the rules decide anyway.
   */
  modelAnswer?: ModelAnswer<R>;
  /** Task prompt for the model (handlebars template rendered with the input). */
  buildPrompt(input: PhaseInput): Promise<string> | string;
  /** Deterministic expert rules: the offline provider's answer. */
  offline(input: PhaseInput): R;
  /** Turn the result into files. Pure: same input, same bytes. */
  render(result: R, input: PhaseInput): Promise<Artifact[]> | Artifact[];
  /**
   * Validate the rendered files; return findings (empty = fine). A finding fails the command
   * (exit 3). `source` says whether the result came from a model (validate everything) or from
   * the offline rules, whose output the test suite validates: a phase may skip a costly check
   * there when its builder already guarantees the property (e.g. Mermaid escaping).
   */
  validate?(artifacts: Artifact[], input: PhaseInput, context: ValidationContext): Promise<string[]>;
  /** One-line summary for the CLI (e.g. "5 critical risks, 9 in total"). */
  /** One line for the progress output; `input` is what the phase ran on. */
  summarize?(result: R, input: PhaseInput): string;
  /** What a person does with this phase's files, and when: steps of docs/migration/README.md. */
  planSteps?(result: R, input: PhaseInput): PlanStep[];
}
