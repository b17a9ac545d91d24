// enUsNumber writes what Number#toLocaleString("en-US") writes, without loading ICU's formatting.
import { describe, expect, it } from "vitest";
import { enUsNumber } from "../../src/contracts/en-us-number.js";

// One formatter per decimals (what toLocaleString makes on every call): same text, much faster.
const formats = new Map<number, Intl.NumberFormat>();
const icu = (n: number, digits: number) => {
  if (!formats.has(digits)) formats.set(digits, new Intl.NumberFormat("en-US", { maximumFractionDigits: digits }));
  return formats.get(digits)!.format(n);
};

describe("enUsNumber", () => {
  it.each([
    [0, 3, "0"],
    [7, 3, "7"],
    [999, 3, "999"],
    [1000, 3, "1,000"],
    [-1234567, 3, "-1,234,567"],
    [12345.6789, 3, "12,345.679"],
    [1.0005, 3, "1.001"],
    [1.005, 2, "1.01"],
    [0.125, 2, "0.13"],
    [999.9996, 3, "1,000"],
    [0.25, 4, "0.25"],
    [2.5, 0, "3"],
  ])("%d with at most %d decimals is %s", (n, digits, text) => {
    expect(enUsNumber(n, digits)).toBe(text);
    expect(icu(n, digits)).toBe(text);
  });

  it("matches toLocaleString on edge cases and on random numbers", () => {
    const edge = [-0, NaN, Infinity, -Infinity, 1e21, 1e-7, -0.0001, -0.0004, 0.0005, Number.MAX_SAFE_INTEGER, 2 ** 60];
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const values = [...edge];
    for (let i = 0; i < 5000; i++) {
      const scale = 10 ** Math.floor(random() * 16 - 6);
      const value = (random() - 0.3) * scale;
      values.push(value, Math.round(value), Math.round(value * 1000) / 1000 + 0.0005);
    }
    const differ = values.flatMap((n) =>
      [0, 2, 3, 4].flatMap((digits) => (enUsNumber(n, digits) === icu(n, digits) ? [] : [`${n} (${digits})`])),
    );
    expect(differ).toEqual([]);
  });
});
