// The deploy's test job for a Ruby, Node or PHP app runs what the team's own CI runs: its test
// command, after the setup its job does first (a local composite action's steps inlined, the job's
// services and environment, the packages it installs). Redmine's tests.yml is the model: a
// composite action installs packages, writes config/database.yml for the matrix's database and runs
// `rake ci:setup` before `bin/rails test`. What cannot be carried safely falls back to our own setup,
// and the pipeline README says why. A Rails app whose repository has no database.yml gets one.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { cicdPhase, CICD_PATHS } from "../../../src/phases/cicd/index.js";
import { teamTestSite } from "../../../src/phases/cicd/team-test.js";
import { matrixLookup, teamTestSetup } from "../../../src/phases/cicd/team-test-setup.js";
import { databaseOfService } from "../../../src/phases/cicd/team-test-carry.js";
import { evaluateCondition, substitute } from "../../../src/phases/cicd/workflow-expressions.js";
import type { Deployment } from "../../../src/contracts/deployment.js";
import { renderOffline } from "../../helpers/offline-output.js";
import { ROOT } from "../../helpers/phase-input.js";
import { seedDeployment, seedInput } from "./fixtures.js";

type Step = {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
};
type Job = { services?: Record<string, { image: string }>; env?: Record<string, string>; steps: Step[] };

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function repoWith(files: Record<string, string>): Promise<string> {
  const repo = await mkdtemp(path.join(tmpdir(), "team-setup-"));
  dirs.push(repo);
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(repo, file)), { recursive: true });
    await writeFile(path.join(repo, file), text);
  }
  return repo;
}

// Redmine's tests.yml and setup-redmine action, cut to what the rules read.
const TESTS_YML = `on: push
jobs:
  tests:
    strategy:
      matrix:
        ruby: ['3.2', '3.3', '3.4']
        db: ['postgresql', 'mysql2', 'sqlite3']
    services:
      mysql:
        image: mysql:8.4
        env:
          MYSQL_DATABASE: redmine_test
          MYSQL_ROOT_PASSWORD: 'root'
        ports:
          - 3306:3306
    steps:
      - uses: actions/checkout@v6
      - name: Setup Redmine test environment
        uses: ./.github/actions/setup-redmine
        with:
          db-type: \${{ matrix.db }}
          ruby-version: \${{ matrix.ruby }}
      - name: Run tests
        run: |
          bin/rails test
      - name: Run autoload test
        run: bin/rails test:autoload
`;
const ACTION_YML = `name: Setup
inputs:
  db-type:
    required: true
  ruby-version:
    required: true
runs:
  using: composite
  steps:
    - name: Install dependencies
      shell: bash
      run: |
        sudo apt-get update
        sudo apt-get install --yes ghostscript bzr cvs
    - if: \${{ inputs.db-type == 'sqlite3' }}
      name: Prepare test database for sqlite3
      shell: bash
      run: echo sqlite
    - if: \${{ inputs.db-type == 'mysql2' || inputs.db-type == 'postgresql' }}
      name: Prepare test database
      shell: bash
      run: |
        cat > config/database.yml <<EOF
        test:
          adapter: \${{ inputs.db-type }}
          database: redmine_test
        EOF
    - name: Install Ruby and gems
      uses: ruby/setup-ruby@v1
      with:
        ruby-version: \${{ inputs.ruby-version }}
        bundler-cache: true
    - name: Run prepare test environment
      shell: bash
      env:
        RAILS_ENV: test
      run: bundle exec rake ci:setup
`;
const RAILS = {
  Gemfile: "source 'https://rubygems.org'\ngem 'rails'\n",
  "Gemfile.lock": "GEM\n  specs:\n    mysql2 (0.5.6)\n    rails (7.2.3)\n",
  "config/application.rb": "require 'rails/all'\n",
  ".gitignore": "/config/database.yml\n",
};
const MYSQL: Deployment["database"] = {
  instance: "app-db",
  engine: "mysql",
  databaseVersion: "MYSQL_8_0",
  tier: "db-custom-1-3840",
  highAvailability: false,
  readReplicas: 0,
  storageGiB: 10,
  pointInTimeRecovery: true,
};

