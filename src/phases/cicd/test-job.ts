// The workflow's test jobs. The app's own tests run with its own runtime, its own dependency
// manager (picked from the lockfile at run time) and the backing services its tests expect
// (a throwaway database and Redis as job containers); a build step follows where the stack has
// one. Each generated worker with its own tests (the AI worker) gets a job of its own, so the
// app's test runner never collects them (they need FastAPI, which the app may not).
import { databaseSettingRole } from "../../contracts/database-settings.js";
import { isAiWorkerTarget, type DeployTarget } from "../../contracts/deployment.js";
import { openRepo } from "../../image/repo.js";
import type { CicdContext } from "./context.js";
import { usesRef } from "./pinned-actions.js";
import { buildLibrariesStep, pythonBuildLibraries } from "./python-build-libraries.js";
import { teamPreTest } from "./team-prebuild.js";
import { teamTestCommand } from "./team-test.js";
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

function setupSteps(stack: Stack, version: string, repoDir: string): object[] {
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
        { name: "Set up PHP", uses: usesRef("setupPhp"), with: { "php-version": version, tools: "composer" } },
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

function runTests(stack: Stack, command: string, dir = "."): object[] {
  const python = stack === "python" && /^(pytest|python3? -m pytest)\b/.test(command);
  const steps: object[] = [];
  if (python)
    steps.push({ name: "Install pytest", run: "python -m pytest --version || python -m pip install pytest\n" });
  const run = python ? pytestStep(command) : stack === "node" && command === "npm test" ? NODE_TEST : `${command}\n`;
  // The team's CI runs it in a folder of the repository (pretix's ./src): its settings are there.
  steps.push({ name: "Run tests", ...(dir === "." ? {} : { "working-directory": dir }), run });
  if (stack === "node") steps.push({ name: "Build", run: NODE_BUILD });
  if (stack === "go") steps.push({ name: "Build", run: "go build ./...\n" });
  return steps;
}

export interface TestServices {
  services: Record<string, object>;
  env: Record<string, string>;
}

/**
 * Job containers for what the app's tests connect to: the design's database engine and Redis,
 * with the app's own variable names pointed at them. Values are throwaway test credentials,
 * never the app's secrets.
 */
export function testServices(ctx: CicdContext): TestServices {
  const services: Record<string, object> = {};
  const env: Record<string, string> = {};
  const db = ctx.deployment.database;
  let dbUrl: string | undefined;
  if (db?.engine === "postgres") {
    const major = /POSTGRES_(\d+)/.exec(db.databaseVersion)?.[1] ?? "16";
    services.postgres = {
      image: `postgres:${major}`,
      env: { POSTGRES_USER: "test", POSTGRES_PASSWORD: "test", POSTGRES_DB: "test" },
      ports: ["5432:5432"],
      options: "--health-cmd pg_isready --health-interval 5s --health-timeout 5s --health-retries 10",
    };
    dbUrl = "postgresql://test:test@localhost:5432/test";
  } else if (db?.engine === "mysql") {
    const [, major, minor] = /MYSQL_(\d+)_(\d+)/.exec(db.databaseVersion) ?? [];
    services.mysql = {
      image: `mysql:${major ?? "8"}.${minor ?? "0"}`,
      env: { MYSQL_ROOT_PASSWORD: "test", MYSQL_DATABASE: "test", MYSQL_USER: "test", MYSQL_PASSWORD: "test" },
      ports: ["3306:3306"],
      options:
        '--health-cmd "mysqladmin ping -h 127.0.0.1 -ptest" --health-interval 5s --health-timeout 5s --health-retries 20',
    };
    dbUrl = "mysql://test:test@127.0.0.1:3306/test";
  }
  const redis = ctx.inventory.services.some((s) => /redis|valkey/i.test(s.software));
  if (redis) {
    services.redis = {
      image: "redis:7",
      ports: ["6379:6379"],
      options: '--health-cmd "redis-cli ping" --health-interval 5s --health-timeout 5s --health-retries 10',
    };
  }
  const names = new Set(
    ctx.inventory.services.filter((s) => s.role === "web" || s.role === "worker").flatMap((s) => s.env),
  );
  const own = testConfigNames(ctx.repoDir);
  const split = db?.engine === "postgres" || db?.engine === "mysql" ? splitTestSettings(db.engine) : undefined;
  for (const name of [...names].sort()) {
    const role = databaseSettingRole(name);
    if (dbUrl && /(^|_)(DATABASE_(URL|URI)|DB_URL)$/.test(name)) env[name] = dbUrl;
    // Host, port, user, password and database name read one by one (Mastodon's DB_HOST…DB_PASS,
    // Laravel's DB_USERNAME): left unset, a client falls back to a local socket the runner lacks.
    // A name the repository's test configuration sets (phpunit.xml's <env>, .env.testing) is its own:
    // Laravel's stock phpunit.xml picks SQLite in memory through DB_DATABASE, which the job must not override.
    else if (split && role && role in split && !own.has(name)) env[name] = split[role as keyof typeof split];
    else if (redis && /REDIS_URL$|CACHE_URL$|BROKER_URL$|RESULT_BACKEND$/.test(name))
      env[name] = "redis://localhost:6379/0";
    else if (!redis && /BROKER_URL$/.test(name)) env[name] = "memory://";
    else if (/(^|_)SECRET(_KEY)?$/.test(name)) env[name] = "test-only-not-a-secret";
  }
  return { services, env };
}

/** The test database container's connection, setting by setting (127.0.0.1: "localhost" means a socket to MySQL clients). */
function splitTestSettings(engine: "postgres" | "mysql") {
  return {
    host: "127.0.0.1",
    port: engine === "postgres" ? "5432" : "3306",
    user: "test",
    password: "test",
    name: "test",
  };
}

/**
 * Names the repository's own test setup gives values: PHPUnit's <env>/<server> (which do not
 * replace a variable the environment already has, unless forced) and Laravel's .env.testing
 * (loaded without overriding the environment either). https://docs.phpunit.de/en/11.5/configuration.html#the-env-element
 */
function testConfigNames(repoDir: string): Set<string> {
  const repo = openRepo(repoDir);
  const names = new Set<string>();
  for (const file of ["phpunit.xml", "phpunit.xml.dist", ".env.testing"]) {
    const text = repo.read(file) ?? "";
    for (const m of text.matchAll(/<(?:env|server)\s+name="([A-Za-z_]\w*)"/g)) names.add(m[1]!);
    if (file === ".env.testing")
      for (const m of text.matchAll(/^\s*(?:export\s+)?([A-Za-z_]\w*)\s*=/gm)) names.add(m[1]!);
  }
  return names;
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
  const { services, env } = testServices(ctx);
  const team = teamTestCommand(ctx.repoDir, ctx.stack, ctx.generated);
  const ignore = workerTestTargets(ctx).map((t) => `--ignore=${t.source!.context}`);
  if (ctx.stack === "python" && ignore.length) env.PYTEST_ADDOPTS = ignore.join(" ");
  return {
    name: "Test",
    "runs-on": RUNNER,
    permissions: { contents: "read" },
    "timeout-minutes": 20,
    ...(Object.keys(services).length ? { services } : {}),
    ...(Object.keys(env).length ? { env } : {}),
    steps: [
      CHECKOUT,
      ...(ctx.stack === "python" ? buildLibrariesStep(pythonBuildLibraries(ctx.repoDir, ctx.generated)) : []),
      ...setupSteps(ctx.stack, result.runtimeVersion, ctx.repoDir),
      ...preTestSteps(ctx, result.testCommand),
      ...runTests(ctx.stack, result.testCommand, team?.command === result.testCommand ? team.dir : "."),
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
