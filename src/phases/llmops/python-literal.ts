// Turning model-chosen values into Python source. Identifiers are accepted only when they match
// a strict pattern and are not keywords or names the generated code uses itself; every other
// value becomes a Python literal through an escaper that emits plain ASCII, so no quote,
// backslash, newline or unicode trick can end a string early.

import { isSafeIdentifier } from "../../contracts/python-names.js";

export { isSafeIdentifier, PYTHON_RESERVED } from "../../contracts/python-names.js";

/** Returns the name unchanged, or throws: a last check at the point of emission. */
export function pyIdentifier(name: string): string {
  if (!isSafeIdentifier(name)) throw new Error(`refusing to emit unsafe Python identifier ${JSON.stringify(name)}`);
  return name;
}

/** `contract_summary` → `ContractSummary` (input already pattern-checked). */
export function pascalCase(snake: string): string {
  return pyIdentifier(snake)
    .split("_")
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");
}

const SIMPLE_ESCAPES: Record<string, string> = { "\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** A double-quoted Python str literal containing only printable ASCII. */
export function pyString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (SIMPLE_ESCAPES[ch]) out += SIMPLE_ESCAPES[ch];
    else if (code >= 0x20 && code < 0x7f) out += ch;
    else if (code <= 0xff) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else if (code <= 0xffff) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += `\\U${code.toString(16).padStart(8, "0")}`;
  }
  return out + '"';
}

export type PyValue = string | number | boolean | null | PyValue[] | { [key: string]: PyValue };

/** Any JSON-like value as a Python literal (dict keys become escaped strings too). */
export function pyLiteral(value: PyValue): string {
  if (value === null) return "None";
  if (typeof value === "string") return pyString(value);
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error("refusing to emit a non-finite number");
    return String(value); // JS and Python agree on 12, 0.5 and 1e+21
  }
  if (Array.isArray(value)) return `[${value.map(pyLiteral).join(", ")}]`;
  const entries = Object.entries(value).map(([k, v]) => `${pyString(k)}: ${pyLiteral(v)}`);
  return `{${entries.join(", ")}}`;
}
