// Where the cache lives that an app relies on being one for all its processes. Laravel's rate
// limiter, Cache::lock, the scheduler's withoutOverlapping()/onOneServer() and unique jobs keep their
// state in the default cache store (https://laravel.com/docs/11.x/cache#atomic-locks,
// https://laravel.com/docs/11.x/scheduling#preventing-task-overlaps); Rails' rate_limit (7.2+, the
// login throttle of Rails 8's authentication generator) and Rack::Attack count in Rails.cache
// (https://api.rubyonrails.org/classes/ActionController/RateLimiting/ClassMethods.html). On the VM
// one machine's files or memory are that cache; on Cloud Run each instance (and each job run) has
// its own, so limits multiply by the instance count and locks lock nothing. Django's cache matters
// only where a rate limiter keeps its counters there (django-ratelimit); a per-instance cache that
// only speeds pages up costs hit rate, not correctness, and is no fact here.
import { hasPackage, type AppContext } from "./app-context.js";
import { unconditional } from "./store-uses.js";
import type { CacheStore } from "../inventory/schema.js";

export interface CacheFinding {
  store: CacheStore;
  framework: "laravel" | "rails" | "django";
  /** Where it was read: the env variable or the settings file. */
  source: string;
  /** What in the app keeps shared state in it (for the evidence line). */
  reliedOn: string;
}

const LARAVEL_STORES: Record<string, CacheStore> = {
  file: "file",
  array: "memory",
  apc: "memory",
  octane: "memory",
  database: "database",
  redis: "redis",
  memcached: "memcached",
  dynamodb: "dynamodb",
};
const LARAVEL_USES = "rate limiting, Cache::lock, the scheduler's withoutOverlapping/onOneServer, unique jobs";

/**
 * Laravel: config/cache.php's `'default' => env('CACHE_STORE', 'database')` (11+) or
 * `env('CACHE_DRIVER', 'file')` (≤ 10): the deployment's value of the variable it reads, else its
 * default. Without the config file, CACHE_STORE or CACHE_DRIVER from the env.
 */
