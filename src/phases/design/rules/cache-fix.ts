// The fix for a cache kept inside one instance (audit rules-caches.ts, detect/cache-store.ts): the
// store every instance shares that the design already has. Laravel's cache store is an env setting
// (CACHE_STORE on 11+, CACHE_DRIVER before), so the deploy sets it on every target of the app (the
// web's rate limits, the workers' unique jobs and the scheduler's overlap locks must all see one
// cache); Rails' and Django's are code, so the mapping names the change. Moving Laravel's locks onto
// Redis makes that Memorystore Standard tier (store-homes.ts).
import { PER_INSTANCE_CACHES, type Service } from "../../../inventory/schema.js";
import type { AppRepo } from "../../../image/repo.js";
import { isAppApi, type DeployTarget } from "../../../contracts/deployment.js";
import type { Draft, EnvPlan } from "./draft.js";
import { sharedRedis } from "./session-fix.js";

export interface CacheFix {
  set: EnvPlan["set"];
  changes: string[];
}

/** The variable config/cache.php reads for its default store, as the VM or the repository shows it. */
function laravelCacheNames(s: Service, repo: AppRepo | undefined): string[] {
  const own = ["CACHE_STORE", "CACHE_DRIVER"].filter((n) => s.env.some((e) => e.toUpperCase() === n));
  if (own.length) return own;
  const config = repo?.read("config/cache.php") ?? repo?.read("app/Config/cache.php");
  const read = config && /['"]default['"]\s*=>\s*env\(\s*['"](CACHE_STORE|CACHE_DRIVER)['"]/.exec(config)?.[1];
  return read ? [read] : ["CACHE_STORE", "CACHE_DRIVER"];
}

function laravel(s: Service, redis: string | undefined, sql: boolean, repo: AppRepo | undefined): CacheFix {
  const names = laravelCacheNames(s, repo);
  const why = `a cache every instance shares for rate limits and locks (it was ${s.cacheStore}, inside one server)`;
  const set = (value: string, where: string): EnvPlan["set"] =>
    Object.fromEntries(names.map((n) => [n, { value, why: `${why}; ${where}` }]));
  if (redis) return { set: set("redis", `Memorystore (${redis})`), changes: [] };
  if (sql)
    return {
      set: set("database", "Cloud SQL"),
      changes: [
        `${s.name}'s cache moves to the database on Cloud Run (the deploy sets ${names.join("/")}=database): the cache and cache_locks tables must exist. Laravel 11+'s first migrations create them; an older app adds the migration (\`php artisan cache:table\`, \`make:cache-table\` on 11+), commits it and runs \`php artisan migrate\` before the cut-over.`,
      ],
    };
  return {
    set: {},
    changes: [
      `${s.name} keeps its cache ${s.cacheStore === "file" ? "in files" : "in process memory"}, each Cloud Run instance its own, and the design has neither Redis nor a database for it: add a Memorystore for Redis and set ${names.join("/")}=redis, or rate limits multiply by the instance count and scheduled tasks guarded by withoutOverlapping run twice.`,
    ],
  };
}

function rails(s: Service, redis: string | undefined, repo: AppRepo | undefined): CacheFix {
  const production = repo?.read("config/environments/production.rb") ?? "";
  // Maybe: `config.cache_store = :redis_cache_store, { url: ENV["CACHE_REDIS_URL"] }` only when that is set.
  const guarded = /ENV(?:\[|\.fetch\()\s*["'](\w+)["']\s*\]?\)?\.present\?[\s\S]{0,120}cache_store/.exec(
    production,
  )?.[1];
  const change = redis
    ? guarded
      ? `set ${guarded} to the Redis URL of Memorystore (${redis}), as REDIS_URL is: production.rb then uses its Redis cache store`
      : `in config/environments/production.rb set \`config.cache_store = :redis_cache_store, { url: ENV["REDIS_URL"] }\` (Memorystore, ${redis})`
    : "in config/environments/production.rb set `config.cache_store = :solid_cache_store` (the solid_cache gem: the cache in Cloud SQL), or add a Memorystore for Redis with `:redis_cache_store`";
  return {
    set: {},
    changes: [
      `${s.name} keeps Rails.cache ${s.cacheStore === "file" ? "in files under tmp/cache" : "in process memory"}, each Cloud Run instance its own, so rate_limit and Rack::Attack throttles count per instance (a limit of 10 becomes 10 × instances): ${change}.`,
    ],
  };
}

function django(s: Service, redis: string | undefined): CacheFix {
  const backend = redis
    ? `"django.core.cache.backends.redis.RedisCache" (Django 4+, or django-redis) with LOCATION the Redis URL of Memorystore (${redis})`
    : '"django.core.cache.backends.db.DatabaseCache" (LOCATION a table name; `python manage.py createcachetable` makes it in Cloud SQL)';
  return {
    set: {},
    changes: [
      `${s.name} counts rate-limit hits or failed logins (django-ratelimit, django-axes' cache handler) in a cache ${s.cacheStore === "file" ? "in files" : "in process memory"}, each Cloud Run instance its own, so every limit multiplies by the instance count: in settings.py set CACHES["default"]["BACKEND"] to ${backend}.`,
    ],
  };
}

/** The cache fix for one target of an app process whose cache lives inside one instance. */
export function cacheFix(d: Draft, s: Service, target: DeployTarget, repo?: AppRepo): CacheFix | undefined {
  if (!s.cacheStore || !PER_INSTANCE_CACHES.has(s.cacheStore)) return undefined;
  const redis = sharedRedis(d, s);
  const fix =
    s.runtime === "php"
      ? laravel(s, redis, Boolean(target.cloudSqlInstance), repo)
      : s.runtime === "ruby"
        ? rails(s, redis, repo)
        : s.runtime === "python"
          ? django(s, redis)
          : undefined;
  // The code change is told once, on the web target; a worker or job gets the same env only.
  const web = d.inv.services.some((x) => x.role === "web" && x.runtime === s.runtime && x.cacheStore === s.cacheStore);
  return fix && (isAppApi(target) || !web ? fix : { set: fix.set, changes: [] });
}
