// What a websocket service with no shared pub/sub needs before it runs on more than one instance.
// Events one instance's process publishes reach only its own clients, so the service stays at one
// instance; the way out depends on what the app is known to support: a framework with a Redis
// fan-out (Action Cable's redis adapter, Channels' channel layer, socket.io's Redis adapter), or a
// Redis it already reaches. An app known to support neither (a prebuilt server whose clustering is
// its own, such as Mattermost's licensed cluster, which Cloud Run instances cannot carry) is not
// told to add a Redis it could not use.
import type { Service } from "../../../inventory/schema.js";
import type { Draft } from "./draft.js";
import { redisHomeFor } from "./store-homes.js";

/** Frameworks whose websockets fan out over Redis pub/sub, with the piece that does it. */
const REDIS_FANOUT: Array<[RegExp, string]> = [
  [/^rails$/i, "Action Cable's redis adapter (config/cable.yml)"],
  [/^django$/i, "Channels' Redis channel layer (channels_redis)"],
  [/^laravel$/i, "Laravel broadcasting over Redis"],
  [/^flask$/i, "Flask-SocketIO's message_queue on Redis"],
  [/^(express|koa|nestjs|fastify)$/i, "socket.io's Redis adapter (@socket.io/redis-adapter)"],
];

/** The appChanges line for a websocket service with no shared pub/sub (mapping-processes.ts). */
export function websocketFanOutAdvice(d: Draft, s: Service): string {
  const adapter = REDIS_FANOUT.find(([re]) => re.test(s.framework ?? ""))?.[1];
  const redis = redisHomeFor(d.stores, s)?.service.name;
  if (adapter)
    return `Before raising max instances above 1, fan events out through Redis pub/sub with ${adapter}${redis ? ` on Memorystore (${redis}, which it already reaches)` : " on Memorystore for Redis"}: another instance's clients never see in-process events.`;
  if (redis)
    return `Before raising max instances above 1, fan events out through Redis pub/sub on Memorystore (${redis}, which it already reaches), if the app can publish its events there: another instance's clients never see in-process events.`;
  return `Keep ${s.name} at one instance (max-instances 1) until the app supports shared state: nothing known about it (no framework with a Redis fan-out, no Redis or pub/sub store it uses) lets its instances share websocket events, so another instance's clients would miss them. Check the app's own docs for a cluster or pub/sub mode before adding instances; a cluster whose members talk to each other directly does not fit Cloud Run instances.`;
}
