// The JSON Schema sent as `responseJsonSchema`: only the keywords Gemini documents, every other
// rule restated in the field's description (zod still enforces it, with the repair turn), and
// array limits sized from the inventory instead of the schema's worst case.
//
// Supported keywords: the SDK's own doc of `responseJsonSchema` (@google/genai 2.32 genai.d.ts) and
// https://ai.google.dev/gemini-api/docs/structured-output. Vertex AI warns that long property
// names, large array limits, many enum values and many constrained fields can make a schema fail
// with InvalidArgument ("too many states"):
// https://cloud.google.com/vertex-ai/generative-ai/docs/multimodal/control-generated-output
import { z } from "zod";

export const DOCUMENTED_KEYWORDS: ReadonlySet<string> = new Set([
  "$id",
  "$defs",
  "$ref",
  "$anchor",
  "type",
  "format",
  "title",
  "description",
  "enum",
  "items",
  "prefixItems",
  "minItems",
  "maxItems",
  "minimum",
  "maximum",
  "anyOf",
  "oneOf",
  "properties",
  "additionalProperties",
  "required",
  "propertyOrdering",
]);

/** Array bounds for one run, by path: `mapping`, `deployment.services`, `decisions[].closesRisks`. */
export type ArrayLimits = Record<string, { minItems?: number; maxItems?: number }>;

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => !!v && typeof v === "object" && !Array.isArray(v);

/** responseJsonSchema for a zod schema: input side (defaults optional), documented keywords only. */
export function toResponseSchema(schema: z.ZodType, limits: ArrayLimits = {}): Node {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Node;
  delete json.$schema;
  const sent = sanitize(json);
  for (const [path, bounds] of Object.entries(limits)) applyLimit(sent, path, bounds);
  return sent;
}

function sanitize(input: Node): Node {
  const node: Node = { ...input };
  // zod emits allOf for a string with several regexes: fold the parts into the node itself.
  if (Array.isArray(node.allOf)) {
    const parts = node.allOf as Node[];
    delete node.allOf;
    for (const part of parts) {
      for (const [key, value] of Object.entries(part)) {
        if (key === "pattern") node.pattern = [...asList(node.pattern), value];
        else if (!(key in node)) node[key] = value;
      }
    }
  }
  const rules: string[] = [];
  const patterns = asList(node.pattern);
  if (patterns.length) rules.push(`matches ${patterns.map((p) => `/${String(p)}/`).join(" and ")}`);
  const [minLength, maxLength] = [node.minLength as number | undefined, node.maxLength as number | undefined];
  if (minLength !== undefined && maxLength !== undefined) rules.push(`${minLength} to ${maxLength} characters`);
  else if (maxLength !== undefined) rules.push(`at most ${maxLength} characters`);
  else if (minLength !== undefined && minLength > 0) rules.push(`at least ${minLength} characters`);
  exclusiveBound(node, "exclusiveMinimum", "minimum", 1, "greater than", rules);
  exclusiveBound(node, "exclusiveMaximum", "maximum", -1, "less than", rules);
  if ("const" in node) node.enum = [node.const];
  if (isNode(node.propertyNames)) {
    const keys = asList(node.propertyNames.pattern);
    if (keys.length) rules.push(`keys match ${keys.map((p) => `/${String(p)}/`).join(" and ")}`);
  }
  if (node.uniqueItems === true) rules.push("no duplicate items");
  if (typeof node.multipleOf === "number") rules.push(`a multiple of ${node.multipleOf}`);

  const out: Node = {};
  for (const [key, value] of Object.entries(node)) {
    if (!DOCUMENTED_KEYWORDS.has(key)) continue; // pattern, lengths, default, const …: stated above or dropped
    // z.int() emits ±(2^53-1) bounds: noise that costs tokens and says nothing.
    if ((key === "minimum" || key === "maximum") && Math.abs(value as number) === Number.MAX_SAFE_INTEGER) continue;
    if (key === "properties" || key === "$defs") out[key] = mapValues(value as Record<string, Node>, sanitize);
    else if (key === "items" || key === "additionalProperties") out[key] = isNode(value) ? sanitize(value) : value;
    else if (key === "prefixItems" || key === "anyOf" || key === "oneOf")
      out[key] = (value as Node[]).map((v) => sanitize(v));
    else out[key] = value;
  }
  if (rules.length) {
    const description = typeof out.description === "string" ? out.description.trim() : "";
    out.description = `${description}${description ? " " : ""}Rule: ${rules.join("; ")}.`;
  }
  return out;
}

function exclusiveBound(node: Node, key: string, into: string, step: number, words: string, rules: string[]): void {
  const bound = node[key];
  if (typeof bound !== "number") return;
  // An integer's exclusive bound is an inclusive one a step further; a number's only a rule.
  if (node.type === "integer") node[into] = Math.floor(bound) + step;
  else rules.push(`${words} ${bound}`);
}

const asList = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function mapValues(record: Record<string, Node>, fn: (n: Node) => Node): Record<string, Node> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, fn(v)]));
}

function applyLimit(root: Node, path: string, bounds: { minItems?: number; maxItems?: number }): void {
  let node: Node | undefined = root;
  for (const segment of path.split(".")) {
    const name = segment.replace(/\[\]$/, "");
    node = isNode(node?.properties) ? (node.properties[name] as Node | undefined) : undefined;
    if (segment.endsWith("[]")) node = isNode(node?.items) ? node.items : undefined;
  }
  if (!node || node.type !== "array") throw new Error(`array limit for "${path}": no array at that path in the schema`);
  // Never wider than the zod schema allows, never narrower than its own minimum.
  const floor = (node.minItems as number | undefined) ?? 0;
  const ceiling = (node.maxItems as number | undefined) ?? Infinity;
  if (bounds.maxItems !== undefined) node.maxItems = Math.max(floor, Math.min(ceiling, bounds.maxItems));
  if (bounds.minItems !== undefined)
    node.minItems = Math.min((node.maxItems as number | undefined) ?? ceiling, Math.max(floor, bounds.minItems));
}
