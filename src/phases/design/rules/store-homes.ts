// Where each broker and cache goes, use by use. One Redis is often a broker, a cache, a pub/sub bus
// (Channels, ActionCable, socket.io adapters, Mastodon's streaming API) and a result store at once:
// it keeps a home on Memorystore as long as one of those uses stays. Only a broker whose every
// consumer moved to Cloud Tasks disappears into Cloud Tasks.
import {
  PER_INSTANCE_CACHES,
  PER_INSTANCE_STORES,
  type Inventory,
  type Service,
  type StoreUse,
} from "../../../inventory/schema.js";
import type { ProcessPlan } from "./processes.js";
import { QUEUE_LABEL, REDIS_SERVER } from "../../../contracts/queue-systems.js";
import { MEMORYSTORE_MAX_GIB } from "../../../contracts/deployment.js";
import { isAssumed } from "../../../inventory/assumed.js";

/** `unused`: nothing runs on Cloud Run, so nothing on Google Cloud would use it (deployment-rules.ts). */
export type StoreHomeKind =
  "memorystore-redis" | "memorystore-memcached" | "cloud-tasks" | "pubsub" | "none" | "unused";

export interface StoreHome {
  service: Service;
  /** What the apps use it for (the inventory's usedFor, else read from roles and consumers). */
  uses: StoreUse[];
  home: StoreHomeKind;
  /** Processes that consume queues from it, with their plans. */
  consumers: ProcessPlan[];
  /** Standard tier (a replica and failover) when losing its data loses work: queued jobs, sessions, results. */
  tier: "BASIC" | "STANDARD_HA";
  /** It was RabbitMQ: kept Celery workers switch their broker to Redis on Memorystore. */
  brokerSwitch?: string;
  /** Nothing named what it holds (usesUnread): taken for a cache, but kept on the tier that loses nothing. */
  usesUnread?: true;
}

/**
 * The Memorystore capacity for a store: the VM's data size (inventory `data[].sizeGiB`), at least
 * 1 GiB and at most Memorystore's largest instance; `over` says the VM held more than that.
 */
export function memorystoreSizeGiB(inv: Inventory, s: Service): { sizeGiB: number; over?: number } {
  const held = Math.ceil(inv.data.find((x) => x.service === s.name)?.sizeGiB ?? 1);
  if (held > MEMORYSTORE_MAX_GIB) return { sizeGiB: MEMORYSTORE_MAX_GIB, over: held };
  return { sizeGiB: Math.max(1, held) };
}

export const isRedis = (s: Service): boolean => REDIS_SERVER.test(s.software);
const isMemcached = (s: Service): boolean => /memcache/i.test(s.software);
const isStream = (s: Service): boolean => /kafka|nats|pulsar|kinesis|redpanda/i.test(s.software);
/**
 * A broker that speaks Kafka's protocol (Apache Kafka, Redpanda): Google Cloud's Managed Service for
 * Apache Kafka takes it with the same clients, so it is decided (open-decisions.ts), not rewritten
 * to Pub/Sub by default.
 */
export const speaksKafka = (s: Service): boolean => /kafka|redpanda/i.test(s.software);
export const isAmqp = (s: Service): boolean => /rabbit|amqp|activemq|artemis/i.test(s.software);

/** Stores that hold state a process shares: brokers and caches (databases are planned elsewhere). */
export function isSharedStore(s: Service): boolean {
  return s.role === "broker" || s.role === "cache";
}

/**
 * A websocket process's setting that names the store its instances fan events out through
 * (Flask-SocketIO's message_queue, a channel layer's or pub/sub URL): SOCKETIO_MESSAGE_QUEUE,
 * CHANNEL_LAYER_URL, PUBSUB_REDIS_URL, CABLE_REDIS_URL.
 */
export const FANOUT_SETTING =
  /(^|_)MESSAGE_QUEUE(_URL|_URI)?$|(^|_)(CHANNEL_LAYERS?|PUBSUB|PUB_SUB|CABLE)(_REDIS)?_(URL|URI|HOST|ADAPTER)$/;

function usesOf(inv: Inventory, s: Service, consumers: ProcessPlan[]): StoreUse[] {
  const uses = new Set<StoreUse>(s.usedFor ?? []);
  if (!s.usedFor?.length) {
    uses.add(s.role === "cache" ? "cache" : "broker");
    // Unread uses: a websocket process that names this store in a fan-out setting publishes through it.
    const fanout = inv.services.some(
      (u) =>
        u.dependsOn.includes(s.name) &&
        u.protocols?.includes("websocket") &&
        u.env.some((e) => FANOUT_SETTING.test(e.toUpperCase())),
    );
    if (fanout && isRedis(s)) uses.add("pubsub");
  }
  if (consumers.length > 0) uses.add("broker");
  return [...uses];
}

const LOSSY: readonly StoreUse[] = ["broker", "results", "sessions", "locks"];

/**
 * A Redis whose uses nobody read: no usedFor, and its role init's guess (provenance
 * `services[x].role: assumed`, init/provenance.ts). It may hold job queues or sessions (a published
 * image's BullMQ queues that nothing on the VM names), which a Basic instance's flush or
 * maintenance loses. A role a person wrote (no such mark) is taken at its word.
 */
export const usesUnread = (inv: Inventory, s: Service): boolean =>
  isRedis(s) && s.role === "cache" && !s.usedFor?.length && isAssumed(inv, `services[${s.name}].role`);

