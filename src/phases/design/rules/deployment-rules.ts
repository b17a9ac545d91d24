// Builds the deployment (what cicd and llmops consume): Cloud Run targets, queues, the database
// and Cloud Scheduler jobs, in inventory order so the output is stable.
import type { Service } from "../../../inventory/schema.js";
import { businessWindow } from "../../../contracts/business-hours.js";
import { CRON_5, isAppApi, type DatabaseTarget, type Schedule } from "../../../contracts/deployment.js";
import { applyAppEnv, namesOf, settingPeers } from "./app-env.js";
import { STORE_ADDRESS } from "../../../contracts/implied-links.js";
import { planAiWorker } from "./ai-worker.js";
import { isJvm, alwaysOnTarget, cronJobTarget, pushTarget, webTarget } from "./compute.js";
import { applyConnectionBudget, databaseTarget, sqliteDatabaseTarget } from "./data.js";
import { planServerDatabases } from "./server-databases.js";
import type { Draft } from "./draft.js";
import { claimName, runName } from "./names.js";
import { planEdge } from "./edge.js";
import { otherCheckout } from "../../../image/app-root.js";
import type { ProcessPlan } from "./processes.js";
import { schedulerKind } from "../../../contracts/queue-systems.js";
import { nothingDeploys } from "../../../contracts/process-homes.js";
import { queueConsumedInProcess } from "../../../contracts/in-process-queue.js";
import { isActiveJob } from "./in-process-jobs.js";
import { planSupervisedStart } from "./supervised-start.js";

const MACROS: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

/** A cron expression Cloud Scheduler takes and our pattern allows, or undefined. */
export function schedulerCron(spec: string | undefined): string | undefined {
  if (!spec) return undefined;
  const s = MACROS[spec.trim()] ?? spec.trim().split(/\s+/).slice(-5).join(" ");
  return CRON_5.test(s) ? s : undefined;
}

export function timeZone(d: Draft): string {
  return businessWindow(d.inv.target.businessHours)?.timeZone ?? "Etc/UTC";
}

/** The Cloud Run name of a process: the first queue consumer is `<base>-worker`, the rest their own name. */
function processName(d: Draft, plan: ProcessPlan, consumerIndex: number): string {
  const consumer = plan.queue !== undefined;
  const wanted = consumer && consumerIndex === 0 ? runName(d.base, "worker") : runName(d.base, plan.service.name);
  return claimName(d, wanted);
}

/**
 * The main web process first: it takes the base name and the image's own command. It runs the
 * app's main runtime (Mastodon: the Rails app, not the Node streaming server) and serves plain
 * HTTP before websockets; otherwise inventory order.
 */
function inDeployOrder(plans: ProcessPlan[], root: string | undefined): ProcessPlan[] {
  const counts = new Map<string, number>();
  for (const p of plans) if (p.service.runtime) counts.set(p.service.runtime, (counts.get(p.service.runtime) ?? 0) + 1);
  const main = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const rank = (p: ProcessPlan) =>
    p.target.kind !== "web"
      ? 2
      : (main && p.service.runtime && p.service.runtime !== main ? 1 : 0) +
        (p.target.websocket ? 0.5 : 0) +
        // The app's API (the base name, the image $IMAGE) is one this repository builds.
        (otherCheckout(p.service, root) ? 1.5 : 0);
  const webs = plans.filter((p) => p.target.kind === "web").sort((a, b) => rank(a) - rank(b));
  return [...webs, ...plans.filter((p) => p.target.kind !== "web")];
}

/** The cron line of a scheduled process; Laravel's `schedule:run` is documented as every minute. */
function cronOf(s: Service): string | undefined {
  return schedulerCron(s.schedule) ?? (schedulerKind(s) === "laravel-schedule" ? "* * * * *" : undefined);
}

