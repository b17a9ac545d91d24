// The runbook while a held service keeps the cut-over waiting (its data written in place has no
// home yet: in-place-home.ts; which holds wait, and why: contracts/held-targets.ts cutoverHolds).
// The deploy skips it, so the cut-over waits for the disk decision: the VM keeps serving, and the
// database copy is not promoted (users stay on the VM, whose app keeps writing to its own database;
// the continuous migration keeps the copy current). Both steps name the reasons the cut-over waits
// from cutoverHolds' data (users, the database, a queue's or schedule's work, a shared store). A
// held process that waits for nothing stays on the VM beside the cut-over (heldBeside).
import { type DeployTarget, type Deployment, previousRevisionCommand } from "../../../contracts/deployment.js";
import {
  allHeldFor,
  cutoverHolds,
  decisionsTaken,
  heldDecisions,
  listNames,
  waitsFor,
} from "../../../contracts/held-targets.js";
import type { DesignResult } from "../schema.js";
import { clipText } from "./mapping-processes.js";
import { someNames } from "./names.js";

type Runbook = DesignResult["runbook"];
type Step = Runbook["database"][number];

/**
 * The last database step (the promotion) is marked "not yet"; the cut-over is one step that waits;
 * nothing was switched, so there is nothing to roll back but a bad revision of what did deploy.
 */
/** What taking each kind of decision the holds wait for means. */
function remedies(held: DeployTarget[]): string {
  const out: string[] = [];
  if (!allHeldFor(held, "command"))
    out.push("inPlaceHome: filestore on the storage entry of the inventory, or keep the process on a VM");
  if (!allHeldFor(held, "disk"))
    out.push("a command the job can run: a script in the image named in services[].command, or keep it on the VM");
  return out.join("; ");
}

/** The runbook's limits (schema.ts): a step's title and detail. */
const TITLE_MAX = 140;
const DETAIL_MAX = 1200;

/** The first of the texts that fits `max` characters (the last one, the shortest, otherwise). */
function firstFitting(max: number, ...texts: string[]): string {
  const last = texts.at(-1)!;
  // None fits (many held targets with long names): the shortest, cut at a word with an ellipsis.
  return texts.find((t) => t.length <= max) ?? `${last.slice(0, max - 1).replace(/\s+\S*$/, "")}…`;
}

/** The held names in a title: all of them while they fit, else the first and a count, else a count. */
function titleWith(make: (names: string) => string, held: DeployTarget[]): string {
  const all = listNames(held.map((t) => t.name));
  const first = held.length > 1 ? `${held[0]!.name} and ${held.length - 1} more` : all;
  return firstFitting(
    TITLE_MAX,
    make(all),
    make(first),
    make(`${held.length} held service${held.length > 1 ? "s" : ""}`),
  );
}

