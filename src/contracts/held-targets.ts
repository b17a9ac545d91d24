// What a held target (its data written in place has no home yet: design/rules/in-place-home.ts)
// means for everything else that points at it. The deploy skips it, so nothing may act on it as if
// it ran on Cloud Run: no queue pushes to it, no schedule starts it, no load balancer routes to it,
// no grant names it. And while it keeps running on the VM, the cut-over waits for it whenever
// moving the rest would split the app in two (users, database or work left behind).
import { type DeployTarget, type Deployment, type HeldFor, isPublicApi, reachesMemorystore } from "./deployment.js";

/** The held targets' names. */
export const heldNames = (dep: Pick<Deployment, "services">): Set<string> =>
  new Set(dep.services.filter((s) => s.held).map((s) => s.name));

/** The hold as data: results written before `heldFor` existed get a generic reason, never a parse of the prose. */
export function heldWhy(t: DeployTarget): HeldFor {
  return t.heldFor ?? { decision: "on its data written in place", short: "its data written in place has no home yet" };
}

/** What a hold waits for, in a few words: "its disk decision", "its command decision". */
export const heldTopic = (t: DeployTarget): string => `its ${heldWhy(t).topic ?? "disk"} decision`;

/** True when every hold waits on the same kind of decision `topic` (holds written before `topic`: disk). */
export const allHeldFor = (targets: readonly DeployTarget[], topic: "disk" | "command"): boolean =>
  targets.every((t) => (heldWhy(t).topic ?? "disk") === topic);

/** "a, b and c" */
const andList = (xs: readonly string[]): string =>
  xs.length > 1 ? `${xs.slice(0, -1).join(", ")} and ${xs.at(-1)}` : (xs[0] ?? "");

/** "gitea (held until the open decision gitea-disk is taken)": one line per hold, for scripts and notes. */
export function heldLabel(t: DeployTarget): string {
  return `${t.name} (held until ${decisionsTaken([t])})`;
}

/** "a", "a and b", "a, b and c", "a, b, c, d, e, f and 3 more": names that read as a sentence. */
export function listNames(xs: readonly string[], shown = 6): string {
  return xs.length > shown ? `${xs.slice(0, shown).join(", ")} and ${xs.length - shown} more` : andList(xs);
}

/** The open decisions the targets wait for, each once, in their order. */
export function heldDecisions(targets: readonly DeployTarget[]): string[] {
  return [...new Set(targets.map((t) => heldWhy(t).decision))];
}

/** "the open decision a", "the open decisions a and b", "the open decisions a, b and c". */
export function openDecisions(targets: readonly DeployTarget[]): string {
  const ds = heldDecisions(targets);
  return `the open decision${ds.length > 1 ? "s" : ""} ${listNames(ds)}`;
}

/** "the open decision a is taken", "the open decisions a and b are taken": what a hold waits for. */
export function decisionsTaken(targets: readonly DeployTarget[]): string {
  return `${openDecisions(targets)} ${heldDecisions(targets).length > 1 ? "are" : "is"} taken`;
}

/**
 * The deployment as it runs until the holds are lifted: without the held targets and what would
 * act on them (their queues and schedules). A load balancer one of whose backends is held waits
 * whole: without that backend its paths would go to another service.
 */
export function deployedOnly(full: Deployment): Deployment {
  const out = heldNames(full);
  if (out.size === 0) return full;
  const lb = full.loadBalancer;
  return {
    ...full,
    services: full.services.filter((s) => !out.has(s.name)),
    queues: full.queues.filter((q) => !out.has(q.target)),
    ...(full.schedules ? { schedules: full.schedules.filter((j) => !out.has(j.target)) } : {}),
    loadBalancer: lb && !lb.backends.some((b) => out.has(b)) ? lb : undefined,
  };
}

/**
 * One reason a held target keeps the cut-over waiting, as data: `what` follows its name ("gitea
 * serves the users"), `after` says what would break if the cut-over went ahead without it.
 */
export interface WaitReason {
  kind: "users" | "database" | "work" | "store";
  /** Follows the target's name: "uses the database", "takes the work of queue x". */
  what: string;
  /** What would break after the cut-over without it (none for users: there is nothing to switch to). */
  after?: string;
}

/** Why a held target keeps the cut-over waiting, if it does. */
export interface CutoverHold {
  target: DeployTarget;
  /** The reasons as data, in the order below. */
  reasons: WaitReason[];
  /** Sentences that follow "it": "serves users", "uses the database (after the promotion …)". */
  because: string[];
}

/** "uses the database (after the promotion …)": a reason with what would break. */
export const reasonText = (r: WaitReason): string => (r.after ? `${r.what} (${r.after})` : r.what);

/**
 * The held targets the cut-over waits for, and why, from what each does:
 * - users reach it (a public service): there is nothing on Cloud Run to switch DNS to;
 * - it uses the database that moves: once the copy is promoted, its VM copy would keep writing to
 *   the VM's database, and those writes would never reach Cloud SQL;
 * - it takes work the deployed services hand it (a Cloud Tasks queue or a schedule pushes to it):
 *   after the cut-over the work would go where nothing runs it;
 * - it shares a store that moves to Memorystore (a broker, a cache): the two halves would each
 *   use their own.
 * A held process that does none of these keeps running on the VM after the cut-over.
 */
export function cutoverHolds(dep: Deployment): CutoverHold[] {
  return dep.services
    .filter((t) => t.held)
    .map((t) => {
      const reasons: WaitReason[] = [];
      if (isPublicApi(t) && t.ingress === "all") reasons.push({ kind: "users", what: "serves the users" });
      if (dep.database && t.cloudSqlInstance === dep.database.instance)
        reasons.push({
          kind: "database",
          what: "uses the database",
          after:
            "after the promotion its VM copy would keep writing to the VM's database, and those writes would never reach Cloud SQL",
        });
      const queues = dep.queues.filter((q) => q.target === t.name).map((q) => `queue ${q.name}`);
      const pushed = (dep.schedules ?? []).filter((j) => j.target === t.name && j.action === "http");
      const work = [...queues, ...pushed.map((j) => `schedule ${j.name}`)];
      if (work.length)
        reasons.push({
          kind: "work",
          what: `takes the work of ${work.join(", ")}`,
          after: "after the cut-over the Cloud Run services would hand it work nothing runs",
        });
      // The deploy hands every target that reaches Memorystore each cache's address (cicd deploy-flags.ts).
      const stores = reachesMemorystore(t) ? (dep.caches ?? []).map((c) => c.name) : [];
      if (stores.length)
        reasons.push({
          kind: "store",
          what: `shares ${stores.join(", ")} with the Cloud Run services`,
          after: "after the cut-over they would use Memorystore while its VM copy uses the VM's own store",
        });
      return { target: t, reasons, because: reasons.map(reasonText) };
    })
    .filter((h) => h.reasons.length > 0);
}

/**
 * Why the cut-over waits, in one clause per held target from its reasons (never its prose):
 * "gitea, which serves the users and uses the database" or, with `full`, each reason followed by
 * what would break: "gitea serves the users and uses the database (after the promotion …)".
 */
export function waitsFor(holds: CutoverHold[], full = false): string {
  return holds
    .map((h) =>
      full
        ? `${h.target.name} ${andList(h.reasons.map(reasonText))}`
        : `${h.target.name}, which ${andList(h.reasons.map((r) => r.what))}`,
    )
    .join("; ");
}
