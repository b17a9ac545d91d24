// An open decision's name is a mapping target's name (design/rules/in-place-decision.ts names the
// needs-decision entry, storage.ts the hold, both `<service>-disk`): the deployment's heldFor and the
// design's mapping read it with one pattern, RESOURCE_NAME, so neither accepts what the other refuses.
import { describe, expect, it } from "vitest";
import { heldForSchema, RESOURCE_NAME } from "../../src/contracts/deployment.js";
import { mappingEntrySchema } from "../../src/phases/design/schema.js";

const held = (decision: string) => heldForSchema.safeParse({ decision, short: "uploads written in place" }).success;
const mapped = (name: string) =>
  mappingEntrySchema.safeParse({
    service: "gitea",
    target: { kind: "needs-decision", name },
    reason: "where its data lives is open",
  }).success;

describe("an open decision's name", () => {
  it.each([
    ["gitea-disk", true],
    ["ab", true],
    [`a${"b".repeat(62)}`, true],
    [`a${"b".repeat(63)}`, false],
    ["a", false],
    ["gitea-", false],
    ["-disk", false],
    ["Gitea-disk", false],
  ])("%s: %s for the hold and the mapping alike", (name, ok) => {
    expect(RESOURCE_NAME.test(name)).toBe(ok);
    expect(held(name)).toBe(ok);
    expect(mapped(name)).toBe(ok);
  });
});
