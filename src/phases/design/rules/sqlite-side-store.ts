// A SQLite file beside the server database the app already uses (contracts/sqlite-plan.ts
// besideServerDatabase) is a store of its own, not the framework's database: most often a task
// queue's storage, such as Huey's SqliteHuey (huey.readthedocs.io, "Storage": SqliteHuey keeps
// the queue in one file; RedisHuey, Huey 3's PostgresHuey and SqlHuey over peewee in
// huey.contrib.sql_huey keep it in a server every process reaches). On Cloud Run each instance
// would keep its own empty copy, so a task the web process queued would never reach the worker.
// Its decision's way out is to move that store, not to "switch the app to a server database" it
// already has.
import { queueSystem } from "../../../contracts/queue-systems.js";
import { isFileDatabase } from "../../../inventory/file-database.js";
import type { DecisionOption } from "../schema.js";
import type { Draft } from "./draft.js";
import { redisHomeFor } from "./store-homes.js";

/** The server databases the file's openers use, by inventory name. */
function serverDatabases(d: Draft, openers: readonly string[]): string[] {
  const servers = new Set(d.inv.data.filter((x) => !isFileDatabase(x.engine)).map((x) => x.service));
  return [
    ...new Set(
      d.inv.services.filter((s) => openers.includes(s.name)).flatMap((s) => s.dependsOn.filter((x) => servers.has(x))),
    ),
  ];
}

/** The option that moves the file's store into what the app already shares, or undefined when none. */
export function sideStoreOption(d: Draft, openers: readonly string[], file: string): DecisionOption | undefined {
  const dbs = serverDatabases(d, openers);
  if (!dbs.length) return undefined;
  const processes = d.inv.services.filter((s) => openers.includes(s.name));
  const huey = processes.some((s) => queueSystem(s) === "huey");
  const redis = processes.map((s) => redisHomeFor(d.stores, s)?.service.name).find(Boolean);
  const then = `then remove the file's data entry from the inventory and rerun: ${openers.join(", ")} then run on Cloud Run like any stateless app, sharing the store.`;
  if (huey)
    return {
      option: "Move Huey's storage off the file (recommended)",
      change: `Huey's SqliteHuey keeps the queue in ${file}: each Cloud Run instance would have its own, and a task the web process queues would never reach the worker. Set the app's HUEY to PostgresHuey (Huey 3, over psycopg) or SqlHuey (huey.contrib.sql_huey, over peewee) on ${dbs.join(", ")}, which moves to Cloud SQL, or to RedisHuey on ${redis ? `Memorystore (${redis})` : "Memorystore for Redis"}; drain the file's pending tasks on the VM first (they do not move), ${then}`,
      cost: redis
        ? "no extra cost: the Cloud SQL database or Memorystore instance the design already has"
        : "no extra cost on Cloud SQL; Memorystore's price if Redis is chosen",
    };
  return {
    option: `Move what the file holds into ${dbs.join(", ")} (recommended)`,
    change: `The app already uses ${dbs.join(", ")}, which moves to Cloud SQL: ${file} beside it is a store of its own (a queue, a cache, a second database), not the app's database setting. Point that part of the app at the shared database${redis ? ` or at Memorystore (${redis})` : ""} and move its rows once, ${then}`,
    cost: "no extra cost: the Cloud SQL database the design already has",
  };
}
