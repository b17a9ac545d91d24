// The database settings a Cloud Run target reads, on Cloud SQL. Each name's meaning comes from
// contracts/database-settings.ts: the URL, user, password and database name are the ones
// scripts/setup-database.sh creates and stores under these names (never the VM's values); the
// host, socket, port and engine flag are plain values that reach the Cloud SQL socket Cloud Run
// mounts at /cloudsql/PROJECT:REGION:INSTANCE (--set-cloudsql-instances).
// https://cloud.google.com/sql/docs/mysql/connect-run#connect_to
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { databaseSettingRole, STORED_ROLES } from "../../../contracts/database-settings.js";
import type { Service } from "../../../inventory/schema.js";
import { pythonDictEdit, type ConfigFileDatabase } from "./config-file-db.js";
import type { EnvPlan } from "./draft.js";

type Engine = "mysql" | "postgres" | "sqlserver";
export interface DatabaseEnv {
  set: EnvPlan["set"];
  /** Names setup-database.sh writes (URL, user, password, database name). */
  stored: string[];
  dropped: EnvPlan["dropped"];
  /** Code or deploy changes without which the app cannot reach Cloud SQL, with the options. */
  changes: string[];
}

/** How apps spell their engine flag: Django/Healthchecks `postgres`, Laravel `pgsql`, paperless `postgresql`. */
function engineValue(name: string, engine: Engine): string {
  if (name === "DB_CONNECTION") return engine === "postgres" ? "pgsql" : engine === "mysql" ? "mysql" : "sqlsrv";
  if (/DBENGINE$/.test(name))
    return engine === "postgres" ? "postgresql" : engine === "mysql" ? "mariadb" : "sqlserver";
  return engine;
}

const isDjango = (s: Service) =>
  /django/i.test(`${s.framework ?? ""} ${s.command ?? ""}`) || /manage\.py/.test(s.command ?? "");
const isLaravel = (s: Service) => /laravel|artisan/i.test(`${s.framework ?? ""} ${s.software} ${s.command ?? ""}`);
const isJava = (s: Service) =>
  s.runtime === "java" || /spring|java|\.jar\b/i.test(`${s.framework ?? ""} ${s.software}`);

/** Where a MySQL client that reads only a host takes a socket path instead, by runtime. */
function mysqlSocketChange(s: Service, socket: string): string {
  const how =
    s.runtime === "ruby"
      ? 'add `socket: <%= ENV["DB_SOCKET"] %>` to the mysql2 entry of config/database.yml'
      : s.runtime === "node"
        ? "pass `socketPath: process.env.DB_SOCKET` to the MySQL client's connection options (mysql2)"
        : s.runtime === "go"
          ? "build the DSN as `USER:PASSWORD@unix(${DB_SOCKET})/DBNAME` (go-sql-driver/mysql)"
          : s.runtime === "php"
            ? "connect with the PDO DSN `mysql:unix_socket=${DB_SOCKET};dbname=DBNAME`"
            : 'pass `unix_socket=os.environ["DB_SOCKET"]` to the MySQL driver\'s connect() (PyMySQL, mysqlclient)';
  return `${s.name} reads a MySQL host, and its client takes no socket path from a host setting: ${how}; the deploy sets DB_SOCKET=${socket}. Without a code change: run the Cloud SQL Auth Proxy as a sidecar container (host 127.0.0.1, port 3306; a multi-container service the generated deploy does not write), or give the instance a private IP and set the host to it (Direct VPC egress).`;
}

/** The Java build files at the repository root, and whether they already name the connector. */
function javaBuild(repoDir: string | undefined, artifact: string): { files: string[]; has: boolean } {
  const files = ["pom.xml", "build.gradle", "build.gradle.kts"].filter(
    (f) => repoDir && existsSync(path.join(repoDir, f)),
  );
  return { files, has: files.some((f) => readFileSync(path.join(repoDir!, f), "utf8").includes(artifact)) };
}

function javaChange(s: Service, engine: Engine, repoDir?: string): string {
  const artifact = engine === "postgres" ? "postgres-socket-factory" : "mysql-socket-factory-connector-j-8";
  const build = javaBuild(repoDir, artifact);
  const add = build.has
    ? `${build.files.join(" and ")} already ${build.files.length === 1 ? "has" : "have"} the Cloud SQL Java connector (com.google.cloud.sql:${artifact})`
    : `add the Cloud SQL Java connector (com.google.cloud.sql:${artifact}, its current release) to ${build.files.length ? build.files.join(" and ") : "the build"}`;
  return `${s.name} connects with JDBC, which cannot open a unix socket: ${add}; scripts/setup-database.sh stores its JDBC URL (cloudSqlInstance, socketFactory) in the URL setting the app reads. A host and port setting then play no part.`;
}

