// Which of the VM's stores a process from another checkout reaches. The app's own processes are
// assumed to reach every store (merge.ts), but a neighbour with its own repository names its
// clients in its own manifest and its settings in its own env file: Taiga's taiga-events has
// amqplib and RABBITMQ_URL (the broker, not PostgreSQL); taiga-protected has neither (no store).
import { databaseEngine } from "../contracts/database-engine.js";
import type { AppContext } from "./app-context.js";
import { DATABASE_DRIVERS } from "./dependencies.js";
import type { ServiceFinding } from "./types.js";

const STORE_ROLES = new Set(["database", "cache", "broker"]);

/** Packages that reach whichever SQL database their settings name: ORMs and web frameworks. */
const SQL_CLIENTS = [
  "sqlalchemy",
  "django",
  "sequelize",
  "typeorm",
  "@prisma/client",
  "knex",
  "rails",
  "activerecord",
  "doctrine/dbal",
  "laravel/framework",
];
/** The database drivers dependencies.ts knows for one engine (`postgres`, `mysql`). */
const driversOf = (engine: string) =>
  Object.entries(DATABASE_DRIVERS).flatMap(([name, of]) => (of === engine ? [name] : []));

/** Store software → the client packages (Python, Node, Ruby, PHP) and env names that reach it. */
const CLIENTS: { software: (software: string) => boolean; packages: string[]; env: RegExp }[] = [
  {
    software: (sw) => databaseEngine(sw) === "postgres",
    packages: [...driversOf("postgres"), ...SQL_CLIENTS],
    env: /^(DATABASE_URL|DB_[A-Z_]+|POSTGRES[A-Z_]*|PG(HOST|USER|PASSWORD|DATABASE|PORT))$/,
  },
  {
    software: (sw) => databaseEngine(sw) === "mysql",
    packages: [...driversOf("mysql"), ...SQL_CLIENTS],
    env: /^(DATABASE_URL|DB_[A-Z_]+|MYSQL[A-Z_]*)$/,
  },
  {
    software: (sw) => /redis|valkey|keydb|dragonfly/i.test(sw),
    packages: ["redis", "ioredis", "django-redis", "rq", "bull", "bullmq", "sidekiq", "predis/predis"],
    env: /REDIS/,
  },
  {
    software: (sw) => /rabbit|amqp|activemq|artemis/i.test(sw),
    packages: ["amqplib", "amqp-connection-manager", "pika", "aio-pika", "kombu", "celery", "bunny"],
    env: /AMQP|RABBIT|BROKER/,
  },
  {
    software: (sw) => /memcache/i.test(sw),
    packages: ["pymemcache", "python-memcached", "pylibmc", "memjs", "memcached", "dalli"],
    env: /MEMCACHE/,
  },
];

/** The stores (by service name) a process reaches, from its own checkout's packages and env names. */
export function storesReached(finding: ServiceFinding, own: AppContext, findings: ServiceFinding[]): string[] {
  const packages = new Set(Object.values(own.packages).flatMap((set) => [...set]));
  const env = [...(finding.env ?? []), ...Object.keys(own.env)];
  return findings
    .filter((store) => STORE_ROLES.has(store.role))
    .filter((store) => {
      const client = CLIENTS.find((c) => c.software(store.software));
      return client && (client.packages.some((p) => packages.has(p)) || env.some((n) => client.env.test(n)));
    })
    .map((store) => store.name);
}
