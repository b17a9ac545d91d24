// Apps that write their own settings file while they run, and document a store in their database
// (plus environment overrides) for containers: a settings file mounted from Secret Manager is
// read-only, so such an app fails where it writes. Mattermost rewrites config/config.json on every
// start (config.Store.Load persists the loaded config; since 5.30 a write error stops the server:
// "failed to load configuration: … failed to persist: … read-only file system",
// https://github.com/mattermost/mattermost/issues/16725) and on each System Console save.
// The design keeps such a file as a Secret Manager file the app only reads (its first load into
// the store), points the app at the store and sets its database connection by env, both written
// by setup-database.sh. Facts init knows (the program that reads the file, the file's path) pick
// the row; nothing else names an app.
import path from "node:path";
import type { Inventory } from "../inventory/schema.js";
import { inventoryDatabaseEngine, type DatabaseEngine } from "./database-engine.js";

/**
 * One connection setting's value as the app reads it over Cloud SQL's socket on Cloud Run
 * (/cloudsql/PROJECT:REGION:INSTANCE), with the user setup-database.sh creates.
 */
export interface ConnectionForm {
  /** Before USER:PASSWORD@: a URL's scheme ("postgres://", "mysql://"), or "" for a bare DSN. */
  prefix: string;
  /** libpq's URL names the socket's folder as ?host=; go-sql-driver's DSN as its address, unix(…). */
  socket: "host-param" | "unix-address";
  /** Query parameters the app documents (without the leading ? or &). */
  params: string;
}

export interface StoreConnection {
  /** The store's URL (storeEnv). */
  store: ConnectionForm;
  /** The app's database connection override (databaseEnv). */
  database: ConnectionForm;
}

export interface SettingsStore {
  /** The app, for the plan's words. */
  app: string;
  /** The program that reads the file: a service's software, or its command's program name. */
  program: RegExp;
  /** The file, as the end of its path on the VM. */
  file: RegExp;
  /** The engines the store takes, with each setting's form there; another engine keeps the file as it is. */
  connections: Partial<Record<DatabaseEngine, StoreConnection>>;
  /** The env var naming the store: the database URL (the config table lives beside the app's data). */
  storeEnv: string;
  /** The env override of the app's own database connection (the stored one names the VM's). */
  databaseEnv: string;
  /** The env var naming a file whose settings fill what the store lacks: the VM's file on first start. */
  defaultsEnv: string;
  /** The app's environment override of one setting (`Section.Key`). */
  overrideOf: (setting: string) => string;
  /** What the app writes to the file, and when: why a read-only copy fails. */
  writes: string;
  docs: readonly string[];
}

// Mattermost's documented connection strings ("Configuration in your database"; SqlSettings.DataSource),
// sslmode=disable included. lib/pq defaults to sslmode=require over TCP, but since v1.0.0 (commit
// a33d605, 2015) it turns TLS off itself for a host that starts with / (connector.go: "SSL is not
// necessary or supported over UNIX domain sockets"), so on Cloud SQL's socket the parameter only
// says what happens: the connector encrypts the link instead.
const MATTERMOST_POSTGRES: ConnectionForm = {
  prefix: "postgres://",
  socket: "host-param",
  params: "sslmode=disable&connect_timeout=10",
};
// go-sql-driver/mysql's DSN with Mattermost's defaults (model/config.go SqlSettings.DataSource).
const MATTERMOST_MYSQL_PARAMS = "charset=utf8mb4,utf8&readTimeout=30s&writeTimeout=30s";

export const SETTINGS_STORES: readonly SettingsStore[] = [
  {
    app: "Mattermost",
    program: /^(mattermost|platform)$/,
    file: /(^|\/)config\/config\.json$/,
    // config/database.go: parseDSN takes the scheme as the driver's name and finds the store's
    // migrations in a folder of that name (postgres, mysql: "postgresql://" finds none); a mysql://
    // store strips its scheme and hands go-sql-driver the rest, while SqlSettings.DataSource with
    // DriverName mysql is the bare DSN.
    connections: {
      postgres: { store: MATTERMOST_POSTGRES, database: MATTERMOST_POSTGRES },
      mysql: {
        store: { prefix: "mysql://", socket: "unix-address", params: MATTERMOST_MYSQL_PARAMS },
        database: { prefix: "", socket: "unix-address", params: MATTERMOST_MYSQL_PARAMS },
      },
    },
    storeEnv: "MM_CONFIG",
    databaseEnv: "MM_SQLSETTINGS_DATASOURCE",
    defaultsEnv: "MM_CUSTOM_DEFAULTS_PATH",
    overrideOf: (setting) => `MM_${setting.replace(/\./g, "_").toUpperCase()}`,
    writes:
      "rewrites the file on every start and on each System Console save (since 5.30 a write error stops the server)",
    docs: [
      "https://docs.mattermost.com/configure/configuration-in-your-database.html",
      "https://docs.mattermost.com/configure/environment-variables.html",
      "https://github.com/mattermost/mattermost/issues/16725",
    ],
  },
];

/** A setting's value from its parts (placeholders for the plan, shell variables for setup-database.sh). */
export function connectionValue(
  form: ConnectionForm,
  parts: { user: string; password: string; connection: string; database: string },
): string {
  const socket = `/cloudsql/${parts.connection}`;
  const login = `${form.prefix}${parts.user}:${parts.password}@`;
  return form.socket === "host-param"
    ? `${login}/${parts.database}?host=${socket}${form.params ? `&${form.params}` : ""}`
    : `${login}unix(${socket})/${parts.database}${form.params ? `?${form.params}` : ""}`;
}

/** Each name a store sets to a connection on this engine, with its form and what it is. */
export function storeSettings(
  store: SettingsStore,
  engine: DatabaseEngine,
): Array<{ name: string; form: ConnectionForm; what: string }> {
  const c = store.connections[engine];
  return c
    ? [
        { name: store.storeEnv, form: c.store, what: `${store.app}'s settings store` },
        { name: store.databaseEnv, form: c.database, what: `${store.app}'s database connection` },
      ]
    : [];
}

type SecretFile = NonNullable<Inventory["secretFiles"]>[number];

/** The program a service runs: its software, else its command's first word's file name. */
function programsOf(s: Inventory["services"][number]): string[] {
  const first = (s.command ?? "").trim().split(/\s+/)[0] ?? "";
  return [s.software ?? "", first ? path.posix.basename(first) : ""].filter(Boolean).map((p) => p.toLowerCase());
}

/** The store a secret settings file moves to, when its readers' program documents one for this file. */
export function settingsStoreOf(inv: Inventory, file: SecretFile): SettingsStore | undefined {
  const readers = inv.services.filter((s) => (file.services ?? []).includes(s.name));
  return SETTINGS_STORES.find(
    (store) => store.file.test(file.path) && readers.some((s) => programsOf(s).some((p) => store.program.test(p))),
  );
}

/**
 * The store that applies: the inventory's database engine is one the store takes (Cloud SQL keeps
 * the engine). Undefined: the file stays a mounted secret file, as for any other app.
 */
export function usableSettingsStore(inv: Inventory, file: SecretFile): SettingsStore | undefined {
  const store = settingsStoreOf(inv, file);
  const engine = inventoryDatabaseEngine(inv);
  return store && engine && store.connections[engine] ? store : undefined;
}

/** Every name a store row sets to the database's URL (setup-database.sh writes them). */
export const STORE_URL_NAMES: ReadonlySet<string> = new Set(
  SETTINGS_STORES.flatMap((s) => [s.storeEnv, s.databaseEnv]),
);
