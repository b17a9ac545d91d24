// Commands an app runs once (a oneshot unit, a Procfile release: line, its container entrypoint's
// steps before the server) each get a place: migrations stay the migrate job, per-release upgrade
// steps run as Cloud Run jobs after the migrations and before the services, registrations after
// the services, an empty database's setup only while EMPTY_DATABASE is true, static-asset steps
// belong to the image's build, anything else is named word for word in the plan.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { parse } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { runOnceKind, waitingFor, waitingText } from "../../../src/contracts/run-once.js";
import { buildContext } from "../../../src/phases/cicd/context.js";
import { migrations } from "../../../src/phases/cicd/migrations.js";
import { offlineCicd } from "../../../src/phases/cicd/offline.js";
import { cicdPlanSteps } from "../../../src/phases/cicd/plan-steps.js";
import { CICD_PATHS, renderCicd } from "../../../src/phases/cicd/render.js";
import { runOncePlan } from "../../../src/phases/cicd/run-once-jobs.js";
import { entrypointCommands, jobArgv } from "../../../src/phases/cicd/run-once-steps.js";
import { openRepo } from "../../../src/image/repo.js";
import { actionlint } from "../../../src/validate/actionlint.js";
import { chain } from "../../helpers/chain.js";
import { NODE_APP } from "../../helpers/node-shop.js";
import { TempTrees } from "../../helpers/file-tree.js";
import { checkGcloud, gcloudCallsIn } from "../../helpers/gcloud-check.js";
import { writeOffline } from "../../helpers/offline-output.js";
import { inputFromFile, inputFromYaml, ROOT } from "../../helpers/phase-input.js";

const trees = new TempTrees("im-run-once-");
afterAll(() => trees.removeAll());

describe("runOnceKind", () => {
  it.each([
    ["tsx ./scripts/setup-db.ts", "database-setup"],
    ["bundle exec rake db:seed", "seed"],
    ["python manage.py loaddata initial_project_templates", "seed"],
    ["npx sequelize-cli db:seed:all", "seed"],
    ["npx knex seed:run", "seed"],
    // Undoing or replanting seeds empties tables: never a seed job.
    ["npx sequelize-cli db:seed:undo:all", "unknown"],
    ["bin/rails db:seed:replant", "unknown"],
    ["bundle exec rake db:migrate db:seed", "seed"],
    ["yarn database:migrate:prod", "migration"],
    ["python manage.py migrate --noinput", "migration"],
    ["bin/rails db:prepare", "migration"],
    ["flask db upgrade", "migration"],
    ["alembic upgrade head", "migration"],
    ["sequelize db:migrate:undo", "unknown"],
    ["knex migrate:make add_users", "unknown"],
    ["yarn command:prod upgrade", "release"],
    ["php occ upgrade", "release"],
    ["yarn command:prod cron:register:all", "registration"],
    ["python manage.py setup_periodic_tasks", "registration"],
    ["python manage.py collectstatic --noinput", "assets"],
    ["bin/rails assets:precompile", "assets"],
    ["pip install --upgrade pip", "unknown"],
    ["yarn command:prod cleanup", "unknown"],
  ])("%s -> %s", (command, kind) => {
    expect(runOnceKind(command)).toBe(kind);
  });
});

