// A SQLite database is a file on the VM's disk. Cloud Run gives an instance an in-memory disk of
// its own, so a Cloud Run target that opens the file starts empty and loses every write on each
// restart or scale-out: the plan must move the data, never drop it. Two ways, per app:
//  - the app's framework takes a server database through its settings (Django DATABASES, Rails
//    DATABASE_URL, Laravel DB_CONNECTION): Cloud SQL for PostgreSQL and a one-time data move;
//  - otherwise the processes that open the file stay off Cloud Run, as an open decision with the
//    options. Neither Cloud Run volume is safe for it: Cloud Run mounts NFS (Filestore) without
//    locks ("Cloud Run does not support NFS locking", docs/configuring/services/nfs-volume-mounts)
//    and Cloud Storage FUSE has no locking and no POSIX semantics; SQLite needs working POSIX locks
//    and, in WAL mode, all its processes on one host (sqlite.org/useovernet.html, sqlite.org/wal.html).
import type { Service } from "../../../inventory/schema.js";
import { sqliteFileText, type SqlitePlan } from "../../../contracts/sqlite-plan.js";

export {
  nothingForCloudRun,
  planSqlite,
  sqliteFileText,
  sqliteStack,
  type SqlitePlan,
  type SqliteStack,
} from "../../../contracts/sqlite-plan.js";

/** The settings that switch the app to the Cloud SQL database, by the names the app reads. */
export function switchSettingNames(p: SqlitePlan, s: Service, names: readonly string[] = s.env): string[] {
  const env = names.map((n) => n.toUpperCase());
  if (p.stack === "laravel")
    return ["DB_CONNECTION", "DB_HOST", "DB_PORT", "DB_DATABASE", "DB_USERNAME", "DB_PASSWORD"];
  // An engine flag the app already reads (Healthchecks' DB, DB_ENGINE, DB_TYPE): its companions share its prefix.
  const flag = env.find((n) => /^(DB|DATABASE)(_(ENGINE|TYPE|DRIVER))?$/.test(n));
  if (flag) {
    const prefix = flag.startsWith("DATABASE") ? "DATABASE" : "DB";
    return [flag, `${prefix}_HOST`, `${prefix}_PORT`, `${prefix}_NAME`, `${prefix}_USER`, `${prefix}_PASSWORD`];
  }
  // Rails merges DATABASE_URL over config/database.yml; a Django app reads it through dj-database-url.
  return ["DATABASE_URL"];
}

/** What the code must change for the switch, when its settings do not read the names already. */
export function switchCodeChange(p: SqlitePlan, s: Service, env: readonly string[] = s.env): string | undefined {
  const names = switchSettingNames(p, s, env);
  if (p.stack === "rails")
    return `Add the pg gem to the Gemfile's production group and set the production adapter of config/database.yml to postgresql (Rails merges DATABASE_URL over it).`;
  if (p.stack === "laravel") return undefined;
  if (names[0] === "DATABASE_URL")
    return `Read DATABASES["default"] from DATABASE_URL (dj-database-url: \`dj_database_url.config(conn_max_age=600)\`) instead of the sqlite3 entry in settings.py, and add psycopg to the requirements.`;
  return `The settings already choose the engine from ${names[0]}; add psycopg to the requirements if it is not there.`;
}

