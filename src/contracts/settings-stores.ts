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

export interface SettingsStore {
  /** The app, for the plan's words. */
  app: string;
  /** The program that reads the file: a service's software, or its command's program name. */
  program: RegExp;
  /** The file, as the end of its path on the VM. */
  file: RegExp;
  /** Engines the store takes; another engine keeps the file as it is (and its known problem). */
  engines: readonly DatabaseEngine[];
  /** The env var naming the store: the database URL (the config table lives beside the app's data). */
  storeEnv: string;
  /** The env override of the app's own database connection (the stored one names the VM's). */
  databaseEnv: string;
  /** The URL scheme both must carry (the app picks its driver, and its store's migrations, by it). */
  urlScheme: string;
  /** The env var naming a file whose settings fill what the store lacks: the VM's file on first start. */
  defaultsEnv: string;
  /** The app's environment override of one setting (`Section.Key`). */
  overrideOf: (setting: string) => string;
  /** What the app writes to the file, and when: why a read-only copy fails. */
  writes: string;
  docs: readonly string[];
}

export const SETTINGS_STORES: readonly SettingsStore[] = [
  {
    app: "Mattermost",
    program: /^(mattermost|platform)$/,
    file: /(^|\/)config\/config\.json$/,
    // The config store's migrations exist for postgres and mysql; a mysql:// store takes
    // go-sql-driver's DSN, which setup-database.sh does not write in that form: PostgreSQL only.
    engines: ["postgres"],
    storeEnv: "MM_CONFIG",
    databaseEnv: "MM_SQLSETTINGS_DATASOURCE",
    // config/database.go parseDSN: the scheme is the driver name, and the migrations folder is
    // named "postgres" ("postgresql://" passes IsDatabaseDSN but finds no migrations).
    urlScheme: "postgres",
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
  return store && engine && store.engines.includes(engine) ? store : undefined;
}

/** Every name a store row sets to the database's URL (setup-database.sh writes them). */
export const STORE_URL_NAMES: ReadonlySet<string> = new Set(
  SETTINGS_STORES.flatMap((s) => [s.storeEnv, s.databaseEnv]),
);
