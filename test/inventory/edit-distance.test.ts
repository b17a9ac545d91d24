// Typo suggestions for unknown keys: Levenshtein distance, with one adjacent swap as one edit.
import { describe, expect, it } from "vitest";
import { closest, editDistance } from "../../src/inventory/unknown-keys.js";

describe("editDistance", () => {
  it.each([
    ["services", "services", 0],
    ["srevices", "services", 1],
    ["servces", "services", 1],
    ["sevrices", "services", 1],
    ["nev", "env", 1],
    ["abc", "cba", 2],
    ["kitten", "sitting", 3],
  ])("%s → %s is %i", (a, b, expected) => {
    expect(editDistance(a, b)).toBe(expected);
  });

  it.each([
    ["nev", ["env", "name"], "env"],
    ["dependson", ["dependsOn", "env"], "dependsOn"],
    ["zzzzzz", ["env", "name"], undefined],
  ])("suggests for %s among %j: %s", (word, candidates, expected) => {
    expect(closest(word, candidates)).toBe(expected);
  });
});
