// The database settings a Cloud Run target reads, on Cloud SQL. Each name's meaning comes from
// contracts/database-settings.ts: the URL, user, password and database name are the ones
// scripts/setup-database.sh creates and stores under these names (never the VM's values); the
// host, socket, port and engine flag are plain values that reach the Cloud SQL socket Cloud Run
// mounts at /cloudsql/PROJECT:REGION:INSTANCE (--set-cloudsql-instances).
// https://cloud.google.com/sql/docs/mysql/connect-run#connect_to
// A client that can take only a host and port (JDBC without the Cloud SQL Java connector, a MySQL
// client with no socket setting) reaches the instance's private IP instead, over Direct VPC
// egress: Google's documented path for Cloud Run to a private-IP instance, with no code change,
// no extra container to run beside every service, job and canary revision, and no charge of its
// own. (A Cloud SQL Auth Proxy sidecar would also need a multi-container deploy of every target.)
// https://cloud.google.com/sql/docs/mysql/connect-run (Private IP tab)
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { databaseSettingRole, postgresTlsOff, STORED_ROLES } from "../../../contracts/database-settings.js";
import { isJavaProcess } from "../../../contracts/java-process.js";
import type { SecretFile, Service } from "../../../inventory/schema.js";
import { configSecretFile, phpDefineEdit, pythonDictEdit, type ConfigFileDatabase } from "./config-file-db.js";
import type { EnvPlan } from "./draft.js";

type Engine = "mysql" | "postgres" | "sqlserver";
export interface DatabaseEnv {
  set: EnvPlan["set"];
  /** Names setup-database.sh writes (URL, user, password, database name). */
  stored: string[];
  dropped: EnvPlan["dropped"];
  /** Code or deploy changes without which the app cannot reach Cloud SQL, with the options. */
  changes: string[];
  /**
   * Set when the client takes only a host and port: the target reaches the instance's private IP
   * (Direct VPC egress), and these names (its host settings) get that IP at deploy time.
   */
  privateHost?: string[];
  /**
   * Engine flags the VM's value of which names the engine Cloud SQL keeps (n8n's DB_TYPE=postgresdb,
   * Laravel's DB_CONNECTION=pgsql): carried from the VM as plain settings, in the app's own spelling.
   */
  keptEngine?: string[];
}

const ENGINE_NAMES: Record<Engine, string> = { postgres: "PostgreSQL", mysql: "MySQL", sqlserver: "SQL Server" };

/**
 * How apps spell their engine flag when the design must choose it (the engine changes: a SQLite
 * file moves to Cloud SQL): Django/Healthchecks `postgres`, Laravel `pgsql`, paperless `postgresql`,
 * n8n `postgresdb`/`mysqldb`. Each app takes only its own spellings, so the plan says to check it.
 */
function engineValue(name: string, engine: Engine, software: string): string {
  if (name.toUpperCase() === "DB_CONNECTION")
    return engine === "postgres" ? "pgsql" : engine === "mysql" ? "mysql" : "sqlsrv";
  // n8n's DB_TYPE (docs.n8n.io "Supported databases": sqlite, postgresdb; mysqldb and mariadb deprecated).
  if (/n8n/i.test(software) && name.toUpperCase() === "DB_TYPE")
    return engine === "postgres" ? "postgresdb" : engine === "mysql" ? "mysqldb" : "mssql";
  if (/DBENGINE$/i.test(name))
    return engine === "postgres" ? "postgresql" : engine === "mysql" ? "mariadb" : "sqlserver";
  return engine;
}

const isDjango = (s: Service) =>
  /django/i.test(`${s.framework ?? ""} ${s.command ?? ""}`) || /manage\.py/.test(s.command ?? "");
const isLaravel = (s: Service) => /laravel|artisan/i.test(`${s.framework ?? ""} ${s.software} ${s.command ?? ""}`);
const isJava = isJavaProcess;

