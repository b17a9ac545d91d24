// A process whose settings name a store its dependsOn leaves out (a hand-written crontab line with
// DB_HOST and REDIS_HOST): the store is linked when the inventory has exactly one of that kind.
import { describe, expect, it } from "vitest";
import { impliedLinks, withImpliedLinks } from "../../src/contracts/implied-links.js";
import { inventorySchema, type Inventory } from "../../src/inventory/schema.js";

const inventory = (services: object[], data: object[] = []): Inventory =>
  inventorySchema.parse({ apiVersion: "infra-migrate/v1", kind: "Inventory", metadata: { name: "t" }, services, data });
const svc = (name: string, role: string, extra: object = {}) => ({ name, role, software: "x", ...extra });
const stores = [
  svc("mysql", "database", { software: "mysql" }),
  svc("redis", "broker", { software: "redis" }),
  svc("memcached", "cache", { software: "memcached" }),
];
const links = (services: object[], data: object[] = []) =>
  impliedLinks(inventory(services, data)).map((l) => `${l.service}→${l.store}: ${l.settings.join(",")}`);

describe("impliedLinks", () => {
  it("links a process to the one database and the one store of each kind its settings name", () => {
    expect(
      links([
        ...stores,
        svc("cron", "cron", {
          schedule: "* * * * *",
          env: ["APP_KEY", "DB_HOST", "DB_PASSWORD", "REDIS_URL", "MEMCACHED_SERVERS", "DB_POOL"],
        }),
      ]),
    ).toEqual(["cron→mysql: DB_HOST,DB_PASSWORD", "cron→redis: REDIS_URL", "cron→memcached: MEMCACHED_SERVERS"]);
  });

  it("adds nothing a dependsOn already says, or that names only tuning, or for a store's own settings", () => {
    expect(
      links([
        ...stores,
        svc("web", "web", { dependsOn: ["mysql", "redis", "memcached"], env: ["DATABASE_URL", "REDIS_URL"] }),
        svc("worker", "worker", { env: ["DB_POOL", "DB_STATEMENT_TIMEOUT", "REDIS_DB"] }),
        svc("proxy", "reverse-proxy", { env: ["DB_HOST"] }),
        svc("db2", "database", { software: "mysql", env: ["MYSQL_PASSWORD"] }),
      ]),
    ).toEqual([]);
  });

  it("does not guess between two databases or two Redis servers", () => {
    expect(
      links([
        svc("a", "database", { software: "postgres" }),
        svc("b", "database", { software: "mysql" }),
        svc("r1", "cache", { software: "redis" }),
        svc("r2", "broker", { software: "valkey" }),
        svc("job", "worker", { env: ["DATABASE_URL", "REDIS_URL"] }),
      ]),
    ).toEqual([]);
  });

  it("a generic broker or cache address names the only store of its kind; AMQP names RabbitMQ", () => {
    expect(
      links([
        svc("pg", "database", { software: "postgres" }),
        svc("rabbit", "broker", { software: "rabbitmq" }),
        svc("worker", "worker", { env: ["CELERY_BROKER_URL"] }),
        svc("consumer", "worker", { env: ["AMQP_URL"] }),
      ]),
    ).toEqual(["worker→rabbit: CELERY_BROKER_URL", "consumer→rabbit: AMQP_URL"]);
  });

  it("a SQLite file is no database server to link to", () => {
    expect(
      links(
        [svc("app", "web", { env: ["DATABASE_URL"] }), svc("store", "database", { software: "sqlite" })],
        [{ service: "store", engine: "sqlite" }],
      ),
    ).toEqual([]);
  });

  it("names a process shares through an env file other processes load say nothing (compose's env_file)", () => {
    const shared = { env: ["DB_PASSWORD", "DB_USERNAME"], envFile: "/opt/app/.env" };
    expect(
      links([
        svc("database", "database", { software: "postgres" }),
        svc("server", "web", { ...shared, dependsOn: ["database"] }),
        svc("ml", "other", shared),
      ]),
    ).toEqual([]);
  });

  it("a process of the same runtime as the others that load its env file reads it as they do (Laravel's .env)", () => {
    const shared = { env: ["APP_KEY", "DB_HOST", "DB_PASSWORD", "REDIS_HOST"], envFile: "/var/www/app/.env" };
    expect(
      links([
        ...stores,
        svc("octane", "web", { ...shared, runtime: "php", dependsOn: ["mysql", "redis"] }),
        svc("scheduler", "cron", { ...shared, runtime: "php", schedule: "* * * * *" }),
        svc("ml", "other", { ...shared, runtime: "python" }),
      ]),
    ).toEqual(["scheduler→mysql: DB_HOST,DB_PASSWORD", "scheduler→redis: REDIS_HOST"]);
  });

  it("withImpliedLinks adds the stores to dependsOn and leaves an inventory without links as it is", () => {
    const inv = inventory([...stores, svc("cron", "cron", { schedule: "0 * * * *", env: ["DB_HOST"] })]);
    expect(withImpliedLinks(inv).services.find((s) => s.name === "cron")!.dependsOn).toEqual(["mysql"]);
    const clean = inventory([...stores, svc("web", "web", { dependsOn: ["mysql"], env: ["DB_HOST"] })]);
    expect(withImpliedLinks(clean)).toBe(clean);
  });
});
