// The test command the team's own CI runs, and the folder it runs it in: pretix's tests.yml runs
// `py.test … tests --ignore=tests/e2e` in ./src, where its pytest settings (src/setup.cfg) and
// manage.py are; the stack's default runner at the root (`python src/manage.py test`) runs
// Django's runner on pytest-style tests and fails on the first push. Only a command our safe
// pattern admits is taken: environment assignments before it are dropped (the job sets its own
// database and Redis), and a line with a workflow expression anywhere else is not taken.
import { teamWorkflows } from "./team-workflows.js";
import { SAFE_TEST_COMMAND } from "./schema.js";

export interface TeamTest {
  /** The workflow the command comes from (.github/workflows/tests.yml). */
  workflow: string;
  command: string;
  /** The step's working-directory, repository-relative ("." for the root). */
  dir: string;
}

interface Step {
  run?: unknown;
  "working-directory"?: unknown;
}
interface Job {
  steps?: Step[];
  defaults?: { run?: { "working-directory"?: unknown } };
}

/** A test runner at the start of a command (after its env assignments). */
const RUNNER =
  /^(pytest|py\.test|python3? -m pytest|python3? ([\w-]+\/)?manage\.py test|go test|\.\/mvnw|\.\/gradlew)\b/;
const FOLDER = /^(\.\/)?[\w-][\w.-]*(\/[\w.-]+)*\/?$/;
const ASSIGNMENT = /^[A-Za-z_]\w*=\S*$/;

/** One `run:` line as a safe test command, or undefined. `py.test` is pytest's old name. */
export function safeTestLine(line: string): string | undefined {
  // An expression may hold spaces (`${{ matrix.database }}`): one word, marked, before splitting.
  const words = line
    .trim()
    .replace(/\$\{\{[^}]*\}\}/g, "\u0000")
    .split(/\s+/);
  let at = 0;
  while (at < words.length && ASSIGNMENT.test(words[at]!.replace(/\u0000/g, "x"))) at++;
  const rest = words.slice(at);
  if (rest.some((w) => w.includes("\u0000"))) return undefined;
  const command = rest.join(" ").replace(/^py\.test\b/, "pytest");
  return RUNNER.test(command) && SAFE_TEST_COMMAND.test(command) ? command : undefined;
}

function folderOf(value: unknown): string | undefined {
  if (value === undefined) return ".";
  const dir = String(value);
  if (!FOLDER.test(dir) || dir.split("/").includes("..")) return undefined;
  return dir.replace(/^\.\/|\/$/g, "") || ".";
}

/** The stack each runner tests. */
function runnerStack(command: string): string {
  if (/^go /.test(command)) return "go";
  if (/^\.\/(mvnw|gradlew)/.test(command)) return "java";
  return "python";
}

/** The first test command of the team's workflows (files in name order) for the stack, with its folder. */
export function teamTestCommand(repoDir: string, stack: string, generated?: ReadonlySet<string>): TeamTest | undefined {
  for (const { rel, jobs } of teamWorkflows<Job>(repoDir, generated)) {
    for (const job of Object.values(jobs)) {
      if (!Array.isArray(job?.steps)) continue;
      for (const step of job.steps) {
        if (typeof step?.run !== "string") continue;
        const lines = step.run.split("\n").filter((l) => l.trim());
        // A one-line step only: a script's earlier lines may prepare what the command needs.
        if (lines.length !== 1) continue;
        const command = safeTestLine(lines[0]!);
        const folder = folderOf(step["working-directory"] ?? job.defaults?.run?.["working-directory"]);
        if (command && folder && runnerStack(command) === stack) return { workflow: rel, command, dir: folder };
      }
    }
  }
  return undefined;
}
