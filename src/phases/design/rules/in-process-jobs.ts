// A web process that runs background work on its own threads after the response (Rails' Active
// Job with its default :async adapter: services[].inProcessJobs), or its scheduled jobs on cron
// workers it starts itself (Odoo's max_cron_threads). Cloud Run's default request-based
// billing gives an instance CPU only while a request is in flight, so those threads stall once the
// response is out (https://cloud.google.com/run/docs/configuring/billing-settings); and an instance
// that stops takes what is still queued with it. Instance-based billing (--no-cpu-throttling) keeps
// the CPU; a real Active Job backend run as a worker removes the threads altogether.
import type { Service } from "../../../inventory/schema.js";
import type { DeployTarget } from "../../../contracts/deployment.js";

export const IN_PROCESS_JOBS_REASON =
  "CPU stays allocated between requests (instance-based billing): Active Job runs the app's mails and jobs on threads of the web process after the response.";
/** The same for scheduled jobs on cron workers the process starts itself (Odoo's max_cron_threads). */
export const IN_PROCESS_CRON_REASON =
  "CPU stays allocated between requests (instance-based billing), with one instance always up: the process runs the app's scheduled jobs on cron workers of its own.";

/** Rails' :async Active Job (detect/in-process-jobs.ts), rather than cron workers a settings file starts. */
export const isActiveJob = (s: Service): boolean => /Active Job/.test(s.inProcessJobs ?? "");

/** Why the service keeps CPU between requests, for its mapping entry's reason. */
export const inProcessJobsReason = (s: Service): string =>
  isActiveJob(s) ? IN_PROCESS_JOBS_REASON : IN_PROCESS_CRON_REASON;

/** The change that names both ways out: keep CPU allocated, or give Active Job a backend of its own. */
export function inProcessJobsChange(s: Service, t: DeployTarget): string {
  if (!isActiveJob(s))
    return `${s.name} runs the app's scheduled jobs on cron workers of its own (${(s.inProcessJobs ?? "").split(":")[0]}): request-based CPU would starve them and at zero instances none runs, so ${t.name} keeps CPU always allocated (--no-cpu-throttling) and min-instances 1. Each instance starts its own: more than one only if the app locks each job before running it.`;
  return `${s.name} sends deliver_later mails and runs perform_later jobs on its own threads after the response (Rails' :async Active Job adapter: no queue adapter set, no job backend gem). Cloud Run's request-based CPU would starve them, so ${t.name} keeps CPU always allocated (--no-cpu-throttling); a stopping instance still drops what is queued. The lasting fix: give Active Job a real backend run as a worker (Solid Queue on the Cloud SQL database, or Sidekiq on Memorystore for Redis), then allocate CPU per request again.`;
}

/** A broker no worker consumes (contracts/in-process-queue.ts): the web process runs its jobs. */
export const inProcessQueueReason = (broker: Service): string =>
  `CPU stays allocated between requests (instance-based billing), with one instance always up: no worker process consumes the job queues on ${broker.name}, so this process runs those jobs itself.`;

/** The change for a broker no worker consumes: why CPU and one instance stay, and the way out. */
export function inProcessQueueChange(s: Service, t: DeployTarget, broker: Service): string {
  return `No worker process of the inventory consumes the job queues on ${broker.name} (${broker.software}), so ${s.name} runs those jobs itself: request-based CPU would stall them between requests and at zero instances nothing takes them, so ${t.name} keeps CPU always allocated (--no-cpu-throttling) and min-instances 1. If the app can run its queue workers apart, a worker pool from the same image lets it go back to CPU per request; a consumer the inventory misses belongs in it (role: worker).`;
}
