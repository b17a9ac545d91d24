// The deploy's test job runs the test command the team's own CI runs, in the folder it runs it in
// (pretix's tests.yml: `py.test … tests --ignore=tests/e2e` in ./src, where src/setup.cfg holds its
// pytest settings), with the test tools of pyproject.toml's dev extra installed.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { safeTestLine, teamTestCommand } from "../../../src/phases/cicd/team-test.js";
import { pyprojectTestExtra } from "../../../src/phases/cicd/test-job.js";
import { cicdPhase, CICD_PATHS } from "../../../src/phases/cicd/index.js";
import { chainFile, EXAMPLE } from "../../helpers/chain.js";

// pretix's tests.yml, cut to its two jobs' test steps: the matrix job first, then the e2e job.
const PRETIX = `on: push
jobs:
  test:
    strategy:
      matrix:
        database: [sqlite, postgres]
    steps:
      - uses: actions/checkout@v4
      - name: Install Python dependencies
        run: pip3 install uv && uv pip install --system -e ".[dev]" psycopg2-binary
      - name: Run checks
        run: python manage.py check
        working-directory: ./src
      - name: Run tests
        working-directory: ./src
        run: PRETIX_CONFIG_FILE=tests/ci_\${{ matrix.database }}.cfg py.test -n 3 -p no:sugar --cov=./ --cov-report=xml tests --ignore=tests/e2e --maxfail=100
  e2e:
    steps:
      - name: Run E2E tests
        working-directory: ./src
        run: PRETIX_CONFIG_FILE=tests/ci_postgres.cfg py.test tests/e2e/ -v --maxfail=10
`;
const PYPROJECT = `[project]
name = "app"
dependencies = ["Django==4.2.*"]

[project.optional-dependencies]
memcached = ["pylibmc"]
dev = ["pytest-django==4.*", "pytest-xdist==3.6.*"]
`;

async function withRepo<T>(files: Record<string, string>, fn: (repo: string) => Promise<T> | T): Promise<T> {
  const repo = await mkdtemp(path.join(tmpdir(), "team-test-"));
  try {
    for (const [file, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(repo, file)), { recursive: true });
      await writeFile(path.join(repo, file), text);
    }
    return await fn(repo);
  } finally {
    await rm(repo, { recursive: true, force: true });
  }
}

describe("safeTestLine", () => {
  it.each([
    ["py.test -n 3 tests --ignore=tests/e2e", "pytest -n 3 tests --ignore=tests/e2e"],
    // Environment assignments go (an expression in one holds spaces); the job sets its own.
    ["PRETIX_CONFIG_FILE=tests/ci_${{ matrix.database }}.cfg py.test tests", "pytest tests"],
    ["DJANGO_SETTINGS_MODULE=app.test python -m pytest -q", "python -m pytest -q"],
    ["python manage.py test", "python manage.py test"],
    ["./gradlew build --no-daemon", "./gradlew build --no-daemon"],
    // An expression in the command itself, a pipeline, or no test runner: not taken.
    ["pytest --junitxml=junit/test-results-${{ matrix.python-version }}.xml", undefined],
    ["pytest | tee log.txt", undefined],
    ["python manage.py check", undefined],
    ["make test", undefined],
    // Ruby: Rails' runner, RSpec, Rake's test tasks; binstubs and Bundler are one runner.
    ["bin/rails test", "bin/rails test"],
    ["bundle exec rails test test/models", "bundle exec rails test test/models"],
    ["bin/rspec spec/models", "bundle exec rspec spec/models"],
    ["bundle exec rake", "bundle exec rake"],
    ["bin/rake test:units", "bundle exec rake test:units"],
    ["bundle exec rake db:migrate", undefined],
    ["DISABLE_PARALLELIZATION=true bin/rails test:system", undefined],
    // Node: a package script, in the spelling our safe pattern admits.
    ["npm test", "npm test"],
    ["yarn test:server --maxWorkers=2", "yarn run test:server --maxWorkers=2"],
    ["pnpm run test", "pnpm run test"],
    ["yarn install --immutable", undefined],
    ["yarn test:${{ matrix.test-group }}", undefined],
    // PHP: the job's PHP runs PHPUnit, whatever its versioned name.
    ["php8.3 ./vendor/bin/phpunit", "vendor/bin/phpunit"],
    ["php${{ matrix.php }} ./vendor/bin/phpunit --testsuite unit", "vendor/bin/phpunit --testsuite unit"],
    ["php bin/phpunit --testsuite unit -v", "bin/phpunit --testsuite unit -v"],
    ["php artisan test --parallel", "php artisan test --parallel"],
    ["composer tests-unit", "composer run-script tests-unit"],
    ["composer install", undefined],
  ])("%s → %s", (line, command) => expect(safeTestLine(line)).toBe(command));
});

