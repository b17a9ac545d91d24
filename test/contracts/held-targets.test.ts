// The words every output uses for held targets and their open decisions read as sentences for one,
// two and more: "the open decision a is taken", "the open decisions a and b are taken", "a, b and
// c", never "the open decision a, b" (contracts/held-targets.ts).
import { describe, expect, it } from "vitest";
import type { DeployTarget } from "../../src/contracts/deployment.js";
import { decisionsTaken, heldLabel, listNames, openDecisions } from "../../src/contracts/held-targets.js";
import { heldBeside, heldRunbook } from "../../src/phases/design/rules/held-cutover.js";
import { seedDeployment } from "../phases/cicd/fixtures.js";

/** A held process with no database, queue or store (it waits for nothing), held for `decision`. */
function held(name: string, decision: string): DeployTarget {
  const base = seedDeployment().services[1]!;
  return {
    ...base,
    name,
    cloudSqlInstance: undefined,
    held: `… Not deployed until the open decision ${decision} is taken …`,
    heldFor: { decision, short: `/srv/${name} keeps its index written in place` },
  };
}

describe("held wording for one, two and more", () => {
  it.each([
    { names: ["a"], list: "a" },
    { names: ["a", "b"], list: "a and b" },
    { names: ["a", "b", "c"], list: "a, b and c" },
    { names: ["a", "b", "c", "d", "e", "f", "g", "h"], list: "a, b, c, d, e, f and 2 more" },
  ])("$names.length names: $list", ({ names, list }) => {
    expect(listNames(names)).toBe(list);
  });

  it.each([
    { decisions: ["a-disk"], open: "the open decision a-disk", taken: "the open decision a-disk is taken" },
    {
      decisions: ["a-disk", "b-disk"],
      open: "the open decisions a-disk and b-disk",
      taken: "the open decisions a-disk and b-disk are taken",
    },
    {
      decisions: ["a-disk", "b-disk", "c-disk"],
      open: "the open decisions a-disk, b-disk and c-disk",
      taken: "the open decisions a-disk, b-disk and c-disk are taken",
    },
    // Two targets held by one decision: it is named once, in the singular.
    { decisions: ["a-disk", "a-disk"], open: "the open decision a-disk", taken: "the open decision a-disk is taken" },
  ])("$decisions: $taken", ({ decisions, open, taken }) => {
    const targets = decisions.map((d, i) => held(`t${i}`, d));
    expect(openDecisions(targets)).toBe(open);
    expect(decisionsTaken(targets)).toBe(taken);
  });

  it("a label names its own decision", () => {
    expect(heldLabel(held("thumbs", "thumbs-disk"))).toBe("thumbs (held until the open decision thumbs-disk is taken)");
  });

  it.each([
    { n: 1, says: "The deploy holds t0 until the open decision t0-disk is taken (architecture.md). It serves" },
    {
      n: 2,
      says: "The deploy holds t0 and t1 until the open decisions t0-disk and t1-disk are taken (architecture.md). They serve",
    },
    {
      n: 3,
      says: "The deploy holds t0, t1 and t2 until the open decisions t0-disk, t1-disk and t2-disk are taken (architecture.md). They serve",
    },
  ])("the runbook's step for $n held processes beside the cut-over", ({ n, says }) => {
    const services = Array.from({ length: n }, (_, i) => held(`t${i}`, `t${i}-disk`));
    const dep = { ...seedDeployment(), services };
    expect(heldBeside(dep)!.detail.startsWith(says)).toBe(true);
  });

  it("the runbook's wait for two held targets, each serving users, names both decisions once", () => {
    const services = ["t0", "t1"].map((n) => ({
      ...held(n, `${n}-disk`),
      kind: "api" as const,
      ingress: "all" as const,
    }));
    const dep = { ...seedDeployment(), services };
    const runbook = heldRunbook(dep, [{ title: "Promote", detail: "Promote the copy.", commands: [] }], [], []);
    expect(runbook.cutover[0]!.title).toBe("Wait for the disk decisions before the cut-over (t0 and t1 held)");
    expect(runbook.cutover[0]!.detail).toContain(
      "The deploy holds t0 and t1 until the open decisions t0-disk and t1-disk are taken (architecture.md), and the cut-over cannot leave them behind",
    );
    expect(runbook.database.at(-1)!.detail).toContain(
      "and the deploy holds them until the open decisions t0-disk and t1-disk are taken",
    );
  });
});
