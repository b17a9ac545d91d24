// A scheduled job or an always-on process whose command cannot be carried to Cloud Run (none in
// the inventory, a line that needs a shell, a credential on its command line that is not an
// argument's value: image/command-credentials.ts) would be deployed with no --command, and Cloud
// Run then runs the image's default: the web server, as a job that never does its work (a cron
// job never finishing, every run until its timeout) or a worker pool serving nothing. Such a target
// is held instead (the deploy skips it and says why, its schedule is not created) until an open
// decision gives it a command; the VM keeps running it meanwhile.
import type { DeployTarget, HeldFor } from "../../../contracts/deployment.js";
import { isAppApi } from "../../../contracts/deployment.js";
import type { Service } from "../../../inventory/schema.js";
import { carriesCredential, carryCredentials } from "../../../image/command-credentials.js";
import { imageFor } from "../../../image/plan.js";
import type { MappingEntry } from "../schema.js";
import { cronArgv } from "./cron-command.js";
import { foreignProgram } from "./foreign-program.js";
import type { Draft } from "./draft.js";
import { smallVm } from "./open-decisions.js";
import { cleanName } from "./names.js";

/** The open decision a held target waits for. */
export const commandDecisionName = (s: Service): string => cleanName(`${s.name}-command`, 62);

/** Why the process's command cannot run as a container command, or undefined when it can. */
export function commandGap(d: Draft, s: Service): string | undefined {
  if (!s.command?.trim()) return "the inventory gives no command for it";
  const planned = imageFor(d.images, s)?.argv[s.name];
  const argv = planned?.ok ? planned : cronArgv(s.command, d.images.root);
  if (!argv.ok) return `its command cannot run as a plain container command (${argv.reason})`;
  if (carriesCredential(argv.argv)) {
    const carried = carryCredentials(s.name, argv.argv);
    if (!carried.ok) return `its command line holds a credential the inventory redacted, and ${carried.reason}`;
  }
  return undefined;
}

const clip = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/**
 * Holds every job and worker pool of the app's image that got no command while the image's default
 * is the app's web server: the deploy skips it and prints the reason, and the plan asks for the command.
 */
export function holdCommandless(d: Draft): void {
  const api = d.services.find(isAppApi);
  if (!api || api.source) return;
  for (const t of d.services) {
    if (t.held || t.source || t.args?.length) continue;
    if (t.kind !== "job" && t.kind !== "worker-pool") continue;
    const s = d.inv.services.find((x) => t.replaces.includes(x.name));
    // A command whose program the image does not have (foreign-program.ts) fails as surely.
    const program = s && t.command?.length ? foreignProgram(d, s, t.command) : undefined;
    if (t.command?.length && !program) continue;
    const gap = program ? programGap(d, program) : s && commandGap(d, s);
    if (!s || !gap) continue;
    const why: HeldFor = {
      decision: commandDecisionName(s),
      short: clip(`${s.name}: ${gap}`, 300),
      topic: "command",
    };
    t.held = program ? heldProgramReason(t, why) : heldCommandReason(t, why, api.name);
    t.heldFor = why;
  }
}

/** Why a program outside the app's folder cannot run in its image. */
function programGap(d: Draft, program: string): string {
  const root = d.images.root ? ` (${d.images.root})` : "";
  return `it runs ${program}, a program the VM has installed outside the app's folder${root}, which the app's image does not have`;
}

/** The reason the deploy prints for a target whose program the image lacks. */
function heldProgramReason(t: DeployTarget, why: HeldFor): string {
  const what = t.kind === "job" ? "each execution of this job" : "this worker pool";
  return clip(
    `${why.short}: ${what} would fail at start (no such file). Not deployed until the open decision ${why.decision} is taken (architecture.md): install the program in the image (a step of the Dockerfile the deploy builds), or keep the process on the VM, which runs it until then.`,
    600,
  );
}

/** The whole reason the deploy prints: what is missing, what running without it would do, the remedy. */
function heldCommandReason(t: DeployTarget, why: HeldFor, api: string): string {
  const runs = t.kind === "job" ? "this job, which would never do its work nor finish" : "this worker pool";
  const text = `${why.short}. Without a command Cloud Run would run the image's default, ${api}'s web server, as ${runs}. Not deployed until the open decision ${why.decision} is taken (architecture.md): put the command in a script in the image, name it in services[].command and rerun, or keep it on the VM, which runs it until then.`;
  return clip(text, 600);
}