/** Why a MySQL client that reads only a host reaches Cloud SQL over its private IP, and what that took. */
function mysqlPrivateIpChange(s: Service, hosts: readonly string[]): string {
  const client =
    s.runtime === "ruby"
      ? "mysql2 without `socket:` in config/database.yml"
      : s.runtime === "node"
        ? "mysql2 without socketPath"
        : s.runtime === "go"
          ? "go-sql-driver/mysql with a tcp(HOST:PORT) DSN"
          : s.runtime === "php"
            ? "PDO without unix_socket in its DSN"
            : s.runtime === "python"
              ? "PyMySQL or mysqlclient without unix_socket"
              : "a MySQL client given only a host";
  return `${s.name} reads a MySQL host, and its client (${client}) takes no socket path from a host setting: it reaches Cloud SQL over the instance's private IP instead, with no code change. The deploy sets ${hosts.join(", ")} to that IP (looked up at each deploy) and runs this target with Direct VPC egress into the design's subnet; scripts/setup-network.sh connects that network to Cloud SQL (private services access) and scripts/setup-database.sh gives the instance the private IP. The connection stays inside the VPC and the password still guards it; to encrypt it as well, require SSL on the instance and in the client.`;
}

/** The Java build files at the repository root, and whether they already name the connector. */
function javaBuild(repoDir: string | undefined, artifact: string): { files: string[]; has: boolean } {
  const files = ["pom.xml", "build.gradle", "build.gradle.kts"].filter(
    (f) => repoDir && existsSync(path.join(repoDir, f)),
  );
  return { files, has: files.some((f) => readFileSync(path.join(repoDir!, f), "utf8").includes(artifact)) };
}

const connectorArtifact = (engine: Engine) =>
  engine === "postgres" ? "postgres-socket-factory" : "mysql-socket-factory-connector-j-8";

/** Whether the Java build already has the Cloud SQL Java connector (then the socket, else the private IP). */
export const hasJavaConnector = (engine: Engine, repoDir?: string) => javaBuild(repoDir, connectorArtifact(engine)).has;

function javaChange(s: Service, engine: Engine, repoDir?: string, hosts: readonly string[] = []): string {
  const artifact = connectorArtifact(engine);
  const build = javaBuild(repoDir, artifact);
  if (!build.has) {
    const url =
      engine === "postgres" ? "jdbc:postgresql://PRIVATE_IP:5432/DATABASE" : "jdbc:mysql://PRIVATE_IP:3306/DATABASE";
    return `${s.name} connects with JDBC, which cannot open a unix socket, and its build has no Cloud SQL Java connector (com.google.cloud.sql:${artifact}): it reaches Cloud SQL over the instance's private IP instead, with no code change. scripts/setup-database.sh gives the instance the private IP and stores the JDBC URL (${url}, user and password as parameters) in the URL setting the app reads${hosts.length ? `; the deploy sets ${hosts.join(", ")} to the same IP at each deploy` : ""}; this target runs with Direct VPC egress into the design's subnet, which scripts/setup-network.sh connects to Cloud SQL (private services access).`;
  }
  const has = `${build.files.join(" and ")} already ${build.files.length === 1 ? "has" : "have"} the Cloud SQL Java connector (com.google.cloud.sql:${artifact})`;
  return `${s.name} connects with JDBC, which cannot open a unix socket: ${has}; scripts/setup-database.sh stores its JDBC URL (cloudSqlInstance, socketFactory) in the URL setting the app reads. A host and port setting then play no part.`;
}

/** The env sample files an app documents its settings in (Outline's `# PGSSLMODE=disable`). */
const ENV_SAMPLES = [".env.sample", ".env.example", ".env.dist", "env.sample", "app.json"];

