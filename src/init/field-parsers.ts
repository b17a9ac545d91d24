// Text (typed at a prompt or given as a flag) → a checked value, using the inventory schema's own
// field rules, so the wizard rejects a bad project id on the spot instead of after the last question.
import type { z } from "zod";
import type { Parsed } from "./answers.js";

export type Parser = (text: string) => Parsed<unknown>;

function firstIssue(error: z.ZodError): string {
  return error.issues[0]?.message ?? "invalid value";
}

/** Free text checked by a schema; empty text is "no answer" (the caller decides if that is ok). */
export function textParser(schema: z.ZodType): Parser {
  return (text) => {
    const value = text.trim();
    if (value === "") return { ok: true, value: undefined };
    const r = schema.safeParse(value);
    return r.success ? { ok: true, value: r.data } : { ok: false, error: firstIssue(r.error) };
  };
}

export function numberParser(schema: z.ZodType): Parser {
  return (text) => {
    const value = text.trim();
    if (value === "") return { ok: true, value: undefined };
    if (!/^-?\d+(\.\d+)?$/.test(value)) return { ok: false, error: `"${value}" is not a number` };
    const r = schema.safeParse(Number(value));
    return r.success ? { ok: true, value: r.data } : { ok: false, error: firstIssue(r.error) };
  };
}

export function choiceParser(choices: readonly string[]): Parser {
  return (text) => {
    const value = text.trim();
    if (value === "") return { ok: true, value: undefined };
    return choices.includes(value)
      ? { ok: true, value }
      : { ok: false, error: `expected one of ${choices.join(", ")}` };
  };
}

export function booleanParser(): Parser {
  return (text) => {
    const value = text.trim().toLowerCase();
    if (value === "") return { ok: true, value: undefined };
    if (["y", "yes", "true", "1"].includes(value)) return { ok: true, value: true };
    if (["n", "no", "false", "0"].includes(value)) return { ok: true, value: false };
    return { ok: false, error: "expected yes or no" };
  };
}

/** "5-15" or "5,15" seconds → [5, 15]; a single number n → [n, n]. */
export function latencyParser(schema: z.ZodType): Parser {
  return (text) => {
    const value = text.trim();
    if (value === "") return { ok: true, value: undefined };
    const m = /^(\d+(?:\.\d+)?)\s*(?:[-,]\s*(\d+(?:\.\d+)?))?$/.exec(value);
    if (!m) return { ok: false, error: 'expected seconds as "min-max", e.g. 5-15' };
    const r = schema.safeParse([Number(m[1]), Number(m[2] ?? m[1])]);
    return r.success ? { ok: true, value: r.data } : { ok: false, error: firstIssue(r.error) };
  };
}
