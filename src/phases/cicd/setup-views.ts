// What scripts/setup-secrets.sh and scripts/setup-queues.sh need from the design's deployment.
// Every value is a pattern-checked name from the deployment contract; nothing else reaches them.
import { isJavaProcess } from "../../contracts/java-process.js";
import type { Inventory } from "../../inventory/schema.js";
import { databaseSettingRole, isStoredDatabaseSetting, railsNamedDatabase } from "../../contracts/database-settings.js";
import {
  isAiGatewayTarget,
  isAiWorkerTarget,
  isAppApi,
  type Cache,
  type Filestore,
  FILESTORE_SHARE,
  type Deployment,
  CREDENTIAL_SCRIPT,
} from "../../contracts/deployment.js";
import { deployedOnly, heldLabel } from "../../contracts/held-targets.js";
import { connectionValue, SETTINGS_STORES, storeSettings as settingsOf } from "../../contracts/settings-stores.js";
import { databaseUrlShape } from "./database-url.js";
import { PLAIN_ENV_FILE, plainEnvNames } from "./plain-env.js";
import type { Stack } from "./runtime.js";

export interface SecretsView {
  project: string;
  secrets: string[];
  /** `SECRET:runtime-account` pairs. */
  grants: string[];
  /** Held targets that mount secrets: their accounts get no grant until they deploy (held-targets.ts). */
  heldReaders: string[];
  /** `SECRET=/path/on/the/vm` pairs: files --from-vm copies into a secret (design/rules/secret-files.ts). */
  fileSecrets: string[];
  dbUrlSecrets: string[];
  /** The Cloud SQL user's name, password and database name: setup-database.sh writes them. */
  dbUserSecrets: string[];
  dbUrlForm: string;
  /** Plain settings (the design's plainEnv) that --from-vm fills into deploy/cloud-run.env. */
  plainEnv: string[];
  /**
   * What --from-vm reads from the VM's env files (--env-file, --unit): the secret values it may copy
   * (never the database's) and the plain settings. None: secret files alone need only --from-vm.
   */
  vmEnvNames: string[];
  /** Secrets a carried command reads (image/command-credentials.ts): on the VM they are on a command line. */
  commandLineSecrets: string[];
  plainEnvFile: string;
  /** scripts/setup-database.sh manages the Cloud SQL user: --rotate leaves its settings to it. */
  databaseScript: boolean;
  /** Settings the move re-points (deployment.repointed): never read from the VM; a secret is asked for. */
  repointed: string[];
  /** Where each one's new value comes from, shell-quoted, in the same order. */
  repointedWhere: string[];
}

/** A text as one single-quoted shell word. */
const quoted = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

/** The env vars a `sh -c` command carrying a VM command line's credentials reads (`"$NAME"`). */
function credentialsRead(command: readonly string[] | undefined): string[] {
  const script = command?.[0] === "sh" && command[1] === "-c" ? command[2] : undefined;
  if (!script || !CREDENTIAL_SCRIPT.test(script)) return [];
  return [...script.matchAll(/"\$([A-Z][A-Z0-9_]*)"/g)].map((m) => m[1]!);
}

/** The Cloud SQL URL, over the unix socket Cloud Run mounts, in the SQLAlchemy form. */
export function cloudSqlUrlForm(deployment: Deployment): string {
  const db = deployment.database;
  if (!db) return "the URL of your database";
  const socket = `/cloudsql/${deployment.project}:${deployment.region}:${db.instance}`;
  return db.engine === "postgres"
    ? `postgresql://USER:PASSWORD@/DATABASE?host=${socket}`
    : `mysql+pymysql://USER:PASSWORD@/DATABASE?unix_socket=${socket}`;
}

