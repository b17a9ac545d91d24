// The environment each Cloud Run service and job starts with. The VM's env file names the
// settings (never their values); on Cloud Run some must change and the design knows to what: the
// listen address (0.0.0.0, port 8080), the database engine flag and host (the Cloud SQL socket),
// its port. PORT itself is Cloud Run's. Everything else the VM sets is carried over as it is: a
// name known to hold a plain setting (a mode, a flag, a host list, a pool size), or one whose VM
// value init found plain (inventory `plainEnv`: the site's URL, a mail host, a flag) under a name
// that hints at no credential, becomes a plain env var whose value the team copies into
// deploy/cloud-run.env, a reviewed file in the repo;
// every other name, anything that could hold a secret, goes through Secret Manager (the setup
// script copies each value from the VM's env file), so no secret sits in the deploy configuration.
// https://cloud.google.com/run/docs/container-contract#env-vars
import { ENV_VALUE, isAppApi, type DeployTarget } from "../../../contracts/deployment.js";
import { openRepo, type AppRepo } from "../../../image/repo.js";
import type { Service } from "../../../inventory/schema.js";
import { databaseSettingRole } from "../../../contracts/database-settings.js";
import { isLoginEnv } from "../../../contracts/login-env.js";
import { isStoreAddress } from "../../../contracts/implied-links.js";
import { configFileChange, databaseEnv, splitDefaultsChange } from "./database-env.js";
import { configFileDatabase, frameworkConfigDatabase, missingSplitSettings } from "./config-file-db.js";
import {
  databaseSettingsFile,
  jdbcSettingsFileOverPrivateIp,
  settingsFileDatabaseChange,
  settingsFileHostForm,
  settingsStoreChange,
  settingsStoreFile,
} from "./settings-file-db.js";
import { switchSettingNames } from "./sqlite.js";
import type { Draft, EnvPlan } from "./draft.js";
import { proxyTrust } from "./proxy-trust.js";
import { isSpringBoot } from "./proxy-trust-frameworks.js";
import { sessionFix } from "./session-fix.js";
import { vmStoreAddressChange, vmStoreAddresses, vmStoreAddressValue } from "./vm-store-address.js";
import { vmAppAddressChange, vmAppAddresses, vmAppAddressValue } from "./vm-app-address.js";
import { objectStoreEnv } from "./object-store-env.js";
import { cacheFix } from "./cache-fix.js";
import { bindSetting, logToStdout } from "./server-settings.js";
import { uwsgiEnv } from "./uwsgi-switch.js";
import { SECRET_NAME } from "../../../contracts/secret-names.js";
import { portOf } from "../../../inventory/listen.js";
import { buildTimeSettings } from "../../../contracts/build-time-env.js";

/**
 * Names keep the case the app reads them in: env names are case-sensitive, and an app whose
 * settings come from a config file reads them in that file's case (Ghost's nconf reads
 * `database__connection__host`, never `DATABASE__CONNECTION__HOST`: `nconf.env({separator: '__'})`
 * in ghost/core/core/shared/config/loader.js, ghost.org/docs/config/#running-ghost-with-config-env-variables).
 * The rules below only *recognise* a name by its upper-case form.
 */
const up = (name: string): string => name.toUpperCase();

/** Set by Cloud Run itself: a service may not set them. */
const RESERVED =
  /^(PORT|K_SERVICE|K_REVISION|K_CONFIGURATION|CLOUD_RUN_JOB|CLOUD_RUN_EXECUTION|CLOUD_RUN_TASK_INDEX|CLOUD_RUN_TASK_ATTEMPT|CLOUD_RUN_TASK_COUNT)$/;
/** How many server processes/threads to fork: a web server's setting, meaningless to a worker. */
const SERVER_TUNING = /^(GRANIAN_[A-Z_]+|UVICORN_[A-Z_]+|GUNICORN_[A-Z_]+|WEB_CONCURRENCY|PUMA_[A-Z_]+)$/;
/** Any name that carries a piece of the database connection: the target has its settings. */
const DB_SETTING = /(^|_)(DATABASE|DB|PG|POSTGRES|POSTGRESQL|MYSQL|MARIADB|SQL)(_|$)|DBHOST|DBPASS|DBNAME|DBUSER/;
/**
 * Client tuning that names the database but says nothing about where it is (Mastodon's Sidekiq
 * sets only DB_POOL): a target with nothing else still needs the connection.
 */