/**
 * The URL a line only requests with curl or wget, and nothing else (Moodle's and WordPress's cron
 * through the site: `curl -fsS https://site/admin/cron.php >/dev/null`), its scheme and host; else undefined.
 */
export function httpCall(command: string | undefined): string | undefined {
  const words = (command ?? "")
    .trim()
    .replace(/\s*(>\s*\/dev\/null|2>&1|>\s*\/dev\/null\s+2>&1)\s*$/g, "")
    .split(/\s+/);
  if (!/(^|\/)(curl|wget)$/.test(words[0] ?? "")) return undefined;
  const urls = words.slice(1).filter((w) => /^['"]?https?:\/\//.test(w));
  const flags = words.slice(1).filter((w) => !urls.includes(w));
  // Flags only (-fsS, -q, -O -, --silent…): no data sent, no file written but stdout.
  if (urls.length !== 1 || flags.some((f) => !/^-/.test(f) && f !== "-" && f !== "/dev/null")) return undefined;
  const url = /^['"]?(https?:\/\/[^/'"?\s]+)/.exec(urls[0]!)?.[1];
  return url;
}

/** The open decision beside the held target's own entry: how its command runs. */
export function commandDecision(d: Draft, s: Service, t: DeployTarget): MappingEntry {
  const what = t.kind === "job" ? "job" : "worker pool";
  const program = t.command?.length ? foreignProgram(d, s, t.command) : undefined;
  return {
    service: s.name,
    target: { kind: "needs-decision", name: t.heldFor!.decision },
    subject: clip(`how ${s.name}'s command runs on Cloud Run`, 300),
    reason: program
      ? `${t.heldFor!.short}. Deployed as it is, the Cloud Run ${what} ${t.name} would fail at start (no such file), so the deploy holds it and the VM keeps running it until this is decided.`
      : `${t.heldFor!.short}. Deployed with no command, the Cloud Run ${what} ${t.name} would run the image's default command, the web server, so the deploy holds it and the VM keeps running it until this is decided.`,
    settings: {},
    appChanges: [],
    options: [
      ...(program
        ? [
            {
              option: `Install ${clip(program, 80)} in the app's image (recommended)`,
              change: clip(
                `Add a step to the Dockerfile the deploy builds that installs the program at ${program}, the version the VM runs (or give ${s.name} its runtime in the inventory when its image's dependencies hold it), then rerun: the deploy creates the ${what} once the Dockerfile names the program.${t.command?.length ? ` It runs \`${t.command.join(" ")}\`.` : ""}`,
                600,
              ),
              cost: "no extra cost: the job runs in the app's image",
            },
          ]
        : []),
      ...(httpCall(s.command)
        ? [
            {
              option: "A Cloud Scheduler HTTP job that requests the URL itself (recommended)",
              change: clip(
                `The line only requests a URL of the app (${clip(httpCall(s.command)!, 80)}): Cloud Scheduler can make that request on the same schedule (gcloud scheduler jobs create http --uri … --http-method=GET), with retries and a log per attempt; nothing runs in a container. A credential in the URL would sit in the job's settings: better, have the app accept the OIDC token Cloud Scheduler sends (--oidc-service-account-email), or run its command-line entry (a script, below). Then remove ${s.name} from the inventory.`,
                600,
              ),
              cost: "Cloud Scheduler: 3 jobs a month free per billing account, then $0.10 a job a month",
            },
          ]
        : []),
      {
        option: `A script in the image that runs the command${httpCall(s.command) || program ? "" : " (recommended)"}`,
        change: `Add a script to the repository (e.g. bin/${s.name}.sh) that sets up what the VM's line did and execs the command, reading any credential from an environment variable; set services[].command of ${s.name} to it and rerun: the deploy then creates the ${what} with that command.`,
        cost: "no extra cost: the job runs in the app's image",
      },
      {
        option: `Keep ${s.name} on a small Compute Engine VM`,
        change: `Run the same line there as today; it reaches Cloud SQL through the Cloud SQL Auth Proxy. The deploy leaves ${t.name} out.`,
        cost: smallVm(d),
      },
    ],
  };
}
