// The fix for sessions kept inside one instance (audit rules-sessions.ts): the store every instance
// shares that the design already has. Memorystore when the app reaches Redis, else the Cloud SQL
// database, else (Laravel, Express) a signed cookie. Where a setting the framework reads from the
// environment does it (Laravel's SESSION_DRIVER), the deploy sets it; where only code or settings
// do (Django's SESSION_ENGINE, express-session's `store`), the mapping names the exact change.
// Session affinity (https://cloud.google.com/run/docs/configuring/session-affinity) is best effort:
// a mitigation at most, never the fix.
import { isAppApi, type DeployTarget } from "../../../contracts/deployment.js";
import { PER_INSTANCE_STORES, type Service } from "../../../inventory/schema.js";
import type { AppRepo } from "../../../image/repo.js";
import type { Draft, EnvPlan } from "./draft.js";
import { redisHomeFor } from "./store-homes.js";
import { plainPhpSessionFix, symfonySessionFix } from "./session-fix-php.js";

export interface SessionFix {
  set: EnvPlan["set"];
  changes: string[];
}

const AFFINITY =
  "Session affinity would only lower the odds (best effort: a stopped or full instance sends the user elsewhere).";

/** The Memorystore for Redis this process already reaches (its dependsOn, or a REDIS_* setting). */
export function sharedRedis(d: Draft, s: Service): string | undefined {
  return redisHomeFor(d.stores, s)?.service.name;
}

function laravel(s: Service, redis: string | undefined, sql: boolean): SessionFix {
  const why = `sessions every instance shares (they were ${s.sessionStore}, inside one server)`;
  if (redis) return { set: { SESSION_DRIVER: { value: "redis", why: `${why}: Memorystore (${redis})` } }, changes: [] };
  if (sql)
    return {
      set: { SESSION_DRIVER: { value: "database", why: `${why}: the sessions table in Cloud SQL` } },
      changes: [
        `${s.name} keeps sessions in the database on Cloud Run (the deploy sets SESSION_DRIVER=database): the sessions table must exist. Laravel 11+'s first migration creates it; an app with no migration that creates the sessions table adds one (\`php artisan session:table\`, \`make:session-table\` on 11+), commits it and runs \`php artisan migrate\` before the cut-over. ${AFFINITY}`,
      ],
    };
  return {
    set: { SESSION_DRIVER: { value: "cookie", why: `${why}: an encrypted cookie, no store at all` } },
    changes: [],
  };
}

function django(s: Service, redis: string | undefined, sql: boolean): SessionFix {
  const change = redis
    ? `${s.name} keeps sessions ${s.sessionStore === "file" ? "in files" : "in a per-process cache"}, which each Cloud Run instance has on its own: in settings.py set SESSION_ENGINE = "django.contrib.sessions.backends.cached_db" and CACHES["default"] to "django.core.cache.backends.redis.RedisCache" (Django 4+, or django-redis) with LOCATION from the Redis URL of Memorystore (${redis}).`
    : sql
      ? `${s.name} keeps sessions ${s.sessionStore === "file" ? "in files" : "in a per-process cache"}, which each Cloud Run instance has on its own: in settings.py set SESSION_ENGINE = "django.contrib.sessions.backends.db" (django.contrib.sessions in INSTALLED_APPS; \`python manage.py migrate\` creates django_session in Cloud SQL).`
      : `${s.name} keeps sessions ${s.sessionStore === "file" ? "in files" : "in a per-process cache"}, which each Cloud Run instance has on its own: in settings.py set SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies" (no server-side store; keep SECRET_KEY the same on every instance).`;
  return { set: {}, changes: [`${change} ${AFFINITY}`] };
}

function express(s: Service, redis: string | undefined, engine: string | undefined): SessionFix {
  const store = redis
    ? `connect-redis (\`store: new RedisStore({ client })\`, the client on the Redis URL of Memorystore, ${redis})`
    : engine === "postgres"
      ? "connect-pg-simple (`store: new (require('connect-pg-simple')(session))({ conString: process.env.DATABASE_URL, createTableIfMissing: true })`) on Cloud SQL"
      : engine === "mysql"
        ? "express-mysql-session on Cloud SQL (its `createDatabaseTable` option makes the sessions table)"
        : "cookie-session instead of express-session (the session lives in a signed cookie)";
  const where = s.sessionStore === "file" ? "in files (session-file-store)" : "in express-session's MemoryStore";
  return {
    set: {},
    changes: [
      `${s.name} keeps sessions ${where}, which each Cloud Run instance has on its own: give express-session a shared store: ${store}. ${AFFINITY}`,
    ],
  };
}

/**
 * SESSION_DRIVER only counts where config/session.php reads it (`env('SESSION_DRIVER', …)`, the
 * stock file); a config that names its driver itself needs that line changed too.
 */
