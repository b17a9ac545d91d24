// Text from outside (a Gemini endpoint's error body, a model's answer) reaches a terminal and the
// user's files. A hostile or broken endpoint can put terminal control sequences in it (ESC [2J
// clears the screen, ESC ] 0; sets the window title, a bare CR overwrites the line before) or
// Unicode direction overrides that make a line read differently from what it holds. None has a
// use in a message or a report, so they are shown as escapes (messages) or dropped (answers).

// C0 controls but tab and newline, DEL, C1 controls, and the bidi embeddings, overrides and
// isolates (U+202A–U+202E, U+2066–U+2069).
const UNPRINTABLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

const escape = (ch: string) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`;

/** `text` for a terminal line: control characters as visible `\uXXXX` escapes; tab and newline kept. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, escape);
}

/**
 * Text someone else wrote, as one line of a message: every run of whitespace one space, control
 * characters escaped, and at most `max` characters (a 5 MB error body once filled the terminal).
 */
export function quotedLine(text: string, max = 300): string {
  const line = printable(text.replace(/\s+/g, " ").trim());
  return line.length > max ? `${line.slice(0, max)}… (${line.length - max} more characters)` : line;
}

/**
 * `value` with control characters removed from every string in it (a model's parsed answer). Keys
 * are defined, not assigned (a "__proto__" key stays a key); below 64 levels nothing is changed:
 * no answer schema is that deep, so such an answer fails its schema anyway.
 */
export function withoutControls<T>(value: T, depth = 0): T {
  if (typeof value === "string") return value.replace(UNPRINTABLE, "") as T;
  if (depth >= 64 || !value || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((item) => withoutControls(item, depth + 1)) as T;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value))
    Object.defineProperty(out, key.replace(UNPRINTABLE, ""), {
      value: withoutControls(item, depth + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return out as T;
}
