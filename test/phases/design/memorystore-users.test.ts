// Every Memorystore entry names the targets that reach it over Direct VPC egress (mapping.ts works
// that list out once per mapping): the names the design's own deployment gives, for each cache.
import { describe, expect, it } from "vitest";
import { reachesMemorystore } from "../../../src/contracts/deployment.js";
import { designPhase } from "../../../src/phases/design/index.js";
import { someNames } from "../../../src/phases/design/rules/names.js";
// @ts-expect-error plain JS module without types
import { generateInventory } from "../../../bench/gen-inventory.mjs";
import { designInput, designInputFromYaml } from "./design-input.js";

describe("Memorystore entries name the targets that reach them", () => {
  it.each([
    ["seed example", () => designInput("seed")],
    ["flask example", () => designInput("flask")],
    ["40 generated services", () => designInputFromYaml(generateInventory(40) as string)],
  ])("%s", (_, input) => {
    const design = designPhase.offline(input());
    const users = design.deployment.services.filter(reachesMemorystore).map((t) => t.name);
    const entries = design.mapping.filter((m) => m.target.kind === "memorystore");
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries)
      expect(entry.reason).toContain(`reached from ${someNames(users) || "the services"} through Direct VPC egress`);
  });
});
