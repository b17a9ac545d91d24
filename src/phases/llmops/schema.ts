// The LLM Ops result: what the AI/ML architect persona returns. Every value that ends up in
// Python, shell or a file name is pattern-checked here (and escaped again when rendered), so a
// hostile or sloppy model answer fails at the schema instead of reaching generated code.
import { z } from "zod";
import { CLOUD_RUN_NAME, HTTP_PATH, SA_ACCOUNT_ID } from "../../contracts/deployment.js";
import {
  fieldSchema,
  identifier,
  line,
  prose,
  queueSettingsSchema,
  type QueueSettings,
  type TaskField,
} from "../../contracts/ai-worker-task.js";

export {
  FIELD_TYPES,
  fieldSchema,
  queueSettingsSchema,
  SNAKE,
  type FieldType,
  type QueueSettings,
  type TaskField,
} from "../../contracts/ai-worker-task.js";
export const SEMVER = /^\d{1,3}\.\d{1,3}\.\d{1,3}$/;
/** Vertex model ids: `gemini-3.5-flash-lite`, `gemini-2.0-flash-001`; no spaces, slashes or quotes. */
export const VERTEX_MODEL_ID = /^[a-z][a-z0-9.-]{2,62}[a-z0-9]$/;
/** `global` or a region such as `us-central1`. */
export const VERTEX_LOCATION = /^(global|[a-z]+-[a-z]+\d+)$/;

const uniqueNames = (fields: TaskField[]) => new Set(fields.map((f) => f.name)).size === fields.length;
const someRequired = (fields: TaskField[]) => fields.some((f) => f.required);

export const TOPOLOGY_KEYS = [
  "apiService",
  "apiServiceAccount",
  "workerService",
  "workerServiceAccount",
  "invokerServiceAccount",
  "queue",
  "workerPath",
] as const;

export const topologySchema = z.object({
  apiService: z.string().regex(CLOUD_RUN_NAME),
  apiServiceAccount: z.string().regex(SA_ACCOUNT_ID),
  workerService: z.string().regex(CLOUD_RUN_NAME),
  workerServiceAccount: z.string().regex(SA_ACCOUNT_ID),
  /** Identity Cloud Tasks mints OIDC tokens for; the only one allowed to invoke the worker. */
  invokerServiceAccount: z.string().regex(SA_ACCOUNT_ID),
  queue: z.string().regex(CLOUD_RUN_NAME),
  workerPath: z.string().regex(HTTP_PATH),
  /** Which of the names above were derived here because the design's deployment lacked them. */
  derived: z.array(z.enum(TOPOLOGY_KEYS)).max(TOPOLOGY_KEYS.length),
});
export type Topology = z.infer<typeof topologySchema>;

export const llmopsResultSchema = z
  .object({
    /** Names the classes, routes and log events, e.g. `contract_summary`. */
    taskType: identifier(40, "task type").refine((s) => s.length >= 3, "task type: at least 3 characters"),
    /** The product's use case in one line, for docs and docstrings. */
    useCase: line(3, 300),
    inputFields: z
      .array(fieldSchema)
      .min(1)
      .max(12)
      .refine(uniqueNames, "input field names must be unique")
      .refine(someRequired, "at least one input field must be required"),
    outputFields: z
      .array(fieldSchema)
      .min(1)
      .max(12)
      .refine(uniqueNames, "output field names must be unique")
      .refine(someRequired, "at least one output field must be required"),
    prompt: z.object({
      /** File name under prompts/ (without .md). */
      name: identifier(40, "prompt name"),
      version: z.string().regex(SEMVER, "expected semver x.y.z"),
      /** The system instruction the worker sends with every task (Markdown). */
      instructions: prose(40, 8000),
    }),
    model: z.object({
      id: z.string().regex(VERTEX_MODEL_ID, "expected a Vertex model id such as gemini-3.5-flash-lite"),
      location: z.string().regex(VERTEX_LOCATION),
      temperature: z.number().min(0).max(2),
      maxOutputTokens: z.number().int().min(64).max(65_536),
      /** Per-call timeout the worker passes to the SDK. */
      timeoutSeconds: z.number().int().min(5).max(600),
    }),
    queue: queueSettingsSchema,
    topology: topologySchema,
    docs: z.object({
      /** Two to five sentences for the architecture document. */
      summary: prose(40, 2000),
      failureModes: z
        .array(z.object({ failure: line(3, 120), effect: line(3, 300), handling: line(3, 300) }))
        .min(3)
        .max(12),
      costControls: z.array(line(3, 300)).min(1).max(10),
      observability: z.array(line(3, 300)).min(1).max(10),
    }),
    /** What the phase had to assume because the inventory or the design did not say. */
    assumptions: z.array(line(3, 300)).max(20),
  })
  .refine((r) => r.queue.dispatchDeadlineSeconds > r.model.timeoutSeconds, {
    message:
      "queue.dispatchDeadlineSeconds must exceed model.timeoutSeconds, or Cloud Tasks gives up while the model still answers",
    path: ["queue", "dispatchDeadlineSeconds"],
  });
export type LlmopsResult = z.infer<typeof llmopsResultSchema>;