/** `urlForm`: the form setup-database.sh writes (its view), so both scripts show the same URL. */
export function secretsView(deployment: Deployment, urlForm?: string, databaseScript = false): SecretsView | undefined {
  const secrets = [...new Set(deployment.services.flatMap((s) => s.secrets))].sort();
  const files = (deployment.secretFiles ?? []).filter((f) => f.targets.length > 0);
  if (secrets.length === 0 && files.length === 0) return undefined;
  // A held target's account reads nothing until it deploys (held-targets.ts); its secrets are still stored.
  const running = deployment.services.filter((s) => !s.held);
  const accounts = new Map(running.map((s) => [s.name, s.serviceAccount]));
  const grants = [
    ...new Set([
      ...running.flatMap((s) => s.secrets.map((x) => `${x}:${s.serviceAccount}`)),
      ...files.flatMap((f) => f.targets.filter((t) => accounts.has(t)).map((t) => `${f.secret}:${accounts.get(t)}`)),
    ]),
  ];
  const cloudSql = new Set(deployment.services.filter((s) => s.cloudSqlInstance).flatMap((s) => s.secrets));
  const plainEnv = plainEnvNames(deployment);
  // A re-pointed name says where its value comes from (a second database's URL: that database's).
  const repointed = (deployment.repointed ?? []).filter((r) => secrets.includes(r.name) || plainEnv.includes(r.name));
  const moved = new Set(repointed.map((r) => r.name));
  const dbUrlSecrets = secrets.filter((s) => databaseSettingRole(s) === "url" && !moved.has(s));
  const dbUserSecrets = secrets.filter(
    (s) => isStoredDatabaseSetting(s) && databaseSettingRole(s) !== "url" && cloudSql.has(s) && !moved.has(s),
  );
  const commandLineSecrets = [...new Set(deployment.services.flatMap((s) => credentialsRead(s.command)))].sort();
  const notCopied = new Set([...dbUrlSecrets, ...dbUserSecrets, ...commandLineSecrets, ...moved]);
  return {
    project: deployment.project,
    secrets,
    grants: grants.sort(),
    heldReaders: deployment.services
      .filter((s) => s.held && (s.secrets.length || files.some((f) => f.targets.includes(s.name))))
      .map(heldLabel),
    fileSecrets: files.map((f) => `${f.secret}=${f.sourcePath}`),
    // Never copied from the VM: there they point at the VM's own database and user.
    dbUrlSecrets,
    dbUserSecrets,
    dbUrlForm: urlForm ?? cloudSqlUrlForm(deployment),
    plainEnv,
    vmEnvNames: [...secrets.filter((s) => !notCopied.has(s)), ...plainEnv.filter((n) => !moved.has(n))],
    commandLineSecrets,
    plainEnvFile: PLAIN_ENV_FILE,
    databaseScript,
    repointed: repointed.map((r) => r.name),
    repointedWhere: repointed.map((r) => quoted(r.newValue)),
  };
}

export interface QueueView {
  name: string;
  target: string;
  path: string;
  maxAttempts: number;
  minBackoff: string;
  maxBackoff: string;
  rate: number;
  concurrency: number;
  /** Identity in each task's OIDC token: the only caller the worker admits. */
  invoker: string;
  /** Runtime accounts that enqueue (the APIs). */
  enqueuers: string[];
}

export interface QueuesView {
  project: string;
  region: string;
  queues: QueueView[];
}

/**
 * The app's queues; the AI worker's own queue is set up by scripts/setup-ai-worker.sh. A queue
 * that pushes to a held worker waits with it, and a held API enqueues on none (held-targets.ts).
 */
