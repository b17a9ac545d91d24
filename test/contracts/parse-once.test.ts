// PARSE_ONCE turns zod's JIT off for a parse: the same data, key order and issues as the JIT path,
// only cheaper the first time a schema is parsed.
import { describe, expect, it } from "vitest";
import { auditResultSchema } from "../../src/contracts/audit-result.js";
import { PARSE_ONCE } from "../../src/contracts/parse-once.js";
import { inventorySchema } from "../../src/inventory/schema.js";
import { auditOffline } from "../../src/phases/audit/offline.js";
import { designOffline } from "../../src/phases/design/offline.js";
import { designResultSchema } from "../../src/phases/design/schema.js";
import { inputFromFile, SEED_INVENTORY } from "../helpers/phase-input.js";

const audit = auditOffline(inputFromFile(SEED_INVENTORY));
const input = inputFromFile(SEED_INVENTORY, {}, { audit });
const design = designOffline(input);

// Each case twice: the second parse of a schema is the one zod's JIT path answers.
const cases = [
  ["inventory", inventorySchema, input.inventory],
  ["audit result", auditResultSchema, audit],
  ["design result", designResultSchema, design],
  ["design result missing its mapping", designResultSchema, { ...design, mapping: undefined }],
  ["inventory with a bad port", inventorySchema, { ...input.inventory, services: [{ name: "x", port: "eighty" }] }],
] as const;

describe("PARSE_ONCE", () => {
  it.each(cases)("%s: the same answer with and without zod's JIT", (_name, schema, value) => {
    for (let round = 0; round < 2; round++) {
      const jit = (schema as { safeParse: (v: unknown) => unknown }).safeParse(structuredClone(value));
      const once = (schema as { safeParse: (v: unknown, o: unknown) => unknown }).safeParse(
        structuredClone(value),
        PARSE_ONCE,
      );
      expect(JSON.stringify(once)).toBe(JSON.stringify(jit));
    }
  });
});
