// The reports workflow: checked-in example is current, actionlint/shellcheck/security rules are
// clean, and the security properties we promise hold (pinned SHAs, least privilege, no ${{ }} in run).
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, writeFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { buildReportsWorkflow, renderReportsWorkflow } from "../../src/ci/reports-workflow.js";
import { actionlint } from "../../src/validate/actionlint.js";
import { REPORTS_ACTIONS } from "../../src/ci/reports-workflow.js";
import { PINNED_ACTIONS } from "../../src/phases/cicd/pinned-actions.js";

const root = path.resolve(import.meta.dirname, "../..");
const examplePath = path.join(root, "examples/github/migration-reports.yml");
const hasShellcheck = existsSync("/usr/bin/shellcheck");
const hasSecurityRules = existsSync(path.join(root, "src/validate/workflow-security.ts"));

type Step = {
  name?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
};
type Job = { permissions: Record<string, string>; steps: Step[]; if: string };
const parsed = (text = renderReportsWorkflow()) =>
  parse(text) as { on: Record<string, any>; permissions: unknown; jobs: Record<string, Job> };

describe("migration-reports workflow", () => {
  it("examples/github/migration-reports.yml is the current output (UPDATE_EXAMPLES=1 rewrites it)", async () => {
    const text = renderReportsWorkflow();
    if (process.env.UPDATE_EXAMPLES === "1") {
      await mkdir(path.dirname(examplePath), { recursive: true });
      await writeFile(examplePath, text);
    }
    expect(await readFile(examplePath, "utf8")).toBe(text);
  });

  it.each([
    ["defaults", {}],
    [
      "custom inventory, config, no skipped phase",
      { inventory: "infra/inv.yaml", config: "infra/cfg.yaml", skipOnSchedule: [] },
    ],
  ])("actionlint reports nothing (%s)", async (_name, options) => {
    const findings = await actionlint(renderReportsWorkflow(options), ".github/workflows/migration-reports.yml");
    expect(findings).toEqual([]);
  });

  it("actionlint does catch a broken variant (the linter really runs)", async () => {
    const broken = renderReportsWorkflow().replace("contents: read", "contents: reed");
    expect((await actionlint(broken, ".github/workflows/migration-reports.yml")).length).toBeGreaterThan(0);
  });

  it.skipIf(!hasSecurityRules)("the cicd phase's workflow security rules report nothing", async () => {
    const { checkWorkflowSecurity } = await import("../../src/validate/workflow-security.js");
    const allowed = [PINNED_ACTIONS.checkout, PINNED_ACTIONS.setupNode, ...Object.values(REPORTS_ACTIONS)].map(
      (a) => `${a.repo}@${a.sha}`,
    );
    // Opening a pull request needs two write scopes, granted explicitly to the one job that runs
    // no npm code and sees no secret; without that grant the rule flags them.
    const grant = { "pull-request": ["contents", "pull-requests"] };
    expect(checkWorkflowSecurity(renderReportsWorkflow(), { allowedUses: allowed, allowedWrites: grant })).toEqual([]);
    const findings = checkWorkflowSecurity(renderReportsWorkflow(), { allowedUses: allowed });
    expect(findings.map((f) => `${f.rule} ${f.where}: ${f.message}`)).toEqual([
      "excessive-permissions jobs.pull-request.permissions: contents: write is more than a deploy needs",
      "excessive-permissions jobs.pull-request.permissions: pull-requests: write is more than a deploy needs",
    ]);
    // A grant covers only its job and scopes.
    expect(
      checkWorkflowSecurity(renderReportsWorkflow(), {
        allowedUses: allowed,
        allowedWrites: { check: ["contents", "pull-requests"] },
      }),
    ).toHaveLength(2);
  });
  if (!hasSecurityRules) console.warn("skipped: src/validate/workflow-security.ts is not present yet");

  it.skipIf(!hasShellcheck)("every run: script passes shellcheck", () => {
    for (const job of Object.values(parsed().jobs)) {
      for (const step of job.steps.filter((s) => s.run)) {
        const exports = Object.keys(step.env ?? {})
          .map((k) => `export ${k}=x`)
          .join("\n");
        const script = `#!/bin/bash\nset -eo pipefail\n${exports}\n${step.run}`;
        expect(() => execFileSync("shellcheck", ["-s", "bash", "-"], { input: script })).not.toThrow();
      }
    }
  });
  if (!hasShellcheck) console.warn("skipped shellcheck case: /usr/bin/shellcheck not found");

  it("denies everything at the top and grants each job only what it needs", () => {
    const wf = parsed();
    expect(wf.permissions).toEqual({});
    expect(Object.keys(wf.jobs)).toEqual(["check", "regenerate", "pull-request"]);
    expect(wf.jobs.check!.permissions).toEqual({ contents: "read" });
    expect(wf.jobs.regenerate!.permissions).toEqual({ contents: "read" });
    expect(wf.jobs["pull-request"]!.permissions).toEqual({ contents: "write", "pull-requests": "write" });
    expect(wf.jobs.check!.if).toContain("pull_request");
    expect(wf.jobs.regenerate!.if).toContain("!= 'pull_request'");
    expect(wf.jobs["pull-request"]!.if).toBe("needs.regenerate.outputs.changed == 'true'");
  });

  it("runs no npm code and no secret in the job that holds write scopes", () => {
    const job = parsed().jobs["pull-request"]!;
    const text = JSON.stringify(job);
    expect(text).not.toMatch(/npx|npm|secrets\.|setup-node/);
    expect(job.steps.filter((s) => s.run).map((s) => s.run)).toEqual(['git apply --whitespace=nowarn "$PATCH_FILE"\n']);
  });

  it("pins every action to a full commit SHA with its version as a comment", () => {
    const text = renderReportsWorkflow();
    const usesLines = text.split("\n").filter((l) => l.trim().startsWith("uses:"));
    expect(usesLines.length).toBe(8);
    for (const line of usesLines) expect(line).toMatch(/uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });

  it("keeps credentials out of .git/config and expressions out of run: scripts", () => {
    for (const job of Object.values(parsed().jobs)) {
      const checkout = job.steps.find((s) => s.uses?.startsWith("actions/checkout@"));
      expect(checkout?.with?.["persist-credentials"]).toBe(false);
      for (const step of job.steps) expect(step.run ?? "").not.toContain("${{");
    }
  });

  it("gives the Gemini key to the regenerate step only, never to the pull-request check", () => {
    const text = renderReportsWorkflow();
    expect(text.match(/secrets\./g)).toHaveLength(1);
    const regenerate = parsed().jobs.regenerate!.steps.find((s) => s.run?.includes(" run "));
    expect(regenerate?.env?.GEMINI_API_KEY).toBe("${{ secrets.GEMINI_API_KEY }}");
    for (const step of parsed().jobs.check!.steps) expect(JSON.stringify(step)).not.toContain("secrets");
  });

  it.each([
    [
      {},
      ["infra-migrate.inventory.yaml", "infra-migrate.config.yaml", ".infra-migrate/**", "docs/migration/**"],
      "--skip cicd",
      false,
    ],
    [
      { inventory: "ops/vm.yaml", config: "ops/im.yaml", skipOnSchedule: [] },
      ["ops/vm.yaml", "ops/im.yaml", ".infra-migrate/**", "docs/migration/**"],
      "",
      true,
    ],
  ] as const)("follows its options: %j", (options, paths, skipFlag, passesConfig) => {
    const wf = buildReportsWorkflow(options as Parameters<typeof buildReportsWorkflow>[0]) as {
      on: { pull_request: { paths: string[] } };
      jobs: Record<string, Job>;
    };
    expect(wf.on.pull_request.paths).toEqual(paths);
    const run = wf.jobs.regenerate!.steps.find((s) => s.run?.includes(" run "))!;
    expect(run.env?.INFRA_MIGRATE_INVENTORY).toBe(paths[0]);
    if (skipFlag) expect(run.run).toContain(skipFlag);
    else expect(run.run).not.toContain("--skip");
    expect(run.run!.includes("--config")).toBe(passesConfig);
    const check = wf.jobs.check!.steps.find((s) => s.run?.includes(" check "))!;
    expect(check.run).toContain("check --json");
  });

  it("pins the infra-migrate version npx runs to the generator's own", async () => {
    const pkg = JSON.parse(await readFile(path.join(root, "package.json"), "utf8")) as { version: string };
    const steps = Object.values(parsed().jobs)
      .flatMap((j) => j.steps)
      .filter((s) => s.run?.includes("npx"));
    expect(steps).toHaveLength(2);
    for (const step of steps) expect(step.env?.INFRA_MIGRATE_VERSION).toBe(pkg.version);
    expect(renderReportsWorkflow({ toolVersion: "9.9.9" })).toContain("INFRA_MIGRATE_VERSION: 9.9.9");
  });
});
