// A job queue no worker process consumes: the web process runs the jobs itself (a BullMQ worker
// the Node server starts, Sidekiq embedded in Puma, a queue worker the container's supervisor
// starts beside the web server). On the VM it always has CPU; on Cloud Run request-based billing
// throttles the CPU between requests, so the jobs stall, and at zero instances nothing takes them
// (https://cloud.google.com/run/docs/configuring/billing-settings). Shared by the audit (the risk)
// and the design (CPU always allocated, one instance up).
import type { Inventory, Service } from "../inventory/schema.js";
import { queueSystem } from "./queue-systems.js";

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
  const broker = inv.services.find(
    (b) => s.dependsOn.includes(b.name) && holdsQueues(b) && !inv.services.some((w) => mayConsume(w, b)),
  );
  if (broker || !solidQueueInPuma(s)) return broker;
  // Solid Queue inside Puma keeps its queues in the database; a `bin/jobs` worker would run them instead.
  if (inv.services.some((w) => w.role === "worker" && queueSystem(w) === "solid_queue")) return undefined;
  return inv.services.find((b) => b.role === "database" && s.dependsOn.includes(b.name));
}

/**
 * Puma's Solid Queue plugin: Rails 8's config/puma.rb has `plugin :solid_queue if
 * ENV["SOLID_QUEUE_IN_PUMA"]` (any value, "false" too, is set in Ruby), so the web server runs
 * Solid Queue's supervisor, workers, dispatcher and recurring tasks itself.
 * https://github.com/rails/solid_queue#puma-plugin
 */
export const solidQueueInPuma = (s: Service): boolean => s.runtime === "ruby" && s.env.includes("SOLID_QUEUE_IN_PUMA");

/**
 * `services.redis.usedFor: broker, pubsub` or `services.redis.role: broker`: what says it holds
 * queues; for Solid Queue in Puma, the web process's setting that turns it on.
 */
export function queueEvidence(broker: Service, web?: Service): string {
  if (broker.role === "database" && web && solidQueueInPuma(web))
    return `services.${web.name}.env: SOLID_QUEUE_IN_PUMA (Puma runs Solid Queue on ${broker.name})`;
  return broker.usedFor?.length
    ? `services.${broker.name}.usedFor: ${broker.usedFor.join(", ")}`
    : `services.${broker.name}.role: ${broker.role}`;
}
