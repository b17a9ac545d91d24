// Writes new values into an existing YAML document without rewriting the rest: a scalar that did
// not change keeps its node (its quotes and comments), a list item is matched by its name, and
// only what changed is touched. A rerun of `init` that changes one answer changes one line.
import { isMap, isScalar, isSeq, Scalar, visit, type Document, type Node, type ParsedNode } from "yaml";

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const IDENTITY_KEYS = ["name", "service", "path"];

/** Short lists of scalars read best inline, as the first write made them: `listen: ["0.0.0.0:80"]`. */
function styled(doc: Document, value: unknown): Node {
  const node = doc.createNode(value) as Node;
  visit(node, {
    Seq(_key, seq) {
      if (!seq.items.every((item) => isScalar(item))) return;
      seq.flow = true;
      for (const item of seq.items)
        if (isScalar(item) && typeof item.value === "string") item.type = Scalar.QUOTE_DOUBLE;
    },
  });
  return node;
}

function identity(item: unknown): string | undefined {
  if (isMap(item)) {
    for (const key of IDENTITY_KEYS) {
      const value = item.get(key);
      if (typeof value === "string") return `${key}=${value}`;
    }
  } else if (isRecord(item)) {
    for (const key of IDENTITY_KEYS) if (typeof item[key] === "string") return `${key}=${item[key] as string}`;
  }
  return undefined;
}

/** Returns the node that should hold `value`: `node` itself, updated in place, or a new one. */
function patchNode(doc: Document, node: unknown, value: unknown): Node {
  if (isMap(node) && isRecord(value)) {
    for (const pair of [...node.items]) {
      const key = isScalar(pair.key) ? pair.key.value : pair.key;
      if (typeof key === "string" && !(key in value)) node.delete(key);
    }
    for (const [key, child] of Object.entries(value)) {
      const current = node.get(key, true);
      const next = current === undefined ? styled(doc, child) : patchNode(doc, current, child);
      if (next !== current) node.set(key, next);
    }
    return node;
  }
  if (isSeq(node) && Array.isArray(value)) {
    // Items are matched by their identity only where it names one item on each side: nginx's
    // routes share their `service` (three routes to pretix-web), and matching them by it patched
    // one node three times, leaving three copies of the last route. Else by position.
    const unique = (ids: (string | undefined)[]) => ids.every((id, i) => id !== undefined && ids.indexOf(id) === i);
    const byIdentity = unique(node.items.map(identity)) && unique(value.map(identity));
    const byId = new Map(node.items.map((item) => [identity(item), item] as const));
    const used = new Set<unknown>();
    const items = value.map((child, i) => {
      const current = byIdentity ? byId.get(identity(child)) : node.items[i];
      if (current === undefined || used.has(current)) return styled(doc, child);
      used.add(current);
      return patchNode(doc, current, child);
    });
    if (items.length !== node.items.length || items.some((item, i) => item !== node.items[i])) node.items = items;
    return node;
  }
  if (isScalar(node) && (value === null || typeof value !== "object")) {
    // `version: 8.0` reads as the number 8 and comes back as the string "8": the same value.
    const same = node.value === value || (typeof node.value === "number" && String(node.value) === value);
    if (!same) node.value = value;
    return node;
  }
  return styled(doc, value);
}

/** The document with `value` written into it; comments and untouched lines stay as they were. */
export function patchDocument(doc: Document.Parsed<ParsedNode>, value: Record<string, unknown>, text: string): string {
  const root = patchNode(doc, doc.contents, value);
  if (root !== doc.contents) doc.contents = root as ParsedNode;
  // yaml writes every flow collection one way: keep the file's own habit, `{ a: 1 }` or `{a: 1}`.
  const padded = (text.match(/[[{] [^\s\]}]/g) ?? []).length;
  const tight = (text.match(/[[{][^\s\]}]/g) ?? []).length;
  return doc.toString({ lineWidth: 0, flowCollectionPadding: padded > tight });
}