function laravelCache(app: AppContext, env: Record<string, string>): CacheFinding | undefined {
  if (!hasPackage(app, "php", "laravel/framework")) return undefined;
  const found = (driver: string | undefined, source: string): CacheFinding | undefined => {
    const store = driver ? LARAVEL_STORES[driver.trim().toLowerCase()] : undefined;
    return store && { store, framework: "laravel", source, reliedOn: LARAVEL_USES };
  };
  const config = app.configTexts.find((c) => /(^|\/)config\/cache\.php$/i.test(c.file));
  const read = config && /['"]default['"]\s*=>\s*env\(\s*['"](\w+)['"]\s*,\s*['"](\w+)['"]/.exec(config.text);
  if (read) {
    const [, name, fallback] = read;
    return env[name!]?.trim() ? found(env[name!], name!) : found(fallback, config.file);
  }
  const literal = config && /['"]default['"]\s*=>\s*['"](\w+)['"]/.exec(config.text);
  if (literal) return found(literal[1], config.file);
  if (env.CACHE_STORE?.trim()) return found(env.CACHE_STORE, "CACHE_STORE");
  if (env.CACHE_DRIVER?.trim()) return found(env.CACHE_DRIVER, "CACHE_DRIVER");
  return undefined;
}

const RAILS_STORES: Record<string, CacheStore> = {
  file_store: "file",
  memory_store: "memory",
  redis_cache_store: "redis",
  redis_store: "redis",
  mem_cache_store: "memcached",
  dalli_store: "memcached",
  solid_cache_store: "database",
};

/**
 * Rails: `config.cache_store = :…` in config/environments/production.rb, else in
 * config/application.rb (the environment file is loaded after it and wins); one under an
 * `if ENV[…]` the deployment does not set does not apply (Maybe's Redis cache needs
 * CACHE_REDIS_URL). Unset, Rails uses `[:file_store, "#{root}/tmp/cache/"]`
 * (https://guides.rubyonrails.org/configuring.html#config-cache-store: "Defaults to :file_store";
 * https://guides.rubyonrails.org/configuring.html#locations-for-initialization-code).
 */
function railsCache(app: AppContext, env: Record<string, string>): CacheFinding | undefined {
  if (!hasPackage(app, "ruby", "rails") && !hasPackage(app, "ruby", "railties")) return undefined;
  const file = (name: RegExp) => app.configTexts.find((c) => name.test(c.file));
  const production = file(/(^|\/)config\/environments\/production\.rb$/);
  if (!production) return undefined;
  const reliedOn = hasPackage(app, "ruby", "rack-attack") ? "Rack::Attack's throttles, rate_limit" : "rate_limit";
  for (const config of [production, file(/(^|\/)config\/application\.rb$/)]) {
    const text = config?.text.replace(/^\s*#.*$/gm, "") ?? "";
    for (const m of text.matchAll(/config\.cache_store\s*=\s*:(\w+)/g)) {
      if (!unconditional(text, new RegExp(`config\\.cache_store\\s*=\\s*:${m[1]}\\b`, "g"), env)) continue;
      // An app's own subclass of FileStore named for it (Zammad's :zammad_file_store in tmp/): files.
      const store = RAILS_STORES[m[1]!] ?? (/_file_store$/.test(m[1]!) ? "file" : undefined);
      return store ? { store, framework: "rails", source: config!.file, reliedOn } : undefined;
    }
  }
  return { store: "file", framework: "rails", source: `${production.file} (no cache_store: Rails' default)`, reliedOn };
}

/**
 * Django: django-ratelimit counts requests in the default cache (RATELIMIT_USE_CACHE, "default"),
 * and refuses a local-memory cache unless silenced
 * (https://django-ratelimit.readthedocs.io/en/stable/installation.html#create-or-use-a-compatible-cache);
 * django-axes counts failed logins there only with its cache handler (AXES_HANDLER =
 * "axes.handlers.cache.AxesCacheHandler"; its default handler uses the database).
 * CACHES unset is Django's LocMemCache.
 */
function djangoCache(app: AppContext): CacheFinding | undefined {
  if (!hasPackage(app, "python", "django")) return undefined;
  const settings = app.configTexts.filter((c) => /settings[^/]*\.py$|(^|\/)settings\//.test(c.file));
  const axes =
    hasPackage(app, "python", "django-axes") &&
    settings.some((c) => /^AXES_HANDLER\s*=.*AxesCacheHandler/m.test(c.text));
  const users = [
    ...(hasPackage(app, "python", "django-ratelimit") ? ["django-ratelimit's counters"] : []),
    ...(axes ? ["django-axes' failed-login counts"] : []),
  ];
  if (settings.length === 0 || users.length === 0) return undefined;
  const reliedOn = users.join(", ");
  for (const { file, text } of settings) {
    const backend = /["']default["']\s*:\s*\{[^}]*?["']BACKEND["']\s*:\s*["']([\w.]+)["']/s.exec(text)?.[1];
    if (!backend) continue;
    const store: CacheStore | undefined = /LocMemCache/.test(backend)
      ? "memory"
      : /FileBasedCache/.test(backend)
        ? "file"
        : /[Rr]edis/.test(backend)
          ? "redis"
          : /[Mm]emcache/.test(backend)
            ? "memcached"
            : /DatabaseCache/.test(backend)
              ? "database"
              : undefined;
    return store && { store, framework: "django", source: file, reliedOn };
  }
  const all = settings.map((c) => c.text).join("\n");
  return /\bCACHES\s*=/.test(all)
    ? undefined
    : { store: "memory", framework: "django", source: `${settings[0]!.file} (no CACHES: LocMemCache)`, reliedOn };
}

export function detectCacheStore(app: AppContext, env: Record<string, string>): CacheFinding | undefined {
  return laravelCache(app, env) ?? railsCache(app, env) ?? djangoCache(app);
}
