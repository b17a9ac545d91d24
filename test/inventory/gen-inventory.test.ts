import { describe, expect, it } from "vitest";
// @ts-ignore plain ESM helper without type declarations
import { generateInventory } from "../../bench/gen-inventory.mjs";
import { parseInventory } from "../../src/inventory/load.js";

describe("bench/gen-inventory.mjs", () => {
  it.each([1, 2, 9, 500])("%i services: a valid inventory with no warnings or redactions", (n) => {
    const text: string = generateInventory(n);
    const loaded = parseInventory(text, `bench-${n}.yaml`);
    expect(loaded.inventory.services).toHaveLength(n);
    expect(new Set(loaded.inventory.services.map((s) => s.name)).size).toBe(n);
    expect(loaded.warnings).toEqual([]);
    expect(loaded.redactions).toEqual([]);
    if (n >= 9) expect(new Set(loaded.inventory.services.map((s) => s.role)).size).toBe(9);
  });

  it("is deterministic", () => expect(generateInventory(50)).toBe(generateInventory(50)));
  it("rejects silly sizes", () => expect(() => generateInventory(0)).toThrow(RangeError));
});
