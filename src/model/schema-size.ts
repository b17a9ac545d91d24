// How big a sent schema is, on the axes Vertex AI names as causes of "too many states" (property
// count, enum values, nesting) plus its size in bytes (it counts against input tokens). The budget
// is ours, not Google's (Google publishes no number): a phase that outgrows it is a design smell
// to look at before a real endpoint rejects it. `bench/schema-size.mjs` prints both.

export interface SchemaSize {
  properties: number;
  enumValues: number;
  /** Nesting of objects and arrays; the root object is 1. */
  depth: number;
  bytes: number;
}

// 140 properties: the design's deployment contract carries what runs real apps (worker pools,
// volumes, probes, affinity); what surrounds them (load balancer, caches, network, buckets) is no
// longer sent but merged from the offline draft (src/phases/design/model-answer.ts): 117 today.
export const SCHEMA_BUDGET: SchemaSize = { properties: 140, enumValues: 50, depth: 6, bytes: 24_000 };

export function schemaSize(schema: unknown): SchemaSize {
  const size: SchemaSize = { properties: 0, enumValues: 0, depth: 0, bytes: JSON.stringify(schema).length };
  const walk = (node: unknown, depth: number): void => {
    if (!node || typeof node !== "object" || Array.isArray(node)) return;
    const n = node as Record<string, unknown>;
    const nested = n.type === "object" || n.type === "array" ? depth + 1 : depth;
    size.depth = Math.max(size.depth, nested);
    if (Array.isArray(n.enum)) size.enumValues += n.enum.length;
    const props = (n.properties ?? {}) as Record<string, unknown>;
    size.properties += Object.keys(props).length;
    for (const child of Object.values(props)) walk(child, nested);
    for (const key of ["items", "additionalProperties"]) walk(n[key], nested);
    for (const key of ["anyOf", "oneOf", "prefixItems"])
      if (Array.isArray(n[key])) for (const child of n[key] as unknown[]) walk(child, nested);
    for (const child of Object.values((n.$defs ?? {}) as Record<string, unknown>)) walk(child, nested);
  };
  walk(schema, 0);
  return size;
}

/** The axes on which `size` exceeds `budget`, e.g. ["properties 171 > 160"]. */
export function overBudget(size: SchemaSize, budget: SchemaSize = SCHEMA_BUDGET): string[] {
  return (Object.keys(budget) as (keyof SchemaSize)[])
    .filter((axis) => size[axis] > budget[axis])
    .map((axis) => `${axis} ${size[axis]} > ${budget[axis]}`);
}