describe("jobArgv", () => {
  it.each([
    ["/opt/app/venv/bin/python manage.py upgrade_data", {}, "", { argv: ["python", "manage.py", "upgrade_data"] }],
    ["/usr/bin/yarn command:prod upgrade", {}, "", { argv: ["yarn", "command:prod", "upgrade"] }],
    [
      'NODE_OPTIONS="--max-old-space-size=1500" tsx ./scripts/setup-db.ts',
      {
        "srv/package.json": '{"devDependencies":{"tsx":"^4.0.0"}}',
        "srv/scripts/setup-db.ts": "",
        "srv/yarn.lock": "",
        "srv/.yarnrc.yml": "",
      },
      "srv",
      { argv: ["yarn", "tsx", "./scripts/setup-db.ts"] },
    ],
    [
      "tsx ./scripts/setup-db.ts",
      { "package.json": "{}", "package-lock.json": "{}" },
      "",
      { problem: "it runs ./scripts/setup-db.ts, which is not in the repository's root, where the image runs" },
    ],
    ["cd /srv/app && ./manage.py a | tee x", {}, "", { problem: "it is more than one plain command (run it by hand)" }],
    // npx fetches a program no package.json the image's manager reads depends on at the version the
    // repository pins: the lockfile's, else package.json's range; unpinned only when nothing names it.
    [
      "tsx ./scripts/setup-db.ts",
      {
        "package.json": '{"workspaces":["srv"],"packageManager":"yarn@4.9.2","devDependencies":{"tsx":"^4.17.0"}}',
        ".yarnrc.yml": "nodeLinker: node-modules\n",
        "yarn.lock":
          '__metadata:\n  version: 8\n\n"tsx@npm:^4.17.0, tsx@npm:^4.7.0":\n  version: 4.19.3\n  resolution: "tsx@npm:4.19.3"\n\n"tsx-helper@npm:^1.0.0":\n  version: 1.2.0\n',
        "srv/package.json": "{}",
        "srv/scripts/setup-db.ts": "",
      },
      "srv",
      {
        argv: ["npx", "--yes", "tsx@4.19.3", "./scripts/setup-db.ts"],
        note: "npx fetches tsx@4.19.3 (the version the lockfile resolved) when the job runs: Yarn runs only srv's own dependencies' programs there, and tsx is the workspace root's",
      },
    ],
    [
      "tsx ./scripts/setup-db.ts",
      {
        "package.json": '{"devDependencies":{"typescript":"5.3.3"}}',
        "package-lock.json": '{"packages":{"node_modules/tsx":{"version":"4.20.1"}}}',
        "scripts/setup-db.ts": "",
      },
      "",
      {
        argv: ["npx", "--yes", "tsx@4.20.1", "./scripts/setup-db.ts"],
        note: "npx fetches tsx@4.20.1 (the version the lockfile resolved) when the job runs: no package.json of the app depends on it",
      },
    ],
    [
      "tsx ./scripts/setup-db.ts",
      { "package.json": "{}", "package-lock.json": "{}", "scripts/setup-db.ts": "" },
      "",
      {
        argv: ["npx", "--yes", "tsx", "./scripts/setup-db.ts"],
        note: "npx fetches the newest tsx when the job runs: no package.json of the app depends on it",
      },
    ],
    // Yarn classic runs the workspace root's programs from a member's folder too (yarnpkg/yarn#9079).
    [
      "tsx ./scripts/setup-db.ts",
      {
        "package.json": '{"workspaces":["srv"],"devDependencies":{"tsx":"^4.17.0"}}',
        "yarn.lock": "",
        "srv/package.json": "{}",
        "srv/scripts/setup-db.ts": "",
      },
      "srv",
      { argv: ["yarn", "tsx", "./scripts/setup-db.ts"] },
    ],
  ])("%s", async (command, files, dir, expected) => {
    const repo = openRepo(await trees.make({ ".keep": "", ...files }));
    expect(jobArgv(command, repo, dir)).toEqual(expected);
  });
});

const TWENTY = path.join(ROOT, "test/fixtures/real/twenty");
const twentyRepo = path.join(TWENTY, "vm/opt/twenty");

