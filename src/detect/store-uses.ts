// What the app uses Redis for, and which database engine it runs on. One Redis is often a queue
// broker, a cache, a pub/sub bus and a session store at once; each use changes the design (a
// broker needs durability, pub/sub needs a shared instance for every web process), so each is
// named from its own evidence: the workers' frameworks, the env the app runs with, its settings.
import { hasPackage, type AppContext, type Ecosystem } from "./app-context.js";
import type { ServiceFinding } from "./types.js";
import type { StoreUse } from "../inventory/schema.js";

/** `redis-worker`, `redis:consume`, `worker:redis`: a console command named for consuming Redis. */
const REDIS_CONSUMER = /\bredis[-_:](worker|consumer?)\b|\b(worker|consumer?)[-_:]redis\b/i;
const REDIS_QUEUES = new Set(["rq", "sidekiq", "resque", "bull", "bullmq", "horizon", "arq", "good_job-redis", "kue"]);

/** Env values of every process plus the app's env files: what the deployment runs with. */
export function deploymentEnv(services: ServiceFinding[], app: AppContext): Record<string, string> {
  return Object.assign({}, app.env, ...services.map((s) => s.envValues ?? {}));
}

const envSays = (env: Record<string, string>, key: RegExp, value: RegExp) =>
  Object.entries(env).some(([k, v]) => key.test(k) && value.test(v));

/**
 * A setting that applies: `if ENV["CACHE_REDIS_URL"].present?` (Ruby) or `if os.getenv("X"):`
 * (Python) just above it makes it depend on a variable the deployment does not set.
 */
