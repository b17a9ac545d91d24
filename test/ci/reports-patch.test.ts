// The regenerate → pull-request hand-off, run for real: the workflow's own `run:` scripts collect
// a patch in one clone and apply it in another (new, changed, deleted and binary files).
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { parse } from "yaml";
import { renderReportsWorkflow } from "../../src/ci/reports-workflow.js";

type Step = { id?: string; run?: string; env?: Record<string, string> };
const jobs = (parse(renderReportsWorkflow()) as { jobs: Record<string, { steps: Step[] }> }).jobs;
const git = (cwd: string, ...args: string[]) =>
  execFileSync(
    "git",
    ["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main", ...args],
    { cwd, encoding: "utf8" },
  );
const bash = (cwd: string, script: string, env: Record<string, string>) =>
  execFileSync("bash", ["-eo", "pipefail", "-c", script], { cwd, env: { ...process.env, ...env }, encoding: "utf8" });

it("collects the regenerated files as a patch and applies it in a fresh checkout", () => {
  const root = mkdtempSync(path.join(tmpdir(), "im-patch-"));
  const origin = path.join(root, "origin");
  mkdirSync(path.join(origin, "docs/migration"), { recursive: true });
  writeFileSync(path.join(origin, "docs/migration/report.md"), "old\n");
  writeFileSync(path.join(origin, "docs/migration/stale.md"), "bye\n");
  git(origin, "init", "-q");
  git(origin, "add", ".");
  git(origin, "commit", "-qm", "init");
  git(root, "clone", "-q", origin, "work");
  git(root, "clone", "-q", origin, "pr");
  const work = path.join(root, "work");
  const temp = path.join(root, "runner-temp");
  const patchFile = path.join(temp, "migration-reports/reports.patch");

  // What `infra-migrate run` would do to the checkout.
  writeFileSync(path.join(work, "docs/migration/report.md"), "new\n");
  rmSync(path.join(work, "docs/migration/stale.md"));
  mkdirSync(path.join(work, ".infra-migrate"));
  writeFileSync(path.join(work, ".infra-migrate/manifest.json"), "{}\n");
  writeFileSync(path.join(work, "docs/migration/diagram.png"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255]));

  const collect = jobs.regenerate!.steps.find((s) => s.id === "diff")!;
  const output = path.join(root, "github-output");
  writeFileSync(output, "");
  bash(work, collect.run!, { PATCH_FILE: patchFile, GITHUB_OUTPUT: output });
  expect(readFileSync(output, "utf8")).toBe("changed=true\n");

  const apply = jobs["pull-request"]!.steps.find((s) => s.run?.includes("git apply"))!;
  const pr = path.join(root, "pr");
  bash(pr, apply.run!, { PATCH_FILE: patchFile });
  expect(readFileSync(path.join(pr, "docs/migration/report.md"), "utf8")).toBe("new\n");
  expect(existsSync(path.join(pr, "docs/migration/stale.md"))).toBe(false);
  expect(readFileSync(path.join(pr, ".infra-migrate/manifest.json"), "utf8")).toBe("{}\n");
  expect([...readFileSync(path.join(pr, "docs/migration/diagram.png"))]).toEqual([
    0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255,
  ]);
});

it("reports no change when the run changed nothing", () => {
  const repo = mkdtempSync(path.join(tmpdir(), "im-patch-none-"));
  writeFileSync(path.join(repo, "a.md"), "same\n");
  git(repo, "init", "-q");
  git(repo, "add", ".");
  git(repo, "commit", "-qm", "init");
  const output = path.join(repo, "..", `${path.basename(repo)}-out`);
  writeFileSync(output, "");
  const collect = jobs.regenerate!.steps.find((s) => s.id === "diff")!;
  bash(repo, collect.run!, {
    PATCH_FILE: path.join(repo, "..", `${path.basename(repo)}-patch/p.patch`),
    GITHUB_OUTPUT: output,
  });
  expect(readFileSync(output, "utf8")).toBe("changed=false\n");
});