export function planStoreHomes(inv: Inventory, plans: ProcessPlan[]): StoreHome[] {
  const homes = inv.services.filter(isSharedStore).map((s): StoreHome => {
    const consumers = plans.filter((p) => p.queue !== undefined && p.service.dependsOn.includes(s.name));
    const uses = usesOf(inv, s, consumers);
    const unread = consumers.length === 0 && usesUnread(inv, s);
    const tier = unread || uses.some((u) => LOSSY.includes(u)) ? "STANDARD_HA" : "BASIC";
    const pushed =
      consumers.length > 0 && consumers.every((c) => c.target.kind === "push" || c.target.kind === "long-job");
    const otherUses = uses.filter((u) => u !== "broker" && u !== "results");
    if (speaksKafka(s)) return { service: s, uses, home: "none", consumers, tier };
    if (isStream(s)) return { service: s, uses, home: "pubsub", consumers, tier };
    if (isMemcached(s)) return { service: s, uses, home: "memorystore-memcached", consumers, tier: "BASIC" };
    if (isAmqp(s)) {
      if (pushed && !uses.includes("pubsub")) return { service: s, uses, home: "cloud-tasks", consumers, tier };
      const celery = consumers.filter((c) => c.queue === "celery");
      // Google Cloud has no managed AMQP broker; Celery (the usual RabbitMQ user) speaks Redis too.
      // Not when the broker is also a pub/sub bus over AMQP (Taiga's taiga-events subscribes with
      // amqplib): Redis would carry the tasks and silently drop the events (an open decision instead).
      if (celery.length > 0 && celery.length === consumers.length && !uses.includes("pubsub"))
        return {
          service: s,
          uses,
          home: "memorystore-redis",
          consumers,
          tier: "STANDARD_HA",
          brokerSwitch: s.software,
        };
      return { service: s, uses, home: "none", consumers, tier };
    }
    if (isRedis(s)) {
      if (pushed && otherUses.length === 0) return { service: s, uses, home: "cloud-tasks", consumers, tier };
      return { service: s, uses, home: "memorystore-redis", consumers, tier, ...(unread ? { usesUnread: true } : {}) };
    }
    return { service: s, uses, home: "none", consumers, tier };
  });
  withMovedState(inv, homes);
  return homes;
}

/**
 * The store that carries events between a process's instances: a Redis with pub/sub on Memorystore,
 * or an AMQP broker with pub/sub, where every instance subscribes with a queue of its own (RabbitMQ
 * delivers a copy of each fanout/topic message to every bound queue:
 * https://www.rabbitmq.com/tutorials/amqp-concepts#exchange-fanout), wherever the broker goes.
 */
export function pubsubHomeFor(homes: readonly StoreHome[], s: Service): StoreHome | undefined {
  return homes.find(
    (h) =>
      h.uses.includes("pubsub") &&
      s.dependsOn.includes(h.service.name) &&
      (h.home === "memorystore-redis" || isAmqp(h.service)),
  );
}

/** The Memorystore for Redis a process reaches: the one it depends on, else the first when it has a REDIS_* setting. */
export function redisHomeFor(homes: readonly StoreHome[], s: Service): StoreHome | undefined {
  const redis = homes.filter((h) => h.home === "memorystore-redis");
  return (
    redis.find((h) => s.dependsOn.includes(h.service.name)) ??
    (s.env.some((n) => /REDIS/i.test(n)) ? redis[0] : undefined)
  );
}

/**
 * What the design moves onto the process's Redis from inside one instance (session-fix.ts,
 * cache-fix.ts): sessions (every framework's fix but Django's, whose cached_db keeps them in the
 * database), Laravel's cache with its locks, and a Rails or Django cache (rate-limit counters, which
 * a flush only resets).
 */
export function movedState(s: Service): StoreUse[] {
  const uses: StoreUse[] = [];
  const django = s.runtime === "python" && s.framework !== "flask";
  if (s.role === "web" && s.sessionStore && PER_INSTANCE_STORES.has(s.sessionStore) && !django) uses.push("sessions");
  if (s.cacheStore && PER_INSTANCE_CACHES.has(s.cacheStore)) uses.push(s.runtime === "php" ? "locks" : "cache");
  return uses;
}

/**
 * Sessions and locks moved onto a Redis make it Standard tier: a Basic instance's maintenance or
 * restart empties it (https://cloud.google.com/memorystore/docs/redis/redis-tiers), which logs every
 * user out and drops every lock (a scheduled task then runs twice).
 */
function withMovedState(inv: Inventory, homes: StoreHome[]): void {
  for (const s of inv.services) {
    const moved = movedState(s);
    const home = moved.length ? redisHomeFor(homes, s) : undefined;
    if (!home) continue;
    for (const u of moved) if (!home.uses.includes(u)) home.uses.push(u);
    if (moved.some((u) => LOSSY.includes(u))) home.tier = "STANDARD_HA";
  }
}

const USE_TEXT: Record<StoreUse, string> = {
  broker: "task broker",
  cache: "cache",
  pubsub: "pub/sub between instances",
  results: "task result store",
  sessions: "session store",
  locks: "locks",
};

/** "task broker (RQ), cache, pub/sub between instances". */
export function describeUses(home: StoreHome): string {
  if (home.usesUnread) return "unknown uses (taken for a cache)";
  const queues = [...new Set(home.consumers.map((c) => c.queue!).map((q) => QUEUE_LABEL[q]))];
  return home.uses
    .map((u) => (u === "broker" && queues.length ? `${USE_TEXT[u]} (${queues.join(", ")})` : USE_TEXT[u]))
    .join(", ");
}

export const useText = (u: StoreUse): string => USE_TEXT[u];
