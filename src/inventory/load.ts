// Inventory loader: YAML or JSON text → validated, defaulted, REDACTED Inventory, or one
// InputError listing every problem as `file:line:col path: message`.
import { LineCounter, isMap, isSeq, parseDocument, visit, type Document } from "yaml";
import type { z } from "zod";
import { InputError, type InputIssue } from "../errors.js";
import { crossCheck } from "./cross-checks.js";
import { contentHash } from "./hash.js";
import { SourceMap, formatPath, type KeyPath } from "./positions.js";
import { INVENTORY_HINT, checkText, readInventorySource } from "./read-source.js";
import { redactDeep, redactText, type PathFinding } from "./redact.js";
import { inventorySchema, type Inventory } from "./schema.js";
import { findUnknownKeys } from "./unknown-keys.js";
import { markAssumed } from "./assumed.js";
import { PARSE_ONCE } from "../contracts/parse-once.js";

export { INVENTORY_HINT, MAX_INVENTORY_BYTES } from "./read-source.js";

/** yaml's own guard against "billion laughs" documents; real inventories need a handful. */
export const MAX_ALIAS_COUNT = 100;

export interface LoadedInventory {
  /** Validated, defaults applied, secrets redacted. */
  inventory: Inventory;
  warnings: InputIssue[];
  /** 12 hex chars: sha256 of the canonical JSON of the redacted inventory. */
  hash: string;
  redactions: PathFinding[];
}

export async function loadInventory(file: string): Promise<LoadedInventory> {
  return parseInventory(await readInventorySource(file), file);
}

export function parseInventory(text: string, file: string): LoadedInventory {
  checkText(text, file);
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter: lines,
    keepSourceTokens: true,
    uniqueKeys: true,
    prettyErrors: false,
  });
  const map = new SourceMap(doc, lines);
  const at = (path: KeyPath, message: string, where: "value" | "key" = "value"): InputIssue => ({
    file,
    ...map.locate(path, where),
    ...(path.length ? { path: redactText(formatPath(path)).text } : {}),
    // Messages may quote input values; they must not carry a secret to a terminal or a log.
    message: redactText(message).text,
  });
  const fail: Fail = (summary, issues, code) => {
    throw new InputError(`${summary} ${file}`, sortIssues(issues), INVENTORY_HINT, code);
  };

  // Strict JSON for JSON files: YAML would quietly accept trailing commas and comments.
  if (isJson(text, file)) checkJson(text, map, file, fail);
  if (doc.errors.length) {
    fail(
      "Syntax error in inventory",
      doc.errors.map((e) => ({ file, ...map.position(e.pos[0]), message: redactText(e.message).text })),
      "inventory.syntax",
    );
  }
  if (doc.contents === null) {
    const onlyComments = /\S/.test(text);
    fail(
      "Empty inventory",
      [
        at(
          [],
          onlyComments
            ? "the file has only comments; expected a mapping with apiVersion, kind, metadata and services"
            : "the file is empty",
        ),
      ],
      "inventory.empty",
    );
  }
  if (!isMap(doc.contents)) {
    const found = isSeq(doc.contents) ? "a list" : "a single value";
    fail(
      "Invalid inventory",
      [at([], `expected a mapping (apiVersion, kind, metadata, services, …) at the top level, found ${found}`)],
      "inventory.invalid",
    );
  }

  const raw = toPlain(doc, map, file, fail);
  const warnings: InputIssue[] = doc.warnings.map((w) => ({
    file,
    ...map.position(w.pos[0]),
    message: redactText(w.message).text,
  }));
  for (const unknown of findUnknownKeys(inventorySchema, raw)) {
    const hint = unknown.suggestion ? ` (did you mean \`${unknown.suggestion}\`?)` : "";
    warnings.push(at(unknown.path, `unknown key \`${unknown.key}\` is ignored${hint}`, "key"));
  }

  const parsed = inventorySchema.safeParse(raw, PARSE_ONCE);
  if (!parsed.success)
    fail(
      "Invalid inventory",
      firstPerPath(parsed.error.issues).map((issue) => at(issue.path, describe(issue, raw))),
      "inventory.invalid",
    );
  const checks = crossCheck(parsed.data);
  if (checks.errors.length)
    fail(
      "Invalid inventory",
      checks.errors.map((c) => at(c.path, c.message)),
      "inventory.invalid",
    );
  warnings.push(...checks.warnings.map((c) => at(c.path, c.message)));

  const { value: inventory, findings } = redactDeep(markAssumed(raw, parsed.data));
  return { inventory, warnings: sortIssues(warnings), hash: contentHash(inventory), redactions: findings };
}

/** `.json`, or a leading `{` in a file not named .yaml/.yml (a YAML flow mapping stays YAML). */
export function isJson(text: string, file: string): boolean {
  const name = file.toLowerCase();
  if (name.endsWith(".json")) return true;
  return !/\.ya?ml$/.test(name) && text.trimStart().startsWith("{");
}

type Fail = (summary: string, issues: InputIssue[], code: string) => never;

function checkJson(text: string, map: SourceMap, file: string, fail: Fail): void {
  try {
    JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const offset = Number(/at position (\d+)/.exec(message)?.[1] ?? 0);
    // V8 sometimes quotes the whole input in the message; keep only the diagnosis.
    const short = message.replace(/,\s*".*" is not valid JSON$/s, "").replace(/ in JSON at position \d+.*$/s, "");
    fail(
      "Syntax error in JSON inventory",
      [{ file, ...map.position(offset), message: redactText(short).text }],
      "inventory.syntax",
    );
  }
}

function toPlain(doc: Document, map: SourceMap, file: string, fail: Fail): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    let offset = 0;
    visit(doc, {
      Alias(_, node) {
        offset = node.range?.[0] ?? 0;
        return visit.BREAK;
      },
    });
    const bomb = /alias count/i.test((error as Error).message);
    const message = bomb
      ? `too many YAML alias expansions (limit ${MAX_ALIAS_COUNT}): this looks like an alias bomb ("billion laughs")`
      : redactText((error as Error).message).text;
    return fail(
      "Invalid inventory",
      [{ file, ...map.position(offset), message }],
      bomb ? "inventory.alias-bomb" : "inventory.invalid",
    );
  }
}

/** zod's issue text, made specific: name missing keys and quote the offending value. */
function describe(issue: z.core.$ZodIssue, raw: unknown): string {
  const parent = valueAt(raw, issue.path.slice(0, -1));
  const key = issue.path.at(-1);
  const missing = parent && typeof parent === "object" && key !== undefined && valueAt(parent, [key]) === undefined;
  if (missing && issue.code === "invalid_value")
    return `missing required key \`${String(key)}\`: ${issue.message.replace(/^Invalid option: /, "")}`;
  if (missing && issue.code === "invalid_type")
    return `missing required key \`${String(key)}\` (expected ${issue.expected})`;
  const value = valueAt(raw, issue.path);
  const quoted = ["string", "number", "boolean"].includes(typeof value) ? JSON.stringify(value) : undefined;
  if (quoted && issue.code !== "invalid_type")
    return `${issue.message} (got ${quoted.length > 60 ? `${quoted.slice(0, 57)}…` : quoted})`;
  return issue.message;
}

/** One problem per key: `listen: ["x"]` fails the format check, its port check is noise. */
function firstPerPath(issues: z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = JSON.stringify(issue.path);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let node = root;
  for (const part of path) {
    if (!node || typeof node !== "object") return undefined;
    node = (node as Record<PropertyKey, unknown>)[part];
  }
  return node;
}

export function sortIssues(issues: InputIssue[]): InputIssue[] {
  return [...issues].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}
