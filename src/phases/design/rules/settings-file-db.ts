// A process whose command names a settings file holding its database connection (inventory
// `secretFiles` with `database`: Gitea's app.ini [database], read by init's settings-file.ts) reads
// no database URL from its environment: the file itself must name Cloud SQL. The file is a secret
// mounted read-only, so the plan says what its stored version must change.
import type { DeployTarget } from "../../../contracts/deployment.js";
import type { DatabaseEngine } from "../../../contracts/database-engine.js";
import {
  connectionValue,
  storeSettings,
  usableSettingsStore,
  type SettingsStore,
} from "../../../contracts/settings-stores.js";
import { secretFileMounts } from "../../../image/code-links.js";
import type { Inventory, Service } from "../../../inventory/schema.js";
import type { Draft } from "./draft.js";
import { hasJavaConnector } from "./database-env.js";

/** The secret settings file (inventory `secretFiles` with `database`) this process reads its database from. */
export function databaseSettingsFile(d: Draft, s: Service): NonNullable<Inventory["secretFiles"]>[number] | undefined {
  return (d.inv.secretFiles ?? []).find((f) => f.database && (f.services ?? []).includes(s.name));
}

/**
 * What changes in such a file: its host names the VM's database, and an env var cannot change a
 * file's contents (unless the app reads overrides itself), so the secret's version must.
 */
export function settingsFileDatabaseChange(
  d: Draft,
  s: Service,
  file: NonNullable<Inventory["secretFiles"]>[number],
  t: DeployTarget,
): string {
  const db = file.database!;
  if (db.urlKey) return jdbcUrlChange(d, s, file, t);
  const socket = `/cloudsql/${d.project.id}:${d.inv.target.region}:${t.cloudSqlInstance}`;
  return (
    `${s.name} reads its database from [${db.section}] in ${file.path} (a secret file, mounted read-only), not from a DATABASE_URL: ` +
    `${db.host ? `its host there (${db.host}) is the VM's database` : "it names the VM's database"}. ` +
    `Before the cut-over, store a version of that secret with the host set to the Cloud SQL socket ${socket} and the user, password and database name scripts/setup-database.sh created (it stores them in its URL secret); ` +
    `environment variables do not change a file's contents unless the app reads overrides itself.`
  );
}

/**
 * A JVM app's properties file whose key holds a JDBC URL (Traccar's conf/traccar.xml
 * database.url): JDBC cannot open the unix socket Cloud Run mounts. With the Cloud SQL Java
 * connector in the build the URL names it (cloudSqlInstance, socketFactory); without it the app
 * reaches the instance's private IP over Direct VPC egress, with no code change.
 * https://cloud.google.com/sql/docs/mysql/samples/cloud-sql-mysql-servlet-connect-connector
 */
export function jdbcSettingsFileOverPrivateIp(d: Draft, file: NonNullable<Inventory["secretFiles"]>[number]): boolean {
  const engine = d.database?.engine;
  return (
    Boolean(file.database?.urlKey) &&
    (engine === "mysql" || engine === "postgres") &&
    !hasJavaConnector(engine, d.repoDir)
  );
}

function jdbcUrlChange(
  d: Draft,
  s: Service,
  file: NonNullable<Inventory["secretFiles"]>[number],
  t: DeployTarget,
): string {
  const db = file.database!;
  const mysql = d.database?.engine !== "postgres";
  const scheme = mysql ? "mysql" : "postgresql";
  const connection = `${d.project.id}:${d.inv.target.region}:${t.cloudSqlInstance}`;
  const url = jdbcSettingsFileOverPrivateIp(d, file)
    ? `jdbc:${scheme}://PRIVATE_IP:${mysql ? 3306 : 5432}/DATABASE (the instance's private IP: the build has no Cloud SQL Java connector, so ${s.name} reaches it over Direct VPC egress, with no code change)`
    : `jdbc:${scheme}:///DATABASE?cloudSqlInstance=${connection}&socketFactory=com.google.cloud.sql.${mysql ? "mysql" : "postgres"}.SocketFactory (the Cloud SQL Java connector the build has)`;
  const prefix = db.section ? `${db.section}.` : "";
  return (
    `${s.name} reads its database from ${db.urlKey} in ${file.path} (a secret file, mounted read-only), a JDBC URL naming the VM's database${db.host ? ` (${db.host})` : ""}, not from a DATABASE_URL. ` +
    `Before the cut-over, store a version of that secret with ${db.urlKey} set to ${url}, keeping the URL's other parameters, and ${prefix}user and ${prefix}password set to the user and password scripts/setup-database.sh created (it stores them in its URL secret).`
  );
}

