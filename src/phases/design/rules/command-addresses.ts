// A process whose command line names a store by its VM address (`rq worker --url
// redis://127.0.0.1:6379/0`, `celery -A app worker -b redis://localhost:6379/0`, `celery flower
// --broker=…`, `rqscheduler --host 127.0.0.1 --port 6379`): on Cloud Run that address is the
// container's own loopback, where nothing listens, so the process would fail to start or loop on
// connection errors. Where the store moves to Memorystore, the word is rewritten to a placeholder
// that the deploy fills with the instance's address, looked up at deploy time (cicd deploy-flags.ts
// withDeployAddresses): `%CACHE_URL:<name>%` (redis://host:port/0), `%CACHE_HOST:<name>%` (the host)
// or `%CACHE_ADDR:<name>%` (host:port). A word with a credential in it never gets here (the
// command-credentials path runs first).
import type { Service } from "../../../inventory/schema.js";
import { portOf } from "../../../inventory/listen.js";
import type { Draft } from "./draft.js";
import { memorystoreName } from "./memorystore-name.js";
import type { StoreHome } from "./store-homes.js";

const LOOPBACK = "(?:127\\.0\\.0\\.1|localhost|\\[::1\\])";
const REDIS_URL = new RegExp(`^(--?[A-Za-z0-9_-]+=)?(?:redis|rediss|valkey)://${LOOPBACK}(?::(\\d+))?(/\\d+)?$`);
const AMQP_URL = new RegExp(
  `^(--?[A-Za-z0-9_-]+=)?amqps?://(?:[A-Za-z0-9_.%-]+@)?${LOOPBACK}(?::(\\d+))?(?:/[A-Za-z0-9_%/-]*)?$`,
);
const HOST_PORT = new RegExp(`^(--?[A-Za-z0-9_-]+=)?${LOOPBACK}:(\\d+)$`);
const HOST_FLAG = /^(--host|-h|-H|--redis-host|--redis_host)$/;
const HOST_FLAG_EQ = new RegExp(`^(--host|--redis-host|--redis_host)=${LOOPBACK}$`);
const PORT_FLAG = /^(--port|-p|--redis-port|--redis_port)$/;
const PORT_FLAG_EQ = /^(--port|--redis-port|--redis_port)=(\d+)$/;

export interface CommandAddress {
  /** The word as the VM has it. */
  from: string;
  /** The store it names, and the Memorystore instance that takes its place. */
  store: string;
  cache: string;
}

/**
 * `argv` with each loopback address of a store that moves to Memorystore replaced by the deploy's
 * placeholder, and what was replaced (for the mapping's text). Stores that stay elsewhere, and
 * addresses whose port is no such store's, are left alone.
 */
export function withStoreAddresses(d: Draft, argv: readonly string[]): { argv: string[]; replaced: CommandAddress[] } {
  const homes = d.stores.filter((h) => h.home === "memorystore-redis");
  if (homes.length === 0) return { argv: [...argv], replaced: [] };
  const ports = (h: StoreHome) => {
    const listed = h.service.listen.map(portOf);
    return listed.length ? listed : [h.brokerSwitch ? 5672 : 6379];
  };
  const redisAt = (port: number) => homes.find((h) => !h.brokerSwitch && ports(h).includes(port));
  const named = (h: StoreHome | undefined) => h && { home: h, cache: memorystoreName(d, h) };
  const out = [...argv];
  const replaced: CommandAddress[] = [];
  const note = (from: string, h: { home: StoreHome; cache: string }) =>
    replaced.push({ from, store: h.home.service.name, cache: h.cache });
  const portFlag = (() => {
    for (let i = 0; i < argv.length; i++) {
      const eq = PORT_FLAG_EQ.exec(argv[i]!);
      if (eq) return Number(eq[2]);
      if (PORT_FLAG.test(argv[i]!) && /^\d+$/.test(argv[i + 1] ?? "")) return Number(argv[i + 1]);
    }
    return undefined;
  })();
  argv.forEach((word, i) => {
    const url = REDIS_URL.exec(word);
    if (url) {
      const h = named(redisAt(Number(url[2] ?? 6379)));
      if (!h) return;
      out[i] = `${url[1] ?? ""}redis://%CACHE_ADDR:${h.cache}%${url[3] ?? "/0"}`;
      return note(word, h);
    }
    const amqp = AMQP_URL.exec(word);
    if (amqp) {
      // A RabbitMQ Celery's broker moves to Redis (store-homes.ts brokerSwitch): its URL becomes Redis's.
      const port = Number(amqp[2] ?? 5672);
      const h = named(homes.find((x) => x.brokerSwitch && ports(x).includes(port)));
      if (!h) return;
      out[i] = `${amqp[1] ?? ""}%CACHE_URL:${h.cache}%`;
      return note(word, h);
    }
    const hostPort = HOST_PORT.exec(word);
    if (hostPort) {
      const h = named(redisAt(Number(hostPort[2])));
      if (!h) return;
      out[i] = `${hostPort[1] ?? ""}%CACHE_ADDR:${h.cache}%`;
      return note(word, h);
    }
    // `--host 127.0.0.1 --port 6379`: a loopback host is a Redis client's only when the command's
    // port is a moved Redis's (a server's own --host is its bind address, handled elsewhere).
    const h = portFlag === undefined ? undefined : named(redisAt(portFlag));
    if (!h) return;
    if (HOST_FLAG_EQ.test(word)) {
      out[i] = `${word.slice(0, word.indexOf("=") + 1)}%CACHE_HOST:${h.cache}%`;
      return note(word, h);
    }
    if (HOST_FLAG.test(argv[i - 1] ?? "") && new RegExp(`^${LOOPBACK}$`).test(word)) {
      out[i] = `%CACHE_HOST:${h.cache}%`;
      return note(word, h);
    }
  });
  return { argv: out, replaced };
}

/** The mapping's line for a process whose command named a moved store by its VM address. */
export function commandAddressChange(s: Service, replaced: readonly CommandAddress[]): string | undefined {
  if (replaced.length === 0) return undefined;
  const words = [...new Set(replaced.map((r) => `\`${r.from}\``))].join(", ");
  const caches = [...new Set(replaced.map((r) => r.cache))].join(", ");
  return `${s.name}'s command names ${words}, its store's address on the VM, which is the container's own loopback on Cloud Run: the deploy passes the address of Memorystore ${caches} in ${replaced.length === 1 ? "its" : "their"} place, looked up when it deploys.`;
}
