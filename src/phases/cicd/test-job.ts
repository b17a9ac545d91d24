// The workflow's test jobs. The app's own tests run with its own runtime, its own dependency
// manager (picked from the lockfile at run time) and the backing services its tests expect
// (a throwaway database and Redis as job containers); a build step follows where the stack has
// one. Each generated worker with its own tests (the AI worker) gets a job of its own, so the
// app's test runner never collects them (they need FastAPI, which the app may not).
import { isAiWorkerTarget, type DeployTarget } from "../../contracts/deployment.js";
import { openRepo } from "../../image/repo.js";
import type { CicdContext } from "./context.js";
import { usesRef } from "./pinned-actions.js";
import { buildLibrariesStep, pythonBuildLibraries } from "./python-build-libraries.js";
import { teamPreTest } from "./team-prebuild.js";
import { teamTestCommand } from "./team-test.js";
import { testServices } from "./test-services.js";
import { carriedStep, railsTestDatabaseStep, teamSetupFor } from "./team-test-carry.js";
import type { CarriedStep } from "./team-test-setup.js";
import { readToml, tomlAt } from "../../image/toml-file.js";
import type { Stack } from "./runtime.js";
import type { CicdResult } from "./schema.js";

export const RUNNER = "ubuntu-24.04";
export const CHECKOUT = { name: "Check out", uses: usesRef("checkout"), with: { "persist-credentials": false } };

const PYTHON_INSTALL = `python -m pip install --upgrade pip
if [ -f uv.lock ]; then
  python -m pip install uv
  uv sync --frozen --all-extras
  echo "$PWD/.venv/bin" >> "$GITHUB_PATH"
elif [ -f poetry.lock ]; then
  python -m pip install poetry
  poetry config virtualenvs.in-project true
  poetry install --no-interaction
  echo "$PWD/.venv/bin" >> "$GITHUB_PATH"
elif [ -f Pipfile.lock ]; then
  python -m pip install pipenv
  pipenv install --dev --deploy --system
else
  if [ -f requirements.txt ]; then python -m pip install -r requirements.txt; fi
  for f in requirements-dev.txt requirements-test.txt requirements/dev.txt requirements/test.txt; do
    if [ -f "$f" ]; then python -m pip install -r "$f"; fi
  done
  if [ ! -f requirements.txt ] && [ -f pyproject.toml ]; then python -m pip install -e .; fi
fi
`;

const NODE_INSTALL = `if [ -f pnpm-lock.yaml ]; then
  corepack enable
  pnpm install --frozen-lockfile
elif [ -f yarn.lock ]; then
  corepack enable
  if [ -f .yarnrc.yml ]; then yarn install --immutable; else yarn install --frozen-lockfile; fi
elif [ -f package-lock.json ] || [ -f npm-shrinkwrap.json ]; then
  npm ci
else
  npm install
fi
`;

/** Runs the package.json build script, when there is one, with the repo's package manager. */
const NODE_BUILD = `if node -e "process.exit(require('./package.json').scripts?.build ? 0 : 1)"; then
  if [ -f pnpm-lock.yaml ]; then pnpm run build; elif [ -f yarn.lock ]; then yarn run build; else npm run build; fi
else
  echo "package.json has no build script: nothing to build"
fi
`;

/**
 * The default Node runner, `npm test`, fails with "Missing script: test" when package.json has
 * none (an Nx or Turborepo monorepo's root runs its tests per package): run it only when declared.
 */
const NODE_TEST = `if node -e "process.exit(require('./package.json').scripts?.test ? 0 : 1)"; then
  npm test
else
  echo "package.json has no test script: nothing to test"
fi
`;

/** pytest exits 5 when it collects no test: a repo without tests yet should still deploy. */
function pytestStep(command: string): string {
  return `set +e
${command}
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "::warning::pytest collected no tests"
  status=0
fi
exit "$status"
`;
}

/** The optional-dependency group of pyproject.toml that holds the test tools (pytest-django, pytest-xdist…). */
const TEST_EXTRAS = ["dev", "test", "tests", "testing"];