const DB_TUNING =
  /(^|_)(POOL|POOL_SIZE|MAX_CONNECTIONS|CONN_MAX_AGE|TIMEOUT|STATEMENT_TIMEOUT|PREPARED_STATEMENTS|REAPING_FREQUENCY|SSLMODE|LOG_LEVEL)$/;
/** A name that tells the app where its database is, or how to log in to it. */
export const isDbConnectionSetting = (name: string): boolean =>
  (DB_SETTING.test(up(name)) && !DB_TUNING.test(up(name))) || databaseSettingRole(name) !== undefined;

/** The secret a target that reaches Cloud SQL gets when the VM showed no database setting at all. */
export const DEFAULT_DATABASE_SECRET = "DATABASE_URL";

/**
 * Settings that are never secret by what they are: run modes, debug and SSL flags, log levels,
 * locales, the app's own host names, pool and thread sizes. Deliberately a short list of known
 * names: an unknown name may hold a secret, so it stays one.
 */
const PLAIN_SETTING =
  /^(DEBUG|[A-Z0-9]+_DEBUG|RAILS_ENV|RACK_ENV|NODE_ENV|APP_ENV|FLASK_ENV|GO_ENV|MIX_ENV|ENVIRONMENT|DJANGO_SETTINGS_MODULE|SPRING_PROFILES_ACTIVE|RAILS_LOG_TO_STDOUT|RAILS_SERVE_STATIC_FILES|RAILS_FORCE_SSL|RAILS_ASSUME_SSL|SELF_HOSTED|LOG_LEVEL|[A-Z0-9]+_LOG_LEVEL|LOG_FORMAT|TZ|TIME_ZONE|LANG|LC_ALL|DEFAULT_LOCALE|ALLOWED_HOSTS|[A-Z0-9]+_ALLOWED_HOSTS|CSRF_TRUSTED_ORIGINS|SITE_ROOT|SITE_NAME|APP_DOMAIN|LOCAL_DOMAIN|WEB_DOMAIN|MALLOC_ARENA_MAX|STREAMING_CLUSTER_NUM|[A-Z0-9]+_(POOL|POOL_SIZE|THREADS|CONCURRENCY))$/;
/** Any hint of a credential keeps a name secret, whatever else it looks like. */
const SECRET_HINT =
  /KEY|SECRET|TOKEN|PASS|PWD|CREDENTIAL|AUTH|PRIVATE|SALT|CERT|DSN|SIGN|COOKIE|SESSION|WEBHOOK|URL|URI/;
/** A VM setting that may be passed as a plain env var: known to be plain, and nothing secret about it. */
export const isPlainSetting = (name: string): boolean => PLAIN_SETTING.test(up(name)) && !SECRET_HINT.test(up(name));

/**
 * Names plain by their value on the VM (inventory `plainEnv`: a flag, a mode, a host name, the
 * site's URL), where every process that sets the name holds it plain, the name hints at no
 * credential and no database connection (the Cloud SQL settings are the design's own).
 */
function plainByValue(d: Draft): Set<string> {
  const all = d.inv.services;
  const agreed = (n: string) => all.every((p) => !p.env.includes(n) || (p.plainEnv ?? []).includes(n));
  const names = all.flatMap((s) => s.plainEnv ?? []);
  return new Set(names.filter((n) => agreed(n) && !SECRET_NAME.test(n) && !isDbConnectionSetting(n)));
}

const serves = (t: DeployTarget) => t.kind === "api" || t.kind === "worker";

