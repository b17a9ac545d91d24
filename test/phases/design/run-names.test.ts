// Cloud Run names for the targets: unique within a deployment, at most 49 characters, and lists of
// them shortened in prose.
import { describe, expect, it } from "vitest";
import { freeRunName, runName, someNames } from "../../../src/phases/design/rules/names.js";

describe("freeRunName", () => {
  const long = runName("enterprise-document-archive-platform-prod", "reporting-exports-nightly-worker");
  it.each([
    [[], "app-worker", "app-worker"],
    [["app-worker"], "app-worker", "app-worker-2"],
    [["app-worker", "app-worker-2"], "app-worker", "app-worker-3"],
    // A name at the 49-character limit is shortened to make room for the suffix.
    [[long], long, `${long.slice(0, 47).replace(/-+$/, "")}-2`],
  ])("taken %j, wanted %s → %s", (taken, wanted, want) => {
    const name = freeRunName(taken, wanted);
    expect(name).toBe(want);
    expect(name.length).toBeLessThanOrEqual(49);
  });
});

describe("someNames", () => {
  it.each([
    [["a"], 6, "a"],
    [["a", "b", "c"], 3, "a, b, c"],
    [["a", "b", "c", "d"], 3, "a, b, c and 1 more"],
    [Array.from({ length: 40 }, (_, i) => `s${i}`), 2, "s0, s1 and 38 more"],
  ])("%j (%s shown) → %s", (names, shown, want) => {
    expect(someNames(names, shown)).toBe(want);
  });
});