describe("teamTestCommand", () => {
  it("takes the first test step of the stack with its working directory", async () => {
    await withRepo({ ".github/workflows/tests.yml": PRETIX }, (repo) => {
      expect(teamTestCommand(repo, "python")).toEqual({
        workflow: ".github/workflows/tests.yml",
        command: "pytest -n 3 -p no:sugar --cov=./ --cov-report=xml tests --ignore=tests/e2e --maxfail=100",
        dir: "src",
      });
      expect(teamTestCommand(repo, "go")).toBeUndefined();
    });
  });

  it("takes a Node script by what it runs (HedgeDoc's mocha-suite), never a browser's or a linter's", async () => {
    const workflow = `on: push
jobs:
  lint:
    steps:
      - run: yarn run lint
  e2e:
    steps:
      - run: npm run test-e2e
  build:
    steps:
      - run: yarn run build
      - run: yarn run mocha-suite
`;
    const pkg = JSON.stringify({
      scripts: { lint: "eslint .", "test-e2e": "playwright test", "mocha-suite": "mocha --exit test/" },
    });
    await withRepo({ ".github/workflows/ci.yml": workflow, "package.json": pkg }, (repo) =>
      expect(teamTestCommand(repo, "node")).toEqual({
        workflow: ".github/workflows/ci.yml",
        command: "yarn run mocha-suite",
        dir: ".",
      }),
    );
  });

  it("never reads our own deploy workflow from an earlier run as the team's", async () => {
    const ours =
      "# Generated by infra-migrate 0.1.0\njobs:\n  test:\n    steps:\n      - run: python src/manage.py test\n";
    await withRepo({ ".github/workflows/deploy.yml": ours }, (repo) =>
      expect(teamTestCommand(repo, "python")).toBeUndefined(),
    );
  });
});

describe("pyprojectTestExtra", () => {
  it.each([
    [PYPROJECT, "dev"],
    ['[project]\nname = "x"\n[project.optional-dependencies]\ntest = ["pytest"]\n', "test"],
    ['[project]\nname = "x"\n[project.optional-dependencies]\npostgres = ["psycopg"]\n', undefined],
    ['[project]\nname = "x"\n', undefined],
  ])("%#: %s", (text, extra) =>
    withRepo({ "pyproject.toml": text }, (repo) => expect(pyprojectTestExtra(repo)).toBe(extra)),
  );
});

describe("the deploy's test job", () => {
  it("runs the team's command in its folder, after installing the project with its dev extra", async () => {
    await withRepo(
      { ".github/workflows/tests.yml": PRETIX, "pyproject.toml": PYPROJECT, "src/manage.py": "", "src/setup.cfg": "" },
      async (repo) => {
        const { input } = chainFile(EXAMPLE("django-postgres"));
        // No command declared in the inventory: the team's CI says.
        const deploy = { ...input.inventory.deploy, testCommand: undefined };
        const run = { ...input, repoDir: repo, inventory: { ...input.inventory, deploy } };
        const result = cicdPhase.offline(run);
        expect(result.testCommand).toBe(
          "pytest -n 3 -p no:sugar --cov=./ --cov-report=xml tests --ignore=tests/e2e --maxfail=100",
        );
        const artifacts = await cicdPhase.render(result, run);
        const wf = parse(artifacts.find((a) => a.path === CICD_PATHS.workflow)!.content) as {
          jobs: { test: { steps: { name: string; run?: string; "working-directory"?: string }[] } };
        };
        const steps = wf.jobs.test.steps;
        expect(steps.find((s) => s.name === "Run tests")!["working-directory"]).toBe("src");
        expect(steps.find((s) => s.name === "Install dependencies")!.run).toContain(
          `python -m pip install -e ".[dev]"`,
        );
      },
    );
  });
});