/** The PostgreSQL TLS switches the app's env samples name (postgresTlsOff), set or commented out. */
function sampleSslSwitches(repoDir: string | undefined): string[] {
  if (!repoDir) return [];
  const names = ENV_SAMPLES.flatMap((f) => {
    const file = path.join(repoDir, f);
    return existsSync(file) ? (readFileSync(file, "utf8").match(/\b[A-Za-z][A-Za-z0-9_]*\b/g) ?? []) : [];
  });
  // Env names: upper case, or nconf's nested keys (database__connection__ssl); not prose words.
  return [...new Set(names.filter((n) => /ssl/i.test(n) && /^[A-Z][A-Z0-9_]*$|__/.test(n) && postgresTlsOff(n)))];
}

/**
 * `repoDir`: the app's repository, when at hand (a Java build that already has the connector).
 * `sameEngine`: the VM's database server runs the engine Cloud SQL keeps (PostgreSQL stays
 * PostgreSQL, MySQL or MariaDB become MySQL), so the VM's engine flag already names it in a
 * spelling the app accepts; false when the engine changes (a SQLite file moves to Cloud SQL).
 */
export function databaseEnv(
  s: Service,
  names: readonly string[],
  engine: Engine,
  socket: string,
  repoDir?: string,
  sameEngine = false,
): DatabaseEnv {
  const out: DatabaseEnv = { set: {}, stored: [], dropped: [], changes: [] };
  const keptEngine: string[] = [];
  const roles = new Map(names.map((n) => [n, databaseSettingRole(n)] as const));
  const has = (role: string) => [...roles.values()].includes(role as never);
  const java = isJava(s);
  let socketName = names.find((n) => roles.get(n) === "socket");
  // Laravel's config/database.php reads DB_SOCKET (unix_socket) even when .env does not set it.
  if (engine === "mysql" && has("host") && !socketName && isLaravel(s)) socketName = "DB_SOCKET";
  // A client that takes only a host and port: the private IP. An app whose client takes the
  // socket (a socket setting, Django's host, libpq's socket folder, a JDBC connector) keeps it.
  const privateIp =
    engine !== "sqlserver" &&
    (java
      ? (has("url") || has("host")) && !hasJavaConnector(engine, repoDir)
      : engine === "mysql" && has("host") && !socketName && !isDjango(s));
  const privateHost: string[] = [];
  for (const name of names) {
    const role = roles.get(name);
    // setup-database.sh does not manage SQL Server: only its engine flag is known.
    if (!role || (engine === "sqlserver" && role !== "engine")) continue;
    if (STORED_ROLES.includes(role)) out.stored.push(name);
    else if (role === "engine" && sameEngine) keptEngine.push(name);
    else if (role === "engine")
      out.set[name] = {
        value: engineValue(name, engine, `${s.software} ${s.command ?? ""}`),
        why: "the Cloud SQL engine",
      };
    else if (privateIp && role === "host") privateHost.push(name);
    else if (privateIp && role === "port")
      out.set[name] = { value: engine === "mysql" ? "3306" : "5432", why: "Cloud SQL's port on its private IP" };
    else if (privateIp && role === "socket")
      out.dropped.push({ name, why: "the app reaches Cloud SQL over its private IP, not the socket" });
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
    else out.set[name] = { value: "localhost", why: "MySQL clients use the socket for localhost" };
  }
  // The socket carries no TLS (the connector encrypts the link): each TLS switch the app reads is
  // turned off (postgresTlsOff), the VM's and those its env samples name: Outline's
  // server/storage/database.ts asks for SSL in production unless PGSSLMODE=disable, which only its
  // .env.sample mentions.
  if (engine === "postgres" && !java) {
    const switches = [...new Set([...names, ...sampleSslSwitches(repoDir)])].filter(
      (n) => postgresTlsOff(n) && !out.set[n],
    );
    for (const name of switches)
      out.set[name] = {
        value: postgresTlsOff(name)!,
        why: "the Cloud SQL unix socket carries no TLS (the connector encrypts the link to the instance)",
      };
    const fromVm = switches.filter((n) => names.includes(n));
    if (fromVm.length)
      out.changes.push(
        `${fromVm.map((n) => `${n}=${out.set[n]!.value}`).join(", ")}: ${s.name} reaches Cloud SQL over its unix socket, which carries no TLS (the Cloud SQL connector encrypts the link to the instance), so the deploy turns ${fromVm.length === 1 ? "this TLS switch" : "these TLS switches"} off whatever the VM had. A client asked for TLS there fails rather than falling back (node-postgres takes PGSSLMODE=prefer or require as ssl: true and stops at "The server does not support SSL connections"; so do pg, Sequelize, TypeORM and Knex given ssl from the app's own switch); libpq (psycopg, the pg gem), lib/pq and pgx skip TLS on a socket anyway. If ${s.name}'s code sets ssl itself, whatever the environment says, that code must change too.`,
      );
  }
  if (engine === "mysql" && socketName && !java && !privateIp && !out.set[socketName])
    out.set[socketName] = { value: socket, why: "the Cloud SQL connector's unix socket" };
  if (java && (has("url") || has("host"))) out.changes.push(javaChange(s, engine, repoDir, privateHost));
  else if (privateIp) out.changes.push(mysqlPrivateIpChange(s, privateHost));
  if (privateIp) out.privateHost = privateHost;
  if (keptEngine.length) {
    out.keptEngine = keptEngine;
    const list = keptEngine.join(", ");
    out.changes.push(
      `${list} ${keptEngine.length === 1 ? "keeps its" : "keep their"} value from the VM (a plain setting in deploy/cloud-run.env): it names the engine Cloud SQL keeps, ${ENGINE_NAMES[engine]}, in the app's own spelling (n8n's DB_TYPE takes postgresdb, Laravel's DB_CONNECTION pgsql, Django's ENGINE django.db.backends.postgresql), which a value the design chose could miss.${engine === "mysql" ? " If it names MariaDB (Laravel's mariadb connection), set it to the app's MySQL spelling: Cloud SQL runs MySQL 8." : ""}`,
    );
  }
  const chosen = names.filter((n) => roles.get(n) === "engine" && out.set[n]);
  if (chosen.length)
    out.changes.push(
      `${chosen.map((n) => `${n}=${out.set[n]!.value}`).join(", ")}: the design's spelling of ${ENGINE_NAMES[engine]}, as the engine changes; check it is one ${s.name} accepts (apps spell it their own way: postgres, postgresql, pgsql, postgresdb, django.db.backends.postgresql) and correct the deploy's value if not.`,
    );
  return out;
}

