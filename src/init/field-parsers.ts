// Text (typed at a prompt or given as a flag) → a checked value. Every refusal is in our own words:
// what the answer must be, and an example, never a schema library's message ("Too small: expected
// number to be >0"). The values that pass also pass the inventory loader.
import type { Parsed } from "./answers.js";
import { enUsNumber } from "../contracts/en-us-number.js";

export type Parser = (text: string) => Parsed<unknown>;

/** Free text checked by `problem` (undefined = fine); empty text is "no answer" (the caller decides if that is ok). */
export function textParser(problem: (value: string) => string | undefined): Parser {
  return (text) => {
    const value = text.trim();
    if (value === "") return { ok: true, value: undefined };
    const why = problem(value);
    return why ? { ok: false, error: why } : { ok: true, value };
  };
}

/** A pattern rule: `rule` says what is expected, `example` shows one. */
export function patternProblem(pattern: RegExp, rule: string, example: string, maxLength = 500) {
  return (value: string): string | undefined =>
    value.length > maxLength
      ? `${rule}, at most ${maxLength} characters (this is ${value.length}), e.g. ${example}`
      : pattern.test(value)
        ? undefined
        : `${rule}, e.g. ${example}`;
}

export interface NumberRule {
  /** What the number is, for messages: "the peak requests per second". */
  what: string;
  example: string;
  min?: number;
  /** The number must be more than `min`, not equal to it. */
  exclusiveMin?: boolean;
  max?: number;
  integer?: boolean;
  /** Unit words accepted after the number and ignored: "x", "GiB", "min", "$"… */
  units?: RegExp;
}

const plain = (n: number) => enUsNumber(n);

export function numberParser(rule: NumberRule): Parser {
  return (text) => {
    let value = text.trim();
    if (value === "") return { ok: true, value: undefined };
    if (rule.units) value = value.replace(rule.units, "").trim();
    value = value.replace(/(\d),(?=\d{3}\b)/g, "$1");
    if (!/^-?\d+(\.\d+)?$/.test(value))
      return {
        ok: false,
        error: `"${text.trim()}" is not a number: give ${rule.what} as a number, e.g. ${rule.example}`,
      };
    const n = Number(value);
    const range =
      rule.max === undefined
        ? rule.exclusiveMin
          ? `more than ${plain(rule.min ?? 0)}`
          : `at least ${plain(rule.min ?? 0)}`
        : `${rule.exclusiveMin ? `more than ${plain(rule.min ?? 0)} and up to` : `from ${plain(rule.min ?? 0)} to`} ${plain(rule.max)}`;
    const tooSmall = rule.min !== undefined && (rule.exclusiveMin ? n <= rule.min : n < rule.min);
    const tooBig = rule.max !== undefined && n > rule.max;
    if (tooSmall || tooBig) return { ok: false, error: `${rule.what} must be ${range}, e.g. ${rule.example}` };
    if (rule.integer && !Number.isInteger(n))
      return { ok: false, error: `${rule.what} is a whole number, e.g. ${rule.example}` };
    return { ok: true, value: n };
  };
}

export function choiceParser(choices: readonly string[]): Parser {
  return (text) => {
    const value = text.trim();
    if (value === "") return { ok: true, value: undefined };
    return choices.includes(value)
      ? { ok: true, value }
      : { ok: false, error: `"${value}" is not one of ${choices.join(", ")}, e.g. ${choices[0]}` };
  };
}

export function booleanParser(): Parser {
  return (text) => {
    const value = text.trim().toLowerCase();
    if (value === "") return { ok: true, value: undefined };
    if (["y", "yes", "true", "1"].includes(value)) return { ok: true, value: true };
    if (["n", "no", "false", "0"].includes(value)) return { ok: true, value: false };
    return { ok: false, error: `"${text.trim()}" is not yes or no, e.g. yes` };
  };
}

const SECONDS = String.raw`(\d+(?:\.\d+)?)\s*(?:s|sec|secs|seconds?)?`;
// The en and em dashes as escapes: the CLI bundle is ASCII only (scripts/bundle-cli.mjs).
const RANGE = new RegExp(String.raw`^${SECONDS}\s*(?:-|\u2013|\u2014|to|,)\s*${SECONDS}$`, "i");
const SINGLE = new RegExp(String.raw`^${SECONDS}$`, "i");

/**
 * "5-15", "5–15 s", "5 to 15 seconds" → [5, 15]. A single number is refused with the reason: it
 * could mean "about 5 s" or "up to 5 s", and the worker's timeouts are sized from the range.
 */
export function latencyParser(): Parser {
  return (text) => {
    const value = text.trim();
    if (value === "") return { ok: true, value: undefined };
    const single = SINGLE.exec(value);
    if (single)
      return {
        ok: false,
        error: `give a range, fastest to slowest acceptable, e.g. 5-15 (timeouts are sized from the slowest; for exactly ${single[1]} s write ${single[1]}-${single[1]})`,
      };
    const m = RANGE.exec(value);
    if (!m) return { ok: false, error: 'give the range in seconds as "min-max", e.g. 5-15' };
    const [min, max] = [Number(m[1]), Number(m[2])];
    if (min <= 0) return { ok: false, error: `the fastest time must be more than 0 seconds, e.g. 5-15` };
    if (min > max) return { ok: false, error: `the first number is the fastest: write ${max}-${min}` };
    if (max > 3600) return { ok: false, error: `at most 3600 seconds (an hour), e.g. 5-15` };
    return { ok: true, value: [min, max] };
  };
}