export function envPlan(d: Draft, names: readonly string[], target: DeployTarget, repo?: AppRepo): EnvPlan {
  const set: EnvPlan["set"] = {};
  const dropped: EnvPlan["dropped"] = [];
  const db = target.cloudSqlInstance ? d.database : undefined;
  const web = serves(target);
  const socket = db && `/cloudsql/${d.project.id}:${d.inv.target.region}:${db.instance}`;
  const unique = [...new Set(names)];
  for (const name of unique) {
    const bind = bindSetting(name);
    const log = logToStdout(name);
    if (RESERVED.test(name)) dropped.push({ name, why: "Cloud Run sets it" });
    else if (isLoginEnv(name))
      dropped.push({
        name,
        why: "set by the VM's login or toolchain (PATH, HOME, rvm, nvm, a venv): the image sets its own",
      });
    else if (log) set[name] = { value: log[1], why: log[2] };
    else if (!web && (bind || SERVER_TUNING.test(up(name))))
      dropped.push({ name, why: "a web server's setting; this target serves no requests" });
    else if (web && bind === "host") set[name] = { value: "0.0.0.0", why: "Cloud Run sends requests to 0.0.0.0" };
    else if (web && bind === "addr")
      set[name] = { value: `0.0.0.0:${target.port}`, why: "Cloud Run sends requests to 0.0.0.0 on PORT" };
    else if (web && bind === "port") set[name] = { value: String(target.port), why: "the port Cloud Run sends to" };
  }
  const service = d.inv.services.find((x) => target.replaces[0] === x.name);
  // uWSGI in socket mode answers HTTP on PORT once its mode is switched (uwsgi-switch.ts).
  const uwsgi = web && service ? uwsgiEnv(d, service, target.port) : undefined;
  Object.assign(set, uwsgi?.set);
  for (const x of uwsgi?.dropped ?? []) {
    delete set[x.name];
    if (!dropped.some((y) => y.name === x.name)) dropped.push(x);
  }
  const ports = web && service ? portChoice(service, unique) : undefined;
  for (const name of ports?.names ?? []) delete set[name];
  const dbEnv =
    db && socket && service
      ? databaseEnv(
          service,
          unique.filter((n) => !(n in set) && !dropped.some((x) => x.name === n)),
          db.engine,
          socket,
          d.repoDir,
          // A database server that moves to Cloud SQL keeps its engine; a SQLite file does not.
          d.notes.databaseService !== undefined,
        )
      : undefined;
  Object.assign(set, dbEnv?.set);
  dropped.push(...(dbEnv?.dropped ?? []));
  // The app's own web process now sits behind Google's front end, not the VM's nginx (proxy-trust.ts).
  const trust = service && isAppApi(target) ? proxyTrust(service, repo) : undefined;
  for (const [name, v] of Object.entries(trust?.set ?? {})) set[name] ??= v;
  // Sessions kept inside one instance move to a store every instance shares (session-fix.ts).
  const sessions = service ? sessionFix(d, service, target, repo) : undefined;
  for (const [name, v] of Object.entries(sessions?.set ?? {})) set[name] = v;
  // So does a cache that holds rate limits and locks, on every target of the app (cache-fix.ts).
  const cache = service ? cacheFix(d, service, target, repo) : undefined;
  for (const [name, v] of Object.entries(cache?.set ?? {})) set[name] = v;
  for (const [name, v] of Object.entries(set)) if (!ENV_VALUE.test(v.value)) delete set[name];
  return {
    set,
    dropped,
    added: [],
    carried: [],
    plain: [],
    stored: dbEnv?.stored ?? [],
    changes: [
      ...(ports?.change ? [ports.change] : []),
      ...(dbEnv?.changes ?? []),
      ...(trust?.changes ?? []),
      ...(sessions?.changes ?? []),
      ...(cache?.changes ?? []),
    ],
    ...(dbEnv?.privateHost ? { privateHost: dbEnv.privateHost } : {}),
    ...(dbEnv?.keptEngine ? { keptEngine: dbEnv.keptEngine } : {}),
  };
}

/**
 * A crontab line carries no environment of its own, but it runs the app's code with the app's
 * settings: a process with no env that talks to a data store takes the names of the app processes
 * (same runtime) that talk to the same stores, or it would start without its database password.
 */
export function namesOf(d: Draft, s: Service): string[] {
  if (s.env.length > 0) return [...new Set([...s.env, ...peerDatabaseNames(d, s)])];
  return [...new Set(settingPeers(d, s).flatMap((p) => p.env))];
}

/**
 * The processes of the same runtime that load the same env file (Laravel's .env under Octane, Horizon
 * and the crontab's `artisan schedule:run`).
 */
function envFilePeers(d: Draft, s: Service): Service[] {
  if (!s.envFile || !s.runtime || s.runtime === "other") return [];
  return d.inv.services.filter((p) => p !== s && p.envFile === s.envFile && p.runtime === s.runtime);
}