export function unconditional(text: string, pattern: RegExp, env: Record<string, string>): boolean {
  for (const m of text.matchAll(pattern)) {
    const before = text.slice(0, m.index).split("\n").slice(-3).join("\n");
    const guard =
      /\bif\s+(?:ENV\[["'](\w+)["']\]|ENV\.fetch\(["'](\w+)["']|os\.(?:getenv|environ\.get)\(["'](\w+)["'])/.exec(
        before,
      );
    const name = guard?.[1] ?? guard?.[2] ?? guard?.[3];
    if (!name || env[name]) return true;
  }
  return false;
}

/**
 * Queue libraries whose queues live in Redis and nowhere else: an app that depends on one enqueues
 * there, whichever process consumes (a worker, or the web process itself: BullMQ workers started in
 * the Node server, Sidekiq embedded in Puma). Celery, Dramatiq and Huey are left out: their broker
 * may be another store.
 */
const REDIS_QUEUE_PACKAGES: [Ecosystem, string][] = [
  ["node", "bullmq"],
  ["node", "bull"],
  ["node", "bee-queue"],
  ["node", "kue"],
  ["ruby", "sidekiq"],
  ["ruby", "resque"],
  ["python", "rq"],
  ["python", "arq"],
  ["php", "laravel/horizon"],
];

export function redisUses(services: ServiceFinding[], app: AppContext, env: Record<string, string>): StoreUse[] {
  const uses = new Set<StoreUse>();
  const frameworks = new Set(services.map((s) => s.framework).filter(Boolean));
  const config = app.configTexts.map((c) => c.text).join("\n");
  const rabbit = services.some((s) => s.software === "rabbitmq") || envSays(env, /BROKER/, /^amqps?:/);
  if ([...frameworks].some((f) => REDIS_QUEUES.has(f!))) uses.add("broker");
  if (REDIS_QUEUE_PACKAGES.some(([ecosystem, name]) => hasPackage(app, ecosystem, name))) uses.add("broker");
  if (frameworks.has("celery") && !rabbit) uses.add("broker");
  if (frameworks.has("laravel-queue") && envSays(env, /^QUEUE_(CONNECTION|DRIVER)$/, /^redis$/)) uses.add("broker");
  // Symfony Messenger's Redis transport (MESSENGER_TRANSPORT_DSN=redis://…) and enqueue's DSN:
  // https://symfony.com/doc/current/messenger.html#redis-transport
  if (envSays(env, /^(MESSENGER_[A-Z0-9_]*DSN|ENQUEUE_DSN)$/, /^rediss?:/)) uses.add("broker");
  // A worker whose own command says it consumes Redis (wallabag's `bin/console
  // wallabag:import:redis-worker pocket`, doc.wallabag.org "Asynchronous"): a queue on Redis lists.
  if (services.some((s) => s.role === "worker" && REDIS_CONSUMER.test(s.command ?? ""))) uses.add("broker");
  if (envSays(env, /RESULT_BACKEND/, /^rediss?:/)) uses.add("results");
  // Django settings for Celery (Weblate's settings_example.py): results kept on the broker's Redis
  // (`CELERY_RESULT_BACKEND = CELERY_BROKER_URL`) or on a Redis URL of their own.
  // https://docs.celeryq.dev/en/stable/django/first-steps-with-django.html
  if (
    frameworks.has("celery") &&
    !rabbit &&
    unconditional(config, /^CELERY_RESULT_BACKEND\s*(?::[^=\n]+)?=\s*(?:CELERY_BROKER_URL\b|["']rediss?:)/gm, env)
  )
    uses.add("results");

  const cacheConfig = unconditional(
    config,
    /RedisCache|django_redis|cache_store\s*=\s*:redis|["']caching["']\s*:|spring\.cache\.type\s*=\s*redis/g,
    env,
  );
  if (
    cacheConfig ||
    hasPackage(app, "python", "django-redis") ||
    envSays(env, /^CACHE_(DRIVER|STORE)$/, /^redis$/) ||
    // A cache URL on Redis: django-cache-url's CACHE_URL (Saleor's CACHE_URL=redis://…/0),
    // CACHE_REDIS_URL, REDIS_CACHE_URL.
    envSays(env, /^([A-Z0-9]+_)*CACHE(_REDIS)?_(URL|URI|DSN)$/, /^rediss?:/) ||
    ["cache-manager-redis-store", "cache-manager-redis-yet", "cache-manager-ioredis"].some((p) =>
      hasPackage(app, "node", p),
    )
  )
    uses.add("cache");

  const websocketNode = services.some((s) => s.runtime === "node" && s.protocols?.includes("websocket"));
  const nodeRedis = ["redis", "ioredis"].some((p) => hasPackage(app, "node", p));
  if (
    // Action Cable's redis adapter: cable.yml's `adapter: redis`, or an initializer's `adapter: :redis`
    // (Zammad's config/initializers/zzz_action_cable_preferences.rb).
    /channels_redis|adapter:\s*:?redis\b/.test(config) ||
    hasPackage(app, "python", "channels-redis") ||
    ["socket.io-redis", "@socket.io/redis-adapter", "@hocuspocus/extension-redis"].some((p) =>
      hasPackage(app, "node", p),
    ) ||
    (websocketNode && nodeRedis) ||
    envSays(env, /^BROADCAST_(DRIVER|CONNECTION)$/, /^redis$/) ||
    // Flask-SocketIO's message_queue (SOCKETIO_MESSAGE_QUEUE=redis://…): its instances share events through it.
    envSays(env, /(^|_)MESSAGE_QUEUE(_URL|_URI)?$/, /^rediss?:/)
  )
    uses.add("pubsub");
  if (
    envSays(env, /^SESSION_(DRIVER|STORE|ENGINE)$/, /redis/) ||
    // Django's sessions in the cache, when the cache is Redis (Weblate: "Store sessions in cache").
    // https://docs.djangoproject.com/en/stable/topics/http/sessions/#using-cached-sessions
    (cacheConfig &&
      unconditional(config, /^SESSION_ENGINE\s*=\s*["']django\.contrib\.sessions\.backends\.cache["']/gm, env)) ||
    ["connect-redis"].some((p) => hasPackage(app, "node", p)) ||
    ["redis-session-store", "redis-actionpack"].some((p) => hasPackage(app, "ruby", p))
  )
    uses.add("sessions");
  return [...uses];
}

/** AMQP client libraries a process would publish or subscribe with, by ecosystem. */
const AMQP_CLIENTS: [Ecosystem, string][] = [
  ["node", "amqplib"],
  ["node", "amqp-connection-manager"],
  ["node", "@cloudamqp/amqp-client"],
  ["python", "pika"],
  ["python", "aio-pika"],
  ["python", "channels-rabbitmq"],
  ["ruby", "bunny"],
  ["php", "php-amqplib/php-amqplib"],
];
const AMQP_ENV = /^(RABBITMQ_URL|RABBITMQ_URI|AMQP_URL|AMQP_URI|CLOUDAMQP_URL)$/;
const AMQP_QUEUES = new Set(["celery", "dramatiq"]);

/**
 * What the app uses a RabbitMQ for. A broker for Celery or Dramatiq workers (or any AMQP DSN a
 * queue setting names); a pub/sub bus when a websocket process holds an AMQP client or its URL:
 * Taiga's taiga-events subscribes with amqplib to what Django publishes and pushes it to browsers
 * (taiga-doc setup-production.adoc: "RabbitMQ - message broker, for taiga-async and taiga-events").
 */
export function amqpUses(services: ServiceFinding[], app: AppContext, env: Record<string, string>): StoreUse[] {
  const uses = new Set<StoreUse>();
  if (services.some((s) => s.framework && AMQP_QUEUES.has(s.framework))) uses.add("broker");
  if (envSays(env, /(BROKER|MESSENGER_[A-Z0-9_]*DSN|ENQUEUE_DSN)/, /^amqps?:/)) uses.add("broker");
  const client = AMQP_CLIENTS.some(([eco, pkg]) => hasPackage(app, eco, pkg));
  const websocket = services.filter((s) => s.protocols?.includes("websocket"));
  if (websocket.some((s) => client || (s.env ?? []).some((n) => AMQP_ENV.test(n)))) uses.add("pubsub");
  return [...uses];
}

const ENGINES: [RegExp, string][] = [
  [
    /^(postgres(ql)?|pgsql|psql)$|^postgres(ql)?:|postgresql|django\.db\.backends\.postgresql|jdbc:postgresql/,
    "postgres",
  ],
  [/^mariadb$|^mariadb:|jdbc:mariadb/, "mariadb"],
  [/^mysql$|^mysql2?:|django\.db\.backends\.mysql|jdbc:mysql/, "mysql"],
  [/^(sqlite3?)$|^sqlite:|sqlite3/, "sqlite"],
  [/^mongodb(\+srv)?:/, "mongodb"],
];

/** Variables that name the database engine or carry its URL (DATABASE_URL, DB_CONNECTION, DB, *DBENGINE…). */
const ENGINE_KEYS =
  /^(DATABASE_URL|DB_URL|[A-Z_]*DB_?ENGINE|DB_CONNECTION|DB_TYPE|DB_DRIVER|DB|DATABASE|[A-Z]+_DATABASE_URL|SPRING_DATASOURCE_URL|[A-Z]+_URL)$/;

/** The engine the deployment's env names: `DATABASE_URL=postgres://…`, `DB_CONNECTION=mysql`, `PAPERLESS_DBENGINE=postgresql`. */
export function engineFromEnv(env: Record<string, string>): string | undefined {
  for (const [key, value] of Object.entries(env)) {
    if (!ENGINE_KEYS.test(key) || (key.endsWith("_URL") && !/DATA|DB|SQL/.test(key) && !/^jdbc:/.test(value))) continue;
    const engine = ENGINES.find(([match]) => match.test(value.toLowerCase()))?.[1];
    if (engine && engine !== "sqlite") return engine;
  }
  const profiles = env.SPRING_PROFILES_ACTIVE?.split(",") ?? [];
  return profiles.includes("postgres") ? "postgres" : profiles.includes("mysql") ? "mysql" : undefined;
}
