// Links between an app process and a data store that its settings imply but `dependsOn` does not
// name. A hand-written inventory often lists a crontab line or a second worker with its env (DB_HOST,
// REDIS_URL) and no dependsOn: the design then gave that process no Cloud SQL connection and no
// route to Memorystore, and kept its VM values (DB_HOST=127.0.0.1), so the job could not reach its
// database on the first run. A setting that holds the database's host, user, password, name or URL
// (database-settings.ts) names the inventory's database when it has only one; a Redis, Memcached or
// AMQP address names the one store of that kind. Where the inventory has several candidates, the
// link is not guessed, nor for names a process only shares through an env file other processes of
// another runtime load (Immich's Python machine-learning container beside its Node server). The loader warns about each link (inventory/cross-checks.ts) and the design
// uses it as if dependsOn said so, with an assumption line (phases/design/offline.ts).
import type { Inventory, Service } from "../inventory/schema.js";
import { isFileDatabase } from "../inventory/file-database.js";
import { databaseSettingRole } from "./database-settings.js";
import { REDIS_SERVER } from "./queue-systems.js";

/**
 * Names that hold a Redis/cache/broker address: filled from Memorystore, never copied from the VM.
 * Not Rails' CACHE_DATABASE_URL: Solid Cache's database, a SQL database URL (database-settings.ts).
 */
export const STORE_ADDRESS =
  /^(?!CACHE_DATABASE_URL$)(?:.*)(REDIS|CACHE|MEMCACHED?|VALKEY|BROKER|CELERY_RESULT_BACKEND|RESULT_BACKEND)(_[A-Z]+)*_(URL|URI|HOST|ADDR|ADDRESS|LOCATION|SERVERS?)$|^(BROKER_URL|CELERY_BROKER_URL|CELERY_RESULT_BACKEND)$|(^|_)MESSAGE_QUEUE(_URL|_URI)?$/;
export const isStoreAddress = (name: string): boolean => STORE_ADDRESS.test(name.toUpperCase());

/** An AMQP broker's address (RabbitMQ). */
const AMQP_ADDRESS = /^(AMQP|RABBITMQ|RABBIT)(_[A-Z]+)*_(URL|URI|HOST|HOSTNAME|ADDR|ADDRESS)$/;

/** The database roles that say where the database is or how to log in (not tuning, not the engine flag). */
const CONNECTION_ROLES = new Set(["url", "host", "user", "password", "name", "socket"]);

const APP_ROLES = new Set(["web", "worker", "scheduler", "cron", "other"]);

export interface ImpliedLink {
  /** The app process. */
  service: string;
  /** The store its settings name. */
  store: string;
  /** The settings that name it. */
  settings: string[];
}

const software = (s: Service) => `${s.software} ${s.image ?? ""}`.toLowerCase();

/** The store a family of settings names, when the inventory has exactly one of that kind. */
function onlyOne(candidates: Service[]): Service | undefined {
  return candidates.length === 1 ? candidates[0] : undefined;
}

/** Two processes that run the same app's code, as far as the inventory says: the same runtime. */
const sameCode = (a: Service, b: Service): boolean => !!a.runtime && a.runtime !== "other" && a.runtime === b.runtime;

/** Each app process's store links its env implies and its dependsOn leaves out. */
export function impliedLinks(inv: Pick<Inventory, "services" | "data">): ImpliedLink[] {
  const services = inv.services;
  const fileDbs = new Set(inv.data.filter((x) => isFileDatabase(x.engine)).map((x) => x.service));
  const databases = services.filter((s) => s.role === "database" && !fileDbs.has(s.name));
  const kv = services.filter((s) => s.role === "cache" || s.role === "broker");
  const redis = kv.filter((s) => REDIS_SERVER.test(software(s)));
  const memcached = kv.filter((s) => /memcache/.test(software(s)));
  const amqp = kv.filter((s) => /rabbit|amqp/.test(software(s)));
  const out: ImpliedLink[] = [];
  for (const s of services) {
    if (!APP_ROLES.has(s.role) || s.env.length === 0) continue;
    // Names read from a file other processes load too (compose's shared env_file, one EnvironmentFile
    // for every unit) do not say this process uses them: Immich's machine-learning container gets the
    // database settings of the server's .env and never opens the database.
    // A process of the same app's code as one loading that file (the same runtime: a Laravel crontab
    // line's `artisan schedule:run` beside Octane, one .env for all) reads those settings as its
    // peers do, and the stores they name are its own.
    const peers = s.envFile ? services.filter((x) => x !== s && x.envFile === s.envFile) : [];
    if (peers.length && !peers.some((x) => sameCode(x, s))) continue;
    const deps = new Set(s.dependsOn);
    const reaches = (kind: (x: Service) => boolean) => services.some((x) => deps.has(x.name) && kind(x));
    const found = new Map<string, string[]>();
    const add = (store: Service | undefined, name: string) => {
      if (!store || deps.has(store.name) || store.name === s.name) return;
      found.set(store.name, [...(found.get(store.name) ?? []), name]);
    };
    for (const name of s.env) {
      const upper = name.toUpperCase();
      const role = databaseSettingRole(name);
      if (role && CONNECTION_ROLES.has(role)) {
        if (!reaches((x) => x.role === "database")) add(onlyOne(databases), name);
      } else if (AMQP_ADDRESS.test(upper)) {
        if (!reaches((x) => amqp.includes(x))) add(onlyOne(amqp), name);
      } else if (isStoreAddress(upper)) {
        // The family the name says; a generic one (CACHE_URL, BROKER_URL) the inventory's only store of the kind.
        const family = /MEMCACHE/.test(upper)
          ? memcached
          : /REDIS|VALKEY/.test(upper)
            ? redis
            : /BROKER/.test(upper) && amqp.length > 0
              ? kv.filter((x) => x.role === "broker")
              : kv;
        if (!reaches((x) => family.includes(x))) add(onlyOne(family), name);
      }
    }
    for (const [store, settings] of found) out.push({ service: s.name, store, settings });
  }
  return out;
}

/** The inventory with each implied link added to its process's dependsOn (the same object when none). */
export function withImpliedLinks<T extends Pick<Inventory, "services" | "data">>(inv: T): T {
  const links = impliedLinks(inv);
  if (links.length === 0) return inv;
  return {
    ...inv,
    services: inv.services.map((s) => {
      const more = links.filter((l) => l.service === s.name).map((l) => l.store);
      return more.length ? { ...s, dependsOn: [...s.dependsOn, ...more] } : s;
    }),
  };
}

/** One line for a link: what the process's settings name, and where it is taken to go. */
export function impliedLinkText(link: ImpliedLink): string {
  const names = link.settings.slice(0, 4).join(", ") + (link.settings.length > 4 ? ", …" : "");
  return `${link.service} sets ${names} but its dependsOn does not name ${link.store}: taken to use ${link.store}`;
}