export function queuesView(full: Deployment): QueuesView | undefined {
  const deployment = deployedOnly(full);
  const byName = new Map(deployment.services.map((s) => [s.name, s]));
  // The AI gateway enqueues on the AI queue only (scripts/setup-ai-worker.sh), never on these.
  const apis = [...new Set(deployment.services.filter(isAppApi).map((s) => s.serviceAccount))].sort();
  const queues = deployment.queues
    .filter((q) => !isAiWorkerTarget(byName.get(q.target) ?? { kind: "job", name: "" }))
    .map((q) => {
      const invoker = q.oidcServiceAccount ?? apis[0] ?? byName.get(q.target)!.serviceAccount;
      return {
        name: q.name,
        target: q.target,
        path: q.path,
        maxAttempts: q.maxAttempts,
        minBackoff: `${q.minBackoffSeconds}s`,
        maxBackoff: `${q.maxBackoffSeconds}s`,
        rate: q.maxDispatchesPerSecond,
        concurrency: q.maxConcurrentDispatches,
        invoker,
        enqueuers: apis,
      };
    });
  return queues.length ? { project: deployment.project, region: deployment.region, queues } : undefined;
}

export interface NetworkView {
  project: string;
  region: string;
  network: string;
  subnet: string;
  range: string;
  apis: string;
  hasMemcached: boolean;
  /** Private services access (a peering with Google's services): Memorystore for Memcached, Cloud SQL's private IP. */
  peering: boolean;
  /** Some target reaches Cloud SQL over its private IP (setup-database.sh gives the instance one). */
  privateSql: boolean;
  caches: Array<Cache & { redis: boolean; nodeMemory: string }>;
  /** Filestore shares for data written in place (their decision chose Filestore), with gcloud's capacity word. */
  filestores: Array<Filestore & { capacity: string; share: string }>;
}

/** Targets whose client takes only a host reach the Cloud SQL instance's private IP (design: database-env.ts). */
export const usesCloudSqlPrivateIp = (deployment: Deployment): boolean =>
  Boolean(deployment.database) && deployment.services.some((t) => t.cloudSqlPrivateIp);

/** Undefined when nothing reaches a private IP (no Direct VPC egress, no Memorystore). */
export function networkView(deployment: Deployment): NetworkView | undefined {
  const caches = deployment.caches ?? [];
  if (!deployment.network && caches.length === 0) return undefined;
  const network = deployment.network ?? { network: "default", subnet: "default", range: "10.8.0.0/24" };
  const hasMemcached = caches.some((c) => c.engine === "memcached");
  const privateSql = usesCloudSqlPrivateIp(deployment);
  const apis = ["compute.googleapis.com"];
  if (caches.some((c) => c.engine === "redis")) apis.push("redis.googleapis.com");
  if (hasMemcached) apis.push("memcache.googleapis.com");
  if (hasMemcached || privateSql) apis.push("servicenetworking.googleapis.com");
  const filestores = deployment.filestores ?? [];
  if (filestores.length) apis.push("file.googleapis.com");
  return {
    project: deployment.project,
    region: deployment.region,
    ...network,
    apis: apis.join(" "),
    hasMemcached,
    peering: hasMemcached || privateSql,
    privateSql,
    caches: caches.map((c) => ({ ...c, redis: c.engine === "redis", nodeMemory: `${c.sizeGiB * 1024}MB` })),
    // gcloud reads a bare number as GB and takes TB: whole TiB as TB.
    filestores: filestores.map((f) => ({
      ...f,
      capacity: f.capacityGiB % 1024 === 0 ? `${f.capacityGiB / 1024}TB` : `${f.capacityGiB}GB`,
      share: FILESTORE_SHARE,
    })),
  };
}