/** `repoDir`: the app's repository, when at hand (a Java build that already has the connector). */
export function databaseEnv(
  s: Service,
  names: readonly string[],
  engine: Engine,
  socket: string,
  repoDir?: string,
): DatabaseEnv {
  const out: DatabaseEnv = { set: {}, stored: [], dropped: [], changes: [] };
  const roles = new Map(names.map((n) => [n, databaseSettingRole(n)] as const));
  const has = (role: string) => [...roles.values()].includes(role as never);
  const java = isJava(s);
  let socketName = names.find((n) => roles.get(n) === "socket");
  // Laravel's config/database.php reads DB_SOCKET (unix_socket) even when .env does not set it.
  if (engine === "mysql" && has("host") && !socketName && isLaravel(s)) socketName = "DB_SOCKET";
  for (const name of names) {
    const role = roles.get(name);
    // setup-database.sh does not manage SQL Server: only its engine flag is known.
    if (!role || (engine === "sqlserver" && role !== "engine")) continue;
    if (STORED_ROLES.includes(role)) out.stored.push(name);
    else if (role === "engine") out.set[name] = { value: engineValue(name, engine), why: "the Cloud SQL engine" };
    else if (java && (role === "host" || role === "port" || role === "socket"))
      out.dropped.push({ name, why: "JDBC reaches Cloud SQL through the connector named in the URL" });
    else if (role === "port")
      out.set[name] = { value: engine === "mysql" ? "3306" : "5432", why: "the socket's port (part of its file name)" };
    else if (engine === "postgres")
      // libpq (psycopg, the pg gem, node-postgres, lib/pq) takes a host that starts with / as the socket's folder.
      out.set[name] = { value: socket, why: "the Cloud SQL connector's unix socket folder" };
    else if (role === "socket") out.set[name] = { value: socket, why: "the Cloud SQL connector's unix socket" };
    else if (isDjango(s))
      // Django's MySQL backend passes a HOST that starts with / as unix_socket (django/db/backends/mysql/base.py).
      out.set[name] = { value: socket, why: "Django's MySQL backend takes a host starting with / as the socket" };
    else {
      out.set[name] = { value: "localhost", why: "MySQL clients use the socket for localhost" };
      if (!socketName) {
        socketName = "DB_SOCKET";
        out.changes.push(mysqlSocketChange(s, socket));
      }
    }
  }
  if (engine === "mysql" && socketName && !java && !out.set[socketName])
    out.set[socketName] = { value: socket, why: "the Cloud SQL connector's unix socket" };
  if (java && (has("url") || has("host"))) out.changes.push(javaChange(s, engine, repoDir));
  return out;
}

/** What an app configured by a file must know: where the names it reads come from on Cloud Run. */
export function configFileChange(s: Service, cfg: ConfigFileDatabase, engine: "mysql" | "postgres"): string {
  if (cfg.kind === "python-dict") return `${s.name}: ${pythonDictEdit(cfg, engine)}`;
  const names = cfg.names.join(", ");
  const loader = /\.(php|yml)$/.test(cfg.file)
    ? `${cfg.file} reads them from the environment${isLaravel(s) ? " (run `php artisan config:cache` when the container starts, never in the image build, or the build's values stay)" : ""}`
    : `the environment wins over ${cfg.file} only with a loader that keeps variables already set (python-dotenv's load_dotenv, Laravel's Dotenv): do not ship the VM's ${cfg.file} in the image, it names the VM's database`;
  return `${s.name} reads its database settings (${names}) from ${cfg.file}, not a DATABASE_URL: on Cloud Run the deploy sets them in the environment (host, port and engine as plain values; the user, password and database name from scripts/setup-database.sh); ${loader}.`;
}

const ROLE_WORDS: Record<string, string> = { user: "user", password: "password", name: "database name" };

/** A process that leaves its database user or name at the app's default (it sets only the password). */
export function splitDefaultsChange(s: Service, missing: { roles: string[]; names: string[] }, file?: string): string {
  const words = missing.roles.map((r) => ROLE_WORDS[r] ?? r).join(" and ");
  if (missing.names.length)
    return `${s.name} sets no database ${words} on the VM (the app's default applied there), but the Cloud SQL user and database scripts/setup-database.sh creates have their own names: the deploy sets ${missing.names.join(", ")} (documented in ${file}) to them.`;
  return `${s.name} sets no database ${words} on the VM: the app uses its default, which is not the user and database scripts/setup-database.sh creates. Run it with --user and --database set to the app's defaults, or add the settings that name them to the inventory's env.`;
}