export function heldRunbook(dep: Deployment, database: Step[], files: Step[], firstWeek: string[]): Runbook {
  const holds = cutoverHolds(dep);
  const held = holds.map((h) => h.target);
  const names = listNames(held.map((t) => t.name));
  const one = held.length === 1;
  const decisions = decisionsTaken(held);
  const promote = database.at(-1);
  const deployed = dep.services.filter((s) => !s.held && s.kind === "api");
  return {
    database: promote
      ? [
          ...database.slice(0, -1),
          {
            ...promote,
            title: titleWith((n) => `${promote.title} (not yet: only at the cut-over, once ${n} can deploy)`, held),
            detail: firstFitting(
              DETAIL_MAX,
              `Not yet: the cut-over waits for ${waitsFor(holds)}, and the deploy holds ${one ? "it" : "them"} until ${decisions} (the cut-over step says what would break without ${one ? "it" : "them"}). Until then users stay on the VM, whose app keeps writing to its own database, and a promoted copy would stop following those writes. Keep the copy replicating until the cut-over. Then: ${promote.detail}`,
              `Not yet: the deploy holds ${one ? "it" : "them"} until ${decisions} (the cut-over step says why). Until then users stay on the VM, whose app keeps writing to its own database, and a promoted copy would stop following those writes. Keep the copy replicating until the cut-over. Then: ${promote.detail}`,
            ),
          },
          ...files,
        ]
      : [...database, ...files],
    cutover: [
      {
        title: titleWith(
          (n) =>
            `Wait for the ${allHeldFor(held, "disk") ? "disk" : allHeldFor(held, "command") ? "command" : "open"} decision${heldDecisions(held).length > 1 ? "s" : ""} before the cut-over (${n} held)`,
          held,
        ),
        // Each hold's reasons in full while they fit; long names (up to Cloud Run's 49) make them short.
        // Many held targets (Weblate's five Celery workers beside its web service) name the first only.
        detail: firstFitting(
          DETAIL_MAX,
          ...[
            [names, waitsFor(holds, true)],
            [names, waitsFor(holds)],
            [one ? names : `${held[0]!.name} and ${held.length - 1} more`, waitsFor(holds)],
          ].map(
            ([who, why]) =>
              `The deploy holds ${who} until ${decisions} (architecture.md), and the cut-over cannot leave ${one ? "it" : "them"} behind: ${why}. So DNS stays on the VM, the VM keeps serving, no maintenance window, no promotion. Take the decision (${remedies(held)}), rerun infra-migrate, and this runbook then gives the cut-over: the final copy, the deploy and smoke test, and the DNS switch.`,
          ),
        ),
        commands: [],
      },
    ],
    rollback: [
      {
        title: "Nothing switched yet",
        detail: `Users are still on the VM, which keeps its own database${deployed.length ? `; a bad revision of ${someNames(deployed.map((s) => s.name))} goes back with update-traffic` : ""}.`,
        commands: rollbackCommands(
          deployed.map((s) => s.name),
          dep,
        ),
      },
    ],
    firstWeek,
  };
}

/** A runbook step holds at most 12 commands (runbookStepSchema). */
const MAX_COMMANDS = 12;

/**
 * update-traffic back to the previous revision for each API; past the step's 12 commands, the
 * last line names the others (an inventory of 115 services deployed 20 APIs, and the offline design
 * failed its own schema: runbook.rollback.0.commands, bench/mutate-corpus.mjs seed 310102).
 */
export function rollbackCommands(names: string[], dep: Deployment): string[] {
  const command = (name: string) => previousRevisionCommand(name, dep.region, dep.project);
  if (names.length <= MAX_COMMANDS) return names.map(command);
  const rest = names.slice(MAX_COMMANDS - 1);
  return [
    ...names.slice(0, MAX_COMMANDS - 1).map(command),
    clipText(`# the same command for the other ${rest.length}: ${rest.join(", ")}`, 400),
  ];
}

/**
 * The cut-over step for held processes the cut-over need not wait for (they serve no users, use
 * no database that moves, take no work from Cloud Run): they keep running on the VM beside it.
 */
export function heldBeside(dep: Deployment): Step | undefined {
  const waiting = new Set(cutoverHolds(dep).map((h) => h.target.name));
  const beside = dep.services.filter((t) => t.held && !waiting.has(t.name));
  if (beside.length === 0) return undefined;
  const names = listNames(beside.map((t) => t.name));
  const one = beside.length === 1;
  const decisions = decisionsTaken(beside);
  return {
    title: `Keep ${names} running on the VM (held)`,
    detail: `The deploy holds ${names} until ${decisions} (architecture.md). ${one ? "It serves" : "They serve"} no users, ${one ? "uses" : "use"} no database that moves and ${one ? "takes" : "take"} no work from the Cloud Run services, so the cut-over goes ahead without ${one ? "it" : "them"}: when the VM's app processes stop, leave ${names} running there with ${one ? "its" : "their"} data written in place, until the decision is taken and infra-migrate rerun.`,
    commands: [],
  };
}
