// Map a key path (`["services", 2, "listen", 0]`) back to a line and column in the source, so
// every problem reads `inventory.yaml:14:5 services[2].listen[0]: …`.
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair } from "yaml";

export type KeyPath = ReadonlyArray<PropertyKey>;

export interface Position {
  line: number;
  column: number;
}

/** `["services", 2, "listen", 0]` → `services[2].listen[0]`; keys that are not identifiers are quoted. */
export function formatPath(path: KeyPath): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else {
      const key = String(part);
      if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(key)) out += out ? `.${key}` : key;
      else out += `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}

export class SourceMap {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  position(offset: number): Position {
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }

  /**
   * Where the node at `path` starts. When the path goes further than the document (a missing
   * key), the deepest node that exists is used: the parent mapping of the missing key.
   * `at: "key"` points at the key of the last segment instead of its value.
   */
  locate(path: KeyPath, at: "value" | "key" = "value"): Position {
    let node: unknown = this.doc.contents;
    let best: Node | undefined = node as Node;
    for (let i = 0; i < path.length; i++) {
      const step = this.child(node, path[i]);
      if (!step) break;
      const last = i === path.length - 1;
      const value = step.value;
      // An empty value (`key:` with nothing after it) has no useful position: use the key.
      const emptyValue = !value || (isScalar(value) && value.range && value.range[0] === value.range[1]);
      if (last && (at === "key" || emptyValue) && step.key) {
        best = step.key;
        break;
      }
      node = value;
      best = value ?? step.key ?? best;
    }
    const offset = best?.range?.[0] ?? 0;
    return this.position(offset);
  }

  private child(node: unknown, segment: PropertyKey | undefined): { key?: Node; value?: Node } | undefined {
    if (isAlias(node)) node = node.resolve(this.doc);
    if (isMap(node)) {
      const pair = node.items.find((item: Pair) => keyText(item.key) === String(segment));
      if (!pair) return undefined;
      return { key: asNode(pair.key), value: asNode(pair.value) };
    }
    if (isSeq(node) && typeof segment === "number") {
      const item = node.items[segment];
      if (item === undefined) return undefined;
      if (isPair(item)) return { key: asNode(item.key), value: asNode(item.value) };
      return { value: asNode(item) };
    }
    return undefined;
  }
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return typeof key === "string" ? key : undefined;
}

function asNode(value: unknown): Node | undefined {
  return value && typeof value === "object" && "range" in value ? (value as Node) : undefined;
}
