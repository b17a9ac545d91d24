// A parser for the filter languages generated monitoring files carry: Cloud Monitoring filters
// (`metric.type = "…" AND resource.label.service_name = "…"`) and Cloud Logging queries
// (`resource.type="cloud_run_revision" AND severity>=ERROR`). Neither Google nor npm ships a
// parser for them, so this one covers the documented grammar: comparisons joined by AND / OR /
// NOT (or juxtaposition, an implicit AND), parentheses, string / number / bare-word values and
// function values such as monitoring.regex.full_match("…").
// https://cloud.google.com/monitoring/api/v3/filters, https://cloud.google.com/logging/docs/view/logging-query-language

export type FilterValue =
  | { kind: "string"; text: string }
  | { kind: "number"; text: string }
  | { kind: "word"; text: string }
  | { kind: "call"; name: string; args: FilterValue[] };

export type FilterNode =
  | { kind: "and" | "or"; children: FilterNode[] }
  | { kind: "not"; child: FilterNode }
  | { kind: "cmp"; field: string[]; op: string; value: FilterValue };

type Token = { t: "str" | "num" | "id" | "op" | "(" | ")" | "," | "."; v: string; at: number };

const OPS = ["<=", ">=", "!=", "=~", "!~", "=", "<", ">", ":"];

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"') {
      let j = i + 1;
      let value = "";
      while (j < text.length && text[j] !== '"') {
        if (text[j] === "\\") j++;
        value += text[j] ?? "";
        j++;
      }
      if (j >= text.length) throw new Error(`unterminated string at ${i}`);
      out.push({ t: "str", v: value, at: i });
      i = j + 1;
    } else if ("(),.".includes(c)) {
      out.push({ t: c as "(" | ")" | "," | ".", v: c, at: i });
      i++;
    } else if (OPS.some((op) => text.startsWith(op, i))) {
      const op = OPS.find((o) => text.startsWith(o, i))!;
      out.push({ t: "op", v: op, at: i });
      i += op.length;
    } else if (/[0-9-]/.test(c) && /^-?\d/.test(text.slice(i))) {
      const m = /^-?\d+(\.\d+)?/.exec(text.slice(i))!;
      out.push({ t: "num", v: m[0], at: i });
      i += m[0].length;
    } else if (/[A-Za-z_@$]/.test(c)) {
      const m = /^[A-Za-z_@$][A-Za-z0-9_@$]*/.exec(text.slice(i))!;
      out.push({ t: "id", v: m[0], at: i });
      i += m[0].length;
    } else {
      throw new Error(`unexpected character ${JSON.stringify(c)} at ${i}`);
    }
  }
  return out;
}

/** Parse a filter; throws with the position of the first syntax error. */
export function parseFilter(text: string): FilterNode {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos];
  const fail = (what: string): never => {
    const t = peek();
    throw new Error(`${what} at ${t ? `${t.at} (${JSON.stringify(t.v)})` : "end"}`);
  };
  const take = (t: Token["t"], v?: string): Token => {
    const tok = peek();
    if (!tok || tok.t !== t || (v !== undefined && tok.v !== v)) fail(`expected ${v ?? t}`);
    pos++;
    return tok!;
  };
  const isWord = (v: string) => peek()?.t === "id" && peek()!.v === v;

  const dotted = (): string[] => {
    const parts = [take("id").v];
    while (peek()?.t === ".") {
      pos++;
      parts.push(peek()?.t === "str" ? take("str").v : take("id").v);
    }
    return parts;
  };
  const value = (): FilterValue => {
    const tok = peek();
    if (tok?.t === "str") return (pos++, { kind: "string", text: tok.v });
    if (tok?.t === "num") return (pos++, { kind: "number", text: tok.v });
    if (tok?.t !== "id" || ["AND", "OR", "NOT"].includes(tok.v)) return fail("expected a value");
    const name = dotted().join(".");
    if (peek()?.t !== "(") return { kind: "word", text: name };
    pos++;
    const args: FilterValue[] = [];
    while (peek()?.t !== ")") {
      args.push(value());
      if (peek()?.t === ",") pos++;
      else if (peek()?.t !== ")") fail("expected , or )");
    }
    pos++;
    return { kind: "call", name, args };
  };
  const primary = (): FilterNode => {
    if (peek()?.t === "(") {
      pos++;
      const inner = orExpr();
      take(")");
      return inner;
    }
    const field = dotted();
    const op = take("op").v;
    return { kind: "cmp", field, op, value: value() };
  };
  const notExpr = (): FilterNode => {
    if (isWord("NOT")) {
      pos++;
      return { kind: "not", child: primary() };
    }
    return primary();
  };
  const andExpr = (): FilterNode => {
    const children = [notExpr()];
    while (peek() && peek()!.t !== ")" && !isWord("OR")) {
      if (isWord("AND")) pos++;
      children.push(notExpr());
    }
    return children.length === 1 ? children[0]! : { kind: "and", children };
  };
  function orExpr(): FilterNode {
    const children = [andExpr()];
    while (isWord("OR")) {
      pos++;
      children.push(andExpr());
    }
    return children.length === 1 ? children[0]! : { kind: "or", children };
  }
  if (tokens.length === 0) throw new Error("empty filter");
  const tree = orExpr();
  if (pos < tokens.length) fail("unexpected token");
  return tree;
}

/** Every comparison in the tree, in order. */
export function comparisons(node: FilterNode): Extract<FilterNode, { kind: "cmp" }>[] {
  if (node.kind === "cmp") return [node];
  if (node.kind === "not") return comparisons(node.child);
  return node.children.flatMap(comparisons);
}

/** Comparisons that must all hold (top-level AND terms), where `metric.type` and `resource.type` belong. */
export function requiredComparisons(node: FilterNode): Extract<FilterNode, { kind: "cmp" }>[] {
  if (node.kind === "cmp") return [node];
  if (node.kind === "and") return node.children.flatMap(requiredComparisons);
  return [];
}