export interface DatabaseView {
  project: string;
  region: string;
  instance: string;
  databaseVersion: string;
  tier: string;
  storageGiB: number;
  ha: boolean;
  mysql: boolean;
  availability: "REGIONAL" | "ZONAL";
  /** Point-in-time recovery: binary logging on MySQL, write-ahead-log archiving on PostgreSQL. */
  pitrFlag: string;
  database: string;
  user: string;
  scheme: string;
  socketParam: string;
  /** The secrets the URL is written to, in the form the stack's driver reads: the ones the services mount. */
  urlSecrets: string[];
  /** Rails' named databases (railsNamedDatabase): each URL names a database of its own, `DATABASE_suffix`. */
  namedUrls: Array<{ secret: string; suffix: string }>;
  /** URLs only JDBC reads (a Java app): the Cloud SQL Java connector's form. */
  jdbcUrlSecrets: string[];
  /** A Go app's MySQL settings: go-sql-driver's DSN over the socket, which no URL parser reads. */
  dsnUrlSecrets: string[];
  dsnForm: string;
  /**
   * The instance also gets a private IP on the design's network (`network`), for the targets whose
   * client takes only a host; `jdbcPrivate`: the JDBC URLs name that IP (no connector in the build).
   */
  privateIp: boolean;
  network: string;
  jdbcPrivate: boolean;
  port: number;
  /** The URL's host: localhost for MySQL (a URL without one is refused by Node and Rails). */
  urlHost: string;
  /** Split settings the app reads instead of (or beside) a URL, each written for the user created. */
  userSecrets: string[];
  passwordSecrets: string[];
  nameSecrets: string[];
  /**
   * False when none of the app's services mounts a database setting (the inventory names none):
   * the URL then goes to DATABASE_URL, so the generated password is never lost, but the app reads
   * it only once a service declares it.
   */
  urlMounted: boolean;
  /** Every secret the script writes, for the plan. */
  storedSecrets: string[];
  /** An app's own settings store's names, each in its own form (settings-stores.ts). */
  storeSettings: Array<{ secret: string; what: string; shell: string; form: string }>;
  jdbcForm: string;
  /** The server's other databases (deployment.database.databases after the first), each set up by `--for NAME`. */
  extraDatabases: OtherDatabaseView[];
  /** The server's databases no deployed target reads the settings of: the data copy creates them. */
  copiedOnly: string[];
  /** With other databases: the targets that use this view's (the first) database. */
  firstTargets: string[];
  jdbcScheme: string;
  jdbcFactory: string;
  urlForm: string;
}

/** Where the URL goes when no service mounts one: the name most frameworks read by default. */
export const FALLBACK_URL_SECRET = "DATABASE_URL";

/**
 * `repoDir`: the app's repository, whose dependencies settle the URL's driver (database-url.ts);
 * `generated`: the files a previous run wrote there (the AI worker's requirements.txt is not the app's);
 * `javaTargets`: the targets whose process connects with JDBC (javaTargetNames).
 */