describe("workflow expressions", () => {
  const lookup = (ref: string) => ({ "matrix.db": "mysql2", "inputs.kind": "unit" })[ref];
  it.each([
    ["${{ matrix.db == 'mysql2' }}", true],
    ["matrix.db == 'sqlite3' || matrix.db == 'mysql2'", true],
    ["matrix.db != 'mysql2'", false],
    ["${{ inputs.kind == 'unit' && matrix.db == 'pg' }}", false],
    ["!cancelled()", true],
    ["always()", true],
    ["failure()", false],
    ["github.ref == 'refs/heads/main'", undefined],
    ["matrix.os == 'ubuntu'", undefined],
    ["contains(matrix.db, 'mysql')", undefined],
  ])("%s → %s", (condition, value) => expect(evaluateCondition(condition, lookup)).toBe(value));

  it.each([
    ["adapter: ${{ matrix.db }}", "adapter: mysql2"],
    ["x${{ inputs.kind }}y", "xunity"],
    ["token ${{ secrets.TOKEN }}", undefined],
    ["${{ steps.cache.outputs.dir }}", undefined],
  ])("substitutes %s", (text, out) => expect(substitute(text, lookup)).toBe(out));
});

describe("matrixLookup", () => {
  const matrix = {
    db: ["postgresql", "mysql2", "sqlite3"],
    ruby: ["3.2", "3.3"],
    php: ["8.4"],
    os: ["a", "b"],
    runner: ["macos-latest", "ubuntu-22.04-arm", "ubuntu-22.04", "windows-latest"],
  };
  it.each([
    ["mysql", "matrix.db", "mysql2"],
    ["postgres", "matrix.db", "postgresql"],
    ["mysql", "matrix.ruby", "3.3"],
    ["mysql", "matrix.php", "8.4"],
    ["mysql", "matrix.os", undefined],
    ["mysql", "matrix.runner", "ubuntu-22.04"],
    ["mysql", "matrix.none", undefined],
  ])("%s: %s → %s", (engine, ref, value) =>
    expect(matrixLookup(matrix, { stack: "ruby", engine, runtimeVersion: "3.3" })(ref)).toBe(value),
  );
});