/**
 * A process that reads its database settings from an env file its peers load too, but lists only
 * some of them (a crontab line written with DB_HOST and DB_PASSWORD), reads the rest from that file
 * on the VM (DB_USERNAME, DB_DATABASE): on Cloud Run it needs them too, or the app falls back to its
 * defaults, not the user and database setup-database.sh creates. Only the database's connection
 * settings: a compose service's other names come from its own `environment:`, not the shared file.
 */
function peerDatabaseNames(d: Draft, s: Service): string[] {
  if (!s.env.some(isDbConnectionSetting)) return [];
  return envFilePeers(d, s)
    .flatMap((p) => p.env.filter((n) => !(p.unitEnv ?? []).includes(n)))
    .filter((n) => databaseSettingRole(n) !== undefined && isDbConnectionSetting(n));
}

/**
 * The app processes whose settings a process with no env of its own runs with: same runtime, and
 * the same database, cache or broker (or the same SQLite file). None for a process with its own env.
 */
export function settingPeers(d: Draft, s: Service): Service[] {
  if (s.env.length > 0) return [];
  const stores = new Set(
    d.inv.services.filter((x) => ["database", "cache", "broker"].includes(x.role)).map((x) => x.name),
  );
  const mine = s.dependsOn.filter((n) => stores.has(n));
  // Processes that open the same SQLite file share its settings just as well.
  const fileShare = d.sqlite?.openers.includes(s.name) ? d.sqlite.openers : [];
  if (mine.length === 0 && fileShare.length === 0) return [];
  return d.inv.services.filter(
    (p) =>
      p !== s &&
      p.env.length > 0 &&
      (!s.runtime || !p.runtime || p.runtime === s.runtime) &&
      (p.dependsOn.some((n) => mine.includes(n)) || fileShare.includes(p.name)),
  );
}

/**
 * Names the process gets as "" on the VM (inventory `emptyEnv`). A process with no env of its own
 * (a crontab line) takes its peers' settings (settingPeers), and with them which of those are empty.
 */
function emptyNamesOf(d: Draft, s: Service): Set<string> {
  const own = s.env.length > 0 ? [s, ...envFilePeers(d, s)] : settingPeers(d, s);
  return new Set(own.flatMap((p) => p.emptyEnv ?? []));
}

/**
 * Apply the plan to every target: computed values become plain env, every other name of the
 * process's environment is carried from the VM through Secret Manager, except Cloud Run's own
 * names, server settings on targets that serve nothing, and the Memorystore addresses the deploy
 * fills in. A target that reaches Cloud SQL with no database setting at all (the app reads a
 * config file on the VM) gets the names that file reads (paperless.conf, config/database.php;
 * NetBox's configuration.py with the edit that reads them, config-file-db.ts), else DATABASE_URL,
 * and the mapping says to read it.
 */
