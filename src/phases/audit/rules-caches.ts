// A cache kept inside one instance that the app relies on for shared state. On the VM one machine's
// cache files or memory see every request, so Laravel's rate limiter and Cache::lock, its
// scheduler's withoutOverlapping()/onOneServer() (https://laravel.com/docs/11.x/scheduling#running-tasks-on-one-server:
// "must be using the database, memcached, dynamodb, or redis cache driver"), unique jobs, Rails'
// rate_limit and Rack::Attack, and django-ratelimit all count and lock in one place. On Cloud Run
// each instance, and each run of a job, starts with a cache of its own.
import type { AuditRule } from "./rules.js";
import { PER_INSTANCE_CACHES, type Service } from "../../inventory/schema.js";

export const CACHE_RISK_TITLE = "The cache that holds rate limits and locks is kept inside one server";

const WHERE: Record<string, string> = {
  file: "in files on the server's disk",
  memory: "in the server process's memory",
};

/** What the framework keeps in that cache, by runtime (detect/cache-store.ts claims no other). */
const HOLDS: Record<string, string> = {
  php: "Laravel's rate limits (login throttling, `throttle` middleware), Cache::lock, the scheduler's withoutOverlapping/onOneServer and unique jobs",
  ruby: "Rails' rate_limit and Rack::Attack's throttles (where the app uses them)",
  python: "django-ratelimit's and django-axes' counters",
};

export function perInstanceCaches(services: readonly Service[]): Service[] {
  return services.filter((s) => s.cacheStore && PER_INSTANCE_CACHES.has(s.cacheStore));
}

export const perInstanceCacheRisk: AuditRule = (inv) => {
  const users = perInstanceCaches(inv.services);
  if (users.length === 0) return undefined;
  const runtimes = [...new Set(users.map((s) => s.runtime ?? "other"))];
  const locks = runtimes.includes("php");
  return {
    title: `${CACHE_RISK_TITLE}: ${locks ? "locks lock nothing and limits multiply" : "rate limits multiply"} once more than one instance runs`,
    category: "scalability",
    // Locks guard scheduled work (double runs: two invoices, two mails); rate limits guard logins.
    severity: locks ? "high" : "medium",
    likelihood: "likely",
    mttrMinutes: { min: 30, max: 480 },
    businessImpact:
      `Each Cloud Run instance (and each run of a scheduled job) gets a cache of its own, so ${runtimes
        .map((r) => HOLDS[r])
        .filter(Boolean)
        .join("; ")} count or lock per instance: a login limit of 5 tries becomes 5 × instances, ` +
      (locks
        ? "a task guarded by withoutOverlapping runs twice at once (duplicate mails, double charges), and a unique job is queued again."
        : "so brute-force and API abuse protection weakens as the service scales out."),
    evidence: users.map((s) => `services.${s.name}.cacheStore: ${s.cacheStore} (${WHERE[s.cacheStore!]})`),
    mitigation:
      "Keep the cache in a store every instance shares: Redis on Memorystore (Standard tier, so a restart does not drop the locks) or the database " +
      "(Laravel CACHE_STORE/CACHE_DRIVER=redis or database, Rails :redis_cache_store or :solid_cache_store, Django's RedisCache or DatabaseCache).",
    affects: users.map((s) => s.name),
    growthSensitive: true,
  };
};
