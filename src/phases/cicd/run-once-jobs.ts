// The app's run-once commands as deploy steps (contracts/run-once.ts): Cloud Run jobs in the image,
// settings, secrets and Cloud SQL connection of the service that owns the schema (runOnceOwner, like
// its migrate job), each run to the end (`gcloud run jobs execute --wait`) by the deploy workflow:
//   [database setup, only while the repository variable EMPTY_DATABASE is true] → migrations →
//   seed data (each release when it repeats safely, else only while EMPTY_DATABASE is true) →
//   release steps → the services → registrations.
// A failed execution fails the deploy (canary.sh), and the step's name says which command failed.
// Migrations are the migrate job's already; static-asset steps belong in the image's build; the
// rest stay open, with their exact command, in the plan. An owner the deploy holds (held-targets.ts)
// holds its jobs too, and the plan says which commands wait and for which decision.
import type { DeployTarget } from "../../contracts/deployment.js";
import { RUN_ONCE_SUFFIX } from "../../contracts/run-once.js";
import type { CicdContext } from "./context.js";
import { asJob } from "./migrations.js";
import { teamRun } from "../../image/team-image.js";
import { ownerSteps } from "./run-once-read.js";
import type { RunOnceStep } from "./run-once-steps.js";

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
  /** Seed data after the migrations: each release when `step.seed.repeatSafe`, else only into an empty database. */
  seed: RunOnceJob[];
  /** Each release, after the migrations, before the services. */
  release: RunOnceJob[];
  /** Each release, after the services. */
  registration: RunOnceJob[];
  /** Jobs whose owner the deploy holds: not created until its decision is taken (job.held says why). */
  held: RunOnceJob[];
  /** Static-asset steps: the image's build's (checked against the Dockerfile by the caller). */
  assets: RunOnceStep[];
  /** Steps with no place yet: their exact commands, for the plan. */
  open: RunOnceStep[];
}

const plans = new WeakMap<CicdContext, RunOncePlan>();

/** The run-once steps of the app, as jobs where they have a place; worked out once per context. */
export function runOncePlan(ctx: CicdContext): RunOncePlan {
  const known = plans.get(ctx);
  if (known) return known;
  const plan: RunOncePlan = { setup: [], seed: [], release: [], registration: [], held: [], assets: [], open: [] };
  const { owner, steps } = ownerSteps(ctx);
  const used = new Map<string, number>();
  for (const step of steps) {
    if (step.kind === "migration") continue;
    if (step.kind === "assets") {
      plan.assets.push(step);
      continue;
    }
    const suffix = RUN_ONCE_SUFFIX[step.kind];
    // A job borrows an API's image and settings; a database step needs the database; a step that
    // cannot be one plain command is for a person.
    if (!owner) {
      plan.open.push({
        ...step,
        problem: step.problem ?? "the design deploys no API whose image and settings a job could borrow",
      });
      continue;
    }
    const needsDatabase = step.kind === "database-setup" || step.kind === "seed";
    if (!suffix || !step.argv || (needsDatabase && !owner.cloudSqlInstance)) {
      plan.open.push(step);
      continue;
    }
    const n = (used.get(suffix) ?? 0) + 1;
    used.set(suffix, n);
    const argv = teamRun(step.argv, owner.source ? undefined : ctx.team);
    const job = asJob(owner, argv, n === 1 ? suffix : `${suffix}-${n}`);
    const bucket = owner.held
      ? plan.held
      : step.kind === "database-setup"
        ? plan.setup
        : step.kind === "seed"
          ? plan.seed
          : step.kind === "release"
            ? plan.release
            : plan.registration;
    bucket.push({ job, owner: owner.name, step });
  }
  plans.set(ctx, plan);
  return plan;
}

/** Seed jobs that run only into an empty database (while EMPTY_DATABASE is true). */
export const emptyOnlySeeds = (plan: RunOncePlan): RunOnceJob[] => plan.seed.filter((j) => !j.step.seed?.repeatSafe);

/** The jobs every release runs again (after a data copy too), in their order. */
export function everyReleaseJobs(plan: RunOncePlan): RunOnceJob[] {
  return [...plan.seed.filter((j) => j.step.seed?.repeatSafe), ...plan.release, ...plan.registration];
}