/** The one-time move of the data into Cloud SQL for PostgreSQL, with the caveats of each tool. */
export function dataMoveSteps(p: SqlitePlan): string[] {
  const file = p.store.path ?? "<path of the SQLite file>";
  const freeze = `Stop every process that writes ${file} (${p.openers.join(", ")}) and copy the file with \`sqlite3 ${file} ".backup /tmp/app.sqlite"\` (a consistent copy, WAL included); the app stays down until the switch.`;
  const create = "Create the tables on Cloud SQL with the app's own migrations (not from the SQLite schema).";
  if (p.stack === "django")
    return [
      freeze,
      create + " `python manage.py migrate` against Cloud SQL.",
      "`python manage.py dumpdata --natural-foreign --natural-primary -e contenttypes -e auth.Permission > data.json` with the SQLite settings, then `python manage.py loaddata data.json` with the Cloud SQL ones; `python manage.py sqlsequencereset <apps> | python manage.py dbshell` resets the id sequences. (pgloader is faster for large tables; then reset sequences the same way.)",
      "Types: SQLite keeps any value in any column; PostgreSQL refuses a text in an integer column, a string longer than its varchar, or a naive datetime in a timezone-aware field: loaddata stops on the first such row, fix it in the SQLite copy and rerun.",
    ];
  if (p.stack === "rails")
    return [
      freeze,
      create + " `RAILS_ENV=production bin/rails db:schema:load` against Cloud SQL.",
      "Copy the rows with pgloader (`pgloader --with 'data only' --with 'reset sequences' sqlite:///tmp/app.sqlite postgresql://…`) through the Cloud SQL Auth Proxy.",
      "Types: SQLite stores booleans as 0/1 and times as text: pgloader casts them by the target columns; check a few rows of each boolean and datetime column after the copy.",
    ];
  return [
    freeze,
    create + " `php artisan migrate --force` against Cloud SQL.",
    "Copy the rows with pgloader (`pgloader --with 'data only' --with 'reset sequences' sqlite:///tmp/app.sqlite postgresql://…`) through the Cloud SQL Auth Proxy.",
    "Types: SQLite stores booleans as 0/1 and dates as text: pgloader casts them by the target columns; check a few rows of each boolean and date column after the copy.",
  ];
}

/**
 * What a model's deployment must keep of the SQLite plan, so a live answer cannot drop the data:
 * the Cloud SQL database and every opener's connection to it, or no opener on Cloud Run at all.
 */
export function sqliteAnswerProblems(
  deployment: { services: { name: string; replaces: string[]; cloudSqlInstance?: string }[]; database?: unknown },
  plan: SqlitePlan | undefined,
): string[] {
  if (!plan) return [];
  const problems: string[] = [];
  const file = sqliteFileText(plan);
  deployment.services.forEach((t, i) => {
    const opens = t.replaces.filter((r) => plan.openers.includes(r));
    if (opens.length === 0) return;
    if (plan.move === "decision")
      problems.push(
        `deployment.services[${i}] (${t.name}) runs ${opens.join(", ")}, which open ${file}: on Cloud Run it would start empty and lose every write; map them to needs-decision as the draft does`,
      );
    else if (!t.cloudSqlInstance)
      problems.push(
        `deployment.services[${i}] (${t.name}) runs ${opens.join(", ")}, which kept the data in ${file}: it must use the Cloud SQL instance (cloudSqlInstance) the data moves to`,
      );
  });
  if (plan.move === "cloud-sql" && !deployment.database)
    problems.push(`deployment.database: the data in ${file} moves to Cloud SQL; the answer has no database`);
  return problems;
}

/** The fact the design prompt states, so the model keeps it. */
export function sqlitePromptFact(plan: SqlitePlan | undefined): string | undefined {
  if (!plan) return undefined;
  const file = sqliteFileText(plan);
  return plan.move === "cloud-sql"
    ? `The app keeps its data in ${file}, opened by ${plan.openers.join(", ")}. Its framework (${plan.stack}) takes a server database through its settings: keep the draft's Cloud SQL database and every opener's cloudSqlInstance, and keep the runbook's one-time data move. Never put the file on a Cloud Run volume or in the container.`
    : `The app keeps its data in ${file}, opened by ${plan.openers.join(", ")}, and has no server-database setting the rules know. Keep those processes as needs-decision entries (as drafted): no Cloud Run target may run them, since an instance's disk is memory and no Cloud Run volume is safe for SQLite (NFS without locks, Cloud Storage FUSE without locking).`;
}