describe("teamTestSetup", () => {
  it("inlines the composite action for the app's database, split around the runtime's setup", async () => {
    const repo = await repoWith({
      ".github/workflows/tests.yml": TESTS_YML,
      ".github/actions/setup-redmine/action.yml": ACTION_YML,
    });
    const site = teamTestSite(repo, "ruby")!;
    expect(site.test.command).toBe("bin/rails test");
    const setup = teamTestSetup(repo, site, { stack: "ruby", engine: "mysql", runtimeVersion: "3.3" });
    expect(setup.blocked).toEqual([]);
    expect(setup.before.map((s) => s.name)).toEqual(["Install dependencies", "Prepare test database"]);
    expect(setup.before[1]!.run).toContain("adapter: mysql2\n");
    expect(setup.after).toEqual([
      {
        name: "Run prepare test environment",
        run: "bundle exec rake ci:setup\n",
        dir: ".",
        env: { RAILS_ENV: "test" },
      },
    ]);
    expect(setup.services).toEqual({
      mysql: {
        image: "mysql:8.4",
        env: { MYSQL_DATABASE: "redmine_test", MYSQL_ROOT_PASSWORD: "root" },
        ports: ["3306:3306"],
      },
    });
  });

  it.each([
    [
      "a run step with a secret",
      "      - run: curl --user ${{ secrets.TOKEN }} https://example.com\n",
      /uses an expression we cannot resolve/,
    ],
    [
      "an action we cannot vet",
      "      - uses: someone/setup-things@v1\n",
      /`someone\/setup-things`, an action we do not run/,
    ],
    [
      "a condition on github.*",
      "      - if: github.event_name == 'push'\n        run: make db\n",
      /condition we cannot evaluate/,
    ],
    ["a PowerShell step", "      - shell: pwsh\n        run: Write-Host hi\n", /runs in `pwsh`/],
  ])("does not carry %s", async (_, step, reason) => {
    const workflow = `on: push\njobs:\n  test:\n    steps:\n${step}      - run: bundle exec rspec\n`;
    const repo = await repoWith({ ".github/workflows/ci.yml": workflow });
    const setup = teamTestSetup(repo, teamTestSite(repo, "ruby")!, { stack: "ruby", runtimeVersion: "3.3" });
    expect(setup.blocked.join("; ")).toMatch(reason);
  });

  it("leaves out what only caches or installs as our job does, and a secret variable without blocking", async () => {
    const workflow = `on: push
env:
  TOKEN: \${{ secrets.TOKEN }}
  NODE_ENV: test
jobs:
  test:
    steps:
      - uses: actions/checkout@v4
      - id: cache-dir
        run: echo "dir=$(yarn config get cacheFolder)" >> $GITHUB_OUTPUT
      - uses: actions/cache@v4
        with:
          path: \${{ steps.cache-dir.outputs.dir }}
      - uses: actions/setup-node@v4
      - run: yarn install --immutable
      - run: yarn run build
      - run: yarn test:server --maxWorkers=2
        env:
          DATABASE_URL: postgres://localhost/app_test
`;
    const repo = await repoWith({ ".github/workflows/ci.yml": workflow, "package.json": "{}" });
    const site = teamTestSite(repo, "node")!;
    expect(site.test.command).toBe("yarn run test:server --maxWorkers=2");
    const setup = teamTestSetup(repo, site, { stack: "node", runtimeVersion: "22" });
    expect(setup.blocked).toEqual([]);
    expect(setup.after.map((s) => s.run)).toEqual(["yarn run build\n"]);
    expect(setup.env).toEqual({ NODE_ENV: "test" });
    expect(setup.secretsLeftOut).toEqual(["TOKEN"]);
    expect(setup.testEnv).toEqual({ DATABASE_URL: "postgres://localhost/app_test" });
  });

  it("runs the job's own steps in its default folder, a composite action's at the root", async () => {
    const workflow = `on: push
jobs:
  test:
    defaults:
      run:
        working-directory: server
    steps:
      - run: sudo apt-get install -y libvips
      - uses: ./.github/actions/prepare
      - run: npm run test:unit
`;
    const action = "runs:\n  using: composite\n  steps:\n    - shell: bash\n      run: ./scripts/prepare.sh\n";
    const repo = await repoWith({
      ".github/workflows/ci.yml": workflow,
      ".github/actions/prepare/action.yml": action,
      "server/package.json": "{}",
    });
    const site = teamTestSite(repo, "node")!;
    expect(site.test).toMatchObject({ command: "npm run test:unit", dir: "server" });
    const setup = teamTestSetup(repo, site, { stack: "node", runtimeVersion: "22" });
    expect(setup.after.map((s) => [s.run, s.dir])).toEqual([
      ["sudo apt-get install -y libvips\n", "server"],
      ["./scripts/prepare.sh\n", "."],
    ]);
  });

  it("keeps the team's PHP extensions and resolves the versioned PHP binary of a matrix", async () => {
    const workflow = `on: push
jobs:
  build:
    strategy:
      matrix:
        php: ['8.2', '8.3']
    steps:
      - uses: shivammathur/setup-php@v2
        with:
          php-version: \${{ matrix.php }}
          extensions: gd, mbstring, mysql
      - run: sudo systemctl start mysql
      - run: composer install --prefer-dist --no-interaction
      - run: php\${{ matrix.php }} artisan migrate --force -n
      - run: php\${{ matrix.php }} ./vendor/bin/phpunit
`;
    const repo = await repoWith({ ".github/workflows/test-php.yml": workflow });
    const site = teamTestSite(repo, "php")!;
    expect(site.test.command).toBe("vendor/bin/phpunit");
    const setup = teamTestSetup(repo, site, { stack: "php", engine: "mysql", runtimeVersion: "8.3" });
    expect(setup.setupWith).toEqual({ extensions: "gd, mbstring, mysql" });
    expect(setup.after.map((s) => s.run)).toEqual([
      "sudo systemctl start mysql\n",
      "php8.3 artisan migrate --force -n\n",
    ]);
  });
});