export function databaseView(
  deployment: Deployment,
  stack: Stack,
  appName: string,
  repoDir?: string,
  generated?: ReadonlySet<string>,
  javaTargets: ReadonlySet<string> = new Set(),
): DatabaseView | undefined {
  const db = deployment.database;
  if (!db || db.engine === "sqlserver") return undefined;
  const mysql = db.engine === "mysql";
  const shape = databaseUrlShape(db.engine, stack, repoDir, generated);
  const { host: urlHost, socketParam, goDsn } = shape;
  // A server with several databases: the first is this view's; each other one is set up by the same
  // script (--for NAME) with its own user and its own targets' settings.
  // A database whose targets read none of its settings (none on Cloud Run) is left to the copy,
  // which creates it: a user whose password no setting holds could not be run again.
  const [first, ...rest] = db.databases ?? [];
  const others = rest.filter((x) => x.secrets.length > 0);
  const database =
    first?.name ??
    (appName
      .replace(/[^A-Za-z0-9_]/g, "_")
      .replace(/^[^A-Za-z_]+/, "")
      .slice(0, 63) ||
      "app");
  const connection = `${deployment.project}:${deployment.region}:${db.instance}`;
  const otherTargets = new Set(others.flatMap((x) => x.targets));
  const onSql = deployment.services.filter((s) => s.cloudSqlInstance && !otherTargets.has(s.name));
  const mountedBy = (pick: (t: Deployment["services"][number]) => boolean, role: string) =>
    [...new Set(onSql.filter(pick).flatMap((s) => s.secrets))].filter((n) => databaseSettingRole(n) === role).sort();
  const isAi = (t: Deployment["services"][number]) => isAiWorkerTarget(t) || isAiGatewayTarget(t);
  // The AI worker and gateway are Python (SQLAlchemy URL); a Java app's own URLs are JDBC.
  // An app's own settings store (settings-stores.ts: Mattermost's MM_CONFIG, MM_SQLSETTINGS_DATASOURCE)
  // takes each of its settings in the form the app documents for this engine, whatever the stack's
  // URL or --scheme: the AI worker beside it keeps its own SQLAlchemy URL.
  const appMounted = new Set(onSql.filter((t) => !isAi(t)).flatMap((t) => t.secrets));
  const storeSettings = SETTINGS_STORES.flatMap((st) => settingsOf(st, db.engine)).filter((x) =>
    appMounted.has(x.name),
  );
  const storeNames = new Set(storeSettings.map((x) => x.name));
  const aiUrls = mountedBy(isAi, "url").filter((n) => !storeNames.has(n));
  const appUrls = mountedBy((t) => !isAi(t), "url").filter((n) => !storeNames.has(n));
  // A Java process beside an app of another stack (Keycloak beside a Node API) reads its own URL
  // setting as JDBC too: a URL only such processes read takes the JDBC form.
  const readers = (n: string) => onSql.filter((t) => !isAi(t) && t.secrets.includes(n));
  const jdbcOnly = (n: string) => readers(n).length > 0 && readers(n).every((t) => javaTargets.has(t.name));
  const jdbcUrlSecrets = appUrls
    .filter((n) => !aiUrls.includes(n))
    .filter((n) => stack === "java" || first?.jdbc || jdbcOnly(n));
  const extraDatabases = others.map((x) => otherDatabaseView(deployment, x));
  // The Java targets that read them reach the private IP when the build has no Cloud SQL connector.
  const jdbcPrivate =
    onSql.some((t) => t.cloudSqlPrivateIp && t.secrets.some((n) => jdbcUrlSecrets.includes(n))) ||
    extraDatabases.some((x) => x.jdbcPrivate);
  const dsnUrlSecrets = goDsn ? appUrls.filter((n) => !aiUrls.includes(n)) : [];
  const native = [...jdbcUrlSecrets, ...dsnUrlSecrets];
  const urls = [...new Set([...aiUrls, ...appUrls])].filter((n) => !native.includes(n)).sort();
  const [userSecrets, passwordSecrets, nameSecrets] = (["user", "password", "name"] as const).map((r) =>
    mountedBy(() => true, r),
  );
  const appStored = onSql.filter((t) => !isAi(t)).flatMap((t) => t.secrets.filter(isStoredDatabaseSetting));
  const anyStored = urls.length + native.length + storeSettings.length + passwordSecrets!.length > 0;
  const namedUrls = urls.flatMap((secret) => {
    const suffix = railsNamedDatabase(stack, secret);
    return suffix ? [{ secret, suffix }] : [];
  });
  const urlSecrets = anyStored ? urls.filter((n) => !namedUrls.some((x) => x.secret === n)) : [FALLBACK_URL_SECRET];
  const scheme = shape.scheme;
  const socketDb = (engine: string) => (engine === "postgres" ? "postgresql" : "mysql");
  const jdbcFactory = `com.google.cloud.sql.${db.engine === "postgres" ? "postgres" : "mysql"}.SocketFactory`;
  return {
    project: deployment.project,
    region: deployment.region,
    instance: db.instance,
    databaseVersion: db.databaseVersion,
    tier: db.tier,
    storageGiB: db.storageGiB,
    ha: db.highAvailability,
    mysql,
    availability: db.highAvailability ? "REGIONAL" : "ZONAL",
    pitrFlag: mysql ? "--enable-bin-log" : "--enable-point-in-time-recovery",
    database,
    user: "app",
    scheme,
    socketParam,
    urlSecrets,
    namedUrls,
    jdbcUrlSecrets,
    dsnUrlSecrets,
    dsnForm: `USER:PASSWORD@unix(/cloudsql/${connection})/${database}`,
    urlHost,
    userSecrets: userSecrets!,
    passwordSecrets: passwordSecrets!,
    nameSecrets: nameSecrets!,
    // The AI worker and gateway mount a URL of their own choosing; the app's services must read one too.
    urlMounted: appStored.length > 0,
    storedSecrets: [
      ...urlSecrets,
      ...namedUrls.map((x) => x.secret),
      ...native,
      ...storeSettings.map((x) => x.name),
      ...userSecrets!,
      ...passwordSecrets!,
      ...nameSecrets!,
      ...extraDatabases.flatMap((x) => x.secrets),
    ],
    extraDatabases,
    copiedOnly: rest.filter((x) => !others.includes(x)).map((x) => x.name),
    firstTargets: first ? onSql.map((t) => t.name) : [],
    storeSettings: storeSettings.map(({ name, form, what }) => ({
      secret: name,
      what,
      // Double-quoted in the script: the parts are shell variables, the rest plain URL characters.
      shell: connectionValue(form, {
        user: "$DB_USER",
        password: "$1",
        connection: "$CONNECTION",
        database: "$DATABASE",
      }),
      form: connectionValue(form, { user: "USER", password: "PASSWORD", connection, database }),
    })),
    // https://github.com/GoogleCloudPlatform/cloud-sql-jdbc-socket-factory/blob/main/docs/jdbc.md
    jdbcForm: jdbcPrivate
      ? `jdbc:${socketDb(db.engine)}://PRIVATE_IP:${mysql ? 3306 : 5432}/${database}?user=USER&password=PASSWORD`
      : `jdbc:${socketDb(db.engine)}:///${database}?cloudSqlInstance=${connection}&socketFactory=${jdbcFactory}&user=USER&password=PASSWORD`,
    jdbcScheme: socketDb(db.engine),
    jdbcFactory,
    privateIp: usesCloudSqlPrivateIp(deployment),
    network: deployment.network?.network ?? "default",
    jdbcPrivate,
    port: mysql ? 3306 : 5432,
    urlForm: `${scheme}://USER:PASSWORD@${urlHost}/${database}?${socketParam}=/cloudsql/${connection}`,
  };
}

