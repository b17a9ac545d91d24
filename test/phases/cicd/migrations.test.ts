// Schema migrations run as Cloud Run jobs, to the end, before anything new deploys: the app's
// own tool when we can tell which it is, the AI worker's table always.
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { cicdPhase, CICD_PATHS } from "../../../src/phases/cicd/index.js";
import { appMigrationTool, migrations } from "../../../src/phases/cicd/migrations.js";
import { buildContext } from "../../../src/phases/cicd/context.js";
import { chainFile, chainYaml, EXAMPLE } from "../../helpers/chain.js";

type Step = { name: string; run?: string };

async function deploySteps(input: Parameters<typeof cicdPhase.offline>[0]): Promise<Step[]> {
  const artifacts = await cicdPhase.render(cicdPhase.offline(input), input);
  const wf = parse(artifacts.find((a) => a.path === CICD_PATHS.workflow)!.content) as {
    jobs: { deploy: { steps: Step[] } };
  };
  // One line per step: the scripts wrap their flags over several lines.
  return wf.jobs.deploy.steps.filter((s) => s.run).map((s) => ({ ...s, run: s.run!.replace(/ \\\n\s+/g, " ") }));
}

describe("database migrations", () => {
  it("Django: manage.py migrate in the API's image and identity, first, run to the end, never retried", async () => {
    // After the cache address lookup (the job runs with the API's settings), before any deploy.
    const steps = (await deploySteps(chainFile(EXAMPLE("django-postgres")).input)).filter(
      (s) => !s.name.startsWith("Look up"),
    );
    expect(steps[0]!.name).toBe("Migrate the database (Django, Cloud Run job bookshop-web-migrate)");
    const run = steps[0]!.run!;
    expect(run).toContain("--service bookshop-web-migrate --strategy job --execute");
    expect(run).toContain('--image "$IMAGE:$GITHUB_SHA"');
    expect(run).toContain("--command=python --args=manage.py,migrate,--noinput");
    expect(run).toContain("--service-account=bookshop-web-sa@bookshop-prod.iam.gserviceaccount.com");
    expect(run).toContain("--set-cloudsql-instances=bookshop-prod:europe-west1:bookshop-web-db");
    expect(run).toContain("--set-secrets=DATABASE_URL=DATABASE_URL:latest");
    expect(run).toContain("--max-retries=0");
    expect(steps.slice(1).every((s) => !s.run!.includes("--execute"))).toBe(true);
  });

  it("the AI worker's table: migrate.py in the worker's own image, before the worker deploys", async () => {
    const steps = await deploySteps(chainFile(EXAMPLE("seed-vm")).input);
    const names = steps.map((s) => s.name);
    const at = names.indexOf("Migrate the database (ai_tasks table, Cloud Run job web-app-prod-ai-worker-migrate)");
    // Only look-ups (the Memorystore address) may come first: the migration runs before any deploy.
    expect(names.slice(0, at).every((n) => n?.startsWith("Look up"))).toBe(true);
    expect(steps[at]!.run).toContain('--image "$REGISTRY/web-app-prod-ai-worker:$GITHUB_SHA"');
    expect(steps[at]!.run).toContain("--command=python --args=migrate.py");
    expect(names.indexOf("Deploy web-app-prod-ai-worker (worker)")).toBeGreaterThan(at);
  });

  it.each([
    ["uvicorn app.main:app", "", undefined],
    ["gunicorn shop.wsgi:application", "", "Django"],
    ["bundle exec puma -C config/puma.rb", "bundle exec rails test", "Rails"],
    ["php-fpm", "php artisan test", "Laravel"],
  ])("%s (tests: %s) -> %s", (command, testCommand, tool) => {
    const { input } = chainFile(EXAMPLE("seed-vm"));
    const inventory = structuredClone(input.inventory);
    inventory.services = inventory.services.map((s) =>
      s.role === "web" ? { ...s, software: command.split(" ")[0]!, command } : s,
    );
    inventory.deploy.testCommand = testCommand || undefined;
    expect(appMigrationTool(inventory)?.tool).toBe(tool);
  });

  const DJANGO_MANAGE = "from django.core.management import execute_from_command_line\n";
  it.each([
    [{ "alembic.ini": "" }, "Alembic", ["alembic", "upgrade", "head"]],
    [{ "prisma/schema.prisma": "" }, "Prisma", ["npx", "prisma", "migrate", "deploy"]],
    [{ "manage.py": DJANGO_MANAGE }, "Django", ["python", "manage.py", "migrate", "--noinput"]],
    // An empty manage.py beside a manifest that installs Django.
    [
      { "manage.py": "", "requirements.txt": "Django==5.2\n" },
      "Django",
      ["python", "manage.py", "migrate", "--noinput"],
    ],
    // Redash's manage.py: a Flask CLI (click's FlaskGroup) with Flask-Migrate's `db` group.
    [
      {
        "manage.py": "from redash.cli import manager\n",
        "pyproject.toml": '[project]\ndependencies = [\n    "flask-migrate==2.5.2",\n]\n',
      },
      "Flask-Migrate, manage.py db upgrade",
      ["python", "manage.py", "db", "upgrade"],
    ],
    // Flask-Migrate's own layout (`flask db init` writes migrations/alembic.ini), run by Flask's CLI.
    [
      { "migrations/alembic.ini": "", "requirements.txt": "Flask-Migrate>=4\n" },
      "Flask-Migrate, flask db upgrade",
      ["flask", "db", "upgrade"],
    ],
  ])("a repository with %j -> %s (its files decide before the inventory's commands)", async (files, tool, command) => {
    const repo = await mkdtemp(path.join(tmpdir(), "migrate-repo-"));
    try {
      for (const [file, text] of Object.entries(files)) {
        await mkdir(path.dirname(path.join(repo, file)), { recursive: true });
        await writeFile(path.join(repo, file), text);
      }
      const { input } = chainFile(EXAMPLE("seed-vm"));
      expect(appMigrationTool(input.inventory, repo)).toEqual({ tool, command });
    } finally {
      await rm(repo, { recursive: true, force: true });
    }
  });

  it.each([
    // A manage.py of no framework we know: no guessed Django command.
    [{ "manage.py": "from app.cli import main\n" }, "manage.py rq worker"],
    // Flask without Flask-Migrate, and no alembic.ini: nothing says how its schema moves.
    [{ "manage.py": "from flask.cli import FlaskGroup\n", "requirements.txt": "flask\n" }, "manage.py runserver"],
  ])("a repository with %j and workers running `%s`: no migration tool, none guessed", async (files, worker) => {
    const repo = await mkdtemp(path.join(tmpdir(), "migrate-repo-"));
    try {
      for (const [file, text] of Object.entries(files)) await writeFile(path.join(repo, file), text);
      const { input } = chainFile(EXAMPLE("seed-vm"));
      const inventory = structuredClone(input.inventory);
      inventory.services = inventory.services.map((s) =>
        s.role === "web" ? { ...s, software: "gunicorn", command: "gunicorn app.wsgi:app" } : s,
      );
      inventory.services.push({
        ...inventory.services.find((s) => s.role === "web")!,
        name: "w",
        role: "worker",
        command: `python ${worker}`,
      });
      inventory.deploy.testCommand = undefined;
      expect(appMigrationTool(inventory, repo)).toBeUndefined();
    } finally {
      await rm(repo, { recursive: true, force: true });
    }
  });

  // Redash's release job was Django's `manage.py migrate --noinput`, a command its Flask CLI lacks.
  it("Redash: the migrate job runs Flask-Migrate's db upgrade through the app's manage.py", () => {
    const redash = path.resolve(import.meta.dirname, "../../fixtures/real/redash");
    const { input } = chainFile(path.join(redash, "inventory.yaml"));
    const [migration] = migrations(buildContext({ ...input, repoDir: path.join(redash, "vm/opt/redash") }));
    expect(migration!.tool).toBe("Flask-Migrate, manage.py db upgrade");
    expect(migration!.job.command).toEqual(["python", "manage.py", "db", "upgrade"]);
  });

  it.each([
    // DoctrineMigrationsBundle installed: its migrate command, not interactive.
    [
      { "bin/console": "", "composer.json": '{"require": {"doctrine/doctrine-migrations-bundle": "^3.4"}}' },
      "Doctrine Migrations",
    ],
    // bin/console alone is any Symfony app: no guessed migration job.
    [{ "bin/console": "", "composer.json": '{"require": {"symfony/framework-bundle": "^7.1"}}' }, undefined],
    // The bundle without a console to run it.
    [{ "composer.json": '{"require": {"doctrine/doctrine-migrations-bundle": "^3.4"}}' }, undefined],
  ])("a Symfony repository %j -> %s", async (files, tool) => {
    const repo = await mkdtemp(path.join(tmpdir(), "migrate-repo-"));
    try {
      for (const [file, text] of Object.entries(files)) {
        await mkdir(path.dirname(path.join(repo, file)), { recursive: true });
        await writeFile(path.join(repo, file), text);
      }
      const { input } = chainFile(EXAMPLE("seed-vm"));
      const found = appMigrationTool(input.inventory, repo);
      expect(found?.tool).toBe(tool);
      if (tool)
        expect(found!.command).toEqual([
          "php",
          "bin/console",
          "doctrine:migrations:migrate",
          "--no-interaction",
          "--allow-no-migration",
        ]);
    } finally {
      await rm(repo, { recursive: true, force: true });
    }
  });

  it.each([
    // Tandoor's image: the venv its entrypoint script activates is not on PATH for the job's command.
    [
      "FROM python:3.13-alpine\nWORKDIR /opt/recipes\nRUN python -m venv venv\nCOPY . ./\n",
      "/opt/recipes/venv/bin/python",
    ],
    // A venv the Dockerfile puts on PATH, or none: python as it is.
    ["FROM python:3.13\nRUN python -m venv /venv\nENV PATH=/venv/bin:$PATH\nCOPY . /app\n", "python"],
    ["FROM python:3.13\nCOPY . /app\nRUN pip install -r requirements.txt\n", "python"],
  ])("the team's Dockerfile %j: the migrate job runs %s", async (dockerfile, python) => {
    const repo = await mkdtemp(path.join(tmpdir(), "migrate-repo-"));
    try {
      await writeFile(path.join(repo, "manage.py"), DJANGO_MANAGE);
      await writeFile(path.join(repo, "Dockerfile"), dockerfile);
      const { input } = chainFile(EXAMPLE("django-postgres"));
      const [migration] = migrations(buildContext({ ...input, repoDir: repo }));
      expect(migration!.job.command).toEqual([python, "manage.py", "migrate", "--noinput"]);
    } finally {
      await rm(repo, { recursive: true, force: true });
    }
  });

  // Weblate's checkout (as read here) has no manage.py; gunicorn runs with DJANGO_SETTINGS_MODULE:
  // Django's own runner migrates with that settings module, which the job takes from its owner.
  it("Django with no manage.py in the repository: python -m django with the owner's settings module", () => {
    const weblate = path.resolve(import.meta.dirname, "../../fixtures/real/weblate");
    const { input } = chainFile(path.join(weblate, "inventory.yaml"));
    const repoDir = path.join(weblate, "vm/home/weblate/weblate-src");
    const [migration] = migrations(buildContext({ ...input, repoDir }));
    expect(migration!.tool).toBe("Django, python -m django");
    expect(migration!.job.command).toEqual(["python", "-m", "django", "migrate", "--noinput"]);
    expect(migration!.job.plainEnv).toContain("DJANGO_SETTINGS_MODULE");
    // No settings module named: manage.py as before (nothing says which settings to use).
    const inventory = structuredClone(input.inventory);
    for (const s of inventory.services) s.env = s.env?.filter((n) => n !== "DJANGO_SETTINGS_MODULE");
    expect(appMigrationTool(inventory, repoDir)?.command).toEqual(["python", "manage.py", "migrate", "--noinput"]);
  });

  it("says when the team image's start script migrates too, at every container start", async () => {
    const repo = await mkdtemp(path.join(tmpdir(), "migrate-repo-"));
    try {
      await writeFile(path.join(repo, "manage.py"), "");
      await writeFile(
        path.join(repo, "Dockerfile"),
        'FROM python:3.13\nWORKDIR /opt/recipes\nCOPY . ./\nENTRYPOINT ["/sbin/tini", "--", "/opt/recipes/boot.sh"]\n',
      );
      await writeFile(path.join(repo, "boot.sh"), "#!/bin/sh\npython manage.py migrate\nexec gunicorn recipes.wsgi\n");
      const { input } = chainFile(EXAMPLE("django-postgres"));
      const run = { ...input, repoDir: repo };
      const artifacts = await cicdPhase.render(cicdPhase.offline(run), run);
      const readme = artifacts.find((a) => a.path.endsWith("cicd/README.md"))!.content;
      expect(readme).toContain(
        "`boot.sh`, which your `Dockerfile` starts, also runs `python manage.py migrate` at every container start",
      );
    } finally {
      await rm(repo, { recursive: true, force: true });
    }
  });

  it("no database, no migration job", () => {
    const { input } = chainYaml(
      readFileSync(EXAMPLE("api-only"), "utf8")
        .replace(/ {2}- name: postgres\n( {4}.*\n)+/, "")
        .replace("dependsOn: [postgres]", "dependsOn: []")
        .replace(/^data:\n( {2}- .*\n)+/m, "data: []\n"),
    );
    expect(migrations(buildContext(input))).toEqual([]);
  });
});
