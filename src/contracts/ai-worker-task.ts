// The AI worker's task as both the design and the llmops phase see it: field shapes (every
// name a safe Python identifier) and the Cloud Tasks queue settings sized for the model calls.
import { z } from "zod";
import { isSafeIdentifier } from "./python-names.js";

/** snake_case, starts with a letter, no trailing or double underscore. */
export const SNAKE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

/** Prose: any printable text, newlines allowed, no other control characters. */
export const prose = (min: number, max: number) =>
  z
    .string()
    .min(min)
    .max(max)
    .regex(/^[^\u0000-\u0009\u000b-\u001f\u007f]*$/, "control characters are not allowed");
/** One line of prose (table cells, list items). */
export const line = (min: number, max: number) => prose(min, max).regex(/^[^\n]*$/, "expected a single line");

export const identifier = (max: number, what: string) =>
  z
    .string()
    .max(max)
    .regex(SNAKE, `${what}: expected snake_case (a-z, 0-9, single underscores)`)
    .refine(isSafeIdentifier, `${what}: a Python keyword or a name the generated code reserves`);

export const FIELD_TYPES = ["string", "text", "integer", "number", "boolean", "string_list"] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export const fieldSchema = z.object({
  name: identifier(40, "field name").describe("snake_case name; becomes a Python attribute."),
  type: z.enum(FIELD_TYPES).describe("string: one line; text: long text; string_list: a list of strings."),
  required: z.boolean().describe("Whether the field must be present."),
  maxLength: z
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .optional()
    .describe("Upper bound in characters for string and text fields; ignored for other types."),
  description: line(3, 200).describe("What the field holds, one line."),
});
export type TaskField = z.infer<typeof fieldSchema>;

export const queueSettingsSchema = z
  .object({
    maxAttempts: z.number().int().min(1).max(100).describe("Attempts per task before it is dropped."),
    minBackoffSeconds: z.number().int().min(1).max(3600).describe("First retry delay, seconds (<= max)."),
    maxBackoffSeconds: z.number().int().min(1).max(3600).describe("Longest retry delay, seconds."),
    maxDispatchesPerSecond: z
      .number()
      .min(0.1)
      .max(500)
      .describe("Rate limit, sized to the traffic and the model quota."),
    maxConcurrentDispatches: z
      .number()
      .int()
      .min(1)
      .max(5000)
      .describe("Tasks in flight at once, sized to the model quota."),
    dispatchDeadlineSeconds: z
      .number()
      .int()
      .min(15)
      .max(1800)
      .describe("How long Cloud Tasks waits for the worker (15 s to 30 min); above the model timeout."),
  })
  .refine((q) => q.minBackoffSeconds <= q.maxBackoffSeconds, {
    message: "minBackoffSeconds must be <= maxBackoffSeconds",
    path: ["minBackoffSeconds"],
  });
export type QueueSettings = z.infer<typeof queueSettingsSchema>;

/**
 * How the AI worker's table (ai_tasks) is created and kept current: llmops renders migrate.py in
 * the worker's directory, and the cicd pipeline runs this command in the worker's image as a
 * Cloud Run job before deploying the worker.
 */
export const AI_WORKER_MIGRATE_COMMAND = ["python", "migrate.py"] as const;