export function buildDeployment(d: Draft, options: { workerDir?: unknown } = {}): void {
  const { topo } = d;
  // The first database Cloud SQL can take, and only it: databaseTarget records its reasons
  // (HA, version) in the draft's notes, which a later database must not overwrite.
  let db: { s: Service; t: DatabaseTarget } | undefined;
  for (const s of topo.databases) {
    const t = databaseTarget(d, s);
    if (t) {
      db = { s, t };
      break;
    }
  }
  if (db?.t) {
    d.database = db.t;
    d.notes.databaseService = db.s.name;
  }
  // The app's SQLite file moves to Cloud SQL when its framework can switch (rules/sqlite.ts).
  const fromSqlite = !db && d.sqlite?.move === "cloud-sql" ? d.sqlite : undefined;
  if (fromSqlite) d.database = sqliteDatabaseTarget(d, fromSqlite);
  if (topo.databases.length > 1)
    d.assumptions.push(
      `Only ${db?.s.name ?? topo.databases[0]!.name} is moved to Cloud SQL by these rules; the other databases are open decisions.`,
    );
  const onMemorystore = new Set(d.stores.filter((h) => h.home.startsWith("memorystore")).map((h) => h.service.name));
  const usesDb = (s: Service) =>
    db && s.dependsOn.includes(db.s.name)
      ? db.t!.instance
      : fromSqlite && fromSqlite.openers.includes(s.name)
        ? d.database!.instance
        : undefined;
  const onCache = (s: Service) => s.dependsOn.some((n) => onMemorystore.has(n));
  // A crontab line has no environment of its own: it runs the app's code with its peers' settings
  // (settingPeers), so when those name a Redis/cache address (Laravel's schedule:run queueing jobs and
  // taking cache locks, a Django command calling .delay()) it reaches their Memorystore too.
  const inheritsCache = (s: Service) =>
    namesOf(d, s).some((n) => STORE_ADDRESS.test(n.toUpperCase())) && settingPeers(d, s).some(onCache);
  // A store no managed service takes (RabbitMQ that is also an AMQP event bus) stays on a VM, the
  // recommended option of its open decision: its users reach that VM's private IP the same way.
  const onVm = new Set(d.stores.filter((h) => h.home === "none").map((h) => h.service.name));
  const usesCache = (s: Service) =>
    onCache(s) || inheritsCache(s) || s.dependsOn.some((n) => onVm.has(n))
      ? ("private-ranges-only" as const)
      : undefined;
  const withLinks = <T extends { cloudSqlInstance?: string; vpcEgress?: string }>(t: T, s: Service): T => {
    const sql = usesDb(s);
    const egress = usesCache(s);
    return { ...t, ...(sql ? { cloudSqlInstance: sql } : {}), ...(egress ? { vpcEgress: egress } : {}) };
  };
  const tz = timeZone(d);
  let webs = 0;
  let consumers = 0;
  const beats: ProcessPlan[] = [];
  for (const plan of inDeployOrder(d.plans, d.images.root)) {
    const s = plan.service;
    switch (plan.target.kind) {
      case "web":
        d.services.push(withLinks(webTarget(d, s, webs++, plan.target.websocket), s));
        break;
      case "push":
      case "long-job": {
        const name = processName(d, plan, consumers++);
        const w = pushTarget(d, plan, name);
        d.services.push(withLinks(w.target, s));
        if (plan.target.kind === "push") {
          d.notes.taskDeadlineSeconds ??= w.deadline;
          const queue = d.queues.length === 0 ? runName(d.base, "tasks") : runName(d.base, `${s.name}-tasks`);
          d.queues.push({
            name: queue,
            target: w.target.name,
            path: "/tasks",
            maxAttempts: 5,
            minBackoffSeconds: 10,
            maxBackoffSeconds: 600,
            maxDispatchesPerSecond: 10,
            maxConcurrentDispatches: w.target.maxInstances * w.target.concurrency,
            dispatchDeadlineSeconds: Math.max(15, Math.min(1800, w.deadline)),
          });
        }
        break;
      }
      case "always-on": {
        const name = processName(d, plan, plan.queue !== undefined ? consumers++ : -1);
        d.services.push(withLinks(alwaysOnTarget(d, plan, name), s));
        break;
      }
      case "cron": {
        const job = withLinks(cronJobTarget(d, s), s);
        d.services.push(job);
        const cron = cronOf(s);
        if (cron)
          d.schedules.push({
            name: runName(d.base, `${s.name}-trigger`),
            schedule: cron,
            timeZone: tz,
            action: "run-job",
            target: job.name,
            replaces: [s.name],
          });
        else
          d.assumptions.push(
            `${s.name}: its schedule "${s.schedule ?? ""}" is not a five-field cron Cloud Scheduler accepts; set the trigger by hand.`,
          );
        break;
      }
      case "scheduler-jobs":
        beats.push(plan);
        break;
      case "decision":
      case "run-once":
        break;
    }
  }
  // The app's API runs its image's own start (cicd deploy-flags): arguments to its ENTRYPOINT script
  // that matched the VM's command are not what that start is. Only the start chosen below replaces it.
  const api = d.services.find(isAppApi);
  if (api?.args) delete api.args;
  planSupervisedStart(d);
  // Beat entries pushed to the task worker (Celery rewritten), never to the AI worker.
  const firstWorker = d.services.find((t) => t.kind === "worker");
  for (const { service: s } of beats) {
    const cron = schedulerCron(s.schedule);
    if (cron && firstWorker) {
      d.schedules.push({
        name: runName(d.base, `${s.name}-trigger`),
        schedule: cron,
        timeZone: tz,
        action: "http",
        target: firstWorker.name,
        path: "/tasks/scheduled",
        replaces: [s.name],
      });
    }
  }
  applyAppEnv(d);
  planAiWorker(d, options.workerDir);
  if (d.services.length === 0) markNothingDeploys(d);
  addWarmWindow(d, tz);
  planServerDatabases(d);
  applyConnectionBudget(d);
  planEdge(d);
}

