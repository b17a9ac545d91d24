// Reading one Gemini answer: blocked or truncated, then JSON, then the zod schema. Kept apart from
// the HTTP side so each rule is testable on a plain response object.
import { z } from "zod";
import { ProviderError } from "../errors.js";

/** The parts of a GenerateContentResponse we read (structurally, so the SDK stays lazy). */
export interface GeminiResponse {
  candidates?: Array<{
    content?: { parts?: Array<{ text?: string; thought?: boolean }> };
    finishReason?: string;
  }>;
  promptFeedback?: { blockReason?: string; blockReasonMessage?: string };
  usageMetadata?: {
    promptTokenCount?: number;
    candidatesTokenCount?: number;
    thoughtsTokenCount?: number;
    totalTokenCount?: number;
  };
}

// Finish reasons meaning a filter stopped the answer (google.ai.generativelanguage FinishReason).
const BLOCKED = new Set(["SAFETY", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "RECITATION", "IMAGE_SAFETY"]);
const MAX_ISSUES = 10;

export type Reading<T> = { ok: true; value: T; text: string } | { ok: false; text: string; problems: string[] };

/** Throws for answers no repair turn can fix (blocked, truncated); otherwise parses and validates. */
export function readAnswer<T>(response: GeminiResponse, schema: z.ZodType<T>, phase: string): Reading<T> {
  const blockReason = response.promptFeedback?.blockReason;
  if (blockReason) throw blocked(phase, `the prompt was blocked (${blockReason})`);
  const candidate = response.candidates?.[0];
  const finishReason = candidate?.finishReason ?? "";
  if (BLOCKED.has(finishReason)) throw blocked(phase, `the answer was stopped (finishReason ${finishReason})`);
  const text = (candidate?.content?.parts ?? [])
    .filter((part) => typeof part.text === "string" && !part.thought)
    .map((part) => part.text)
    .join("");
  let parsed: unknown;
  try {
    parsed = JSON.parse(stripFences(text));
  } catch (error) {
    if (finishReason === "MAX_TOKENS") {
      throw new ProviderError(
        `Gemini's answer for phase ${phase} was truncated at the token limit (finishReason MAX_TOKENS).`,
        "Raise maxOutputTokens, or use a larger model with --model.",
        { code: "provider.truncated" },
      );
    }
    const reason = text.trim() === "" ? "the answer was empty" : `not valid JSON (${(error as Error).message})`;
    return { ok: false, text, problems: [reason] };
  }
  const result = schema.safeParse(parsed);
  return result.success
    ? { ok: true, value: result.data, text }
    : { ok: false, text, problems: formatIssues(result.error.issues) };
}

/** Models sometimes wrap JSON in ``` fences even in JSON mode. */
export function stripFences(text: string): string {
  const match = /^\s*```(?:json)?\s*\n([\s\S]*?)\n?```\s*$/i.exec(text);
  return match ? match[1]! : text;
}

export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  const lines = issues.slice(0, MAX_ISSUES).map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
  if (issues.length > MAX_ISSUES) lines.push(`… and ${issues.length - MAX_ISSUES} more`);
  return lines;
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(root)";
  return path.map((key, i) => (typeof key === "number" ? `[${key}]` : `${i ? "." : ""}${String(key)}`)).join("");
}

export function repairMessage(problems: string[]): string {
  return [
    "Your previous answer does not match the required JSON schema:",
    ...problems.map((p) => `- ${p}`),
    "Reply again with the complete corrected JSON object only: no prose, no code fences.",
  ].join("\n");
}

export function invalidAnswer(phase: string, problems: string[]): ProviderError {
  return new ProviderError(
    `Gemini's answer for phase ${phase} still does not match the schema after one repair turn:\n${problems
      .slice(0, 5)
      .map((p) => `  ${p}`)
      .join("\n")}`,
    "Rerun the phase (answers vary), try a larger model with --model, or run with --provider offline.",
    { code: "provider.invalid-answer" },
  );
}

function blocked(phase: string, what: string): ProviderError {
  return new ProviderError(
    `Gemini's answer for phase ${phase} was blocked by safety filters: ${what}.`,
    "Check the inventory for text that reads as harmful (service names, commands, free-text notes), then rerun; or run with --provider offline.",
    { code: "provider.blocked" },
  );
}

/** responseJsonSchema for Gemini: input-side schema (defaults optional, transforms allowed). */
export function toResponseSchema(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  delete json.$schema;
  return stripSafeIntegerBounds(json) as Record<string, unknown>;
}

// z.number().int() emits ±2^53-1 bounds: noise that costs prompt tokens and says nothing.
function stripSafeIntegerBounds(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(stripSafeIntegerBounds);
  if (!node || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if ((key === "minimum" || key === "maximum") && Math.abs(value as number) === Number.MAX_SAFE_INTEGER) continue;
    out[key] = stripSafeIntegerBounds(value);
  }
  return out;
}
