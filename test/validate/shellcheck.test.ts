import { describe, expect, it } from "vitest";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import {
  findShellcheck,
  shellcheck,
  shellcheckArtifact,
  shellcheckMany,
  shellcheckScripts,
  workflowRunScripts,
} from "../../src/validate/shellcheck.js";

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

  it.skipIf(!available)("checks many scripts in one process and gives each its own findings", async () => {
    const found = await shellcheckMany(["echo ok\n", "rm -rf $DIR/build\n", "cd /tmp\nrm -rf ./*\n", "true\n"]);
    expect(found!.map((f) => f.map((x) => x.code))).toEqual([[], [2086], [2164], []]);
    expect(found![1]![0]).toMatchObject({ line: 1, column: 8 });
    const lines = await shellcheckScripts([
      { file: ".github/workflows/deploy.yml", script: "echo ok\n", where: "jobs.a.steps[0].run" },
      { file: "scripts/setup.sh", script: "echo $1\n" },
    ]);
    expect(lines).toEqual([expect.stringMatching(/^scripts\/setup\.sh:1:6 shellcheck SC2086 \(info\)/)]);
  });

  it.skipIf(!available)("ignores any .shellcheckrc (verdicts depend on the script only)", async () => {
    // ShellCheck looks for an rc file beside the script and in its parents: put one above the
    // folder the scripts are written to.
    const dir = await mkdtemp(path.join(os.tmpdir(), "im-shrc-"));
    const tmpdir = process.env.TMPDIR;
    try {
      await writeFile(path.join(dir, ".shellcheckrc"), "disable=SC2086\n");
      process.env.TMPDIR = dir;
      expect((await shellcheck("echo $1\n"))!.map((f) => f.code)).toEqual([2086]);
    } finally {
      if (tmpdir === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = tmpdir;
      await rm(dir, { recursive: true, force: true });
    }
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
