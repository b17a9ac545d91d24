// Database schema migrations as a deploy step: a Cloud Run job per schema owner, run to the end
// (`gcloud run jobs execute --wait`) before any new revision takes traffic, so new code never
// meets an old schema. The app's migration command comes from its framework (found in the
// repository, in the folder its image runs in too: a monorepo's server package, where a Node
// package's own migration script counts; else in the inventory's commands); the AI worker owns its own table (ai_tasks)
// through services/ai-worker/migrate.py. A framework we cannot recognise gets no guessed job:
// the plan says where to add one.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { AI_WORKER_MIGRATE_COMMAND } from "../../contracts/ai-worker-task.js";
import { isAiWorkerTarget, type DeployTarget } from "../../contracts/deployment.js";
import type { Inventory } from "../../inventory/schema.js";
import { packageMigrationScript } from "../../image/migration-script.js";
import { nodeManager } from "../../image/node-image.js";
import { isWorkspaceRoot } from "../../image/node-workspace.js";
import { openRepo } from "../../image/repo.js";
import { teamRun, type TeamRun } from "../../image/team-image.js";
import type { CicdContext } from "./context.js";
import { ownerSteps } from "./run-once-read.js";
import { runOnceJobName } from "../../contracts/run-once.js";

export interface MigrationTool {
  /** What runs the migrations, for docs: "Django", "Rails", … */
  tool: string;
  command: string[];
}

/** A folder's Python dependency manifests, read as one text. */
function pythonManifests(dir: string): string {
  return ["requirements.txt", "pyproject.toml", "Pipfile", "setup.py", "setup.cfg"]
    .map((f) => readText(path.join(dir, f)))
    .join("\n");
}

