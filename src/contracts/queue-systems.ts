// What a background process is, by the tool it runs: a queue consumer (Celery, RQ, Sidekiq,
// BullMQ, Laravel queues…), a scheduler (Celery beat, rq-scheduler, clockwork, Laravel
// schedule:work), a loop (`manage.py sendalerts`, `--loop`), or a stream consumer. Each one maps to
// a different Cloud Run target, so the rules never treat every worker as Celery.
import type { Service } from "../inventory/schema.js";

export type QueueSystem =
  | "celery"
  | "rq"
  | "sidekiq"
  | "bullmq"
  | "dramatiq"
  | "huey"
  | "resque"
  | "arq"
  | "laravel"
  | "good_job"
  | "delayed_job"
  | "solid_queue"
  | "symfony_messenger";

/** Display names, as each project spells itself. */
export const QUEUE_LABEL: Record<QueueSystem, string> = {
  celery: "Celery",
  rq: "RQ",
  sidekiq: "Sidekiq",
  bullmq: "BullMQ",
  dramatiq: "Dramatiq",
  huey: "Huey",
  resque: "Resque",
  arq: "arq",
  laravel: "Laravel queues",
  good_job: "GoodJob",
  delayed_job: "Delayed::Job",
  solid_queue: "Solid Queue",
  symfony_messenger: "Symfony Messenger",
};

/** Queue systems whose messages live in the application database, not in Redis. */
const DATABASE_BACKED = new Set<QueueSystem>(["good_job", "delayed_job", "solid_queue"]);

// Order matters: `celery … flower` and `celery … beat` are not workers; Laravel's horizon is.
const QUEUES: Array<[QueueSystem, RegExp]> = [
  ["celery", /\bcelery\b/],
  ["rq", /\brq\b|rqworker|\brq[ _-]?worker/],
  ["sidekiq", /\bsidekiq\b/],
  ["bullmq", /\bbull(mq)?\b/],
  ["dramatiq", /\bdramatiq\b/],
  ["huey", /\bhuey\b|run_huey/],
  ["resque", /\bresque\b/],
  ["arq", /\barq\b/],
  ["laravel", /\bhorizon\b|queue:work|queue:listen/],
  ["good_job", /good_?job/],
  ["delayed_job", /delayed_?job|jobs:work/],
  ["solid_queue", /solid_?queue|jobs:start/],
  // `bin/console messenger:consume`: its transport (MESSENGER_TRANSPORT_DSN) is Doctrine (a table
  // in the app's database), Redis or AMQP; the broker's home says which (mapping-processes jobsHome).
  ["symfony_messenger", /messenger:consume|symfony[ _-]?messenger/],
];

const text = (s: Service) => `${s.framework ?? ""} ${s.software} ${s.command ?? ""}`.toLowerCase();

export function isCeleryBeat(s: Service): boolean {
  return /\bcelery\b.*\bbeat\b|celerybeat|celery-beat|celery beat/.test(text(s));
}

export function isCeleryFlower(s: Service): boolean {
  return /\bflower\b/.test(text(s));
}

/** The queue system a worker consumes from, if any. */
export function queueSystem(s: Service): QueueSystem | undefined {
  const t = text(s);
  if (isCeleryBeat(s) || isCeleryFlower(s)) return undefined;
  if (/rq[ _-]?scheduler|\brq scheduler\b/.test(t)) return undefined;
  return QUEUES.find(([, pattern]) => pattern.test(t))?.[0];
}

/** Software that speaks Redis's protocol: Redis and its forks and rewrites (Valkey, KeyDB, Dragonfly). */
export const REDIS_SERVER = /redis|valkey|keydb|dragonfly/i;

export function usesRedisBroker(system: QueueSystem): boolean {
  return !DATABASE_BACKED.has(system);
}

export type SchedulerKind = "celery-beat" | "rq-scheduler" | "laravel-schedule" | "clock" | "generic";

/** What a scheduler process is: the rules keep exactly one of each running. */
export function schedulerKind(s: Service): SchedulerKind {
  const t = text(s);
  if (isCeleryBeat(s)) return "celery-beat";
  if (/rq[ _-]?scheduler|\brq scheduler\b/.test(t)) return "rq-scheduler";
  if (/schedule:(run|work)/.test(t)) return "laravel-schedule";
  if (/clockwork|\bclock\.rb\b/.test(t)) return "clock";
  return "generic";
}

export const SCHEDULER_LABEL: Record<SchedulerKind, string> = {
  "celery-beat": "Celery beat",
  "rq-scheduler": "the RQ scheduler",
  "laravel-schedule": "Laravel's scheduler",
  clock: "a clock process",
  generic: "a scheduler process",
};

/** A loop that polls and acts (`manage.py sendalerts`, `--loop`, `while true`). */
export function isLoop(s: Service): boolean {
  return /--loop\b|\bwhile true\b|\bsendalerts\b|\bdocument_consumer\b|\bconsumer\b/.test(text(s));
}

/** A consumer of a stream (Kafka, NATS, Kinesis): it pulls with its own offsets. */
export function isStreamConsumer(s: Service): boolean {
  return /kafka|kinesis|nats|pulsar/.test(text(s));
}
