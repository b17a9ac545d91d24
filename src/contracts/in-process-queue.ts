// A job queue no worker process consumes: the web process runs the jobs itself (a BullMQ worker
// the Node server starts, Sidekiq embedded in Puma, a queue worker the container's supervisor
// starts beside the web server). On the VM it always has CPU; on Cloud Run request-based billing
// throttles the CPU between requests, so the jobs stall, and at zero instances nothing takes them
// (https://cloud.google.com/run/docs/configuring/billing-settings). Shared by the audit (the risk)
// and the design (CPU always allocated, one instance up).
import type { Inventory, Service } from "../inventory/schema.js";

/** A store the app queues jobs on: its usedFor says broker, or, with no usedFor, its role does. */
export const holdsQueues = (s: Service): boolean =>
  (s.role === "broker" || s.role === "cache") &&
  (s.usedFor?.length ? s.usedFor.includes("broker") : s.role === "broker");

/** A worker that may consume the broker's queues: it depends on it, or names nothing it depends on. */
const mayConsume = (w: Service, broker: Service): boolean =>
  w.role === "worker" && (w.dependsOn.length === 0 || w.dependsOn.includes(broker.name));

/**
 * The broker a web process depends on whose queues no worker of the inventory consumes, so the web
 * process runs those jobs itself; undefined when a worker does (or may), or the process is no web one.
 */
export function queueConsumedInProcess(inv: Inventory, s: Service): Service | undefined {
  if (s.role !== "web") return undefined;
  return inv.services.find(
    (b) => s.dependsOn.includes(b.name) && holdsQueues(b) && !inv.services.some((w) => mayConsume(w, b)),
  );
}

/** `services.redis.usedFor: broker, pubsub` or `services.redis.role: broker`: what says it holds queues. */
export function queueEvidence(broker: Service): string {
  return broker.usedFor?.length
    ? `services.${broker.name}.usedFor: ${broker.usedFor.join(", ")}`
    : `services.${broker.name}.role: ${broker.role}`;
}
