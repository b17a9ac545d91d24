// Builds the deployment (what cicd and llmops consume): Cloud Run targets, queues, the database
// and Cloud Scheduler jobs, in inventory order so the output is stable.
import type { Service } from "../../../inventory/schema.js";
import { businessWindow } from "../../../contracts/business-hours.js";
import { CRON_5, type Schedule } from "../../../contracts/deployment.js";
import { planAiWorker } from "./ai-worker.js";
import { cronJobTarget, webTarget, type WorkerModel, workerTarget } from "./compute.js";
import { applyConnectionBudget, databaseTarget } from "./data.js";
import type { Draft } from "./draft.js";
import { runName } from "./names.js";
import { planEdge } from "./edge.js";

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

export interface WorkerInfo {
  service: Service;
  model: WorkerModel;
  queue?: string;
}

export function buildDeployment(d: Draft, options: { workerDir?: unknown } = {}): WorkerInfo[] {
  const { topo } = d;
  const db = topo.databases.map((s) => ({ s, t: databaseTarget(d, s) })).find((x) => x.t);
  if (db?.t) {
    d.database = db.t;
    d.notes.databaseService = db.s.name;
  }
  if (topo.databases.length > 1)
    d.assumptions.push(
      `Only ${db?.s.name ?? topo.databases[0]!.name} is moved to Cloud SQL by these rules; plan the other databases by hand.`,
    );
  const cacheNames = new Set(topo.caches.map((c) => c.name));
  const usesDb = (s: Service) => (db && s.dependsOn.includes(db.s.name) ? db.t!.instance : undefined);
  const usesCache = (s: Service) =>
    s.dependsOn.some((n) => cacheNames.has(n)) ? ("private-ranges-only" as const) : undefined;
  const withLinks = <T extends { cloudSqlInstance?: string; vpcEgress?: string }>(t: T, s: Service): T => {
    const sql = usesDb(s);
    const egress = usesCache(s);
    return { ...t, ...(sql ? { cloudSqlInstance: sql } : {}), ...(egress ? { vpcEgress: egress } : {}) };
  };

  topo.webs.forEach((s, i) => d.services.push(withLinks(webTarget(d, s, i), s)));
  const workers: WorkerInfo[] = [];
  topo.workers.forEach((s, i) => {
    const w = workerTarget(d, s, i);
    d.services.push(withLinks(w.target, s));
    d.notes.workerModel ??= w.model;
    d.notes.taskDeadlineSeconds ??= w.deadline;
    const info: WorkerInfo = { service: s, model: w.model };
    if (w.model === "push") {
      const queue = i === 0 ? runName(d.base, "tasks") : runName(d.base, `${s.name}-tasks`);
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
      info.queue = queue;
    }
    workers.push(info);
  });
  const tz = timeZone(d);
  for (const s of topo.crons) {
    const job = withLinks(cronJobTarget(d, s), s);
    d.services.push(job);
    const cron = schedulerCron(s.schedule);
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
  }
  const firstWorker = d.services.find((t) => t.kind === "worker");
  for (const s of topo.beats) {
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
  // After the beats: a beat's trigger goes to the task worker, never to the AI worker.
  planAiWorker(d, options.workerDir);
  addWarmWindow(d, tz);
  applyConnectionBudget(d);
  planEdge(d);
  return workers;
}

/**
 * One warm API instance in business hours: a job raises the service's min instances in the
 * morning and one lowers it at night, every day (the cost model counts every day too; make the
 * day-of-week field 1-5 for weekdays only). cicd's scripts/setup-schedules.sh creates them.
 */
function addWarmWindow(d: Draft, tz: string): void {
  const api = d.services.find((s) => s.kind === "api" && s.minInstances > 0);
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
