// A VM process that runs once and exits (a Type=oneshot unit: contracts/run-once.ts): an upgrade,
// a migration, a registration or an empty database's setup is a Cloud Run job the deploy workflow
// runs in its place (cicd/run-once-jobs.ts, same image, settings and database as the app's API);
// anything else, or a command that is more than one plain command, is an open decision that names
// the command word for word.
import { heldWhy } from "../../../contracts/held-targets.js";
import {
  RUN_ONCE_PLACE,
  RUN_ONCE_SUFFIX,
  runOnceJobName,
  runOnceOwner,
  waitingFor,
  waitingText,
  type RunOnceKind,
} from "../../../contracts/run-once.js";
import { openRepo } from "../../../image/repo.js";
import { seedSafety } from "../../../image/seed-data.js";
import { shellCommands, shellTokens } from "../../../image/shell-words.js";
import type { Service } from "../../../inventory/schema.js";
import type { MappingEntry } from "../schema.js";
import type { Draft } from "./draft.js";
import { clipText } from "./mapping-processes.js";
import { cleanName } from "./names.js";
import { smallVm } from "./open-decisions.js";

/** The job the deploy runs it as: the n-th oneshot of its kind gets `-n` (cicd numbers them the same way). */
function jobName(d: Draft, s: Service, step: RunOnceKind): string | undefined {
  const suffix = RUN_ONCE_SUFFIX[step];
  const owner = runOnceOwner(d.services);
  const needsDatabase = step === "database-setup" || step === "seed";
  if (!suffix || !owner || (needsDatabase && !owner.cloudSqlInstance)) return undefined;
  if (step === "migration") return runOnceJobName(owner.name, suffix);
  const same = d.inv.services.filter(
    (x) =>
      x.runsOnce &&
      x.role === "other" &&
      x.command &&
      d.plans.some((p) => p.service === x && p.target.kind === "run-once" && p.target.step === step),
  );
  const n = same.indexOf(s) + 1;
  return runOnceJobName(owner.name, n > 1 ? `${suffix}-${n}` : suffix);
}

export function runOnceEntry(d: Draft, s: Service, step: RunOnceKind): MappingEntry {
  const command = (s.command ?? "").trim();
  const plain = (shellCommands(shellTokens(command)) ?? []).length === 1;
  const name = plain ? jobName(d, s, step) : undefined;
  if (name) {
    // The same owner and hold the deploy reads (contracts/run-once.ts runOnceOwner).
    const owner = runOnceOwner(d.services)!;
    const seed = step === "seed" ? seedSafety(command, d.repoDir ? openRepo(d.repoDir) : undefined) : undefined;
    const emptyOnly = step === "database-setup" || (seed !== undefined && !seed.repeatSafe);
    const when = seed
      ? seed.repeatSafe
        ? `after the migrations, with each release (safe to repeat: ${seed.why})`
        : `after the migrations, into an empty database only (a second run is not known to be safe: ${seed.why})`
      : RUN_ONCE_PLACE[step];
    const held = owner.held
      ? ` It waits with ${owner.name}: the deploy holds ${owner.name}, whose code, settings and database the job runs with, until the open decision ${heldWhy(owner).decision} is taken (${heldWhy(owner).short}), and creates the job only then.`
      : "";
    return {
      service: s.name,
      target: { kind: "cloud-run-job", name },
      reason: clipText(
        `${s.name} runs once and exits (\`${command}\`): ${when}. The deploy workflow runs it as the Cloud Run job ${name} in the app's image, with its settings, secrets and database, to the end; a failure fails the deploy.${held}`,
        800,
      ),
      settings: {
        runs: owner.held
          ? `not yet: held with ${owner.name} until the open decision ${heldWhy(owner).decision} is taken`
          : emptyOnly
            ? "into an empty database only"
            : "with each release",
      },
      appChanges: [],
    };
  }
  const c = cleanName(s.name, 62);
  // Static files belong in the image's build whoever waits for them.
  const waiting = step === "assets" ? "" : waitingText(waitingFor(s.name, d.inv.services));
  const what =
    step === "assets"
      ? "builds static files from the code, which belongs in the image's build"
      : plain
        ? "is not a step the rules know"
        : "is more than one plain command";
  return {
    service: s.name,
    target: { kind: "needs-decision", name: c.length >= 2 ? c : `${c}0` },
    subject: `when ${s.name}'s run-once command runs`,
    reason: clipText(
      `${s.name} runs once and exits (\`${command}\`), and it ${what}: the rules do not guess when it must run.${
        waiting ? ` ${waiting}: the first option keeps that.` : ""
      }`,
      800,
    ),
    settings: {},
    appChanges: [],
    options: [
      {
        option: "Run it with each release as a Cloud Run job",
        change: `Add a step to the deploy workflow after the migrations that deploys and executes a Cloud Run job in the app's image running it (like the migrate job's step), so a failure stops the release.`,
        cost: "Cloud Run job pricing for the seconds it runs; about $0/month",
      },
      {
        option: step === "assets" ? "Build it into the image" : "Run it once by hand",
        change:
          step === "assets"
            ? "Add it as a RUN line of the Dockerfile after the code is copied; every image then holds its output."
            : "Create a Cloud Run job in the app's image with this command and execute it once after the first deploy (gcloud run jobs create … --execute-now); write it in the runbook.",
        cost: "$0/month",
      },
      {
        option: `Keep ${s.name} on a small Compute Engine VM`,
        change:
          "Run it there at boot as today, reaching Cloud SQL through the Cloud SQL Auth Proxy; one machine to patch again.",
        cost: smallVm(d),
      },
    ],
  };
}