export function applyAppEnv(d: Draft): void {
  const engine = d.database?.engine;
  // No file in the repository says (a WordPress site's repository often holds only wp-content): the
  // framework's documented config file (WordPress's wp-config.php) does.
  const fileDb =
    engine && engine !== "sqlserver"
      ? (configFileDatabase(d.repoDir) ?? frameworkConfigDatabase(d.inv.services.map((x) => x.framework)))
      : undefined;
  const repo = d.repoDir ? openRepo(d.repoDir) : undefined;
  const byValue = plainByValue(d);
  const isPlain = (name: string) => isPlainSetting(name) || byValue.has(name);
  for (const t of d.services) {
    const s = d.inv.services.find((x) => t.replaces[0] === x.name);
    if (!s) continue;
    // An app leaving its SQLite file reads the Cloud SQL database from the settings that switch it.
    const own = namesOf(d, s);
    const sqlite = d.sqlite?.move === "cloud-sql" && t.cloudSqlInstance ? switchSettingNames(d.sqlite, s, own) : [];
    let names = [...new Set([...own, ...sqlite])];
    // An app configured by a file: the names that file reads, instead of a DATABASE_URL it never reads.
    const fromFile = t.cloudSqlInstance && fileDb && !names.some(isDbConnectionSetting) ? fileDb : undefined;
    if (fromFile) names = [...names, ...fromFile.names];
    // Split settings with a part left at the app's default: the documented name is set too.
    const missing = t.cloudSqlInstance && !fromFile ? missingSplitSettings(names, fileDb?.names) : undefined;
    if (missing?.names.length) names = [...names, ...missing.names];
    const plan = envPlan(d, names, t, repo);
    // Cloud SQL's private IP is reached over Direct VPC egress, whose connections may take "a minute
    // or more" on a new instance (https://cloud.google.com/run/docs/configuring/vpc-direct-vpc#limitations).
    // Spring Boot's Hikari pool fails at once when its first connection fails (initializationFailTimeout
    // 1 ms), and the app exits; 180 s of retrying fits the 240 s startup probe such targets get.
    // https://github.com/brettwooldridge/HikariCP#infrequently-used (initializationFailTimeout)
    if (plan.privateHost && isSpringBoot(s, repo))
      plan.set.SPRING_DATASOURCE_HIKARI_INITIALIZATIONFAILTIMEOUT ??= {
        value: "180000",
        why: "the pool retries its first connection for 3 minutes while the VPC path comes up",
      };
    if (fromFile)
      plan.changes = [
        configFileChange(s, fromFile, engine as "mysql" | "postgres", d.inv.secretFiles ?? []),
        ...(plan.changes ?? []),
      ];
    if (missing?.roles.length) plan.changes = [...(plan.changes ?? []), splitDefaultsChange(s, missing, fileDb?.file)];
    // The Cloud SQL user's URL, name and password: setup-database.sh stores them, the VM's are never copied.
    const stored = new Set(plan.stored);
    // Empty on the VM: set empty, as the app reads it today. Secret Manager refuses an empty
    // version (the setup would stop at it), and a plain line must hold a value to be deployed.
    // https://cloud.google.com/secret-manager/docs/reference/rest/v1/projects.secrets/addVersion
    const empty = emptyNamesOf(d, s);
    for (const name of names)
      if (empty.has(name) && !(name in plan.set) && !stored.has(name) && !isStoreAddress(name))
        plan.set[name] = { value: "", why: "empty in the VM's env file" };
    const computed = Object.fromEntries(Object.entries(plan.set).map(([k, v]) => [k, v.value]));
    // The VM's engine flag, when it names the engine Cloud SQL keeps: plain, in the app's spelling.
    const keptEngine = new Set(plan.keptEngine ?? []);
    const plainHere = (name: string) => isPlain(name) || keptEngine.has(name);
    const skip = new Set([...Object.keys(computed), ...plan.dropped.map((x) => x.name), ...(plan.privateHost ?? [])]);
    const kept = [...new Set(names)].filter((e) => !skip.has(e) && !isStoreAddress(e)).sort();
    // Public settings the front end's bundler inlines when the app is built (build-time-env.ts): the
    // image build takes them; at runtime they would change nothing in the browser code.
    const built = buildTimeSettings(
      s,
      kept.filter((e) => !stored.has(e)),
      repo,
    );
    if (built.size) plan.buildTime = [...built].map(([name, bundler]) => ({ name, bundler }));
    plan.plain = kept.filter((e) => plainHere(e) && !stored.has(e) && !built.has(e));
    plan.carried = kept.filter((e) => !plainHere(e) && !stored.has(e) && !built.has(e));
    // The VM's object store's endpoint (object-store-env.ts): plain or secret, never the VM's value.
    const s3 = objectStoreEnv(d, s, kept);
    if (s3) {
      plan.readdressed = [...s3.names];
      plan.newValues = { ...s3.newValues };
      plan.changes = [...(plan.changes ?? []), s3.change];
    }
    // The VM's address of a store the design does not fill in (vm-store-address.ts): carried, but said apart.
    const carried = plan.carried.filter((n) => !s3?.names.includes(n));
    const readdress = vmStoreAddresses(d, carried, { service: s, cloudSql: Boolean(t.cloudSqlInstance) });
    if (readdress.length) {
      plan.readdressed = [...(plan.readdressed ?? []), ...readdress.flatMap((x) => x.names)];
      for (const x of readdress) for (const n of x.names) (plan.newValues ??= {})[n] ??= vmStoreAddressValue(x.store);
      plan.changes = [...(plan.changes ?? []), ...readdress.map(vmStoreAddressChange)];
    }
    // The VM's address of another app process it calls, now a Cloud Run service (vm-app-address.ts).
    // A build-time public setting is read by browsers, which never reached the VM's loopback address.
    const apps = vmAppAddresses(
      d,
      s,
      kept.filter((e) => !built.has(e)),
    );
    if (apps.length) {
      plan.readdressed = [...(plan.readdressed ?? []), ...apps.flatMap((x) => x.names)];
      for (const x of apps) for (const n of x.names) (plan.newValues ??= {})[n] ??= vmAppAddressValue(d, x);
      plan.changes = [...(plan.changes ?? []), ...apps.map((x) => vmAppAddressChange(d, s, x))];
    }
    let secrets = [...new Set([...t.secrets, ...plan.carried, ...stored])].filter(
      (e) => !skip.has(e) && (stored.has(e) || (!plainHere(e) && !built.has(e))),
    );
    // A settings file the command names holds the connection (Gitea's app.ini [database]): the
    // app reads no database URL from its environment; the file's own settings change instead.
    // …unless the app documents a store in its database for that file (settings-stores.ts): then
    // the store's URL and the connection override come from setup-database.sh, and the VM's file
    // is read once, as defaults, from its read-only mount.
    const store = t.cloudSqlInstance ? settingsStoreFile(d, s) : undefined;
    const settingsDb = t.cloudSqlInstance && !store ? databaseSettingsFile(d, s) : undefined;
    if (settingsDb) {
      const hostForm = settingsFileHostForm(d, s, settingsDb, t);
      plan.changes = [
        ...(plan.changes ?? []),
        settingsFileDatabaseChange(d, s, settingsDb, t),
        ...(hostForm ? [hostForm] : []),
      ];
    }
    if (store) {
      const names = [store.store.storeEnv, store.store.databaseEnv];
      secrets = [...new Set([...secrets, ...names])];
      plan.stored = [...new Set([...(plan.stored ?? []), ...names])];
      computed[store.store.defaultsEnv] = store.mountPath;
      plan.set[store.store.defaultsEnv] = {
        value: store.mountPath,
        why: "the VM's settings file, read once into the store",
      };
      plan.changes = [...(plan.changes ?? []), ...settingsStoreChange(d, s, store, t)];
    }
    if (
      t.cloudSqlInstance &&
      !settingsDb &&
      ![...secrets, ...Object.keys(computed), ...(plan.privateHost ?? []), ...keptEngine].some(isDbConnectionSetting)
    ) {
      secrets = [...secrets, DEFAULT_DATABASE_SECRET];
      plan.added.push({
        name: DEFAULT_DATABASE_SECRET,
        why: `${s.name} uses the database, but the VM sets no database setting in its environment (the app reads a config file)`,
      });
    }
    t.secrets = secrets.sort();
    if (Object.keys(computed).length) t.env = { ...computed, ...t.env };
    if (plan.plain.length) t.plainEnv = plan.plain;
    if (built.size) t.buildArgs = [...built.keys()];
    // A JDBC URL in that file, with no Cloud SQL Java connector in the build: the private IP, which
    // the stored file names itself (no env var carries it).
    if (settingsDb && jdbcSettingsFileOverPrivateIp(d, settingsDb)) plan.privateHost ??= [];
    if (plan.privateHost) {
      // The instance's private IP: reached over Direct VPC egress (planEdge adds the network).
      t.cloudSqlPrivateIp = { hostEnv: plan.privateHost, ...(t.vpcEgress ? {} : { onlyEgress: true }) };
      t.vpcEgress ??= "private-ranges-only";
    }
    d.notes.env = { ...d.notes.env, [t.name]: plan };
  }
}

