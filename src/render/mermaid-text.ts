// Escaping for Mermaid 11 source text: identifiers and label text.
// Names come from user inventories and model output, so nothing in them may close a label,
// start a comment (`%%`), inject a directive (`%%{init}%%`) or a statement (`click`, `style`).
import { createHash } from "node:crypto";

// Mermaid's own front-matter pattern: a `---` block at the very top of the text.
const FRONT_MATTER = /^([^\S\n\r]*)-{3}\s*[\n\r](.*?)[\n\r]\1-{3}\s*[\n\r]+/s;

/** The text after any front matter (line endings normalised), and how many lines the front matter took. */
export function splitFrontMatter(text: string): { body: string; lines: number } {
  const normalized = text.replace(/\r\n?/g, "\n");
  const match = FRONT_MATTER.exec(normalized);
  if (!match) return { body: normalized, lines: 0 };
  return { body: normalized.slice(match[0].length), lines: match[0].split("\n").length - 1 };
}

/** Default cap on label length, in code points, before escaping. */
export const MAX_LABEL_LENGTH = 200;
const MAX_ID_SLUG = 40;

// Keywords of the flowchart and sequence lexers (compared case-insensitively). A node or
// participant called `end` closes a subgraph/block; `class`/`style`/`click` start statements.
const RESERVED_IDS = new Set([
  "end",
  "graph",
  "flowchart",
  "flowchart-elk",
  "subgraph",
  "direction",
  "style",
  "linkstyle",
  "classdef",
  "class",
  "click",
  "call",
  "href",
  "default",
  "interpolate",
  "_self",
  "_blank",
  "_parent",
  "_top",
  "lr",
  "rl",
  "tb",
  "bt",
  "td",
  "br",
  "v",
  "o",
  "x",
  "sequencediagram",
  "participant",
  "actor",
  "as",
  "loop",
  "alt",
  "else",
  "opt",
  "par",
  "par_over",
  "and",
  "rect",
  "critical",
  "option",
  "break",
  "note",
  "over",
  "left",
  "right",
  "of",
  "activate",
  "deactivate",
  "title",
  "acctitle",
  "accdescr",
  "autonumber",
  "off",
  "box",
  "create",
  "destroy",
  "links",
  "link",
  "properties",
  "details",
]);

const SAFE_ID = /^[A-Za-z][A-Za-z0-9_]*$/;
// Ids we produce when a name had to change end in `__` + 10 hex digits; a raw name of that form
// is hashed too, so a kept name can never equal a produced one.
const HASHED_SUFFIX = /__[0-9a-f]{10}$/;

/** A deterministic Mermaid-safe identifier for `raw`; distinct inputs give distinct ids. */
export function mermaidId(raw: string): string {
  if (SAFE_ID.test(raw) && raw.length <= MAX_ID_SLUG && !isReserved(raw) && !HASHED_SUFFIX.test(raw)) return raw;
  let slug = raw
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, MAX_ID_SLUG);
  if (!/^[A-Za-z]/.test(slug)) slug = `n${slug ? `_${slug}` : ""}`;
  const hash = createHash("sha256").update(raw, "utf8").digest("hex").slice(0, 10);
  return `${slug.replace(/_+$/, "")}__${hash}`;
}

function isReserved(id: string): boolean {
  return RESERVED_IDS.has(id.toLowerCase());
}

// Characters written as-is; everything else becomes a numeric entity `#NNN;`, which Mermaid
// turns into `&#NNN;` in the SVG. Letters, digits, marks and emoji of any script stay readable.
// The class lists the zero-width joiner and emoji variation selector on purpose: each is tested as
// one character of its own (the caller walks code points), never as part of a sequence.
// eslint-disable-next-line no-misleading-character-class
const SAFE_CHAR = /^[A-Za-z0-9 ._\-/()!?+=*']$|^[\p{L}\p{N}\p{M}\p{Extended_Pictographic}\u200D\uFE0F]$/u;
// Mermaid's own entity placeholders (U+FB02 "ﬂ", U+00B6 "¶"): a raw one would decode as `&`/`;`.
const PLACEHOLDER_CHARS = new Set(["\uFB02", "\u00B6"]);
const NEWLINE = /\r\n|[\n\r\u0085\u2028\u2029]/g;

/**
 * Label text for any Mermaid label position (`["…"]`, `|"…"|`, `participant x as …`, message
 * and note text). Newlines become `<br/>`; the text is capped at `maxLength` code points.
 */
export function mermaidText(raw: string, maxLength = MAX_LABEL_LENGTH): string {
  const lines = capLength(raw, maxLength).split(NEWLINE);
  const out = lines.map(escapeLine).join("<br/>");
  // `#160;` keeps an empty label a label: `[""]` and a bare `as` do not parse everywhere.
  return out.trim() === "" ? "#160;" : out;
}

function capLength(raw: string, maxLength: number): string {
  const points = Array.from(raw);
  if (points.length <= maxLength) return raw;
  return `${points.slice(0, Math.max(0, maxLength - 1)).join("")}…`;
}

function escapeLine(line: string): string {
  let out = "";
  for (const ch of line) {
    const code = ch.codePointAt(0) ?? 0xfffd;
    const isLoneSurrogate = code >= 0xd800 && code <= 0xdfff;
    if (isLoneSurrogate) out += "#65533;";
    else if (SAFE_CHAR.test(ch) && !PLACEHOLDER_CHARS.has(ch)) out += ch;
    else out += `#${code};`;
  }
  // Some lexer rules match a whole line (`.*direction\s+LR`), even through a quoted label:
  // the space after "direction" is written as an entity so no label reads as a statement.
  return out.replace(/(direction) /gi, "$1#32;");
}

/** A one-line title for YAML front matter: a JSON string, which is valid YAML. */
export function mermaidTitle(raw: string, maxLength = MAX_LABEL_LENGTH): string {
  const flat = capLength(raw, maxLength)
    .replace(NEWLINE, " ")
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, "")
    .replace(/[\uD800-\uDFFF]/g, (s, i: number, all: string) => (isPairedSurrogate(all, i) ? s : "\uFFFD"));
  return JSON.stringify(flat);
}

function isPairedSurrogate(all: string, i: number): boolean {
  const code = all.charCodeAt(i);
  if (code <= 0xdbff) return i + 1 < all.length && all.charCodeAt(i + 1) >= 0xdc00 && all.charCodeAt(i + 1) <= 0xdfff;
  return i > 0 && all.charCodeAt(i - 1) >= 0xd800 && all.charCodeAt(i - 1) <= 0xdbff;
}

const CSS = /^[A-Za-z0-9#:,.%() \-]+$/;

/** Checks generator-supplied CSS for `classDef`/`linkStyle`; a `;` or newline would start a new statement. */
export function checkCss(css: string, where: string): string {
  if (!CSS.test(css))
    throw new Error(`${where}: unsafe CSS ${JSON.stringify(css)} (allowed: letters, digits, # : , . % ( ) - space)`);
  return css;
}
