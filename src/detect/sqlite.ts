// An app whose data is a SQLite file on the VM's disk (Uptime Kuma, Healthchecks' default, a Rails or
// Laravel app configured for sqlite, Gitea and Vaultwarden style single binaries). There is no
// database process to see, so without this reading the plan would have no database and no storage
// and the migrated app would start empty on Cloud Run's in-memory disk. Read only when no server
// database is in use (a running engine, or env naming one): the same settings files often hold a
// sqlite default next to the postgres the deployment selects (Healthchecks' settings.py).
import path from "node:path";
import { hasPackage, type AppContext } from "./app-context.js";
import type { DetectedService } from "./types.js";

export interface SqliteFinding {
  /** Absolute path of the database file on the VM, when a setting or the file itself says it. */
  path?: string;
  /** H2, the JVM's embedded database (a `*.mv.db` file, a `jdbc:h2:` file URL); SQLite when absent. */
  engine?: "h2";
  /** Where the reading came from (a variable, a settings file, the file on disk, a library). */
  source: string;
}

const URL_KEY = /^(DATABASE_URL|DB_URL|[A-Z]+_DATABASE_URL|[A-Z_]*DB_DSN|DATABASE_DSN)$/;
/** DB=sqlite (Healthchecks), DB_CONNECTION=sqlite (Laravel), DB_TYPE=sqlite3 (Gitea), MEMOS_DRIVER=sqlite. */
const ENGINE_KEY =
  /^(DB|DATABASE|DB_CONNECTION|DB_TYPE|DB_DRIVER|DB_ENGINE|[A-Z]+_DB_?(TYPE|ENGINE|DRIVER)|[A-Z]+_DRIVER)$/;
/** The file a sqlite engine setting points at: DB_DATABASE (Laravel), DB_NAME (Healthchecks), DB_PATH (Gitea). */
const FILE_KEY = /^(DB_DATABASE|DB_NAME|DB_PATH|DB_FILE|DATABASE_PATH|DATABASE_FILE|SQLITE_(PATH|FILE|DB|DATABASE))$/;
const DB_FILE = /\.(db|sqlite|sqlite3|db3)$/;
/** H2's files: `name.mv.db` (MVStore, H2 1.4 and later), `name.h2.db` (the older PageStore). */
const H2_FILE = /\.(mv|h2)\.db$/;
/**
 * A JDBC URL for an embedded H2 database in a file (`jdbc:h2:./data/database`,
 * `jdbc:h2:file:/var/lib/app/db`, `jdbc:h2:~/test`), not an in-memory one (`mem:`) or a server's
 * (`tcp:`, `ssl:`), which another process holds.
 */