/** A port a process is told about for another service (its database's, its mail server's). */
const CLIENT_PORT =
  /(DB|DATABASE|POSTGRES|PG|MYSQL|MARIADB|REDIS|CACHE|MEMCACHED?|RABBITMQ|AMQP|BROKER|SMTP|EMAIL|MAIL|LDAP)_PORT$/;

/**
 * A process that listens on several ports named by several settings (taiga-events: the websocket
 * on WEB_SOCKET_SERVER_PORT, a /healthz server on APP_PORT) gets none of them set by name: Cloud
 * Run sends to one port, and only the VM's values say which setting carries the proxied one.
 */
function portChoice(s: Service, names: string[]): { names: string[]; change?: string } | undefined {
  const own = [...new Set(names)].filter((n) => /_PORT$/i.test(n) && !CLIENT_PORT.test(n.toUpperCase()));
  const listening = [...new Set(s.listen.map(portOf))];
  if (own.length < 2 || listening.length < 2) return undefined;
  return {
    names: own,
    change: `${s.name} listens on ${listening.join(" and ")} on the VM, from ${own.join(", ")}: Cloud Run sends requests to one port, 8080 (PORT), so the setting behind ${listening[0]} (the one the VM's proxy reached) must be 8080 and the others another port. The deploy sets none of them by name: after the secrets setup copies the VM's values, give that one's secret the value 8080.`,
  };
}