/**
 * The group a project without requirements files declares its test tools in
 * (`[project.optional-dependencies] dev = ["pytest-django", …]`, as pretix's CI installs with
 * `-e ".[dev]"`): a plain `-e .` leaves the runner's plugins out and the first push fails.
 */
export function pyprojectTestExtra(repoDir: string): string | undefined {
  const text = openRepo(repoDir).read("pyproject.toml");
  if (!text) return undefined;
  const parsed = readToml(text, "pyproject.toml");
  if (!parsed.ok) return undefined;
  const groups = tomlAt(parsed.doc, "project", "optional-dependencies");
  if (!groups || typeof groups !== "object") return undefined;
  return TEST_EXTRAS.find((g) => Array.isArray((groups as Record<string, unknown>)[g]));
}

function setupSteps(stack: Stack, version: string, repoDir: string, extra: Record<string, string> = {}): object[] {
  switch (stack) {
    case "python": {
      const extra = pyprojectTestExtra(repoDir);
      const install = extra
        ? PYTHON_INSTALL.replace("python -m pip install -e .;", `python -m pip install -e ".[${extra}]";`)
        : PYTHON_INSTALL;
      return [
        { name: "Set up Python", uses: usesRef("setupPython"), with: { "python-version": version } },
        { name: "Install dependencies", run: install },
      ];
    }
    case "node":
      return [
        { name: "Set up Node.js", uses: usesRef("setupNode"), with: { "node-version": version } },
        { name: "Install dependencies", run: NODE_INSTALL },
      ];
    case "ruby":
      // bundler-cache runs `bundle install` and caches the gems.
      return [
        { name: "Set up Ruby", uses: usesRef("setupRuby"), with: { "ruby-version": version, "bundler-cache": true } },
      ];
    case "go":
      return [{ name: "Set up Go", uses: usesRef("setupGo"), with: { "go-version": version } }];
    case "php":
      return [
        // The team's extensions and ini values (its setup-php step's), when its setup is carried.
        {
          name: "Set up PHP",
          uses: usesRef("setupPhp"),
          with: { "php-version": version, tools: "composer", ...extra },
        },
        { name: "Install dependencies", run: "composer install --no-interaction --no-progress --prefer-dist\n" },
      ];
    case "java":
      return [
        {
          name: "Set up Java",
          uses: usesRef("setupJava"),
          with: { distribution: "temurin", "java-version": version },
        },
      ];
  }
}

/** A step of the team's that already runs the package.json build script (HedgeDoc's `yarn run build`). */
const BUILDS = /^(npm|yarn|pnpm) (run )?build$/m;

function runTests(stack: Stack, command: string, dir = ".", env: Record<string, string> = {}, built = false): object[] {
  const python = stack === "python" && /^(pytest|python3? -m pytest)\b/.test(command);
  const steps: object[] = [];
  if (python)
    steps.push({ name: "Install pytest", run: "python -m pytest --version || python -m pip install pytest\n" });
  const run = python ? pytestStep(command) : stack === "node" && command === "npm test" ? NODE_TEST : `${command}\n`;
  // The team's CI runs it in a folder of the repository (pretix's ./src): its settings are there.
  steps.push({
    name: "Run tests",
    ...(dir === "." ? {} : { "working-directory": dir }),
    ...(Object.keys(env).length ? { env } : {}),
    run,
  });
  if (stack === "node" && !built) steps.push({ name: "Build", run: NODE_BUILD });
  if (stack === "go") steps.push({ name: "Build", run: "go build ./...\n" });
  return steps;
}

/** Directories of generated workers with their own test suites (never the app's tests). */
export function workerTestTargets(ctx: CicdContext): DeployTarget[] {
  return ctx.deployment.services.filter((t) => t.source && isAiWorkerTarget(t));
}

