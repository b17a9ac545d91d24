// An app whose docs allow one process (Ghost: "Clustering or sharding is not supported in any
// way") never gets the stepped canary: at 10% and 50% the old and new revisions would both serve,
// and both run the app's timed work, for the whole bake. It takes 100% in one step, still after
// its tagged URL answers and still rolled back to the previous revision on any failure.
import { describe, expect, it } from "vitest";
import { cicdPhase } from "../../../src/phases/cicd/index.js";
import { deployScript, rolloutSteps } from "../../../src/phases/cicd/deploy-flags.js";
import { actionlint } from "../../../src/validate/actionlint.js";
import { seedDeployment, seedInput } from "./fixtures.js";

describe("rollout of a single-instance app", () => {
  const result = cicdPhase.offline(seedInput());

  it.each<[string, boolean | undefined, string]>([
    ["its docs allow one process", true, "100"],
    ["any other public API", undefined, "10,50,100"],
    ["marked false", false, "10,50,100"],
  ])("%s → --steps %s", (_name, singleInstance, steps) => {
    const deployment = seedDeployment();
    const api = deployment.services.find((s) => s.kind === "api")!;
    const target = { ...api, ...(singleInstance === undefined ? {} : { singleInstance }) };
    expect(rolloutSteps(target, result).join(",")).toBe(steps);
    const script = deployScript(target, deployment, result);
    expect(script).toContain(`--strategy canary`);
    expect(script).toContain(`--steps ${steps} `);
  });

  it("the workflow passes actionlint, and the docs say why", async () => {
    const deployment = seedDeployment();
    const api = deployment.services.find((s) => s.kind === "api")!;
    api.singleInstance = true;
    const input = seedInput({}, deployment);
    const artifacts = await cicdPhase.render(cicdPhase.offline(input), input);
    const workflow = artifacts.find((a) => a.path === ".github/workflows/deploy.yml")!;
    expect(workflow.content).toContain(`--service ${api.name} --strategy canary`);
    expect(workflow.content).toMatch(/--steps 100 /);
    expect(await actionlint(workflow.content, workflow.path)).toEqual([]);
    const readme = artifacts.find((a) => a.path === "docs/migration/cicd/README.md")!;
    expect(readme.content).toContain("100% at once after the tagged-URL check (the app runs as one instance)");
  });

  it.each([
    [
      "every public service one instance",
      true,
      /^100% at once \(one instance\) after the tagged-URL check, \d+s watch, /,
    ],
    ["a public service that scales out", false, /^canary 10\/50\/100% with \d+s bake, /],
  ])("%s: the run's summary and the README's why say so", (_name, single, summary) => {
    const deployment = seedDeployment();
    for (const api of deployment.services.filter((s) => s.kind === "api")) api.singleInstance = single;
    const input = seedInput({}, deployment);
    const result = cicdPhase.offline(input);
    expect(cicdPhase.summarize!(result, input)).toMatch(summary);
    expect(result.rationale.startsWith("Every public service runs as one instance")).toBe(single);
  });
});
