// The runbook while a service users reach is held (its data written in place has no home yet:
// in-place-home.ts). The deploy skips it, so there is nothing to switch DNS to: the cut-over waits
// for the disk decision, the VM keeps serving, and the database copy is not promoted (the VM's
// app still writes to its own database; the continuous migration keeps the copy current).
import { type DeployTarget, type Deployment, heldWeb } from "../../../contracts/deployment.js";
import type { DesignResult } from "../schema.js";
import { someNames } from "./names.js";

type Runbook = DesignResult["runbook"];
type Step = Runbook["database"][number];

/** The decision a held target waits for (its reason names it: "… the open decision X is taken …"). */
function decisionOf(t: DeployTarget): string {
  return /the open decision (\S+) is taken/.exec(t.held ?? "")?.[1] ?? "on its data written in place";
}

/**
 * The last database step (the promotion) is marked "not yet"; the cut-over is one step that waits;
 * nothing was switched, so there is nothing to roll back but a bad revision of what did deploy.
 */
export function heldRunbook(dep: Deployment, database: Step[], files: Step[], firstWeek: string[]): Runbook {
  const held = heldWeb(dep);
  const names = someNames(held.map((t) => t.name));
  const decisions = someNames([...new Set(held.map(decisionOf))]);
  const promote = database.at(-1);
  const deployed = dep.services.filter((s) => !s.held && s.kind === "api");
  return {
    database: promote
      ? [
          ...database.slice(0, -1),
          {
            ...promote,
            title: `${promote.title} (not yet: only at the cut-over, once ${names} can deploy)`,
            detail: `Not while ${names} ${held.length === 1 ? "is" : "are"} held: the VM's app still writes to its own database, and a promoted copy stops following it. Keep the copy replicating until the cut-over. Then: ${promote.detail}`,
          },
          ...files,
        ]
      : [...database, ...files],
    cutover: [
      {
        title: `Wait for the disk decision before the cut-over (${names} held)`,
        detail: `The deploy holds ${names} until the open decision ${decisions} is taken (architecture.md), so nothing on Cloud Run can serve its users yet: DNS stays on the VM, the VM keeps serving, no maintenance window, no promotion. Take the decision (inPlaceHome: filestore on the storage entry of the inventory, or keep the process on a VM), rerun infra-migrate, and this runbook then gives the cut-over: the final copy, the deploy and smoke test, and the DNS switch.`,
        commands: [],
      },
    ],
    rollback: [
      {
        title: "Nothing switched yet",
        detail: `Users are still on the VM, which keeps its own database${deployed.length ? `; a bad revision of ${someNames(deployed.map((s) => s.name))} goes back with update-traffic` : ""}.`,
        commands: deployed.map(
          (s) =>
            `gcloud run services update-traffic ${s.name} --region=${dep.region} --project=${dep.project} --to-revisions=PREVIOUS_REVISION=100`,
        ),
      },
    ],
    firstWeek,
  };
}
