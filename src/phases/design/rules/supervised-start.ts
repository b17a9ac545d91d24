// The web service of a team's image whose default start is supervisord running more than the web
// server: pretix's `CMD ["all"]` starts nginx, gunicorn AND a Celery worker (its
// supervisord.all.conf includes every file of /etc/supervisord/), while the plan also deploys that
// worker as a service of its own (`--args=taskworker`). Every web instance would then run one more
// worker, scaled with web traffic, not with the queue, and holding CPU Cloud Run gives only during
// requests. The image usually has the start without it (`pretix web`: nginx and gunicorn), which the
// web service then runs; else the design says what every web instance also starts.
import { isAppApi, type DeployTarget } from "../../../contracts/deployment.js";
import { imageFor } from "../../../image/plan.js";
import type { SupervisedProgram } from "../../../image/supervised.js";
import type { TeamImage } from "../../../image/team-image.js";
import type { Draft } from "./draft.js";

type Entry = NonNullable<TeamImage["entry"]>;
type Route = Entry["routes"][number];

const base = (word: string) => word.slice(word.lastIndexOf("/") + 1);
const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((w, i) => w === b[i]);

/**
 * A supervised program that is what `target` runs: the image's own start script with the target's
 * arguments (`/usr/local/bin/pretix taskworker` for `--args=taskworker`), or the target's command
 * (its program compared by name).
 */
function runsAs(program: SupervisedProgram, target: DeployTarget, entry: Entry): boolean {
  const [first, ...rest] = program.argv;
  if (first === undefined) return false;
  const isScript =
    entry.places.includes(first) || (!first.includes("/") && entry.places.some((p) => base(p) === first));
  if (isScript) return rest.length > 0 && !!target.args && same(target.args.slice(0, rest.length), rest);
  const [command, ...args] = target.command ?? [];
  return command !== undefined && base(command) === base(first) && same(args, rest);
}

const key = (p: SupervisedProgram) => p.argv.join("\0");

/** Sets the app API's `args` to the image's start without the programs other targets run, and says why. */
export function planSupervisedStart(d: Draft): void {
  const api = d.services.find(isAppApi);
  const plan = api && d.plans.find((p) => api.replaces.includes(p.service.name));
  const entry = plan && imageFor(d.images, plan.service)?.team?.entry;
  if (!api || !entry?.defaultArgs?.length || api.source) return;
  const first = entry.defaultArgs[0];
  const start = entry.routes.find((r) => r.sub !== undefined && r.sub === first && !r.rest);
  if (!start?.supervises || entry.defaultArgs.length !== 1) return;
  const others = d.services.filter((t) => t !== api);
  const twice = start.supervises.flatMap((p) => {
    const by = others.find((t) => runsAs(p, t, entry));
    return by ? [{ program: p, by }] : [];
  });
  if (twice.length === 0) return;
  const keep = new Set(start.supervises.filter((p) => !twice.some((t) => t.program === p)).map(key));
  const alternative = entry.routes.find(
    (r): r is Route & { sub: string } =>
      r !== start &&
      r.sub !== undefined &&
      !r.rest &&
      !!r.supervises?.length &&
      r.supervises.length === keep.size &&
      r.supervises.every((p) => keep.has(key(p))),
  );
  const named = twice.map((t) => `${t.program.name} (\`${t.program.argv.join(" ")}\`, deployed as ${t.by.name})`);
  const where = `\`${entry.file} ${first}\` runs supervisord with ${start.supervises.map((p) => p.name).join(", ")} (${[...new Set(start.supervises.map((p) => p.file))].join(", ")})`;
  const notes = (d.notes.startNotes ??= {});
  if (alternative) {
    api.args = [alternative.sub];
    notes[api.name] =
      `The image's CMD is \`${first}\`: ${where}, so every web instance would also run ${named.join(", ")}, scaled with web traffic and with CPU only during requests. ${api.name} runs \`${alternative.sub}\` instead (--args=${alternative.sub}, --command left empty so the script's set-up runs first): ${alternative.supervises!.map((p) => p.name).join(", ")}.`;
  } else {
    notes[api.name] =
      `The image's CMD is \`${first}\`: ${where}, so every web instance also runs ${named.join(", ")}, scaled with web traffic and with CPU only during requests; the image has no start without it. Give the script a start that runs the web server alone and deploy ${api.name} with it (--args).`;
  }
}
