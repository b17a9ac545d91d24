// toResponseSchema: what a zod schema becomes on the wire to Gemini.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { toResponseSchema } from "../../src/model/response-schema.js";
import { overBudget, schemaSize } from "../../src/model/schema-size.js";

const field = (schema: z.ZodType) => (toResponseSchema(z.object({ f: schema })).properties as any).f;

describe("toResponseSchema", () => {
  it("uses the input side: defaults optional, transforms allowed, no $schema, no safe-integer noise", () => {
    const schema = z.object({
      id: z.string().transform((s) => s.toUpperCase()),
      count: z.number().int().min(0),
      tags: z.array(z.string()).default([]),
    });
    expect(toResponseSchema(schema)).toEqual({
      type: "object",
      properties: {
        id: { type: "string" },
        count: { type: "integer", minimum: 0 },
        tags: { type: "array", items: { type: "string" } },
      },
      required: ["id", "count"],
    });
  });

  it.each<[string, z.ZodType, object]>([
    [
      "a pattern moves into the description",
      z
        .string()
        .regex(/^R\d+$/)
        .describe("Risk id."),
      { type: "string", description: "Risk id. Rule: matches /^R\\d+$/." },
    ],
    [
      "several patterns (zod's allOf) fold into one rule",
      z
        .string()
        .regex(/^[a-z_]+$/)
        .regex(/^[^\n]*$/),
      { type: "string", description: "Rule: matches /^[a-z_]+$/ and /^[^\\n]*$/." },
    ],
    ["lengths", z.string().min(3).max(40), { type: "string", description: "Rule: 3 to 40 characters." }],
    ["a maximum length only", z.string().max(40), { type: "string", description: "Rule: at most 40 characters." }],
    ["an integer's exclusive bound becomes inclusive", z.int().positive(), { type: "integer", minimum: 1 }],
    [
      "a number's exclusive bound is a rule",
      z.number().positive(),
      { type: "number", description: "Rule: greater than 0." },
    ],
    ["a literal becomes an enum", z.literal("v1"), { type: "string", enum: ["v1"] }],
    [
      "record keys: the pattern is a rule, additionalProperties stays",
      z.record(z.string().regex(/^[a-z]+$/), z.number()),
      { type: "object", additionalProperties: { type: "number" }, description: "Rule: keys match /^[a-z]+$/." },
    ],
  ])("%s", (_name, schema, expected) => {
    expect(field(schema)).toEqual(expected);
  });

  it("sizes arrays by path, inside the zod bounds, and refuses a path that is not an array", () => {
    const schema = z.object({
      mapping: z
        .array(z.object({ refs: z.array(z.string()).max(30) }))
        .min(1)
        .max(5000),
      decisions: z.array(z.string()).min(2).max(10),
    });
    const sent = toResponseSchema(schema, {
      mapping: { minItems: 3, maxItems: 3 },
      "mapping[].refs": { maxItems: 80 },
      decisions: { maxItems: 1 },
    }) as any;
    expect(sent.properties.mapping).toMatchObject({ minItems: 3, maxItems: 3 });
    expect(sent.properties.mapping.items.properties.refs.maxItems).toBe(30);
    expect(sent.properties.decisions).toMatchObject({ minItems: 2, maxItems: 2 });
    expect(() => toResponseSchema(schema, { "mapping[].nope": { maxItems: 1 } })).toThrow(/mapping\[\]\.nope/);
  });
});

describe("schema size", () => {
  it("counts properties, enum values, nesting and bytes, and names the axes over budget", () => {
    const schema = toResponseSchema(
      z.object({ a: z.enum(["x", "y"]), b: z.array(z.object({ c: z.string(), d: z.enum(["p", "q", "r"]) })) }),
    );
    const size = schemaSize(schema);
    expect(size).toMatchObject({ properties: 4, enumValues: 5, depth: 3 });
    expect(size.bytes).toBe(JSON.stringify(schema).length);
    expect(overBudget(size, { properties: 3, enumValues: 5, depth: 3, bytes: 1e6 })).toEqual(["properties 4 > 3"]);
  });
});
