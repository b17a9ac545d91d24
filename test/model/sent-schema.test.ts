// Every phase's schema as sent to Gemini (`responseJsonSchema`), for every example inventory:
// documented keywords only, a description on every field, within the size budget, and still
// accepting what the offline rules answer. Iterates the phase registry: a new phase is covered.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { overBudget, schemaSize } from "../../src/model/schema-size.js";
import { undocumentedKeywords } from "../helpers/fake-gemini-rules.mjs";
import { EXAMPLE_INVENTORIES, sentSchemas, undescribedFields } from "../helpers/sent-schemas.js";

/** Array lengths in `value` that break the sent schema's minItems/maxItems (a tiny walker). */
function arrayBoundBreaks(schema: any, value: unknown, at = "#"): string[] {
  if (!schema || typeof schema !== "object") return [];
  if (Array.isArray(value)) {
    const out: string[] = [];
    if (schema.maxItems !== undefined && value.length > schema.maxItems)
      out.push(`${at}: ${value.length} > ${schema.maxItems}`);
    if (schema.minItems !== undefined && value.length < schema.minItems)
      out.push(`${at}: ${value.length} < ${schema.minItems}`);
    value.forEach((item, i) => out.push(...arrayBoundBreaks(schema.items, item, `${at}/${i}`)));
    return out;
  }
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => arrayBoundBreaks(schema.properties?.[k], v, `${at}/${k}`));
  }
  return [];
}

it("the description check finds an undescribed field, nested ones too", () => {
  const schema = z.toJSONSchema(z.object({ a: z.string().describe("A."), b: z.object({ c: z.number() }) }));
  expect(undescribedFields(schema)).toEqual(["#/b", "#/b/c"]);
});

describe.each(EXAMPLE_INVENTORIES)("sent schemas for $name", ({ file }) => {
  it("every phase: documented keywords only, every field described, within budget, accepts the offline answer", async () => {
    const schemas = await sentSchemas(file);
    expect(schemas.length).toBeGreaterThanOrEqual(4);
    for (const { phase, sent, authored, offline } of schemas) {
      expect(undocumentedKeywords(sent), `${phase}: undocumented keywords`).toEqual([]);
      expect(undescribedFields(authored), `${phase}: fields without a .describe()`).toEqual([]);
      expect(overBudget(schemaSize(sent)), `${phase}: over the schema budget`).toEqual([]);
      expect(arrayBoundBreaks(sent, offline), `${phase}: offline answer breaks the sent array limits`).toEqual([]);
    }
  });
});
