// What the design's prose says about the API's instances: when its warm instance is kept (business
// hours only when a schedule lowers it at night; a JVM, a websocket service, a process that runs
// jobs itself keep it all day), and whether a worker beside it does the background work or it
// consumes its queue itself (contracts/in-process-queue.ts).
import type { Deployment } from "../../../contracts/deployment.js";
import { queueConsumedInProcess } from "../../../contracts/in-process-queue.js";
import type { Draft } from "./draft.js";
import { someNames } from "./names.js";

/** When the API's warm instance is kept: in business hours when a schedule lowers it at night, else all day. */
export function warmWhen(dep: Deployment, name: string | undefined): "business-hours" | "websockets" | "all-day" {
  const api = dep.services.find((s) => s.name === name);
  if ((dep.schedules ?? []).some((j) => j.action === "set-min-instances" && j.target === name)) return "business-hours";
  return api?.sessionAffinity ? "websockets" : "all-day";
}

export const WARM_TEXT = {
  "business-hours": "only in business hours",
  websockets: "around the clock (websockets)",
  "all-day": "around the clock",
} as const;

/** How the design sums up the API's work: a worker beside it, or the queue it consumes itself. */
export function separation(d: Draft, dep: Deployment): string {
  const api = dep.services.find((s) => s.kind === "api");
  const worker = dep.services.find((s) => s.kind === "worker" || s.kind === "worker-pool");
  if (worker)
    return `The API (${api?.name}) and the worker (${worker.name}) are separate services with their own scaling, limits and identities, joined only by ${dep.queues.some((q) => q.target === worker.name) ? "a Cloud Tasks queue" : d.stores.some((h) => h.home === "memorystore-redis" && h.consumers.length) ? "the queue on Memorystore" : "the database"}.`;
  const inside = d.inv.services.flatMap((s) => {
    const broker = api?.replaces.includes(s.name) ? queueConsumedInProcess(d.inv, s) : undefined;
    return broker ? [broker.name] : [];
  });
  if (inside.length)
    return `There is no background worker in the inventory: the API (${api?.name}) consumes the job queues on ${someNames([...new Set(inside)])} itself, so it keeps CPU allocated and one instance up; a worker pool from the same image can take those jobs over where the app runs its queue workers apart.`;
  return "There is no background worker in the inventory; the API is the only compute service, and a worker can be added behind Cloud Tasks when one is needed.";
}