/** A manage.py that runs Django's commands (`execute_from_command_line`), or Django in the manifests. */
const djangoManage = (dir: string): boolean =>
  /\bdjango\b|execute_from_command_line/i.test(readText(path.join(dir, "manage.py"))) ||
  /^\s*["']?django(?![\w-])/im.test(pythonManifests(dir));

/** Flask-Migrate (Alembic for Flask-SQLAlchemy) among the folder's Python dependencies. */
const flaskMigrate = (dir: string): boolean => /^\s*["']?flask[-_]migrate(?![\w-])/im.test(pythonManifests(dir));

const KNOWN: Array<{
  tool: string;
  command: string[];
  files: string[];
  /** What else the folder must show (bin/console alone is any Symfony app; manage.py alone is not Django). */
  evidence?: (dir: string) => boolean;
  /** What in the inventory's commands names the tool, when the repository is not there to read. */
  pattern: RegExp;
}> = [
  {
    tool: "Django",
    command: ["python", "manage.py", "migrate", "--noinput"],
    files: ["manage.py"],
    evidence: djangoManage,
    // manage.py alone is any framework's script (Redash's is a Flask CLI; Flask-Script has runserver too):
    // Django's own subcommands.
    pattern:
      /\bdjango\b|manage\.py\s+(?:migrate|collectstatic|rqworker|qcluster|process_tasks)\b|\.wsgi:application|\.asgi:application/i,
  },
  {
    // A Flask app's own CLI (manage.py a click/FlaskGroup or Flask-Script manager, not Django's):
    // Flask-Migrate adds its `db` group, and `db upgrade` applies the Alembic migrations. Redash's
    // upgrade docs run `manage db upgrade` (bin/docker-entrypoint: `manage` is /app/manage.py).
    // https://flask-migrate.readthedocs.io/en/latest/#command-reference
    tool: "Flask-Migrate, manage.py db upgrade",
    command: ["python", "manage.py", "db", "upgrade"],
    files: ["manage.py"],
    evidence: (dir) => !djangoManage(dir) && flaskMigrate(dir),
    pattern: /(?!)/,
  },
  {
    // Flask-Migrate through Flask's own CLI, which finds the app from FLASK_APP (the job takes the
    // owner's settings) or app.py / wsgi.py in the working folder.
    tool: "Flask-Migrate, flask db upgrade",
    command: ["flask", "db", "upgrade"],
    files: ["migrations/alembic.ini"],
    evidence: flaskMigrate,
    pattern: /\bflask\s+db\s+upgrade\b/,
  },
  { tool: "Rails", command: ["bin/rails", "db:migrate"], files: ["bin/rails"], pattern: /\brails\b/i },
  {
    tool: "Laravel",
    command: ["php", "artisan", "migrate", "--force"],
    files: ["artisan"],
    pattern: /artisan|laravel/i,
  },
  {
    // DoctrineMigrationsBundle's migrate command; --allow-no-migration keeps an app without
    // migrations (or already at the latest) from failing the deploy. wallabag's scripts/update.sh
    // runs it on each upgrade. https://symfony.com/bundles/DoctrineMigrationsBundle/current/index.html
    tool: "Doctrine Migrations",
    command: ["php", "bin/console", "doctrine:migrations:migrate", "--no-interaction", "--allow-no-migration"],
    files: ["bin/console"],
    evidence: (dir) => /"doctrine\/doctrine-migrations-bundle"\s*:/.test(readText(path.join(dir, "composer.json"))),
    pattern: /doctrine:migrations/i,
  },
  { tool: "Alembic", command: ["alembic", "upgrade", "head"], files: ["alembic.ini"], pattern: /\balembic\b/ },
  {
    tool: "Prisma",
    command: ["npx", "prisma", "migrate", "deploy"],
    files: ["prisma/schema.prisma"],
    pattern: /\bprisma\b/,
  },
];

/**
 * The app's migration command: the repository's files first (at its root, then in `appDir`, the
 * folder the owner's image runs in), then a Node package's migration script there, run by the
 * package manager the repository pins, then the inventory's commands.
 */
export function appMigrationTool(inventory: Inventory, repoDir?: string, appDir = ""): MigrationTool | undefined {
  const knownIn = (dir: string) =>
    KNOWN.find((k) => k.files.some((f) => existsSync(path.join(dir, f))) && (!k.evidence || k.evidence(dir)));
  const inRepo = repoDir ? (knownIn(repoDir) ?? (appDir ? knownIn(path.join(repoDir, appDir)) : undefined)) : undefined;
  if (inRepo) return { tool: inRepo.tool, command: inRepo.command };
  const script = repoDir ? packageScript(repoDir, appDir) : undefined;
  if (script) return script;
  const text = [
    ...inventory.services
      .filter((s) => s.role !== "database" && s.role !== "cache")
      .map((s) => `${s.software} ${s.command ?? ""}`),
    inventory.deploy.testCommand ?? "",
  ].join("\n");
  const found = KNOWN.find((k) => k.pattern.test(text));
  if (found?.tool === "Django" && repoDir && withoutManagePy(repoDir, appDir) && settingsModuleSet(inventory))
    return DJANGO_MODULE;
  return found && { tool: found.tool, command: found.command };
}

/**
 * Django's own runner, for an app whose repository has no manage.py (the checkout Weblate's VM
 * runs from is read here without one): `python -m django` runs the same commands with the
 * settings module its processes are given (DJANGO_SETTINGS_MODULE), which the job gets from its
 * owner. https://docs.djangoproject.com/en/stable/ref/django-admin/
 */
const DJANGO_MODULE: MigrationTool = {
  tool: "Django, python -m django",
  command: ["python", "-m", "django", "migrate", "--noinput"],
};

/** A repository that is there to read and holds no manage.py at its root, in `appDir` or one folder down. */
function withoutManagePy(repoDir: string, appDir: string): boolean {
  if (!existsSync(repoDir)) return false;
  const repo = openRepo(repoDir);
  return !repo.exists(path.posix.join(appDir, "manage.py")) && repo.foldersWith("manage.py", 1).length === 0;
}

const settingsModuleSet = (inventory: Inventory): boolean =>
  inventory.services.some((s) => s.role === "web" && s.env?.includes("DJANGO_SETTINGS_MODULE"));

/** `yarn run database:migrate:prod` from the package's folder, with the manager its install uses. */
function packageScript(repoDir: string, appDir: string): MigrationTool | undefined {
  const repo = openRepo(repoDir);
  const found = packageMigrationScript(repo, appDir);
  if (!found) return undefined;
  // A workspace member installs from the root, whose lockfile names the manager (node-image.ts).
  const pm = nodeManager(repo, appDir && isWorkspaceRoot(repo) ? "" : appDir);
  // npm passes arguments to a script only after `--`; Yarn and pnpm pass them as they are.
  const args = found.args ? [...(pm.name === "npm" ? ["--"] : []), ...found.args] : [];
  return {
    tool: `${found.tool}, ${found.script}${found.args ? ` ${found.args.join(" ")}` : ""}`,
    command: [...pm.run.split(" "), found.script, ...args],
  };
}

function readText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

export interface Migration {
  /** The Cloud Run job that runs the migrations (kind "job", the owner's image and identity). */
  job: DeployTarget;
  /** The service whose image and identity it borrows. */
  owner: string;
  tool: string;
}

/** A Cloud Run job that runs `command` once in the owner's image, with its settings and database. */
export function asJob(owner: DeployTarget, run: readonly string[] | TeamRun, suffix = "migrate"): DeployTarget {
  const { command: _command, args: _args, ...rest } = owner;
  // A job in the team's image may start through its ENTRYPOINT script (image/team-image.ts teamRun).
  const how = "args" in run ? { args: [...run.args] } : { command: [...("command" in run ? run.command : run)] };
  return {
    ...rest,
    name: runOnceJobName(owner.name, suffix),
    kind: "job",
    ...how,
    // A schema change may lock big tables: allow up to 30 minutes.
    timeoutSeconds: Math.max(owner.timeoutSeconds, 1800),
    // The owner's settings (the database engine flag and the Cloud SQL socket the design set: a
    // Django app without DB=postgres would migrate a SQLite file), minus the AI enqueue settings.
    env: Object.fromEntries(Object.entries(owner.env ?? {}).filter(([k]) => !k.startsWith("AI_"))),
  };
}

/** Migration jobs in the order they run: the app's schema first, then the AI worker's table. */
export function migrations(ctx: CicdContext): Migration[] {
  const { deployment } = ctx;
  if (!deployment.database) return [];
  const out: Migration[] = [];
  // The schema's owner (contracts/run-once.ts), the same the run-once jobs borrow from.
  const read = ownerSteps(ctx);
  const api = read.owner?.cloudSqlInstance ? read.owner : undefined;
  const dir = read.dir;
  // A run-once migration command (a oneshot unit, a Procfile release: line) when nothing else names one.
  const runOnce = () => read.steps.find((s) => s.kind === "migration" && s.argv);
  const found = api && appMigrationTool(ctx.inventory, ctx.repoDir, dir);
  const once = api && !found ? runOnce() : undefined;
  const tool = found ?? (once && { tool: `${once.from}: ${once.command}`, command: once.argv! });
  // In the team's image, a venv its entrypoint activates is not on PATH for a job's command.
  const command = (argv: string[]) => teamRun(argv, api?.source ? undefined : ctx.team);
  if (api && tool) out.push({ job: asJob(api, command(tool.command)), owner: api.name, tool: tool.tool });
  for (const worker of deployment.services.filter((s) => isAiWorkerTarget(s) && s.source && s.cloudSqlInstance)) {
    out.push({ job: asJob(worker, AI_WORKER_MIGRATE_COMMAND), owner: worker.name, tool: "ai_tasks table" });
  }
  return out;
}