/** What the mapping tells the app about its environment on Cloud Run. */
export function envChanges(plan: EnvPlan | undefined, target: DeployTarget): string[] {
  if (!plan) return [];
  const out: string[] = [];
  // Later rules may take a name away again (a model key only the AI worker keeps).
  const readdressed = new Set(plan.readdressed ?? []);
  const carried = plan.carried.filter((n) => target.secrets.includes(n) && !readdressed.has(n));
  const stored = (plan.stored ?? []).filter((n) => target.secrets.includes(n));
  const set = Object.entries(plan.set).filter(([, v]) => v.value !== "");
  const blank = Object.keys(plan.set).filter((k) => plan.set[k]!.value === "");
  if (set.length)
    out.push(
      `The deploy sets ${set.map(([k, v]) => `${k}=${v.value} (${v.why})`).join(", ")}; the VM's values for these do not apply.`,
    );
  if (blank.length)
    out.push(
      `${blank.join(", ")} ${blank.length === 1 ? "is" : "are"} empty in the VM's env file: the deploy sets ${blank.length === 1 ? "it" : "them"} to the empty string as plain env, not a secret (Secret Manager cannot hold an empty value). Set a value in the VM's file and rerun init before the move if ${blank.length === 1 ? "it needs" : "they need"} one.`,
    );
  if (plan.privateHost?.length)
    out.push(
      `The deploy sets ${plan.privateHost.join(", ")} to the Cloud SQL instance's private IP (looked up at each deploy, plain config); the VM's host does not apply.`,
    );
  const built = plan.buildTime ?? [];
  if (built.length) {
    const byBundler = new Map<string, string[]>();
    for (const b of built) byBundler.set(b.bundler, [...(byBundler.get(b.bundler) ?? []), b.name]);
    const list = [...byBundler].map(([bundler, names]) => `${names.join(", ")} (${bundler})`).join("; ");
    out.push(
      `${list}: ${built.length === 1 ? "a public setting" : "public settings"} the front end's bundler writes into the browser code when the app is built, so setting ${built.length === 1 ? "it" : "them"} on Cloud Run at runtime would change nothing there. The image build takes ${built.length === 1 ? "it" : "them"} (a Dockerfile ARG before the build, the deploy's --build-arg) from the repository ${built.length === 1 ? "variable" : "variables"} of the same name (Settings > Secrets and variables > Actions > Variables), never a secret: every visitor downloads ${built.length === 1 ? "its value" : "their values"}. A new value needs a new build.`,
    );
  }
  const plain = plan.plain.filter((n) => !readdressed.has(n));
  if (plain.length)
    out.push(
      `${plain.join(", ")} ${plain.length === 1 ? "is a plain setting, not a secret" : "are plain settings, not secrets"}: the deploy passes ${plain.length === 1 ? "it" : "them"} as plain env vars, with the values in deploy/cloud-run.env (copy them from the VM's env file; the file is committed and reviewed like code).`,
    );
  if (stored.length && target.cloudSqlInstance)
    out.push(
      `${stored.join(", ")} must name the Cloud SQL user and database on ${target.cloudSqlInstance}, not the VM's: scripts/setup-database.sh stores ${stored.length === 1 ? "it" : "them"} for the user it creates (never copied from the VM).`,
    );
  if (carried.length)
    out.push(
      `${carried.join(", ")} ${carried.length === 1 ? "keeps its value" : "keep their values"} from the VM: the secrets setup copies each from the VM's env file into Secret Manager, and Cloud Run injects ${carried.length === 1 ? "it" : "them"}.`,
    );
  for (const a of plan.added)
    out.push(
      `Read the database connection from ${a.name} (a Secret Manager secret holding the Cloud SQL socket URL): ${a.why}, and that file still points at the VM's database.`,
    );
  return out;
}