function withEnvRead(fix: SessionFix, s: Service, repo: AppRepo | undefined): SessionFix {
  const config = repo?.read("config/session.php") ?? repo?.read("app/Config/session.php");
  if (!config || /env\(\s*['"]SESSION_DRIVER['"]/.test(config)) return fix;
  const value = fix.set.SESSION_DRIVER?.value;
  return {
    ...fix,
    changes: [
      `${s.name}'s config/session.php names its session driver itself instead of reading SESSION_DRIVER: make it \`'driver' => env('SESSION_DRIVER', '${value}')\`, or the deploy's SESSION_DRIVER=${value} has no effect.`,
      ...fix.changes,
    ],
  };
}

/** Rails: the session store is code (config/initializers/session_store.rb). */
function rails(s: Service, redis: string | undefined): SessionFix {
  const store = redis
    ? `\`:cache_store\` on a Redis cache (\`config.cache_store = :redis_cache_store, { url: ENV["REDIS_URL"] }\` in config/environments/production.rb, the URL of Memorystore, ${redis}), or redis-session-store`
    : "`:cookie_store` (Rails' default: the session lives in an encrypted cookie; keep secret_key_base the same on every instance), or activerecord-session_store on Cloud SQL";
  return {
    set: {},
    changes: [
      `${s.name} keeps sessions in a cache local to each server (\`session_store :cache_store\` on a file or memory cache), which each Cloud Run instance has on its own: in config/initializers/session_store.rb use ${store}. ${AFFINITY}`,
    ],
  };
}

/** Flask-Session: SESSION_TYPE in the app's config. https://flask-session.readthedocs.io/en/latest/config.html */
function flask(s: Service, redis: string | undefined, sql: boolean): SessionFix {
  const type = redis
    ? `SESSION_TYPE = "redis" with SESSION_REDIS = redis.from_url(<the Redis URL of Memorystore, ${redis}>)`
    : sql
      ? 'SESSION_TYPE = "sqlalchemy" with SESSION_SQLALCHEMY set to the app\'s Flask-SQLAlchemy db (a sessions table in Cloud SQL)'
      : "no Flask-Session at all (Flask's own session is a signed cookie; keep SECRET_KEY the same on every instance)";
  return {
    set: {},
    changes: [
      `${s.name} keeps Flask-Session's sessions in files on the server's disk, which each Cloud Run instance has on its own: set ${type}. ${AFFINITY}`,
    ],
  };
}

/** Spring Boot: Spring Session replaces the container's in-memory HttpSession with one module. */
function spring(s: Service, redis: string | undefined, sql: boolean): SessionFix {
  const module = redis
    ? `spring-session-data-redis (with spring-boot-starter-data-redis; spring.data.redis.host/port from Memorystore, ${redis})`
    : sql
      ? "spring-session-jdbc (spring.session.jdbc.initialize-schema=always creates SPRING_SESSION in Cloud SQL on first start)"
      : "spring-session-data-redis on a Memorystore instance, or spring-session-jdbc on a database";
  return {
    set: {},
    changes: [
      `${s.name} keeps logged-in users in the servlet container's in-memory HttpSession (Spring Security's form login), which each Cloud Run instance has on its own: add ${module} to the build; Spring Boot then stores every HttpSession there with no code change (https://docs.spring.io/spring-session/reference/guides/boot-redis.html). ${AFFINITY}`,
    ],
  };
}

/**
 * A Python app of no framework the rules know (Odoo: its own server, werkzeug's session files under
 * data_dir/sessions) has no setting to name: each instance, and each new revision, starts with no
 * sessions. Its data folder (storage `dataDir`) holds them beside the files the bucket carries.
 */
function ownFileSessions(d: Draft, s: Service): SessionFix {
  const dataDir = (d.inv.storage ?? []).find((f) => f.dataDir && (!f.services || f.services.includes(s.name)))?.dataDir;
  const where = dataDir ? ` (under ${dataDir}, the data folder its settings name)` : "";
  return {
    set: {},
    changes: [
      `${s.name} keeps sessions in files${where}, which each Cloud Run instance has on its own, and a new revision starts with none: every deploy logs everyone out, and a second instance would not know the first one's users. Keep them where every instance reads them: the sessions folder mounted from the Cloud Storage bucket beside the user files${dataDir ? ` (${dataDir}/sessions)` : ""}, or a shared store the app itself supports (its docs name it). ${AFFINITY}`,
    ],
  };
}

/** The session store fix for one app target, by the runtime whose framework's setting was read. */
export function sessionFix(d: Draft, s: Service, target: DeployTarget, repo?: AppRepo): SessionFix | undefined {
  if (!isAppApi(target) || !s.sessionStore || !PER_INSTANCE_STORES.has(s.sessionStore)) return undefined;
  const redis = sharedRedis(d, s);
  const sql = Boolean(target.cloudSqlInstance);
  if (s.runtime === "php" && s.framework === "symfony")
    return symfonySessionFix(s, redis, sql, sql ? d.database?.engine : undefined);
  if (s.runtime === "php" && s.framework !== "laravel") return plainPhpSessionFix(s, redis);
  if (s.runtime === "php") return withEnvRead(laravel(s, redis, sql), s, repo);
  if (s.runtime === "python" && !s.framework && s.sessionStore === "file") return ownFileSessions(d, s);
  if (s.runtime === "python") return s.framework === "flask" ? flask(s, redis, sql) : django(s, redis, sql);
  if (s.runtime === "node") return express(s, redis, sql ? d.database?.engine : undefined);
  if (s.runtime === "ruby") return rails(s, redis);
  if (s.runtime === "java") return spring(s, redis, sql);
  return undefined;
}
