// Secrets never reach a prompt, a cache file or an artifact. The loader redacts every string of
// the inventory; the model layer and the writer call `redactDeep` again as defence in depth.
import { formatPath } from "./positions.js";
import { REDACTION_RULES, assignmentKind } from "./redact-rules.js";

export interface TextFinding {
  kind: string;
  /** Offset of the secret in the ORIGINAL text. */
  index: number;
}

export interface PathFinding {
  /** Key path of the string, e.g. `services[1].command`; `""` for a top-level string. */
  path: string;
  kind: string;
}

interface Span {
  start: number;
  end: number;
  kind: string;
}

export const redactionMarker = (kind: string) => `<redacted:${kind}>`;

// `d` (match indices) gives the position of the secret's capture group.
const COMPILED = REDACTION_RULES.map(
  (rule) => [rule, new RegExp(rule.pattern.source, `${rule.pattern.flags.replace("d", "")}d`)] as const,
);

// Cheap first look: every rule needs one of these fragments, and most strings (names, versions,
// hostnames) have none. Keep in step with REDACTION_RULES; the planted-secret tests catch drift.
const MAYBE_SECRET =
  /-----BEGIN|eyJ|hooks\.slack|xox|gh[pousr]_|github_pat_|AIza|GOCSPX|private_key_id|A(?:KIA|SIA|GPA|IDA|ROA|NPA|NVA|IPA)|aws|[sr]k_|sk-|:\/\/|pass|pwd|secret|token|api[ _-]?key|access[_-]?key|private[_-]?key|credential|mysql|authorization|-u\s|--user|[A-Za-z0-9+/_=-]{32}/i;

function findSpans(text: string): Span[] {
  const taken: Span[] = [];
  if (!MAYBE_SECRET.test(text)) return taken;
  // Rules are ordered by priority: a span is kept only when no earlier rule claimed any of it.
  for (const [rule, pattern] of COMPILED) {
    // matchAll works on a copy of the regex, so sharing the compiled pattern is safe.
    for (const match of text.matchAll(pattern)) {
      const group = rule.secret.find((g) => match[g] !== undefined);
      if (group === undefined || !match.indices) continue;
      const [start, end] = match.indices[group]!;
      const secret = match[group]!;
      if (end <= start || (rule.accept && !rule.accept(secret, match[0]))) continue;
      if (taken.some((s) => start < s.end && s.start < end)) continue;
      // A finding must not re-redact a marker we (or an earlier pass) already wrote; the ssh read's
      // `<redacted:vm>` (a value the VM kept) takes the kind a read of the same text on disk gives it
      // (`password=<redacted:vm>` on a crontab line becomes `password=<redacted:password>`).
      if (/^<redacted:[a-z-]+>$/.test(secret) && secret !== redactionMarker("vm")) continue;
      const kind = rule.kind === "assignment" ? assignmentKind(match[0]) : rule.kind;
      if (secret === redactionMarker("vm") && kind === "vm") continue;
      taken.push({ start, end, kind });
    }
  }
  return taken.sort((a, b) => a.start - b.start);
}

/** Replace every secret-looking value with `<redacted:KIND>`. Idempotent. */
export function redactText(text: string): { text: string; findings: TextFinding[] } {
  const spans = findSpans(text);
  if (spans.length === 0) return { text, findings: [] };
  let out = "";
  let cursor = 0;
  for (const span of spans) {
    out += text.slice(cursor, span.start) + redactionMarker(span.kind);
    cursor = span.end;
  }
  out += text.slice(cursor);
  return { text: out, findings: spans.map((s) => ({ kind: s.kind, index: s.start })) };
}

export function containsSecret(text: string): boolean {
  return findSpans(text).length > 0;
}

/**
 * Redact every string (values and object keys) in a JSON-like value. Returns a copy; the input
 * is not modified. Non-plain objects (Date, Map) are returned as they are.
 */
export function redactDeep<T>(value: T): { value: T; findings: PathFinding[] } {
  const findings: PathFinding[] = [];
  const walk = (node: unknown, path: PropertyKey[]): unknown => {
    if (typeof node === "string") {
      const result = redactText(node);
      for (const f of result.findings) findings.push({ path: formatPath(path), kind: f.kind });
      return result.text;
    }
    if (Array.isArray(node)) return node.map((item, i) => walk(item, [...path, i]));
    if (node && typeof node === "object" && isPlainObject(node)) {
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(node)) {
        const safeKey = redactText(key);
        // Paths name the redacted key: a finding must not carry the secret it reports.
        for (const f of safeKey.findings) findings.push({ path: formatPath([...path, safeKey.text]), kind: f.kind });
        out[safeKey.text] = walk(child, [...path, safeKey.text]);
      }
      return out;
    }
    return node;
  };
  return { value: walk(value, []) as T, findings };
}

function isPlainObject(node: object): boolean {
  const proto = Object.getPrototypeOf(node);
  return proto === Object.prototype || proto === null;
}
