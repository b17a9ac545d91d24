// Where the web app keeps its users' sessions. On the VM one process tree serves every request, so
// sessions in local files or in process memory work; on Cloud Run up to maxInstances copies serve
// and one user's requests land on any of them (session affinity is best effort only:
// https://cloud.google.com/run/docs/configuring/session-affinity), so such a user is logged out at
// random and CSRF checks fail. Only what the repository and the deployment's env show is claimed:
// a framework's session left at an unknown setting gets no fact.
import { hasPackage, type AppContext } from "./app-context.js";
import type { SessionStore } from "../inventory/schema.js";
import type { SessionFinding } from "./session-finding.js";
import { flaskSession, railsSession, springSession } from "./session-store-more.js";
import { plainPhpSession, symfonySession } from "./session-store-php.js";

export type { SessionFinding };

const LARAVEL_DRIVERS: Record<string, SessionStore> = {
  file: "file",
  array: "memory",
  apc: "memory",
  database: "database",
  redis: "redis",
  memcached: "memcached",
  cookie: "cookie",
  dynamodb: "dynamodb",
};

/**
 * Laravel: SESSION_DRIVER from the deployment's env, else config/session.php's default
 * (`env('SESSION_DRIVER', 'file')` before Laravel 11, 'database' from 11 on).
 * https://laravel.com/docs/11.x/session#configuration
 */
function laravelSession(app: AppContext, env: Record<string, string>): SessionFinding | undefined {
  if (!hasPackage(app, "php", "laravel/framework")) return undefined;
  const fromEnv = env.SESSION_DRIVER?.trim().toLowerCase();
  if (fromEnv)
    return (
      LARAVEL_DRIVERS[fromEnv] && { store: LARAVEL_DRIVERS[fromEnv], framework: "laravel", source: "SESSION_DRIVER" }
    );
  const config = app.configTexts.find((c) => /(^|\/)config\/session\.php$/i.test(c.file));
  const fallback =
    config && /['"]driver['"]\s*=>\s*env\(\s*['"]SESSION_DRIVER['"]\s*,\s*['"](\w+)['"]/.exec(config.text);
  const literal = config && /['"]driver['"]\s*=>\s*['"](\w+)['"]/.exec(config.text);
  const driver = (fallback?.[1] ?? literal?.[1])?.toLowerCase();
  return config && driver && LARAVEL_DRIVERS[driver]
    ? { store: LARAVEL_DRIVERS[driver], framework: "laravel", source: config.file }
    : undefined;
}

const DJANGO_ENGINES: Record<string, SessionStore | "cache"> = {
  db: "database",
  cached_db: "database",
  signed_cookies: "cookie",
  file: "file",
  cache: "cache",
};

/** Django's default cache backend, as a store: LocMem and file caches live in one instance. */
function djangoCache(settings: string): SessionStore | undefined {
  const backend = /["']default["']\s*:\s*\{[^}]*?["']BACKEND["']\s*:\s*["']([\w.]+)["']/s.exec(settings)?.[1];
  if (!backend) return /\bCACHES\s*=/.test(settings) ? undefined : "cache-local"; // Django's default: LocMemCache
  if (/LocMemCache|FileBasedCache|DummyCache/.test(backend)) return "cache-local";
  if (/[Rr]edis/.test(backend)) return "redis";
  if (/[Mm]emcache/.test(backend)) return "memcached";
  if (/DatabaseCache/.test(backend)) return "database";
  return undefined;
}

/**
 * Django: SESSION_ENGINE assigned at the top level of a settings file (one inside an `if` depends
 * on a setting we do not know: NetBox's file sessions only with SESSION_FILE_PATH). Left unset, the
 * engine is the database (`db`), which every instance shares: no fact is needed for it.
 * https://docs.djangoproject.com/en/5.0/topics/http/sessions/#configuring-the-session-engine
 */
function djangoSession(app: AppContext): SessionFinding | undefined {
  if (!hasPackage(app, "python", "django")) return undefined;
  const settings = app.configTexts.filter((c) => /settings[^/]*\.py$|(^|\/)settings\//.test(c.file));
  const all = settings.map((c) => c.text).join("\n");
  for (const { file, text } of settings) {
    const engine = /^SESSION_ENGINE\s*=\s*["']django\.contrib\.sessions\.backends\.(\w+)["']/m.exec(text)?.[1];
    const kind = engine ? DJANGO_ENGINES[engine] : undefined;
    if (!kind) continue;
    const store = kind === "cache" ? djangoCache(all) : kind;
    return store && { store, framework: "django", source: file };
  }
  return undefined;
}

/** express-session stores that keep sessions in a shared server (their package names). */
const SHARED_EXPRESS_STORES: Record<string, SessionStore> = {
  "connect-redis": "redis",
  "connect-pg-simple": "database",
  "connect-session-sequelize": "database",
  "connect-mongo": "database",
  "connect-mongodb-session": "database",
  "express-mysql-session": "database",
  "connect-session-knex": "database",
  "connect-typeorm": "database",
  "@quixo3/prisma-session-store": "database",
  "connect-memcached": "memcached",
  "connect-dynamodb": "dynamodb",
  "session-file-store": "file",
  memorystore: "memory",
};

/**
 * Express: express-session keeps sessions in its MemoryStore unless given a `store`; the store comes
 * from a package, so with none of them (and no other `*-session-store` / `connect-*` package that
 * could be one) the sessions are in the process's memory.
 * https://github.com/expressjs/session#sessionoptions ("store … defaults to a new MemoryStore")
 */
function expressSession(app: AppContext): SessionFinding | undefined {
  if (!hasPackage(app, "node", "express-session")) return undefined;
  const known = Object.keys(SHARED_EXPRESS_STORES).find((p) => hasPackage(app, "node", p));
  if (known) return { store: SHARED_EXPRESS_STORES[known]!, framework: "express", source: `package.json (${known})` };
  const unknownStore = [...app.packages.node].some(
    (p) => p !== "express-session" && /^connect-|session-?store|-session$/.test(p),
  );
  return unknownStore ? undefined : { store: "memory", framework: "express", source: "package.json (express-session)" };
}

/** `phpHandler`: session.save_handler on the VM (php-ini.ts), for an app on PHP's own sessions. */
export function detectSessionStore(
  app: AppContext,
  env: Record<string, string>,
  phpHandler?: string,
): SessionFinding | undefined {
  return (
    laravelSession(app, env) ??
    symfonySession(app, env) ??
    djangoSession(app) ??
    expressSession(app) ??
    railsSession(app, env) ??
    flaskSession(app, env) ??
    springSession(app) ??
    plainPhpSession(app, phpHandler)
  );
}
