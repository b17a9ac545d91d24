import { describe, expect, it } from "vitest";
import { maxGapMinutes } from "../../../src/phases/observe/cron-gap.js";

describe("maxGapMinutes", () => {
  it.each([
    ["*/15 * * * *", 15],
    ["0 * * * *", 60],
    ["30 2 * * *", 1440],
    ["0 9-17 * * 1-5", 960 + 2 * 1440],
    ["0 0 * * 5-7", 5 * 1440],
    ["0 0 * * 0,7", 7 * 1440],
    [" 5  4 * * * ", 1440],
    ["0 0 1 * *", undefined],
    ["0 0 * 6 *", undefined],
    ["*/0 * * * *", undefined],
    ["0 25 * * *", undefined],
    ["@daily", undefined],
  ])("%j: %s", (cron, expected) => {
    expect(maxGapMinutes(cron)).toBe(expected);
    // Asked again (remembered): the same answer.
    expect(maxGapMinutes(cron)).toBe(expected);
  });

  it("keeps answering past the number of expressions it remembers", () => {
    for (let m = 0; m < 60; m++) for (let h = 0; h < 6; h++) expect(maxGapMinutes(`${m} ${h} * * *`)).toBe(1440);
    expect(maxGapMinutes("*/15 * * * *")).toBe(15);
  });
});
