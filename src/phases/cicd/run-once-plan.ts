// What the plan says about the app's run-once commands (run-once-jobs.ts): the jobs the deploy runs
// and in which order, the repository variable an empty database needs, where static-asset steps
// go, and every command with no place yet, word for word.
import { heldWhy } from "../../contracts/held-targets.js";
import type { PlanStep } from "../../contracts/plan.js";
import { RUN_ONCE_PLACE, waitingText } from "../../contracts/run-once.js";
import type { CicdContext } from "./context.js";
import { CICD_PATHS } from "./render.js";
import { EMPTY_DATABASE_VAR, emptyOnlySeeds, type RunOnceJob, type RunOncePlan } from "./run-once-jobs.js";

const named = (jobs: RunOnceJob[]) =>
  jobs
    .map((j) => `\`${j.job.name}\` (\`${j.step.argv!.join(" ")}\`${j.step.note ? `; ${j.step.note}` : ""})`)
    .join(", ");

/** The first deploy's sentence about the release and registration jobs ("" when there are none). */
export function runOnceDeployText(plan: RunOncePlan): string {
  const seeds = plan.seed.filter((j) => j.step.seed?.repeatSafe);
  const parts = [
    ...(seeds.length
      ? [
          `then the app's seed data ${named(seeds)}, after the migrations (safe to repeat: ${seeds.map((j) => j.step.seed!.why).join("; ")})`,
        ]
      : []),
    ...(plan.release.length
      ? [`then the release's upgrade steps ${named(plan.release)}, ${RUN_ONCE_PLACE.release}`]
      : []),
    ...(plan.registration.length
      ? [
          `and, once the services are deployed, ${named(plan.registration)}, which records the app's background work in the new stores (Memorystore starts empty)`,
        ]
      : []),
  ];
  const held = plan.held.length
    ? ` It runs none of ${named(plan.held)}: ${heldOwners(plan)} (the plan's "Commands that wait" step).`
    : "";
  return (
    (parts.length
      ? ` Each deploy also runs ${parts.join(" ")}: each is a Cloud Run job in the app's image with its settings, secrets and database, run to the end; a failed one fails the deploy, and its step names the command (its logs are the job execution's).`
      : "") + held
  );
}

/** "they run twenty's code, which the deploy holds until the open decision twenty-disk is taken" */
function heldOwners(plan: RunOncePlan): string {
  const owner = plan.held[0]!;
  return `they run ${owner.owner}'s code with its settings and database, and the deploy holds ${owner.owner} until the open decision ${heldWhy(owner.job).decision} is taken (${heldWhy(owner.job).short})`;
}

/** The plan's steps: the empty database's variable, and the run-once commands that are not jobs. */
export function runOncePlanSteps(ctx: CicdContext, plan: RunOncePlan, repo: string): PlanStep[] {
  const steps: PlanStep[] = [];
  const seeds = emptyOnlySeeds(plan);
  if (plan.setup.length || seeds.length) {
    const first = plan.setup.length
      ? `The app's own start-up runs ${plan.setup.map((j) => `\`${j.step.command}\``).join(", ")} (${plan.setup[0]!.step.from}) before its first migration, into an empty database only: it creates what the migrations assume (schemas, extensions). `
      : "";
    const seeded = seeds.length
      ? `${seeds.map((j) => `\`${j.step.command}\` (${j.step.from})`).join(", ")} ${seeds.length === 1 ? "loads" : "load"} the app's seed data after the migrations, and a second run into a full database is not known to be safe: ${seeds.map((j) => j.step.seed!.why).join("; ")}. `
      : "";
    const runs = [
      ...(plan.setup.length ? [`${named(plan.setup)} before the migrations`] : []),
      ...(seeds.length ? [`${named(seeds)} after ${plan.setup.length ? "them" : "the migrations"}`] : []),
    ].join(" and ");
    steps.push({
      stage: "prepare",
      order: 46,
      title: "An empty database's first setup",
      body:
        first +
        seeded +
        `The first deploy reaches an empty Cloud SQL database (the VM's data is copied later), so set the repository variable \`${EMPTY_DATABASE_VAR}\` to \`true\` before the first push: the deploy then runs ${runs}. ` +
        (plan.setup.length
          ? `Read that job's log after the deploy: Cloud SQL offers a fixed list of PostgreSQL extensions (https://cloud.google.com/sql/docs/postgres/extensions), and one it lacks fails there. `
          : "") +
        `Delete the variable once that deploy has passed: the data copied from the VM holds all of it, and a second run into a full database is not what the app does.`,
      commands: [
        `gh variable set ${EMPTY_DATABASE_VAR} --repo ${repo} --body true`,
        `gh variable delete ${EMPTY_DATABASE_VAR} --repo ${repo}`,
      ],
      files: [CICD_PATHS.workflow],
    });
  }
  if (plan.held.length)
    steps.push({
      stage: "prepare",
      order: 48,
      title: "Commands that wait with a held service",
      body: `${plan.held.map((j) => `\`${j.step.command}\` (${j.step.from}) would run as the Cloud Run job \`${j.job.name}\`, ${RUN_ONCE_PLACE[j.step.kind]}`).join("; ")}. The deploy runs none of them yet: ${heldOwners(plan)}. Once the decision is taken and infra-migrate rerun, the deploy creates and runs them in their places.`,
      files: [CICD_PATHS.workflow],
    });
  const assets = plan.assets.map((s) => {
    const built = /\bcollectstatic\b|\bassets:precompile\b/.test(s.command) && !ctx.hasDockerfile;
    return `\`${s.command}\` (${s.from}) builds static files from the code: ${built ? "the generated Dockerfile already runs it in the image's build, so no deploy step runs it" : "add it to the image's build (a `RUN` line in the Dockerfile, after the code is copied) so every image holds its output; no deploy step runs it"}.`;
  });
  const byHand =
    "(a Cloud Run job in the app's image with that command: `gcloud run jobs create`, then `gcloud run jobs execute`)";
  const open = plan.open.map((s) => {
    const what = `\`${s.command}\` (${s.from}) ${s.problem ? `cannot run as a job as written: ${s.problem}` : `is not a step the rules know (${RUN_ONCE_PLACE.unknown})`}`;
    // Processes that wait for it each time they start: the VM runs it with every release.
    if (s.waitedBy?.length)
      return `${what}; ${waitingText(s.waitedBy)}: add it to the workflow as a Cloud Run job step like the migrate job, before the services deploy ${byHand}, so every release runs it as the VM does.`;
    return `${what}; if the app needs it with each release, add it to the workflow as a Cloud Run job step like the migrate job, otherwise run it once by hand ${byHand} and say so in the runbook.`;
  });
  if (assets.length || open.length)
    steps.push({
      stage: "prepare",
      order: 47,
      title: "Commands the VM runs once",
      body: [...assets, ...open].join(" "),
      files: [CICD_PATHS.workflow],
    });
  return steps;
}