export function appTestJob(ctx: CicdContext, result: CicdResult): Record<string, unknown> {
  // No project of the stack in the repository (a prebuilt release): a job that says so, and passes.
  if (ctx.nothingToTest)
    return {
      name: "Test",
      "runs-on": RUNNER,
      permissions: { contents: "read" },
      "timeout-minutes": 5,
      steps: [{ name: "No tests", run: `echo "::notice::No test runs: ${ctx.nothingToTest}."\n` }],
    };
  // The team's own setup for the same command (Ruby, Node, PHP), when every part of it can be carried:
  // its services and environment then replace ours, which its tests were never run against.
  const setup = teamSetupFor(ctx, result.testCommand, result.runtimeVersion);
  const carried = setup && !setup.blocked.length ? setup : undefined;
  const { services, env } = carried ? { services: carried.services, env: { ...carried.env } } : testServices(ctx);
  const team = teamTestCommand(ctx.repoDir, ctx.stack, ctx.generated);
  const ignore = workerTestTargets(ctx).map((t) => `--ignore=${t.source!.context}`);
  if (ctx.stack === "python" && ignore.length) env.PYTEST_ADDOPTS = ignore.join(" ");
  const asTeam = (steps: CarriedStep[]) => steps.map((s) => carriedStep(s, carried!.workflow));
  return {
    name: "Test",
    "runs-on": RUNNER,
    permissions: { contents: "read" },
    // The team's whole suite, after its own setup: its job's limit, else a generous one.
    "timeout-minutes": carried ? Math.max(20, carried.timeoutMinutes ?? 45) : 20,
    ...(Object.keys(services).length ? { services } : {}),
    ...(Object.keys(env).length ? { env } : {}),
    steps: [
      CHECKOUT,
      ...(ctx.stack === "python" ? buildLibrariesStep(pythonBuildLibraries(ctx.repoDir, ctx.generated)) : []),
      ...(carried ? asTeam(carried.before) : []),
      // Before the runtime's setup: a Gemfile may read the file to pick the database gem.
      ...railsTestDatabaseStep(ctx, services, carried),
      ...setupSteps(ctx.stack, result.runtimeVersion, ctx.repoDir, carried?.setupWith),
      ...(carried?.node ? [{ name: "Set up Node.js", uses: usesRef("setupNode"), with: carried.node }] : []),
      ...(carried ? asTeam(carried.after) : preTestSteps(ctx, result.testCommand)),
      ...runTests(
        ctx.stack,
        result.testCommand,
        team?.command === result.testCommand ? team.dir : ".",
        carried?.testEnv,
        !!carried?.after.some((s) => s.dir === "." && BUILDS.test(s.run.trim())),
      ),
    ],
  };
}

/**
 * What the team's own CI builds before the same test runner (team-prebuild.ts): a Python app's
 * front end built with Node (Tandoor's vue3/). A Node app's own install already ran.
 */
function preTestSteps(ctx: CicdContext, testCommand: string): object[] {
  if (ctx.stack === "node") return [];
  const pre = teamPreTest(ctx.repoDir, testCommand, ctx.generated);
  if (!pre) return [];
  // Without a version of its own, the runner's Node.js (and its Yarn) runs them.
  return [
    ...(pre.node ? [{ name: "Set up Node.js", uses: usesRef("setupNode"), with: { "node-version": pre.node } }] : []),
    ...pre.steps.map((s) => ({
      name: `${s.name} (before the tests, as ${pre.workflow} does)`,
      ...(s.dir === "." ? {} : { "working-directory": s.dir }),
      run: s.run,
    })),
  ];
}

/** One job per generated worker: its own requirements-dev.txt and pytest, in its directory. */
export function workerTestJob(target: DeployTarget): Record<string, unknown> {
  const dir = target.source!.context;
  return {
    name: `Test ${target.name}`,
    "runs-on": RUNNER,
    permissions: { contents: "read" },
    "timeout-minutes": 15,
    defaults: { run: { "working-directory": dir } },
    steps: [
      CHECKOUT,
      // The worker image's Python (services' Dockerfile: python:3.12-slim).
      { name: "Set up Python", uses: usesRef("setupPython"), with: { "python-version": "3.12" } },
      { name: "Install dependencies", run: "python -m pip install -r requirements-dev.txt\n" },
      { name: "Run tests", run: "python -m pytest -q\n" },
    ],
  };
}
