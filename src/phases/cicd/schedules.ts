// The design's Cloud Scheduler jobs (deployment.schedules) → the values setup-schedules.sh needs.
// Every value was pattern-checked by the deployment schema; here we re-check the ones that reach
// the script and that each job points at a target of the right kind.
import { GenerationError } from "../../errors.js";
import {
  CLOUD_RUN_NAME,
  CRON_5,
  HTTP_PATH,
  SA_ACCOUNT_ID,
  TIME_ZONE,
  type Deployment,
  type DeployTarget,
  type Schedule,
} from "../../contracts/deployment.js";
import { heldLabel } from "../../contracts/held-targets.js";

export interface ScheduleJobView {
  name: string;
  schedule: string;
  timeZone: string;
  action: Schedule["action"];
  target: string;
  /** Bash function setup-schedules.sh calls for this job. */
  fn: "scale_job" | "run_job" | "http_job";
  /** Extra arguments after name, schedule and time zone (min instances, or a path). */
  extra: string;
  comment: string;
}

export interface SchedulesView {
  project: string;
  region: string;
  scalerAccount: string;
  invokerAccount: string;
  jobs: ScheduleJobView[];
  /** `service:runtime-account` pairs the scaler needs run.developer (and actAs) on. */
  scaled: string[];
  invokedJobs: string[];
  invokedServices: string[];
  hasScaler: boolean;
  /** Jobs left out because their target is held: `job -> target (held until …)`. */
  held: string[];
}

function accountId(base: string, suffix: string, fallback: string): string {
  const room = 30 - suffix.length - 1;
  const id = `${base.slice(0, room).replace(/-+$/, "")}-${suffix}`;
  return SA_ACCOUNT_ID.test(id) ? id : fallback;
}

const check = (ok: boolean, what: string, job: Schedule) => {
  if (!ok)
    throw new GenerationError("Refusing to put an invalid Cloud Scheduler job into setup-schedules.sh", [
      `${job.name}: ${what}`,
    ]);
};

function jobView(job: Schedule, target: DeployTarget | undefined): ScheduleJobView {
  check(
    CLOUD_RUN_NAME.test(job.name) && CRON_5.test(job.schedule) && TIME_ZONE.test(job.timeZone),
    "name, schedule or time zone",
    job,
  );
  check(target !== undefined, `unknown target ${job.target}`, job);
  const base = {
    name: job.name,
    schedule: job.schedule,
    timeZone: job.timeZone,
    action: job.action,
    target: job.target,
  };
  switch (job.action) {
    case "set-min-instances":
      check(
        target!.kind !== "job" && job.minInstances !== undefined,
        "set-min-instances needs a service and minInstances",
        job,
      );
      return {
        ...base,
        fn: "scale_job",
        extra: `${job.target} ${job.minInstances}`,
        comment: `Cloud Run job ${job.name} sets the service-level min instances of ${job.target} to ${job.minInstances}`,
      };
    case "run-job":
      check(target!.kind === "job", "run-job needs a Cloud Run job target", job);
      return { ...base, fn: "run_job", extra: job.target, comment: `execute Cloud Run job ${job.target}` };
    case "http": {
      const path = job.path ?? "/";
      check(target!.kind !== "job" && HTTP_PATH.test(path), "http needs a service target and a plain path", job);
      return {
        ...base,
        fn: "http_job",
        extra: `${job.target} ${path}`,
        comment: `POST ${path} on ${job.target} (OIDC)`,
      };
    }
  }
}

/** The design's jobs whose target is held: they wait with it (held-targets.ts), named with its hold. */
export function heldSchedules(deployment: Deployment): string[] {
  const byName = new Map(deployment.services.map((s) => [s.name, s]));
  return (deployment.schedules ?? [])
    .filter((j) => byName.get(j.target)?.held)
    .map((j) => `${j.name} -> ${heldLabel(byName.get(j.target)!)}`);
}

/**
 * Undefined when the design planned no schedules, or only ones whose target is held (then no
 * script is generated: a job would start, scale or call a service that does not exist).
 */
export function schedulesView(deployment: Deployment): SchedulesView | undefined {
  const byName = new Map(deployment.services.map((s) => [s.name, s]));
  const schedules = (deployment.schedules ?? []).filter((j) => !byName.get(j.target)?.held);
  if (schedules.length === 0) return undefined;
  const jobs = schedules.map((j) => jobView(j, byName.get(j.target)));
  const base = deployment.services.find((s) => s.kind === "api")?.name ?? deployment.artifactRepository;
  const uniq = (xs: string[]) => [...new Set(xs)].sort();
  const scaled = uniq(
    jobs.filter((j) => j.fn === "scale_job").map((j) => `${j.target}:${byName.get(j.target)!.serviceAccount}`),
  );
  const invokedJobs = uniq(jobs.filter((j) => j.fn === "run_job").map((j) => j.target));
  const invokedServices = uniq(jobs.filter((j) => j.fn === "http_job").map((j) => j.target));
  return {
    project: deployment.project,
    region: deployment.region,
    scalerAccount: accountId(base, "scaler", "scheduler-scaler"),
    invokerAccount: accountId(base, "scheduler", "scheduler-invoker"),
    jobs,
    scaled,
    invokedJobs,
    invokedServices,
    hasScaler: scaled.length > 0,
    held: heldSchedules(deployment),
  };
}
