// Every process the VM runs gets a plan before anything is sized: a Cloud Run service (HTTP and
// websockets), an always-on worker pool (queue consumers, loops, schedulers that must be alone), a
// Cloud Run job with Cloud Scheduler (cron), Cloud Tasks push (Celery, when the rewrite is chosen),
// or an explicit open decision when nothing managed fits (an inbound SMTP listener). Nothing is
// dropped: the validator checks that every process lands on one of these.
import type { Inventory, Service } from "../../../inventory/schema.js";
import { embedsCeleryBeat, taskLimitSeconds } from "./classify.js";
import { nonHttpTopic, type OpenTopic, processTopic } from "../../../contracts/process-homes.js";
import { publishedImage, pulledImageOf, runtimeOf } from "../../../image/plan.js";
import { runOnceKind, type RunOnceKind } from "../../../contracts/run-once.js";
import {
  isCeleryBeat,
  isStreamConsumer,
  queueSystem,
  type QueueSystem,
  REDIS_SERVER,
  schedulerKind,
  type SchedulerKind,
} from "../../../contracts/queue-systems.js";

/** Celery: keep it on Memorystore with always-on workers (no code change), or rewrite to Cloud Tasks push. */
export type CeleryMode = "keep" | "push";

/** Cloud Tasks waits at most 30 minutes for a push (dispatch deadline 15 s – 30 min). */
export const MAX_PUSH_SECONDS = 1800;

export type { OpenTopic } from "../../../contracts/process-homes.js";
export { PROCESS_ROLES } from "../../../contracts/process-homes.js";

export type ProcessTarget =
  | { kind: "web"; websocket: boolean }
  | { kind: "always-on"; role: "consumer" | "scheduler" | "loop" | "stream"; singleton: boolean }
  | { kind: "push" }
  | { kind: "long-job" }
  | { kind: "cron" }
  | { kind: "scheduler-jobs" }
  | { kind: "decision"; topic: OpenTopic }
  /** A process that runs once and exits (a oneshot unit): a deploy step or an open decision (mapping-run-once.ts). */
  | { kind: "run-once"; step: RunOnceKind };

export interface ProcessPlan {
  service: Service;
  target: ProcessTarget;
  queue?: QueueSystem;
  scheduler?: SchedulerKind;
}

const speaks = (s: Service, p: string) => (s.protocols ?? []).includes(p as never);

function workerPlan(s: Service, celery: CeleryMode, brokers: ReadonlySet<string>): ProcessPlan {
  const queue = queueSystem(s);
  if (isStreamConsumer(s))
    return { service: s, queue, target: { kind: "always-on", role: "stream", singleton: false } };
  if (queue === "celery" && celery === "push") {
    const limit = taskLimitSeconds(s);
    return {
      service: s,
      queue,
      target: { kind: limit !== undefined && limit > MAX_PUSH_SECONDS ? "long-job" : "push" },
    };
  }
  // A worker that runs beat too stays at one instance, or each periodic task runs once per instance.
  if (queue)
    return {
      service: s,
      queue,
      target: { kind: "always-on", role: "consumer", singleton: queue === "celery" && embedsCeleryBeat(s.command) },
    };
  // A worker of no queue system we know that depends on a message broker (a Spring or Go consumer of
  // a RabbitMQ queue) consumes its messages: it pulls its work, it is no loop on its own clock. One
  // instance as on the VM (or as many as the VM ran): consumers of one queue compete, but the rules
  // cannot tell whether this one's work may run out of order.
  if (s.dependsOn.some((n) => brokers.has(n)))
    return { service: s, target: { kind: "always-on", role: "consumer", singleton: (s.instances ?? 1) <= 1 } };
  // A loop (sendalerts, --loop, a folder watcher) runs once on the VM: one instance, not more.
  return { service: s, target: { kind: "always-on", role: "loop", singleton: true } };
}

function schedulerPlan(s: Service, celery: CeleryMode): ProcessPlan {
  const kind = schedulerKind(s);
  if (isCeleryBeat(s) && celery === "push") return { service: s, scheduler: kind, target: { kind: "scheduler-jobs" } };
  // `schedule:run` every minute, or any scheduler given a cron schedule: a job per tick.
  if (s.schedule && !s.longRunning) return { service: s, scheduler: kind, target: { kind: "cron" } };
  return { service: s, scheduler: kind, target: { kind: "always-on", role: "scheduler", singleton: true } };
}

function otherPlan(s: Service): ProcessPlan {
  if (s.runsOnce && !s.schedule && !nonHttpTopic(s))
    return { service: s, target: { kind: "run-once", step: runOnceKind(s.command ?? "") } };
  const topic = processTopic(s);
  if (topic) return { service: s, target: { kind: "decision", topic } };
  if (s.schedule) return { service: s, target: { kind: "cron" } };
  // An app process we cannot name (its runtime is the app's, it keeps running): run it as it runs today.
  return { service: s, target: { kind: "always-on", role: "loop", singleton: true } };
}

export function planProcess(
  s: Service,
  celery: CeleryMode,
  brokers: ReadonlySet<string> = new Set(),
): ProcessPlan | undefined {
  switch (s.role) {
    case "web": {
      const topic = processTopic(s);
      if (topic) return { service: s, target: { kind: "decision", topic } };
      return { service: s, target: { kind: "web", websocket: speaks(s, "websocket") } };
    }
    case "worker":
      return workerPlan(s, celery, brokers);
    case "scheduler":
      return schedulerPlan(s, celery);
    case "cron":
      return { service: s, target: { kind: "cron" } };
    case "other":
      return otherPlan(s);
    default:
      return undefined;
  }
}

export function planProcesses(inv: Inventory, celery: CeleryMode): ProcessPlan[] {
  // Message brokers of their own (RabbitMQ, ActiveMQ, NATS…), not Redis: a process that depends on a
  // Redis broker may only enqueue to it (paperless-ngx's folder consumer hands files to Celery), and
  // the queue systems that consume from Redis are named by queueSystem.
  const brokers = new Set(
    inv.services
      .filter((x) => (x.usedFor ? x.usedFor.includes("broker") : x.role === "broker"))
      .filter((x) => !REDIS_SERVER.test(`${x.software} ${x.image ?? ""}`))
      .map((x) => x.name),
  );
  // A process that runs a published image of its own (Keycloak's, a vendor's server) beside the
  // app's: the app's image does not hold it, and only the app's main image is ever copied as it is
  // (image/plan.ts pulledImageOf). It is decided (open-decisions.ts: run it from its own image).
  const main = pulledImageOf(inv);
  // A web server of no runtime we build beside a web process of the app's own code (Keycloak's
  // kc.sh, Grafana beside a Node API): a vendor's program, which the app's image does not hold. An
  // app whose only web process has no runtime is its own prebuilt release (image/release-image.ts).
  const appWeb = inv.services.some((x) => x.role === "web" && runtimeOf(x) && !publishedImage(x));
  return inv.services
    .map((s) => {
      const plan = planProcess(s, celery, brokers);
      if (!plan || plan.target.kind === "decision" || plan.target.kind === "run-once") return plan;
      if (
        (publishedImage(s) && s.image !== main) ||
        (plan.target.kind === "web" && appWeb && !s.image && !runtimeOf(s))
      )
        return { service: s, target: { kind: "decision" as const, topic: "unknown-process" as const } };
      return plan;
    })
    .filter((p): p is ProcessPlan => p !== undefined);
}

/** The Celery mode an option asks for; anything else keeps Celery (no code change to start). */
export function celeryMode(option: unknown): CeleryMode {
  return option === "push" ? "push" : "keep";
}