const H2_URL = /jdbc:h2:(?!mem:|tcp:|ssl:|zip:)(?:file:)?([^;"'<\s]+)/i;
/** Files that are not the app's live data: tests, samples, packages, caches of other tools. */
const NOT_APP_DATA =
  /(^|\/)(node_modules|vendor|\.git|tests?|spec|fixtures?|examples?|samples?|docs?|tmp|cache|\.venv|venv)\//;

/** Node, Ruby, Go and PHP libraries that open SQLite files. Python's sqlite3 is in the standard library. */
const SQLITE_LIBRARIES: [Parameters<typeof hasPackage>[1], string[]][] = [
  ["node", ["sqlite3", "better-sqlite3", "@louislam/sqlite3", "@vscode/sqlite3", "sqlite", "libsql", "@libsql/client"]],
  ["ruby", ["sqlite3"]],
  ["go", ["github.com/mattn/go-sqlite3", "modernc.org/sqlite", "github.com/glebarez/sqlite", "gorm.io/driver/sqlite"]],
];

/** `sqlite:///abs/path`, `sqlite:////abs`, `sqlite3:/abs`, `file:/abs?cache=shared`: the file, when absolute. */
export function sqliteUrlPath(url: string): string | undefined {
  // sqlite://name.db is relative to the process's folder: no path to state.
  const m = /^(?:sqlite3?|file):(?:\/\/(\/[^?#]*)|(\/(?!\/)[^?#]*))/i.exec(url.trim());
  if (!m) return undefined;
  const file = (m[1] ?? m[2]!).replace(/^\/\/+/, "/");
  return file.length > 1 ? path.posix.normalize(file) : undefined;
}

/** The app folder's path on the VM joined with a file found in it. */
const onVm = (appPath: string | undefined, file: string) =>
  appPath ? path.posix.join(appPath, file) : file.startsWith("/") ? file : undefined;

function fromEnv(env: Record<string, string>): SqliteFinding | undefined {
  for (const [key, value] of Object.entries(env)) {
    if (URL_KEY.test(key) && /^sqlite3?:/i.test(value.trim())) {
      const file = sqliteUrlPath(value);
      return { ...(file ? { path: file } : {}), source: `environment (${key})` };
    }
  }
  const engineKey = Object.keys(env).find((k) => ENGINE_KEY.test(k) && /^sqlite3?$/i.test(env[k]!.trim()));
  if (!engineKey) return undefined;
  const fileKey = Object.keys(env).find((k) => FILE_KEY.test(k) && env[k]!.trim().startsWith("/"));
  return {
    ...(fileKey ? { path: path.posix.normalize(env[fileKey]!.trim()) } : {}),
    source: `environment (${engineKey})`,
  };
}

/**
 * Settings that choose sqlite for production: Django's ENGINE, Rails' database.yml production
 * adapter, Gitea's app.ini, Uptime Kuma 2's data/db-config.json.
 */
function fromConfig(app: AppContext): string | undefined {
  for (const { file, text } of app.configTexts) {
    if (/settings(\/[^/]+)?\.py$/.test(file) && /["']django\.db\.backends\.sqlite3["']/.test(text)) return file;
    if (/(^|\/)config\/database\.yml$/.test(file)) {
      const production = /^production:\s*\n((?:(?:[ \t]+.*)?\n?)*)/m.exec(text)?.[1] ?? "";
      const defaults = /^default:\s*&\w+\s*\n((?:(?:[ \t]+.*)?\n?)*)/m.exec(text)?.[1] ?? "";
      const adapter = /^\s+adapter:\s*(\S+)/m.exec(production)?.[1] ?? /^\s+adapter:\s*(\S+)/m.exec(defaults)?.[1];
      if (adapter && /^sqlite3?$/.test(adapter)) return file;
    }
    // Laravel 11's config/database.php defaults to sqlite when DB_CONNECTION is unset.
    if (/config\/database\.php$/.test(file) && /env\(\s*["']DB_CONNECTION["']\s*,\s*["']sqlite["']\s*\)/.test(text))
      return file;
    if (/app\.ini$/.test(file) && /^\s*DB_TYPE\s*=\s*sqlite3?\s*$/m.test(text)) return file;
    if (/db-config\.json$/.test(file) && /"type"\s*:\s*"sqlite"/.test(text)) return file;
  }
  return undefined;
}

/**
 * A settings file of the app (a Java properties or XML file, Spring's application.properties or
 * .yml) whose JDBC URL opens an H2 database in a file: Traccar's `database.url` by default,
 * `spring.datasource.url`. Its path, when absolute, is the `.mv.db` file beside it.
 */
function fromJdbcUrl(app: AppContext): SqliteFinding | undefined {
  for (const { file, text } of app.configTexts) {
    if (!/\.(xml|properties|ya?ml|conf)$/.test(file)) continue;
    const m = H2_URL.exec(text);
    if (!m) continue;
    const at = m[1]!.replace(/\.mv\.db$/, "");
    return { engine: "h2", source: file, ...(at.startsWith("/") ? { path: `${path.posix.normalize(at)}.mv.db` } : {}) };
  }
  return undefined;
}

/** A database file in the app's folder on the VM (kuma.db, hc.sqlite, db/production.sqlite3). */
function databaseFile(names: Iterable<string>): string | undefined {
  const files = [...names].filter((f) => DB_FILE.test(f) && !NOT_APP_DATA.test(f));
  // Development and test databases sit beside the production one in Rails and Laravel apps.
  return (
    files.find((f) => /production/.test(f)) ?? files.find((f) => !/(^|[/_.-])(development|test|dev)([/_.-]|$)/.test(f))
  );
}

/**
 * `serverEngine`: the server database the deployment uses, if any (then SQLite is only a default
 * nobody runs). `appPath`: the app's folder on the VM, when `app` holds the VM's own files.
 */
export function detectSqlite(
  env: Record<string, string>,
  app: AppContext,
  serverEngine: string | undefined,
  appPath: string | undefined,
): SqliteFinding | undefined {
  if (serverEngine) return undefined;
  // The app's folder on the VM: the files read (appPath), or the folders its units run in.
  const file = appPath ? databaseFile(app.files) : databaseFile(app.vmFiles ?? []);
  const filePath = file ? onVm(appPath, file) : undefined;
  const withFile = (f: SqliteFinding): SqliteFinding => (f.path || !filePath ? f : { ...f, path: filePath });
  const h2 = file && H2_FILE.test(file) ? ({ engine: "h2" } as const) : {};
  const envFinding = fromEnv(env);
  if (envFinding) return withFile(envFinding);
  const config = fromConfig(app);
  if (config) return withFile({ source: config });
  const jdbc = fromJdbcUrl(app);
  if (jdbc) return { ...jdbc, ...(filePath && H2_FILE.test(filePath) ? { path: filePath } : {}) };
  if (filePath) return { path: filePath, source: file!, ...h2 };
  const library = SQLITE_LIBRARIES.flatMap(([eco, names]) => names.filter((n) => hasPackage(app, eco, n)))[0];
  // A library alone, with no file seen: only when reading the VM's own copy would say otherwise.
  return library && !appPath ? { source: `dependencies (${library})` } : undefined;
}

/** The app processes that open the file: every process of the app, not the proxy or other stores. */
export function sqliteUsers(findings: DetectedService[]): string[] {
  const app = findings.filter((f) => ["web", "worker", "scheduler", "cron", "other"].includes(f.role) && f.runtime);
  return app.map((f) => f.name);
}
