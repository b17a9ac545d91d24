import { describe, expect, it } from "vitest";
import { findShellcheck, shellcheck, shellcheckArtifact, workflowRunScripts } from "../../src/validate/shellcheck.js";

const available = Boolean(await findShellcheck());
if (!available) console.warn("shellcheck is not on PATH: skipping the ShellCheck tests (CI installs it)");

describe("shellcheck", () => {
  it.skipIf(!available).each([
    ["an unquoted variable", "rm -rf $DIR/build\n", 2086],
    ["a useless cd without guard", "cd /tmp\nrm -rf ./*\n", 2164],
  ])("flags %s", async (_, script, code) => {
    expect((await shellcheck(`#!/usr/bin/env bash\n${script}`))!.map((f) => f.code)).toContain(code);
  });

  it.skipIf(!available)("accepts a clean script and formats findings with their place", async () => {
    expect(await shellcheck('#!/usr/bin/env bash\nset -euo pipefail\necho "${1:-}"\n')).toEqual([]);
    const lines = await shellcheckArtifact("x.sh", "echo $1\n", "jobs.a.steps[0].run");
    expect(lines![0]).toMatch(/^x\.sh jobs\.a\.steps\[0\]\.run:1:6 shellcheck SC2086/);
  });

  it("returns undefined when shellcheck is absent", async () => {
    expect(await findShellcheck("/nonexistent")).toBeUndefined();
  });

  it("extracts every run: script of a workflow with its path", () => {
    const wf =
      "on: push\njobs:\n  a:\n    steps:\n      - uses: x/y@z\n      - run: echo 1\n  b:\n    steps:\n      - run: |\n          echo 2\n";
    expect(workflowRunScripts(wf)).toEqual([
      { where: "jobs.a.steps[1].run", script: "echo 1" },
      { where: "jobs.b.steps[0].run", script: "echo 2\n" },
    ]);
  });
});