/**
 * Nothing runs on Cloud Run: a broker or cache stays beside the processes that use it (nothing
 * on Google Cloud would reach a Memorystore), so no store gets a managed home.
 */
function markNothingDeploys(d: Draft): void {
  d.nothing = nothingDeploys(d.inv) ?? "the design places no process of the app on Cloud Run";
  for (const h of d.stores) h.home = "unused";
}

/**
 * One warm API instance in business hours: a job raises the service's min instances in the
 * morning and one lowers it at night, every day (the cost model counts every day too; make the
 * day-of-week field 1-5 for weekdays only). cicd's scripts/setup-schedules.sh creates them.
 */
function addWarmWindow(d: Draft, tz: string): void {
  // Not a websocket service, nor a JVM's (its cold start takes minutes), nor one that consumes a
  // job queue or runs cron workers itself (at night nothing would run the jobs): those keep their
  // instance around the clock.
  const around = (name: string) =>
    d.inv.services.some(
      (s) =>
        s.name === name &&
        (isJvm(s) || queueConsumedInProcess(d.inv, s) || (s.inProcessJobs !== undefined && !isActiveJob(s))),
    );
  const api = d.services.find(
    (s) => s.kind === "api" && s.minInstances > 0 && !s.sessionAffinity && !s.replaces.some(around),
  );
  const window = businessWindow(d.inv.target.businessHours);
  if (!api || !window) return;
  const common = { timeZone: tz, action: "set-min-instances" as const, target: api.name, replaces: [] };
  const jobs: Schedule[] = [
    {
      ...common,
      name: runName(d.base, "warm-up"),
      schedule: `0 ${window.startHour} * * *`,
      minInstances: api.minInstances,
    },
    { ...common, name: runName(d.base, "cool-down"), schedule: `0 ${window.endHour} * * *`, minInstances: 0 },
  ];
  d.schedules.push(...jobs);
}
