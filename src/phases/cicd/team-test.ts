// The test command the team's own CI runs, and the folder it runs it in: pretix's tests.yml runs
// `py.test … tests --ignore=tests/e2e` in ./src, where its pytest settings (src/setup.cfg) and
// manage.py are; the stack's default runner at the root (`python src/manage.py test`) runs
// Django's runner on pytest-style tests and fails on the first push. Redmine's tests.yml runs
// `bin/rails test`, HedgeDoc's `yarn run mocha-suite` (a script that runs mocha), BookStack's
// `php8.3 ./vendor/bin/phpunit`. Only a command our safe pattern admits is taken (team-runners.ts):
// environment assignments before it are kept apart, and a line with a workflow expression anywhere
// else is not taken. The job and step it comes from are kept, so their setup can be carried
// (team-test-setup.ts).
import { openRepo, readJson } from "../../image/repo.js";
import { readTestLine, runsTestRunner, testScriptByName, type TestLine } from "./team-runners.js";
import { teamWorkflows } from "./team-workflows.js";

export interface TeamTest {
  /** The workflow the command comes from (.github/workflows/tests.yml). */
  workflow: string;
  command: string;
  /** The step's working-directory, repository-relative ("." for the root). */
  dir: string;
}

export interface TeamStep {
  name?: unknown;
  uses?: unknown;
  run?: unknown;
  if?: unknown;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
  shell?: unknown;
  id?: unknown;
  "working-directory"?: unknown;
}
export interface TeamJob {
  steps?: TeamStep[];
  services?: Record<string, unknown>;
  env?: Record<string, unknown>;
  strategy?: { matrix?: Record<string, unknown> };
  "timeout-minutes"?: unknown;
  container?: unknown;
  defaults?: { run?: { "working-directory"?: unknown } };
}

/** Where the team's test command runs: its job, the step's place in it, the workflow's env. */
export interface TeamTestSite {
  test: TeamTest;
  jobName: string;
  job: TeamJob;
  stepIndex: number;
  /** The workflow's top-level `env:`. */
  workflowEnv: Record<string, unknown>;
  /** `NAME=value` words the team wrote before its command. */
  assignments: [string, string][];
}

const FOLDER = /^(\.\/)?[\w-][\w.-]*(\/[\w.-]+)*\/?$/;

/** One `run:` line as a safe test command, or undefined. `py.test` is pytest's old name. */
export function safeTestLine(line: string): string | undefined {
  return readTestLine(line)?.command;
}

function folderOf(value: unknown): string | undefined {
  if (value === undefined) return ".";
  const dir = String(value);
  if (!FOLDER.test(dir) || dir.split("/").includes("..")) return undefined;
  return dir.replace(/^\.\/|\/$/g, "") || ".";
}

/** A package script the line runs is one of tests: by its name, or by the runner its body calls. */
function scriptRunsTests(repoDir: string, dir: string, found: TestLine): boolean {
  if (!found.script) return true;
  if (found.stack === "php") return /^tests?([:_-][\w:.-]*)?$/.test(found.script);
  if (testScriptByName(found.script)) return true;
  const pkg = readJson<{ scripts?: Record<string, unknown> }>(
    openRepo(repoDir),
    dir === "." ? "package.json" : `${dir}/package.json`,
  );
  const body = pkg?.scripts?.[found.script];
  return typeof body === "string" && runsTestRunner(body);
}

/** The first test command of the team's workflows (files in name order) for the stack, with its job. */
export function teamTestSite(
  repoDir: string,
  stack: string,
  generated?: ReadonlySet<string>,
): TeamTestSite | undefined {
  for (const { rel, jobs, env } of teamWorkflows<TeamJob>(repoDir, generated)) {
    for (const [jobName, job] of Object.entries(jobs)) {
      if (!Array.isArray(job?.steps)) continue;
      for (const [stepIndex, step] of job.steps.entries()) {
        if (typeof step?.run !== "string") continue;
        const lines = step.run.split("\n").filter((l) => l.trim());
        // A one-line step only: a script's earlier lines may prepare what the command needs.
        if (lines.length !== 1) continue;
        const found = readTestLine(lines[0]!);
        const dir = folderOf(step["working-directory"] ?? job.defaults?.run?.["working-directory"]);
        if (!found || !dir || found.stack !== stack || !scriptRunsTests(repoDir, dir, found)) continue;
        return {
          test: { workflow: rel, command: found.command, dir },
          jobName,
          job,
          stepIndex,
          workflowEnv: env,
          assignments: found.assignments,
        };
      }
    }
  }
  return undefined;
}

/** The first test command of the team's workflows (files in name order) for the stack, with its folder. */
export function teamTestCommand(repoDir: string, stack: string, generated?: ReadonlySet<string>): TeamTest | undefined {
  return teamTestSite(repoDir, stack, generated)?.test;
}
