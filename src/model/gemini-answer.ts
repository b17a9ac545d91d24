// Reading one Gemini answer: blocked, empty or truncated, then JSON, then the zod schema. Kept apart
// from the HTTP side so each rule is testable on a plain response object.
// Finish reasons: https://ai.google.dev/api/generate-content#FinishReason
import type { z } from "zod";
import { ProviderError } from "../errors.js";
import { quotedLine, withoutControls } from "../printable.js";
import { fitProse } from "./fit-prose.js";

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

// A filter stopped the answer because of its content. RECITATION is not one of them: it means the
// answer resembled published text, says nothing about the inventory, and varies between calls.
const BLOCKED = new Set(["SAFETY", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY"]);
const MAX_ISSUES = 10;

export type Reading<T> =
  | { kind: "ok"; value: T; text: string }
  /** Text that is not the JSON asked for: worth one repair turn (text is never empty). */
  | { kind: "invalid"; text: string; problems: string[] }
  /** No text at all (no candidates, OTHER, RECITATION …): resend the same turn, never echo it. */
  | { kind: "empty"; finishReason: string }
  /** Cut off at maxOutputTokens (thinking included) before the JSON was complete. */
  | { kind: "truncated" };

/** Throws for blocked answers; otherwise says what the answer is. */
export function readAnswer<T>(response: GeminiResponse, schema: z.ZodType<T>, phase: string): Reading<T> {
  const blockReason = response.promptFeedback?.blockReason;
  if (blockReason) throw blocked(phase, `the prompt was blocked (${reasonText(blockReason)})`);
  const candidate = response.candidates?.[0];
  const finishReason = reasonText(candidate?.finishReason ?? (candidate ? "STOP" : "NO_CANDIDATES"));
  if (BLOCKED.has(finishReason)) throw blocked(phase, `the answer was stopped (finishReason ${finishReason})`);
  const text = (candidate?.content?.parts ?? [])
    .filter((part) => typeof part.text === "string" && !part.thought)
    .map((part) => part.text)
    .join("");
  let parsed: unknown;
  try {
    // Control characters have no place in a report or a name (an escape sequence in prose would
    // reach the terminal through `check`'s diff): they are dropped before the schema sees the answer.
    parsed = withoutControls(JSON.parse(stripFences(text)));
  } catch (error) {
    if (finishReason === "MAX_TOKENS") return { kind: "truncated" };
    if (text.trim() === "" || finishReason === "RECITATION") return { kind: "empty", finishReason };
    return { kind: "invalid", text, problems: [`not valid JSON (${quotedLine((error as Error).message, 200)})`] };
  }
  const result = fitProse(schema, parsed, { proseOnly: true });
  return result.success
    ? { kind: "ok", value: result.data, text }
    : { kind: "invalid", text, problems: formatIssues(result.error.issues) };
}

/** An enum value of the API (STOP, SAFETY …), or whatever else the endpoint sent, escaped and short. */
function reasonText(reason: unknown): string {
  return typeof reason === "string" && /^[A-Z][A-Z_]{0,39}$/.test(reason) ? reason : quotedLine(String(reason), 40);
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

/** Two calls in a row gave no text. RECITATION is named for what it is. */
export function emptyAnswer(phase: string, finishReason: string): ProviderError {
  if (finishReason === "RECITATION") {
    return new ProviderError(
      `Gemini stopped its answer for phase ${phase} twice because the text resembled published material ` +
        `too closely (finishReason RECITATION). This is about the model's wording, not about your inventory.`,
      "Rerun the phase (answers vary), or try another model with --model, or run with --provider offline.",
      { code: "provider.recitation" },
    );
  }
  const why = finishReason === "NO_CANDIDATES" ? "no candidates" : `finishReason ${finishReason}`;
  return new ProviderError(
    `Gemini returned an empty answer for phase ${phase} twice (${why}).`,
    "Rerun the phase later, try another model with --model, or run with --provider offline.",
    { code: "provider.empty-answer" },
  );
}

function blocked(phase: string, what: string): ProviderError {
  return new ProviderError(
    `Gemini's answer for phase ${phase} was blocked by safety filters: ${what}.`,
    "Check the inventory for text that reads as harmful (service names, commands, free-text notes), then rerun; or run with --provider offline.",
    { code: "provider.blocked" },
  );
}
