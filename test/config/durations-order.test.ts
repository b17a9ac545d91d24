// The order a checkout with no run of its own gives the test files (vitest.config.ts): each project
// as vitest orders projects, the files the recorded durations know longest first, then new files in
// vitest's own order; and the recorded list covers the suite's slowest files.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { orderByDurations } from "../helpers/durations-order.js";

const ROOT = path.resolve(import.meta.dirname, "../..");

describe("orderByDurations", () => {
  it("puts known files longest first within a project, new ones after them in vitest's order", () => {
    const items = [
      { project: "shared", file: "a.test.ts", index: 0 },
      { project: "shared", file: "new-big.test.ts", index: 1 },
      { project: "isolated", file: "c.test.ts", index: 2 },
      { project: "shared", file: "b.test.ts", index: 3 },
      { project: "shared", file: "new-small.test.ts", index: 4 },
      { project: "isolated", file: "d.test.ts", index: 5 },
    ];
    const order = orderByDurations(items, { "a.test.ts": 1.5, "b.test.ts": 30, "c.test.ts": 2, "d.test.ts": 9 });
    expect(order.map((i) => i.file)).toEqual([
      "d.test.ts",
      "c.test.ts",
      "b.test.ts",
      "a.test.ts",
      "new-big.test.ts",
      "new-small.test.ts",
    ]);
  });

  it("test/durations.json names existing test files, the slowest ones among them", () => {
    const durations = JSON.parse(readFileSync(path.join(ROOT, "test/durations.json"), "utf8")) as Record<
      string,
      number
    >;
    const files = Object.keys(durations);
    expect(files.length).toBeGreaterThan(100);
    for (const slow of [
      "test/phases/corpus-validation.test.ts",
      "test/gcloud/generated-commands.test.ts",
      "test/e2e/pack.test.ts",
    ])
      expect(files.slice(0, 10)).toContain(slow);
  });
});
