// The app's run-once commands as deploy steps (contracts/run-once.ts): Cloud Run jobs in the image,
// settings, secrets and Cloud SQL connection of the service that owns the schema (like its migrate
// job), each run to the end (`gcloud run jobs execute --wait`) by the deploy workflow:
//   [database setup, only while the repository variable EMPTY_DATABASE is true] → migrations →
//   release steps → the services → registrations.
// A failed execution fails the deploy (canary.sh), and the step's name says which command failed.
// Migrations are the migrate job's already; static-asset steps belong in the image's build; the
// rest stay open, with their exact command, in the plan.
import type { DeployTarget } from "../../contracts/deployment.js";
import { RUN_ONCE_SUFFIX } from "../../contracts/run-once.js";
import { openRepo } from "../../image/repo.js";
import type { CicdContext } from "./context.js";
import { asJob, ownerFolder } from "./migrations.js";
import { runOnceSteps, type RunOnceStep } from "./run-once-steps.js";

/** The repository variable that says the database is empty (the first deploy, before the data copy). */
export const EMPTY_DATABASE_VAR = "EMPTY_DATABASE";

export interface RunOnceJob {
  job: DeployTarget;
  owner: string;
  step: RunOnceStep;
}

export interface RunOncePlan {
  /** Into an empty database only, before the migrations. */
  setup: RunOnceJob[];
  /** Each release, after the migrations, before the services. */
  release: RunOnceJob[];
  /** Each release, after the services. */
  registration: RunOnceJob[];
  /** Static-asset steps: the image's build's (checked against the Dockerfile by the caller). */
  assets: RunOnceStep[];
  /** Steps with no place yet: their exact commands, for the plan. */
  open: RunOnceStep[];
}

/** The run-once steps of the app, as jobs where they have a place. */
export function runOncePlan(ctx: CicdContext): RunOncePlan {
  const plan: RunOncePlan = { setup: [], release: [], registration: [], assets: [], open: [] };
  const owner =
    ctx.deployment.services.find((s) => s.kind === "api" && s.cloudSqlInstance) ??
    ctx.deployment.services.find((s) => s.kind === "api");
  if (!owner) return plan;
  const repo = ctx.repoDir ? openRepo(ctx.repoDir, ctx.generated) : undefined;
  const steps = runOnceSteps(ctx.inventory, repo, ownerFolder(ctx, owner));
  const used = new Map<string, number>();
  for (const step of steps) {
    if (step.kind === "migration") continue;
    if (step.kind === "assets") {
      plan.assets.push(step);
      continue;
    }
    const suffix = RUN_ONCE_SUFFIX[step.kind];
    // A database step needs the database; a step that cannot be one plain command is for a person.
    if (!suffix || !step.argv || (step.kind === "database-setup" && !owner.cloudSqlInstance)) {
      plan.open.push(step);
      continue;
    }
    const n = (used.get(suffix) ?? 0) + 1;
    used.set(suffix, n);
    const job = asJob(owner, step.argv, n === 1 ? suffix : `${suffix}-${n}`);
    const bucket =
      step.kind === "database-setup" ? plan.setup : step.kind === "release" ? plan.release : plan.registration;
    bucket.push({ job, owner: owner.name, step });
  }
  return plan;
}

/** The jobs every release runs again (after a data copy too), in their order. */
export function everyReleaseJobs(plan: RunOncePlan): RunOnceJob[] {
  return [...plan.release, ...plan.registration];
}