/** What an app configured by a file must know: where the names it reads come from on Cloud Run. */
export function configFileChange(
  s: Service,
  cfg: ConfigFileDatabase,
  engine: "mysql" | "postgres",
  secretFiles: readonly SecretFile[] = [],
): string {
  if (cfg.kind === "python-dict") return pythonDictEdit(cfg, engine, configSecretFile(cfg, secretFiles) !== undefined);
  if (cfg.kind === "php-define")
    return `${s.name} reads its database settings from the constants ${cfg.file} defines, not a DATABASE_URL: ${phpDefineEdit(cfg, configSecretFile(cfg, secretFiles) !== undefined)}`;
  // A settings file kept out of git that names a database too (HedgeDoc's config.json): mounted whole.
  const fileDb = secretFiles.find((f) => f.database && !f.database.urlKey && !f.services?.length);
  const names = cfg.names.join(", ");
  const loader = /\.(php|yml)$/.test(cfg.file)
    ? `${cfg.file} reads them from the environment${isLaravel(s) ? " (run `php artisan config:cache` when the container starts, never in the image build, or the build's values stay)" : ""}`
    : /\.(c|m)?[jt]s$/.test(cfg.file)
      ? `${cfg.file} reads them from process.env (check that they win over any settings file the app also loads${fileDb ? `: ${fileDb.path}, a secret file, names a database too, and the plan's edit points its [${fileDb.database!.section}] at Cloud SQL as well` : ", such as a config.json kept out of git"})`
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