describe("databaseOfService", () => {
  it.each([
    [
      { image: "mysql:8.4", env: { MYSQL_DATABASE: "db", MYSQL_ROOT_PASSWORD: "root" }, ports: ["3306:3306"] },
      { adapter: "mysql", port: "3306", user: "root", password: "root", name: "db" },
    ],
    [
      { image: "postgres:16", env: { POSTGRES_USER: "u", POSTGRES_PASSWORD: "p" }, ports: ["5433:5432"] },
      { adapter: "postgres", port: "5433", user: "u", password: "p", name: "u" },
    ],
    [{ image: "redis:7", ports: ["6379:6379"] }, undefined],
    [{ image: "mysql:8", env: { MYSQL_ROOT_PASSWORD: "x", MYSQL_DATABASE: "d" }, ports: ["3306/tcp"] }, undefined],
  ])("%#", (service, db) => expect(databaseOfService(service)).toEqual(db));
});

async function testJob(repoDir: string, deployment: Deployment = { ...seedDeployment(), database: MYSQL }) {
  const input = seedInput({ repoDir }, deployment);
  input.inventory.services = input.inventory.services.map((s) =>
    s.role === "web" || s.role === "worker"
      ? { ...s, software: "puma", command: "bundle exec puma", runtime: "ruby" }
      : s,
  );
  input.inventory.deploy.testCommand = undefined;
  const result = cicdPhase.offline(input);
  const artifacts = await cicdPhase.render(result, input);
  const workflow = artifacts.find((a) => a.path === CICD_PATHS.workflow)!.content;
  const readme = artifacts.find((a) => a.path === CICD_PATHS.readme)!.content;
  const job = (parse(workflow) as { jobs: Record<string, Job> }).jobs.test!;
  return { job, readme, artifacts, input };
}

describe("the deploy's test job", () => {
  it("runs the team's command after the team's setup, with its services, and still validates", async () => {
    const repo = await repoWith({
      ...RAILS,
      ".github/workflows/tests.yml": TESTS_YML,
      ".github/actions/setup-redmine/action.yml": ACTION_YML,
    });
    const { job, readme, artifacts, input } = await testJob(repo);
    expect(job.steps.map((s) => s.name)).toEqual([
      "Check out",
      "Install dependencies (as .github/workflows/tests.yml does)",
      "Prepare test database (as .github/workflows/tests.yml does)",
      "Set up Ruby",
      "Run prepare test environment (as .github/workflows/tests.yml does)",
      "Run tests",
    ]);
    expect(job.steps.at(-1)!.run).toBe("bin/rails test\n");
    expect(Object.keys(job.services!)).toEqual(["mysql"]);
    expect(job.services!.mysql!.image).toBe("mysql:8.4");
    // The team's scripts run as its CI runs them; ours stay checked.
    expect(job.steps[1]!.run).toMatch(
      /^# Copied from \.github\/workflows\/tests\.yml, as your CI runs it\.\n# shellcheck disable=all\nsudo apt-get update\n/,
    );
    expect(readme).toContain("The test job repeats the setup your `.github/workflows/tests.yml` (job `tests`)");
    expect(await cicdPhase.validate!(artifacts, input, { source: "model" })).toEqual([]);
  });

  it("keeps its own setup when the team's cannot be carried, writes the test database.yml, and says why", async () => {
    const workflow = `on: push\njobs:\n  test:\n    steps:\n      - uses: someone/setup-db@v1\n      - run: bin/rails test\n`;
    const repo = await repoWith({ ...RAILS, ".github/workflows/ci.yml": workflow });
    const { job, readme, artifacts, input } = await testJob(repo);
    expect(job.services).toHaveProperty("mysql");
    expect(job.services!.mysql!.image).toBe("mysql:8.0");
    const names = job.steps.map((s) => s.name);
    expect(names.slice(0, 3)).toEqual([
      "Check out",
      "Write the test database settings (config/database.yml is not in the repository)",
      "Set up Ruby",
    ]);
    expect(job.steps[1]!.run).toBe(
      "cat > config/database.yml <<'YAML'\ntest:\n  adapter: mysql2\n  database: test\n  username: test\n  password: test\n  host: 127.0.0.1\n  port: 3306\nYAML\n",
    );
    expect(job.steps.at(-1)!.run).toBe("bin/rails test\n");
    expect(readme).toMatch(
      /does not repeat the setup your `\.github\/workflows\/ci\.yml` \(job `test`\).*`someone\/setup-db`/,
    );
    expect(await cicdPhase.validate!(artifacts, input, { source: "model" })).toEqual([]);
  });

  it("writes no database.yml when the repository tracks one", async () => {
    const { ".gitignore": _, ...tracked } = RAILS;
    const repo = await repoWith({ ...tracked, "config/database.yml": "test:\n  adapter: mysql2\n" });
    const { job } = await testJob(repo);
    expect(job.steps.map((s) => s.name)).not.toContain(
      "Write the test database settings (config/database.yml is not in the repository)",
    );
  });
});

