// The form of the database URL scripts/setup-database.sh stores, by the client the app connects
// with: each MySQL client names the Cloud SQL unix socket differently, and a URL it cannot read
// leaves the app without its database on the first deploy. PostgreSQL clients (libpq, psycopg,
// node-postgres, pgx, the pg gem) all take `?host=/cloudsql/…`, the socket's folder.
import { pythonManifest } from "../../image/python-deps.js";
import { openRepo } from "../../image/repo.js";
import { gemsOf } from "../../image/ruby-image.js";
import type { Stack } from "./runtime.js";

export interface DatabaseUrlShape {
  scheme: string;
  /** The URL's host: MySQL URLs name localhost (Node's URL parser and Rails refuse an empty one). */
  host: string;
  /** The query parameter that carries the socket path. */
  socketParam: string;
  /** Go's MySQL driver reads no URL: a DSN `USER:PASSWORD@unix(SOCKET)/DATABASE` instead. */
  goDsn: boolean;
}

/** SQLAlchemy's dialect+driver for each Python MySQL / PostgreSQL driver package, in preference order. */
const SQLALCHEMY_MYSQL: Array<[string, string]> = [
  ["pymysql", "mysql+pymysql"],
  ["mysqlclient", "mysql+mysqldb"],
  ["mysql-connector-python", "mysql+mysqlconnector"],
  ["asyncmy", "mysql+asyncmy"],
  ["aiomysql", "mysql+aiomysql"],
];
const SQLALCHEMY_POSTGRES: Array<[string, string]> = [
  ["psycopg2", "postgresql"],
  ["psycopg2-binary", "postgresql"],
  ["psycopg", "postgresql+psycopg"],
  ["asyncpg", "postgresql+asyncpg"],
];
const SQLALCHEMY = ["sqlalchemy", "flask-sqlalchemy", "sqlmodel"];

/**
 * The packages the app installs, from the manifest its image is built from: the repository root's,
 * else the first app folder's. Files a previous run generated (the AI worker's requirements.txt)
 * are not the app's.
 */
function packagesOf(stack: Stack, repoDir: string | undefined, generated?: ReadonlySet<string>): Set<string> {
  const repo = repoDir ? openRepo(repoDir, generated) : undefined;
  if (!repo?.present) return new Set();
  const manifests = stack === "ruby" ? ["Gemfile"] : ["requirements.txt", "pyproject.toml", "Pipfile"];
  const dir = manifests.some((f) => repo.exists(f))
    ? ""
    : manifests.flatMap((f) => repo.foldersWith(f)).sort((a, b) => a.split("/").length - b.split("/").length)[0];
  if (dir === undefined) return new Set();
  return new Set(stack === "ruby" ? gemsOf(repo, dir) : (pythonManifest(repo, dir)?.packages ?? []));
}

/**
 * The scheme a Python app's URL needs: SQLAlchemy reads the driver from it (`mysql://` means
 * mysqlclient, which an app built on PyMySQL does not install); Django's URL helpers
 * (dj-database-url, django-environ) take the bare engine name.
 * https://docs.sqlalchemy.org/en/20/dialects/mysql.html#module-sqlalchemy.dialects.mysql.pymysql
 */
function pythonScheme(engine: "mysql" | "postgres", packages: ReadonlySet<string>): string {
  const plain = engine === "mysql" ? "mysql" : "postgresql";
  if (packages.has("django") || !SQLALCHEMY.some((p) => packages.has(p))) return plain;
  const drivers = engine === "mysql" ? SQLALCHEMY_MYSQL : SQLALCHEMY_POSTGRES;
  return drivers.find(([pkg]) => packages.has(pkg))?.[1] ?? plain;
}

export function databaseUrlShape(
  engine: "mysql" | "postgres",
  stack: Stack,
  repoDir?: string,
  generated?: ReadonlySet<string>,
): DatabaseUrlShape {
  const packages = stack === "python" || stack === "ruby" ? packagesOf(stack, repoDir, generated) : new Set<string>();
  const python = stack === "python" ? pythonScheme(engine, packages) : undefined;
  if (engine === "postgres") return { scheme: python ?? "postgresql", host: "", socketParam: "host", goDsn: false };
  const mysql = (scheme: string, socketParam: string) => ({ scheme, host: "localhost", socketParam, goDsn: false });
  // Rails' mysql2 adapter: `socket`; Trilogy (Rails >= 7.1.3) also ignores the host when a socket is set.
  // https://github.com/rails/rails/pull/50349
  if (stack === "ruby")
    return mysql(packages.has("trilogy") && !packages.has("mysql2") ? "trilogy" : "mysql2", "socket");
  // node mysql2 turns every query parameter into a connection option (lib/connection_config.js parseUrl).
  if (stack === "node") return mysql("mysql", "socketPath");
  // https://github.com/go-sql-driver/mysql#dsn-data-source-name: user:password@unix(/path)/dbname
  if (stack === "go") return { ...mysql("mysql", "unix_socket"), goDsn: true };
  // PyMySQL, mysqlclient and mysql-connector take unix_socket=; so does Laravel's DB_URL (PDO's unix_socket).
  return mysql(python ?? "mysql", "unix_socket");
}
