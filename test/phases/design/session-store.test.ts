// Sessions kept inside one instance (sessionStore file, memory, cache-local): the audit raises the
// risk, and the design moves them to a store every instance shares that it already has: Memorystore
// when the app reaches Redis, else Cloud SQL. Laravel's driver is an env setting, so the deploy sets
// it (no code change); Django's engine and express-session's store are code, so the mapping names
// the change. A shared store (database, redis, cookie) gets neither.
import { describe, expect, it } from "vitest";
import { parseInventory } from "../../../src/inventory/load.js";
import { chainYaml } from "../../helpers/chain.js";
import type { AuditResult } from "../../../src/contracts/audit-result.js";

const inventory = (web: string, withRedis = false) => `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: shop }
services:
  - { name: web, role: web, listen: ["127.0.0.1:8000"], dependsOn: [postgres${withRedis ? ", redis" : ""}], ${web} }
  - { name: postgres, role: database, software: postgres, listen: ["127.0.0.1:5432"] }
${withRedis ? '  - { name: redis, role: cache, software: redis, usedFor: [cache], listen: ["127.0.0.1:6379"] }\n' : ""}data:
  - { service: postgres, engine: postgres }
deploy: { method: ssh-systemctl }
target: { cloud: gcp, project: shop-prod, region: us-central1, github: acme/shop }
`;

const LARAVEL = "software: php-fpm, runtime: php, framework: laravel, env: [APP_KEY, DB_HOST, SESSION_DRIVER]";
const DJANGO =
  "software: gunicorn, runtime: python, framework: django, command: gunicorn shop.wsgi, env: [DATABASE_URL]";
const EXPRESS = "software: node, runtime: node, framework: express, command: node server.js, env: [DATABASE_URL]";

function run(web: string, withRedis = false) {
  const out = chainYaml(inventory(web, withRedis));
  const risk = (out.input.upstream!.audit as AuditResult).risks.find((r) =>
    r.title.startsWith("Sessions are kept inside one server"),
  );
  const target = out.design.deployment.services.find((t) => t.replaces.includes("web"))!;
  const changes = out.design.mapping.find((m) => m.service === "web")!.appChanges;
  return { risk, target, changes };
}

describe("sessions kept inside one instance", () => {
  it("Laravel's file driver: a risk, and the deploy sets SESSION_DRIVER=database (a sessions table) without Redis", () => {
    const { risk, target, changes } = run(`${LARAVEL}, sessionStore: file`);
    expect(risk).toMatchObject({ category: "scalability", severity: "high", affects: ["web"] });
    expect(risk!.evidence).toEqual(["services.web.sessionStore: file (in files on the server's disk)"]);
    expect(risk!.businessImpact).toContain("419");
    expect(target.env?.SESSION_DRIVER).toBe("database");
    expect(target.secrets).not.toContain("SESSION_DRIVER");
    expect(changes.some((c) => c.includes("php artisan session:table"))).toBe(true);
    expect(changes.some((c) => c.includes("SESSION_DRIVER=database (sessions every instance shares"))).toBe(true);
  });

  it("Laravel with Redis on Memorystore: SESSION_DRIVER=redis, no migration", () => {
    const { target, changes } = run(`${LARAVEL}, sessionStore: file`, true);
    expect(target.env?.SESSION_DRIVER).toBe("redis");
    expect(changes.some((c) => c.includes("session:table"))).toBe(false);
  });

  it("Django's file engine: the mapping names SESSION_ENGINE db, or cached_db with Redis", () => {
    const db = run(`${DJANGO}, sessionStore: file`);
    expect(db.risk).toBeDefined();
    expect(db.changes.some((c) => c.includes('SESSION_ENGINE = "django.contrib.sessions.backends.db"'))).toBe(true);
    const redis = run(`${DJANGO}, sessionStore: cache-local`, true);
    expect(redis.changes.some((c) => c.includes("backends.cached_db") && c.includes("RedisCache"))).toBe(true);
    expect(redis.changes.every((c) => !/Session affinity/.test(c) || /only lower the odds/.test(c))).toBe(true);
  });

  it("a Python app of no known framework keeping session files (Odoo): no Django setting, the shared folder instead", () => {
    const odoo = run("software: odoo, runtime: python, command: odoo --config /etc/odoo/odoo.conf, sessionStore: file");
    expect(odoo.risk).toBeDefined();
    expect(odoo.changes.some((c) => c.includes("SESSION_ENGINE"))).toBe(false);
    const change = odoo.changes.find((c) => c.startsWith("web keeps sessions in files"));
    expect(change).toMatch(/every deploy logs everyone out/);
    expect(change).toMatch(/mounted from the Cloud Storage bucket/);
  });

  it("express-session's MemoryStore: connect-pg-simple on Cloud SQL, connect-redis with Redis", () => {
    expect(run(`${EXPRESS}, sessionStore: memory`).changes.some((c) => c.includes("connect-pg-simple"))).toBe(true);
    expect(run(`${EXPRESS}, sessionStore: memory`, true).changes.some((c) => c.includes("connect-redis"))).toBe(true);
  });

  it("a shared store or no fact: no risk, no change, SESSION_DRIVER carried as it is", () => {
    for (const web of [`${LARAVEL}, sessionStore: redis`, `${LARAVEL}, sessionStore: database`, LARAVEL, DJANGO]) {
      const { risk, target, changes } = run(web);
      expect(risk).toBeUndefined();
      expect(target.env?.SESSION_DRIVER).toBeUndefined();
      expect(changes.some((c) => /keeps sessions/.test(c))).toBe(false);
    }
  });

  it("sessionStore must be a known store", () => {
    expect(() => parseInventory(inventory(`${LARAVEL}, sessionStore: disk`), "inv.yaml")).toThrow(/sessionStore/);
  });
});