describe("Twenty's entrypoint: setup-db into an empty database, upgrade each release, cron:register:all", () => {
  const { input } = chain({ ...inputFromFile(path.join(TWENTY, "inventory.yaml")), repoDir: twentyRepo });
  const result = offlineCicd(input);
  const workflow = renderCicd(result, input).find((a) => a.path === CICD_PATHS.workflow)!.content;
  const steps = (parse(workflow) as { jobs: { deploy: { steps: Array<{ name: string; run?: string; if?: string }> } } })
    .jobs.deploy.steps;

  it("reads the entrypoint's app commands in order", async () => {
    const text = await readFile(path.join(twentyRepo, "packages/twenty-docker/twenty/entrypoint.sh"), "utf8");
    expect(entrypointCommands(text)).toEqual([
      'NODE_OPTIONS="--max-old-space-size=1500" tsx ./scripts/setup-db.ts',
      "yarn database:migrate:prod",
      "yarn command:prod upgrade",
      "yarn command:prod cron:register:all",
    ]);
  });

  it("the deploy runs setup (gated) → migrate → upgrade → the services → register, in the server's image", () => {
    const plan = runOncePlan(buildContext(input));
    expect(plan.setup.map((j) => [j.job.name, j.job.command])).toEqual([
      // tsx is the workspace root's development dependency only: Yarn Berry runs no root program
      // from packages/twenty-server, so npx fetches it, at the root package.json's range.
      ["twenty-setup", ["npx", "--yes", "tsx@^4.17.0", "./scripts/setup-db.ts"]],
    ]);
    expect(plan.release.map((j) => [j.job.name, j.job.command])).toEqual([
      ["twenty-release", ["yarn", "command:prod", "upgrade"]],
    ]);
    expect(plan.registration.map((j) => [j.job.name, j.job.command])).toEqual([
      ["twenty-register", ["yarn", "command:prod", "cron:register:all"]],
    ]);
    expect(plan.open).toEqual([]);
    // The migrate job's settings: the same secrets and Cloud SQL instance.
    const [migrate] = migrations(buildContext(input));
    for (const j of [...plan.setup, ...plan.release, ...plan.registration]) {
      expect(j.job.kind).toBe("job");
      expect(j.job.secrets).toEqual(migrate!.job.secrets);
      expect(j.job.cloudSqlInstance).toBe(migrate!.job.cloudSqlInstance);
    }
    const at = (re: RegExp) => steps.findIndex((s) => re.test(s.name));
    const order = [
      at(/^Set up the empty database/),
      at(/^Migrate the database/),
      at(/^Run the release's upgrade step/),
      at(/^Deploy twenty /),
      at(/^Register the release's background work/),
    ];
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(order[4]).toBe(steps.length - 1);
    expect(steps[order[0]!]!.if).toBe("${{ vars.EMPTY_DATABASE == 'true' }}");
    for (const i of [order[0]!, order[2]!, order[4]!]) {
      expect(steps[i]!.run).toMatch(/--strategy job --execute/);
      expect(steps[i]!.run).toContain("--max-retries=0");
      expect(steps[i]!.run).toContain("--set-cloudsql-instances=");
    }
  });

  it("the pipeline's README lists the jobs in the order they run", () => {
    const readme = renderCicd(result, input).find((a) => a.path === CICD_PATHS.readme)!.content;
    const rows = readme.split("\n").filter((l) => /^\| `twenty-(setup|migrate|release|register)` \|/.test(l));
    expect(rows.map((r) => r.split("`")[1])).toEqual([
      "twenty-setup",
      "twenty-migrate",
      "twenty-release",
      "twenty-register",
    ]);
    expect(rows[3]).toContain("| after the services (each release) | `yarn command:prod cron:register:all` |");
  });

  it("the plan says when to set and delete EMPTY_DATABASE, and reruns upgrade and register after the copy", () => {
    const plan = cicdPlanSteps(result, input);
    const empty = plan.find((s) => s.title === "An empty database's first setup")!;
    expect(empty.body).toContain('`NODE_OPTIONS="--max-old-space-size=1500" tsx ./scripts/setup-db.ts`');
    expect(empty.commands).toEqual([
      "gh variable set EMPTY_DATABASE --repo acme/twenty --body true",
      "gh variable delete EMPTY_DATABASE --repo acme/twenty",
    ]);
    const first = plan.find((s) => s.title === "First deploy")!;
    expect(first.body).toContain("`twenty-release` (`yarn command:prod upgrade`)");
    expect(first.body).toContain("`twenty-register` (`yarn command:prod cron:register:all`)");
    const copy = plan.find((s) => s.title === "Bring the copied database up to date")!;
    expect(copy.commands!.filter((c) => c.startsWith("gcloud run jobs execute")).map((c) => c.split(" ")[4])).toEqual([
      "twenty-migrate",
      "twenty-release",
      "twenty-register",
    ]);
  });

  it("the workflow passes actionlint and the real gcloud parses the job commands", async () => {
    const dir = await trees.make({ ".keep": "" });
    const out = path.join(dir, "out");
    await writeOffline(path.join(TWENTY, "inventory.yaml"), out, twentyRepo);
    const text = await readFile(path.join(out, CICD_PATHS.workflow), "utf8");
    expect(await actionlint(text, CICD_PATHS.workflow)).toEqual([]);
    const calls = (await gcloudCallsIn(out)).filter((c) => c.argv[0] === "run" && c.argv[1] === "jobs");
    const names = new Set(calls.map((c) => c.argv[3]));
    for (const job of ["twenty-setup", "twenty-migrate", "twenty-release", "twenty-register"])
      expect(names, job).toContain(job);
    expect(calls.some((c) => c.argv[2] === "execute" && c.argv.includes("--wait"))).toBe(true);
    const check = await checkGcloud(calls);
    if (check.skipped) return;
    expect(check.findings).toEqual([]);
  });
});

describe("a VM's oneshot units and a Procfile release: line", () => {
  it("become jobs by kind; a migration with no other source is the migrate job; the rest is named", async () => {
    const repoDir = await trees.make({
      "package.json": JSON.stringify({ scripts: { start: "node server.js" } }),
      "package-lock.json": "{}",
      "server.js": "",
      Procfile: "web: node server.js\nrelease: npx knex migrate:latest && node scripts/warm.js\n",
    });
    const yaml = NODE_APP(
      [
        `  - { name: shop-upgrade, role: other, software: node, runtime: node, runsOnce: true, systemdUnit: shop-upgrade.service, command: "/usr/bin/node cli.js upgrade", dependsOn: [postgres], env: [DATABASE_URL] }`,
        `  - { name: shop-schedules, role: other, software: node, runtime: node, runsOnce: true, systemdUnit: shop-schedules.service, command: "/usr/bin/node cli.js schedules:register" }`,
      ].join("\n"),
    );
    const { input } = chain({ ...inputFromYaml(yaml), repoDir });
    const ctx = buildContext(input);
    const plan = runOncePlan(ctx);
    expect(plan.release.map((j) => j.job.command)).toEqual([["node", "cli.js", "upgrade"]]);
    expect(plan.registration.map((j) => j.job.command)).toEqual([["node", "cli.js", "schedules:register"]]);
    expect(plan.setup).toEqual([]);
    expect(plan.open.map((s) => [s.command, s.from])).toEqual([
      ["node scripts/warm.js", "the Procfile's release: line"],
    ]);
    expect(migrations(ctx).map((m) => m.job.command)).toEqual([["npx", "knex", "migrate:latest"]]);
    const steps = cicdPlanSteps(offlineCicd(input), input);
    const once = steps.find((s) => s.title === "Commands the VM runs once")!;
    expect(once.body).toContain("`node scripts/warm.js` (the Procfile's release: line) is not a step the rules know");
    expect(steps.find((s) => s.title === "An empty database's first setup")).toBeUndefined();
  });

  it("a Rails Procfile's assets:precompile is the image's build, not a deploy step", async () => {
    const repoDir = await trees.make({
      Gemfile: "source 'https://rubygems.org'\ngem 'rails'\n",
      "bin/rails": "",
      Procfile: "web: bundle exec puma\nrelease: bin/rails db:migrate && bin/rails assets:precompile\n",
    });
    const yaml = NODE_APP("").replace(
      'software: node, runtime: node, command: "/usr/bin/node server.js"',
      'software: puma, runtime: ruby, framework: rails, command: "bundle exec puma"',
    );
    const { input } = chain({ ...inputFromYaml(yaml), repoDir });
    const plan = runOncePlan(buildContext(input));
    expect(plan.assets.map((s) => s.command)).toEqual(["bin/rails assets:precompile"]);
    expect([...plan.setup, ...plan.release, ...plan.registration, ...plan.open]).toEqual([]);
    const body = cicdPlanSteps(offlineCicd(input), input).find((s) => s.title === "Commands the VM runs once")!.body;
    expect(body).toContain("the generated Dockerfile already runs it in the image's build");
  });
});

describe("a unit's ExecStartPre= commands (inventory beforeStart)", () => {
  const withBeforeStart = (commands: string[]) =>
    NODE_APP("").replace(
      'command: "/usr/bin/node server.js",',
      `command: "/usr/bin/node server.js", systemdUnit: shop.service, beforeStart: ${JSON.stringify(commands)},`,
    );

  it("a migration is the migrate job when nothing else names one; the others get their place", async () => {
    const repoDir = await trees.make({
      "package.json": JSON.stringify({ scripts: { start: "node server.js" } }),
      "package-lock.json": "{}",
      "server.js": "",
      "scripts/warm-cache.js": "",
      "cli.js": "",
    });
    const yaml = withBeforeStart([
      "/usr/bin/npx knex migrate:latest",
      "/usr/bin/node /opt/shop/cli.js upgrade",
      "/usr/bin/node /opt/shop/scripts/warm-cache.js",
      "/usr/bin/node /opt/shop/scripts/gone.js",
    ]);
    const { input } = chain({ ...inputFromYaml(yaml), repoDir });
    const ctx = buildContext(input);
    expect(migrations(ctx).map((m) => [m.job.command, m.tool])).toEqual([
      [["npx", "knex", "migrate:latest"], "ExecStartPre= of shop.service: /usr/bin/npx knex migrate:latest"],
    ]);
    const plan = runOncePlan(ctx);
    // The VM's path to the checkout is the image's folder, where the repository holds the file.
    expect(plan.release.map((j) => j.job.command)).toEqual([["node", "./cli.js", "upgrade"]]);
    expect(plan.open.map((s) => [s.command, s.argv ?? s.problem])).toEqual([
      ["/usr/bin/node /opt/shop/scripts/warm-cache.js", ["node", "./scripts/warm-cache.js"]],
      [
        "/usr/bin/node /opt/shop/scripts/gone.js",
        "it names /opt/shop/scripts/gone.js, a path on the VM that is not in the repository",
      ],
    ]);
    const once = cicdPlanSteps(offlineCicd(input), input).find((s) => s.title === "Commands the VM runs once")!;
    expect(once.body).toContain(
      "`/usr/bin/node /opt/shop/scripts/warm-cache.js` (ExecStartPre= of shop.service) is not a step the rules know",
    );
  });

  it("collectstatic before a Django server starts is the image's build", async () => {
    const repoDir = await trees.make({ "manage.py": "", "requirements.txt": "django\ngunicorn\n" });
    const yaml = NODE_APP("").replace(
      'software: node, runtime: node, command: "/usr/bin/node server.js"',
      'software: gunicorn, runtime: python, framework: django, command: "/opt/shop/venv/bin/gunicorn shop.wsgi", beforeStart: ["/opt/shop/venv/bin/python manage.py collectstatic --noinput"]',
    );
    const { input } = chain({ ...inputFromYaml(yaml), repoDir });
    const plan = runOncePlan(buildContext(input));
    expect(plan.assets.map((s) => [s.command, s.from])).toEqual([
      ["/opt/shop/venv/bin/python manage.py collectstatic --noinput", "ExecStartPre= of api"],
    ]);
    expect([...plan.setup, ...plan.release, ...plan.registration, ...plan.open]).toEqual([]);
  });
});

describe("seed data that repeats safely", () => {
  it("a loaddata whose fixture objects all carry their pk runs with each release, and again after the copy", async () => {
    const repoDir = await trees.make({
      "manage.py": "",
      "requirements.txt": "django\ngunicorn\n",
      "shop/fixtures/base.json": JSON.stringify([{ model: "shop.kind", pk: 1, fields: { name: "book" } }]),
    });
    const yaml = NODE_APP("").replace(
      'software: node, runtime: node, command: "/usr/bin/node server.js"',
      'software: gunicorn, runtime: python, framework: django, command: "/opt/shop/venv/bin/gunicorn shop.wsgi", systemdUnit: shop.service, beforeStart: ["/opt/shop/venv/bin/python manage.py migrate", "/opt/shop/venv/bin/python manage.py loaddata base"]',
    );
    const { input } = chain({ ...inputFromYaml(yaml), repoDir });
    const plan = runOncePlan(buildContext(input));
    expect(plan.seed.map((j) => [j.job.name, j.job.command, j.step.seed?.repeatSafe])).toEqual([
      ["shop-seed", ["python", "manage.py", "loaddata", "base"], true],
    ]);
    const result = offlineCicd(input);
    const workflow = renderCicd(result, input).find((a) => a.path === CICD_PATHS.workflow)!.content;
    const steps = (parse(workflow) as { jobs: { deploy: { steps: Array<{ name: string; if?: string }> } } }).jobs.deploy
      .steps;
    const seed = steps.find((s) => s.name.startsWith("Load the app's seed data (safe to repeat)"))!;
    expect(seed.if).toBeUndefined();
    const plans = cicdPlanSteps(result, input);
    expect(plans.find((s) => s.title === "An empty database's first setup")).toBeUndefined();
    expect(plans.find((s) => s.title === "First deploy")!.body).toContain(
      "then the app's seed data `shop-seed` (`python manage.py loaddata base`), after the migrations (safe to repeat: every object of shop/fixtures/base.json carries its pk",
    );
    const copy = plans.find((s) => s.title === "Bring the copied database up to date")!;
    expect(copy.commands!.filter((c) => c.startsWith("gcloud run jobs execute")).map((c) => c.split(" ")[4])).toEqual([
      "shop-migrate",
      "shop-seed",
    ]);
  });
});

describe("Taiga's entrypoint: loaddata after the migrations is seed data, never skipped", () => {
  const TAIGA = path.join(ROOT, "test/fixtures/real/taiga");
  const { input } = chain({
    ...inputFromFile(path.join(TAIGA, "inventory.yaml")),
    repoDir: path.join(TAIGA, "vm/home/taiga/taiga-back"),
  });

  it("the fixture is not in the corpus: a seed job into an empty database only, and the plan says why", () => {
    const plan = runOncePlan(buildContext(input));
    expect(plan.seed.map((j) => [j.job.name, j.job.command, j.step.from, j.step.seed?.repeatSafe])).toEqual([
      [
        "taiga-back-seed",
        ["python", "manage.py", "loaddata", "initial_project_templates"],
        "docker/entrypoint.sh",
        false,
      ],
    ]);
    const steps = cicdPlanSteps(offlineCicd(input), input);
    const empty = steps.find((s) => s.title === "An empty database's first setup")!;
    expect(empty.body).toContain(
      "`python manage.py loaddata initial_project_templates` (docker/entrypoint.sh) loads the app's seed data after the migrations",
    );
    expect(empty.body).toContain("the fixture initial_project_templates is not in the repository");
    expect(empty.body).toContain(
      "`taiga-back-seed` (`python manage.py loaddata initial_project_templates`) after the migrations",
    );
    const workflow = renderCicd(offlineCicd(input), input).find((a) => a.path === CICD_PATHS.workflow)!.content;
    const steps2 = (parse(workflow) as { jobs: { deploy: { steps: Array<{ name: string; if?: string }> } } }).jobs
      .deploy.steps;
    const migrate = steps2.findIndex((s) => s.name.startsWith("Migrate the database"));
    const seed = steps2.findIndex((s) => s.name.startsWith("Load the app's seed data into the empty database"));
    expect(migrate).toBeGreaterThanOrEqual(0);
    expect(seed).toBe(migrate + 1);
    expect(steps2[seed]!.if).toBe("${{ vars.EMPTY_DATABASE == 'true' }}");
  });
});

describe("a run-once command the VM's processes wait for (DefectDojo's initializer)", () => {
  const DOJO = path.join(ROOT, "test/fixtures/real/defectdojo");
  const { input, design } = chain({
    ...inputFromFile(path.join(DOJO, "inventory.yaml")),
    repoDir: path.join(DOJO, "vm/opt/django-DefectDojo"),
  });

  it("the open decision and the plan say the VM runs it before every start of theirs", () => {
    const entry = design.mapping.find((m) => m.service === "initializer")!;
    expect(entry.target.kind).toBe("needs-decision");
    expect(entry.reason).toContain(
      "uwsgi, celeryworker and celerybeat wait for it to finish each time they start, so the VM runs it with every release today: the first option keeps that.",
    );
    const once = cicdPlanSteps(offlineCicd(input), input).find((s) => s.title === "Commands the VM runs once")!;
    expect(once.body).toContain(
      "`/entrypoint-initializer.sh` (the unit initializer) is not a step the rules know (nowhere yet: an open decision); uwsgi, celeryworker and celerybeat wait for it to finish each time they start, so the VM runs it with every release today: add it to the workflow as a Cloud Run job step like the migrate job, before the services deploy",
    );
    expect(once.body).not.toContain("otherwise run it once by hand");
  });

  it("nothing waits for a oneshot unit of a systemd VM: the text leaves the choice open", () => {
    expect(
      waitingFor("warm", [
        { name: "web", dependsOn: ["postgres"] },
        { name: "warm", runsOnce: true },
      ]),
    ).toEqual([]);
    expect(
      waitingFor("init", [
        { name: "a", dependsOn: ["init"] },
        { name: "b", dependsOn: ["init"], runsOnce: true },
      ]),
    ).toEqual(["a"]);
    expect(waitingText(["a"])).toBe(
      "a waits for it to finish each time it starts, so the VM runs it with every release today",
    );
    expect(waitingText([])).toBe("");
  });
});