describe("the corpus apps' test jobs run what their own CI runs", () => {
  const testJobOf = async (app: string) => {
    const out = await renderOffline(path.join(ROOT, "test/fixtures/real", app, "inventory.yaml"));
    const text = out.artifacts.find((a) => a.path === CICD_PATHS.workflow)!.content;
    const readme = out.artifacts.find((a) => a.path === CICD_PATHS.readme)!.content;
    return { job: (parse(text) as { jobs: Record<string, Job> }).jobs.test!, readme };
  };
  const names = (job: Job) => job.steps.map((s) => s.name!.replace(/ \(as \.github\/workflows\/[\w.-]+ does\)$/, ""));

  it("Redmine: its composite action's packages, database.yml for MySQL and `rake ci:setup`, then `bin/rails test`", async () => {
    const { job, readme } = await testJobOf("redmine");
    expect(names(job)).toEqual([
      "Check out",
      "Install dependencies and configure environment",
      "Allow imagemagick to read PDF files",
      "Prepare test database for mysql2 and postgresql",
      "Set up Ruby",
      "Run prepare test environment",
      "Run tests",
    ]);
    expect(job.steps[3]!.run).toContain(
      "  adapter: mysql2\n  database: redmine_test\n  username: root\n  password: root\n",
    );
    expect(job.steps[5]!.env).toEqual({ RAILS_ENV: "test", SCMS: "subversion,git,git_utf8,filesystem,bazaar,cvs" });
    expect(job.steps[5]!.run).toContain("bundle exec rake ci:setup\n");
    expect(job.steps.at(-1)!.run).toBe("bin/rails test\n");
    expect(job.services!.mysql).toMatchObject({ image: "mysql:8.4", env: { MYSQL_DATABASE: "redmine_test" } });
    expect(readme).toContain("repeats the setup your `.github/workflows/tests.yml` (job `tests`)");
  });

  it("Maybe: its packages, its Postgres and Redis, `db:schema:load`, then `bin/rails test`", async () => {
    const { job } = await testJobOf("maybe");
    expect(names(job)).toEqual([
      "Check out",
      "Install packages",
      "Set up Ruby",
      "DB setup and smoke test",
      "Run tests",
    ]);
    expect(job.env).toMatchObject({ RAILS_ENV: "test", DATABASE_URL: "postgres://postgres:postgres@localhost:5432" });
    expect(Object.keys(job.services!)).toEqual(["postgres", "redis"]);
    expect(job.steps.at(-1)!.run).toBe("bin/rails test\n");
  });

  it("BookStack: the runner's MySQL started and seeded as its test-php.yml does, then PHPUnit", async () => {
    const { job } = await testJobOf("bookstack");
    expect(job.services).toBeUndefined();
    expect(names(job)).toEqual([
      "Check out",
      "Set up PHP",
      "Install dependencies",
      "Start Database",
      "Setup Database",
      "Migrate and seed the database",
      "Run tests",
    ]);
    expect(job.steps[1]!.with).toMatchObject({ extensions: "gd, mbstring, json, curl, xml, mysql, ldap, gmp" });
    expect(job.steps.at(-1)!.run).toBe("vendor/bin/phpunit\n");
  });

  it("HedgeDoc: its build, then its mocha suite (not `npm test`, which lints first)", async () => {
    const { job } = await testJobOf("hedgedoc");
    expect(names(job)).toEqual(["Check out", "Set up Node.js", "Install dependencies", "Build project", "Run tests"]);
    expect(job.steps.at(-1)!.run).toBe("yarn run mocha-suite\n");
  });
});