/**
 * How such a file's `host:port` setting names the socket, whose folder has colons of its own
 * (/cloudsql/PROJECT:REGION:INSTANCE): Gitea since 1.21 splits it with net.SplitHostPort, which
 * refuses the extra colons, so the whole value is the socket folder and the port falls back to
 * 5432 (go-gitea/gitea#27723); Gitea before 1.21 and Gogs split at the last ':', which leaves the
 * instance name as the port unless the value ends with :5432. The TLS setting (SSL_MODE) may stay:
 * lib/pq and pgx skip TLS on a socket whatever it says. Only for PostgreSQL and a VM value with a port.
 */
export function settingsFileHostForm(
  d: Draft,
  s: Service,
  file: NonNullable<Inventory["secretFiles"]>[number],
  t: DeployTarget,
): string | undefined {
  const host = file.database?.host;
  if (d.database?.engine !== "postgres" || !host || !/^[^/].*:\d+$/.test(host)) return undefined;
  const socket = `/cloudsql/${d.project.id}:${d.inv.target.region}:${t.cloudSqlInstance}`;
  return `${s.name}'s [${file.database!.section}] host (${host} on the VM) is read as host:port, and the socket's folder has colons of its own: Gitea 1.21 and later take ${socket} as it is (the port falls back to 5432); Gitea before 1.21 and Gogs split at the last ':', so there write ${socket}:5432. Its SSL mode may stay: lib/pq and pgx skip TLS on a socket.`;
}

export interface StoreFile {
  file: NonNullable<Inventory["secretFiles"]>[number];
  store: SettingsStore;
  /** Where the service mounts the VM's file (read-only), for the store's first load. */
  mountPath: string;
}

/** The secret settings file this process reads that moves to the app's own store in its database. */
export function settingsStoreFile(d: Draft, s: Service): StoreFile | undefined {
  const files = d.inv.secretFiles ?? [];
  const mounts = secretFileMounts(d.inv);
  for (const [i, file] of files.entries()) {
    if (!(file.services ?? []).includes(s.name)) continue;
    const store = usableSettingsStore(d.inv, file);
    if (store) return { file, store, mountPath: mounts[i]!.mountPath };
  }
  return undefined;
}

/** "MM_CONFIG postgres://USER:PASSWORD@/DATABASE?host=/cloudsql/CONNECTION&…, MM_SQLSETTINGS_DATASOURCE …". */
function forms(store: SettingsStore, engine: DatabaseEngine | undefined): string {
  return storeSettings(store, engine ?? "postgres")
    .map(
      (x) =>
        `${x.name} ${connectionValue(x.form, { user: "USER", password: "PASSWORD", connection: "CONNECTION", database: "DATABASE" })}`,
    )
    .join(", ");
}

/**
 * What the plan says of such a file: where the settings live now, how the VM's copy gets there
 * (the app loads it as defaults on its first start against an empty store, and never writes it),
 * and what that means for the admin console and a rollback.
 */
export function settingsStoreChange(d: Draft, s: Service, f: StoreFile, t: DeployTarget): string[] {
  const { store } = f;
  const conn = `${d.project.id}:${d.inv.target.region}:${t.cloudSqlInstance}`;
  // Three sentences groups, each within a mapping change's 600 characters.
  return [
    `${s.name} keeps its settings in its database (${store.app}'s own store, ${store.storeEnv}), not in ${f.file.path}: System Console changes are saved in the database, so they persist across instances, restarts and deploys. ${store.app} ${store.writes}, so a read-only copy would stop it; the store is what ${store.app} documents for containers (${store.docs[0]}).`,
    `${store.storeEnv} names the store and ${store.databaseEnv} overrides the database connection in it (read-only in the console): scripts/setup-database.sh stores both in the forms ${store.app} documents (${forms(store, d.database?.engine)}, CONNECTION ${conn}); the VM's connection is never copied.`,
    `The VM's file is copied to Secret Manager and mounted read-only at ${f.mountPath}, and ${store.defaultsEnv} points there: on the first start against an empty store the app loads it into the store (a setting already stored wins; a database copy that replaces the instance gets it loaded again), and it never writes the file. Settings changed on Cloud Run are not in the VM's file: make them there too before a rollback to the VM.`,
  ];
}
