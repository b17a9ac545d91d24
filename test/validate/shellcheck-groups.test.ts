// How a ShellCheck batch is shared out over processes (one per core): balanced by size, every
// script exactly once, small batches in one process.
import { describe, expect, it } from "vitest";
import { MIN_CHARS_PER_PROCESS, splitByWeight } from "../../src/validate/shellcheck-groups.js";

const big = MIN_CHARS_PER_PROCESS;

describe("splitByWeight", () => {
  it.each([
    { name: "an empty batch", weights: [], cores: 2, groups: [[]].slice(1) },
    { name: "a small batch stays in one process", weights: [100, 200, 300], cores: 8, groups: [[0, 1, 2]] },
    { name: "one core, one process", weights: [big, big, big], cores: 1, groups: [[0, 1, 2]] },
    { name: "never more processes than scripts", weights: [5 * big], cores: 4, groups: [[0]] },
    {
      name: "the longest scripts are spread first, each group keeps the batch's order",
      weights: [big, 3 * big, big, 2 * big],
      cores: 2,
      groups: [
        [1, 2],
        [0, 3],
      ],
    },
  ])("$name", ({ weights, cores, groups }) => {
    expect(splitByWeight(weights, cores)).toEqual(groups);
  });

  it("uses every core for a large batch, with totals within one script of each other", () => {
    const weights = Array.from({ length: 60 }, (_, i) => 500 + ((i * 7919) % 4000));
    const groups = splitByWeight(weights, 3);
    expect(groups).toHaveLength(3);
    expect(groups.flat().sort((a, b) => a - b)).toEqual(weights.map((_, i) => i));
    const totals = groups.map((g) => g.reduce((sum, i) => sum + weights[i]!, 0));
    expect(Math.max(...totals) - Math.min(...totals)).toBeLessThanOrEqual(Math.max(...weights));
  });
});