/** Another database of the server: its name, its user, and its targets' settings by what each holds. */
export interface OtherDatabaseView {
  name: string;
  user: string;
  targets: string[];
  urlSecrets: string[];
  /** Read by JDBC (a Java process): the JDBC URL, of the private IP when `jdbcPrivate`. */
  jdbcUrlSecrets: string[];
  jdbcPrivate: boolean;
  userSecrets: string[];
  passwordSecrets: string[];
  nameSecrets: string[];
  secrets: string[];
}

function otherDatabaseView(
  deployment: Deployment,
  x: NonNullable<NonNullable<Deployment["database"]>["databases"]>[number],
): OtherDatabaseView {
  const role = (r: string) => x.secrets.filter((n) => databaseSettingRole(n) === r);
  const urls = role("url");
  const targets = deployment.services.filter((t) => x.targets.includes(t.name));
  return {
    name: x.name,
    user: x.user,
    targets: x.targets,
    urlSecrets: x.jdbc ? [] : urls,
    jdbcUrlSecrets: x.jdbc ? urls : [],
    jdbcPrivate: Boolean(x.jdbc) && targets.some((t) => t.cloudSqlPrivateIp),
    userSecrets: role("user"),
    passwordSecrets: role("password"),
    nameSecrets: role("name"),
    secrets: x.secrets,
  };
}

/** The targets whose inventory process connects with JDBC (a Java process, whatever the app's stack). */
export function javaTargetNames(deployment: Deployment, inventory: Pick<Inventory, "services">): Set<string> {
  const java = new Set(inventory.services.filter(isJavaProcess).map((s) => s.name));
  return new Set(deployment.services.filter((t) => java.has(t.replaces[0] ?? "")).map((t) => t.name));
}
