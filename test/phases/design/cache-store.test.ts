// A cache kept inside one instance that holds rate limits and locks (cacheStore file, memory): the
// audit raises the risk, and the design moves the cache to a store every instance shares. Laravel's
// store is an env setting, so the deploy sets it on every target of the app; Rails' and Django's are
// code, so the mapping names the change. Sessions or Laravel's locks moved onto a Redis make that
// Memorystore Standard tier, in the design and in the cost estimate alike.
import { describe, expect, it } from "vitest";
import { parseInventory } from "../../../src/inventory/load.js";
import { estimateCost } from "../../../src/phases/design/cost/estimate.js";
import { loadPriceBook } from "../../../src/contracts/gcp-prices.js";
import { chainYaml } from "../../helpers/chain.js";
import type { AuditResult } from "../../../src/contracts/audit-result.js";
import type { Inventory } from "../../../src/inventory/schema.js";

const inventory = (web: string, worker = "", withRedis = false) => `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: shop }
services:
  - { name: web, role: web, listen: ["127.0.0.1:8000"], dependsOn: [postgres${withRedis ? ", redis" : ""}], ${web} }
${worker ? `  - { name: worker, role: worker, dependsOn: [postgres${withRedis ? ", redis" : ""}], ${worker} }\n` : ""}  - { name: postgres, role: database, software: postgres, listen: ["127.0.0.1:5432"] }
${withRedis ? '  - { name: redis, role: cache, software: redis, usedFor: [cache], listen: ["127.0.0.1:6379"] }\n' : ""}data:
  - { service: postgres, engine: postgres }
deploy: { method: ssh-systemctl }
traffic: { peakRps: 10 }
target: { cloud: gcp, project: shop-prod, region: us-central1, github: acme/shop }
`;

const laravel = (env = "APP_KEY, DB_HOST, REDIS_HOST") =>
  `software: php-fpm, runtime: php, framework: laravel, env: [${env}]`;
const LARAVEL = laravel();
const QUEUE =
  "software: php, runtime: php, framework: laravel-queue, command: php artisan queue:work, longRunning: true, env: [APP_KEY, DB_HOST, REDIS_HOST]";
const RAILS =
  "software: puma, runtime: ruby, framework: rails, command: bundle exec puma, env: [DATABASE_URL, REDIS_URL]";
const DJANGO =
  "software: gunicorn, runtime: python, framework: django, command: gunicorn shop.wsgi, env: [DATABASE_URL, REDIS_URL]";

function run(web: string, worker = "", withRedis = false) {
  const out = chainYaml(inventory(web, worker, withRedis));
  const risk = (out.input.upstream!.audit as AuditResult).risks.find((r) =>
    r.title.startsWith("The cache that holds rate limits and locks"),
  );
  const target = (name: string) => out.design.deployment.services.find((t) => t.replaces.includes(name));
  const changes = (name: string) => out.design.mapping.find((m) => m.service === name)?.appChanges ?? [];
  const cache = out.design.deployment.caches?.[0];
  const cost = estimateCost(out.input.inventory as Inventory, out.design.deployment, loadPriceBook());
  const memorystore = cost.scenarios[0]!.lines.find((l) => l.component.startsWith("memorystore"));
  return { risk, target, changes, cache, memorystore };
}

describe("a cache kept inside one instance", () => {
  it("Laravel's file cache: a high risk naming the locks, and the deploy sets the cache to the database on web and worker", () => {
    const { risk, target, changes } = run(`${LARAVEL}, cacheStore: file`, `${QUEUE}, cacheStore: file`);
    expect(risk).toMatchObject({ category: "scalability", severity: "high", affects: ["web", "worker"] });
    expect(risk!.evidence).toEqual([
      "services.web.cacheStore: file (in files on the server's disk)",
      "services.worker.cacheStore: file (in files on the server's disk)",
    ]);
    expect(risk!.businessImpact).toMatch(/withoutOverlapping runs twice/);
    // The inventory names neither variable: both are set (10 reads CACHE_DRIVER, 11 CACHE_STORE).
    for (const name of ["web", "worker"])
      expect(target(name)?.env).toMatchObject({ CACHE_STORE: "database", CACHE_DRIVER: "database" });
    // The migration note is told once, on the web target.
    expect(changes("web").some((c) => c.includes("cache_locks") && c.includes("cache:table"))).toBe(true);
    expect(changes("worker").some((c) => c.includes("cache:table"))).toBe(false);
  });

  it("Laravel with Redis: the cache goes to Memorystore, which becomes Standard tier for the locks (design and cost)", () => {
    const moved = run(`${laravel("APP_KEY, CACHE_DRIVER, REDIS_HOST")}, cacheStore: file`, "", true);
    // The VM's env names CACHE_DRIVER: that is the one the app reads.
    expect(moved.target("web")?.env).toMatchObject({ CACHE_DRIVER: "redis" });
    expect(moved.target("web")?.env?.CACHE_STORE).toBeUndefined();
    expect(moved.cache?.tier).toBe("standard");
    expect(moved.memorystore?.item).toBe("standard (HA) tier capacity");
    // The same Redis used only as a cache stays Basic.
    const plain = run(LARAVEL, "", true);
    expect(plain.cache?.tier).toBe("basic");
    expect(plain.memorystore?.item).toBe("basic tier capacity");
  });

  it("sessions moved onto Redis make it Standard tier too; Django's cached_db keeps them in the database (Basic)", () => {
    expect(run(`${LARAVEL}, sessionStore: file`, "", true).cache?.tier).toBe("standard");
    expect(run(`${RAILS}, sessionStore: cache-local`, "", true).cache?.tier).toBe("standard");
    expect(run(`${DJANGO}, sessionStore: file`, "", true).cache?.tier).toBe("basic");
  });

  it("Rails' file cache: a medium risk (rate limits), the production.rb change, and a Basic Redis (counters only)", () => {
    const { risk, changes, cache } = run(`${RAILS}, cacheStore: file`, "", true);
    expect(risk).toMatchObject({ severity: "medium", affects: ["web"] });
    expect(risk!.businessImpact).toMatch(/rate_limit/);
    expect(changes("web").some((c) => c.includes(":redis_cache_store") && c.includes("redis"))).toBe(true);
    expect(cache?.tier).toBe("basic");
    const noRedis = run(`${RAILS}, cacheStore: memory`);
    expect(noRedis.changes("web").some((c) => c.includes(":solid_cache_store"))).toBe(true);
  });

  it("django-ratelimit on a local-memory cache: RedisCache with Redis, else DatabaseCache", () => {
    expect(
      run(`${DJANGO}, cacheStore: memory`, "", true)
        .changes("web")
        .some((c) => c.includes("RedisCache")),
    ).toBe(true);
    expect(
      run(`${DJANGO}, cacheStore: memory`)
        .changes("web")
        .some((c) => c.includes("createcachetable")),
    ).toBe(true);
  });

  it("a shared cache or no fact: no risk, no change, nothing set", () => {
    for (const web of [`${LARAVEL}, cacheStore: redis`, `${LARAVEL}, cacheStore: database`, LARAVEL, RAILS]) {
      const { risk, target, changes } = run(web);
      expect(risk).toBeUndefined();
      expect(target("web")?.env?.CACHE_STORE).toBeUndefined();
      expect(changes("web").some((c) => /cache_store|cache:table/.test(c))).toBe(false);
    }
  });

  it("cacheStore must be a known store", () => {
    expect(() => parseInventory(inventory(`${LARAVEL}, cacheStore: cookie`), "inv.yaml")).toThrow(/cacheStore/);
  });
});
