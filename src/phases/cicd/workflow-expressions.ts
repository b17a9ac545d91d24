// The few GitHub Actions expressions a team's test setup can be carried with: `matrix.*` and
// `inputs.*` references (a matrix entry chosen for the app, a composite action's inputs),
// `==`/`!=` against string literals, `!`, `&&`, `||`, parentheses, and the status functions.
// Anything else (secrets, steps' outputs, github.*, other functions) is unresolved: the caller
// then does not carry what holds it. https://docs.github.com/en/actions/reference/workflows-and-actions/expressions

/** A context reference's value (`matrix.db`), or undefined when it cannot be known. */
export type Lookup = (ref: string) => string | undefined;

const TOKEN = /\s*(\|\||&&|==|!=|!|\(|\)|'(?:[^']|'')*'|[A-Za-z_][\w.-]*(?:\(\))?)/y;

function tokens(text: string): string[] | undefined {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  let at = 0;
  while (at < text.length) {
    if (!text.slice(at).trim()) break;
    TOKEN.lastIndex = at;
    const m = TOKEN.exec(text);
    if (!m) return undefined;
    out.push(m[1]!);
    at = TOKEN.lastIndex;
  }
  return out;
}

type Value = string | boolean;

/** Evaluates an `if:` condition (with or without `${{ }}`); undefined when it cannot be known. */
export function evaluateCondition(condition: unknown, lookup: Lookup): boolean | undefined {
  if (typeof condition === "boolean") return condition;
  if (typeof condition !== "string") return undefined;
  const inner = /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(condition)?.[1] ?? condition;
  const found = tokens(inner);
  if (!found?.length) return undefined;
  const list = found;
  let at = 0;
  const truthy = (v: Value) => (typeof v === "boolean" ? v : v !== "");
  const primary = (): Value | undefined => {
    const t = list[at++];
    if (t === undefined) return undefined;
    if (t === "!") {
      const v = primary();
      return v === undefined ? undefined : !truthy(v);
    }
    if (t === "(") {
      const v = or();
      return list[at++] === ")" ? v : undefined;
    }
    if (t.startsWith("'")) return t.slice(1, -1).replace(/''/g, "'");
    if (t === "true" || t === "always()" || t === "success()") return true;
    if (t === "false" || t === "failure()" || t === "cancelled()") return false;
    if (/^(matrix|inputs)\./.test(t)) return lookup(t);
    return undefined;
  };
  const compare = (): Value | undefined => {
    const left = primary();
    const op = list[at];
    if (op !== "==" && op !== "!=") return left;
    at++;
    const right = primary();
    if (left === undefined || right === undefined) return undefined;
    return (String(left).toLowerCase() === String(right).toLowerCase()) === (op === "==");
  };
  const and = (): Value | undefined => {
    let v = compare();
    while (list[at] === "&&") {
      at++;
      const r = compare();
      v = v === undefined || r === undefined ? undefined : truthy(v) ? r : v;
    }
    return v;
  };
  function or(): Value | undefined {
    let v = and();
    while (list[at] === "||") {
      at++;
      const r = and();
      v = v === undefined || r === undefined ? undefined : truthy(v) ? v : r;
    }
    return v;
  }
  const value = or();
  return value === undefined || at !== list.length ? undefined : truthy(value);
}

/**
 * A string with every `${{ matrix.x }}` / `${{ inputs.x }}` replaced by its value; undefined when
 * any expression in it is of another kind or has no known value.
 */
export function substitute(text: string, lookup: Lookup): string | undefined {
  let unresolved = false;
  const out = text.replace(/\$\{\{\s*([\s\S]*?)\s*\}\}/g, (_, ref: string) => {
    const value = /^(matrix|inputs)\.[\w-]+$/.test(ref) ? lookup(ref) : undefined;
    if (value === undefined) unresolved = true;
    return value ?? "";
  });
  return unresolved ? undefined : out;
}
