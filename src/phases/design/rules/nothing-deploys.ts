// When no process of the app runs on Cloud Run (contracts/process-homes.ts: only a database and a
// proxy listed, an SMTP listener, a process the rules cannot name, the openers of a SQLite file that
// cannot move), the design still moves what can move (the database to Cloud SQL, files to Cloud
// Storage) and says so plainly: no load balancer in front of nothing, no Memorystore nothing would
// reach, no deploy, revision, identity or uptime check for services that do not exist.
import type { Deployment } from "../../../contracts/deployment.js";
import type { Service } from "../../../inventory/schema.js";
import type { DesignResult, MappingEntry } from "../schema.js";
import type { Draft } from "./draft.js";
import { runName, someNames } from "./names.js";
import type { TopicDecision } from "./topic-decision.js";

/** The app's processes a proxy fronts or a store serves, by name. */
function served(d: Draft, s: Service): string[] {
  const processes = d.plans.map((p) => p.service);
  return s.role === "reverse-proxy"
    ? processes.filter((p) => s.dependsOn.includes(p.name)).map((p) => p.name)
    : processes.filter((p) => p.dependsOn.includes(s.name)).map((p) => p.name);
}

/** What a proxy's or a store's processes must do before it can have a managed home. */
function untilText(d: Draft): string {
  if (d.sqlite?.move === "decision") return "the app moves to a server database";
  return d.plans.length ? "their open decisions put them on Cloud Run" : "the inventory lists the app's processes";
}

/**
 * A reverse proxy when no public service runs on Cloud Run: a load balancer would route to nothing,
 * so it goes where the processes it fronts go.
 */
export function proxyFollowsApp(d: Draft, s: Service): MappingEntry {
  const fronts = served(d, s);
  return {
    service: s.name,
    target: { kind: "needs-decision", name: runName(d.base, "edge") },
    subject: `where ${s.name} (${s.software}) goes`,
    reason: `${s.software} fronts ${someNames(fronts) || "no process the inventory lists"}, and no public service runs on Cloud Run, so a load balancer would have nothing to route to: ${s.name} goes where ${fronts.length ? "they go" : "the app's processes go"}.`,
    settings: {},
    appChanges: [],
    options: [
      {
        option: `Keep ${s.software} beside the app on its VM`,
        change: "Same configuration and certificate renewal wherever the app's processes run; no change to the app.",
        cost: "included in the VM's price",
      },
      {
        option: "An external Application Load Balancer, once the app runs on Cloud Run",
        change: `Rerun the design after ${untilText(d)}: the load balancer then replaces ${s.software}.`,
        cost: "the load balancer's price in cost-estimate.md (forwarding rule and data processing)",
      },
    ],
  };
}

/** A broker or cache when nothing runs on Cloud Run: nothing on Google Cloud would use a Memorystore. */
export function storeFollowsApp(d: Draft, s: Service, uses: string): MappingEntry {
  const users = served(d, s);
  return {
    service: s.name,
    target: { kind: "needs-decision", name: runName(d.base, s.name) },
    subject: `where ${s.name} (${s.software}) stays`,
    reason: `${s.name} (${s.software}, ${uses}) is not moved: nothing runs on Cloud Run, so nothing on Google Cloud would use a managed copy of it. It stays beside ${someNames(users) || "the processes that use it"} until ${untilText(d)}.`,
    settings: {},
    appChanges: [],
    options: [
      {
        option: `Keep ${s.name} beside the processes that use it`,
        change: "On the VM today, or on the machine their decision picks; no change to the app.",
        cost: "included in that machine's price",
      },
      {
        option: "A managed home, once they run on Cloud Run",
        change: `Rerun the design after ${untilText(d)}: it then plans Memorystore (or Cloud Tasks or Pub/Sub for a broker) for ${s.name}.`,
        cost: "priced in cost-estimate.md once it is planned",
      },
    ],
  };
}

/** What still moves to Google Cloud, in words: "the database to Cloud SQL and the files to Cloud Storage". */
export function whatMoves(dep: Deployment): string {
  const moves = [
    dep.database ? `the database to Cloud SQL ${dep.database.databaseVersion}` : "",
    dep.buckets?.length ? "the files on disk to Cloud Storage" : "",
  ].filter(Boolean);
  return moves.length ? moves.join(" and ") : "nothing yet";
}

export function nothingRequirements(dep: Deployment): DesignResult["requirements"] {
  const managed = [dep.database ? "Cloud SQL" : "", dep.buckets?.length ? "Cloud Storage" : ""].filter(Boolean);
  return [
    {
      id: "zero-downtime-deploys",
      how: "Not met yet: nothing is deployed to Cloud Run, so the app is deployed as it is today until its open decisions are taken.",
    },
    {
      id: "scale-to-zero",
      how: "Not met yet: nothing runs on Cloud Run, so nothing scales; the open decisions price where each process can go.",
    },
    {
      id: "api-worker-separation",
      how: "Not met yet: no process of the app runs on Cloud Run; the processes stay as they are until their decisions are taken.",
    },
    {
      id: "managed-database",
      how: dep.database
        ? `Cloud SQL ${dep.database.databaseVersion} with automated backups, point-in-time recovery${dep.database.highAvailability ? " and a standby in a second zone" : ""}: the app's processes reach it from where they run, through the Cloud SQL Auth Proxy.`
        : "The inventory has no relational database to move.",
    },
    {
      id: "no-nodes",
      how: managed.length
        ? `${managed.join(" and ")} ${managed.length === 1 ? "is" : "are"} operated by Google; the app's processes still run on a machine you patch until their decisions are taken.`
        : "Not met yet: the app's processes still run on a machine you patch until their decisions are taken.",
    },
  ];
}

/** The first decision when nothing runs on Cloud Run: what moves now, and what waits. */
export function nothingDecision(d: Draft, dep: Deployment): TopicDecision {
  const open = d.plans.filter((p) => p.target.kind === "decision").map((p) => p.service.name);
  return {
    topic: "open",
    element: "nothing on Cloud Run until the open decisions are taken",
    title: "Run nothing on Cloud Run until the open decisions are taken",
    context: `Everything runs on ${d.inv.host.hostname ?? "one VM"}, and ${d.nothing}.`,
    decision: `Move ${whatMoves(dep)} now; ${open.length ? `${someNames(open)} stay${open.length === 1 ? "s" : ""} where ${open.length === 1 ? "it is" : "they are"} until ${open.length === 1 ? "its" : "their"} decision in architecture.md is taken` : "add the app's processes to the inventory and rerun the design to place them"}. No image is built, no Cloud Run service, load balancer, deploy workflow or dashboard is created for processes that do not run there.`,
    alternatives: [
      "Force a process onto Cloud Run anyway: it would lose what it needs there (a port Cloud Run does not serve, a file that does not survive a restart, a job the rules cannot name).",
    ],
    consequences: [
      "The audit's risks about deploys, rollback and monitoring stay open until a process runs on Cloud Run; rerun the design after the decisions are taken.",
      "The VM (or the machine the decisions pick) keeps running the app's processes and reaches the moved pieces over the network.",
    ],
  };
}

type Step = DesignResult["runbook"]["cutover"][number];

/**
 * The cut-over when nothing runs on Cloud Run: the moved pieces take over while the VM keeps
 * running the app's processes; rolling back points those processes at the VM's own database again.
 */
export function nothingCutover(
  dep: Deployment,
  finalCopy: Step[],
): Pick<DesignResult["runbook"], "cutover" | "rollback"> {
  const moved = whatMoves(dep);
  return {
    cutover: [
      ...finalCopy,
      {
        title: "Keep the app's processes running on the VM",
        detail: `Nothing switches to Cloud Run: the VM keeps running the app's processes${dep.database ? `, now against ${dep.database.instance}` : ""}, and keeps serving its users (no DNS change). It stays until the open decisions in architecture.md are taken; rerun the design then.`,
        commands: [],
      },
    ],
    rollback: dep.database
      ? [
          {
            title: "Within the first hour",
            detail:
              "Point the app's processes back at the VM's database (their settings as before the promotion) and take the app out of maintenance mode. Writes made on Cloud SQL since promotion must be exported and replayed on the VM; keep the window short.",
            commands: [],
          },
        ]
      : [
          {
            title: "Nothing to roll back",
            detail: `The VM keeps serving as before; ${moved === "nothing yet" ? "nothing moved" : `only ${moved} moved, and the VM's copy stays`}.`,
            commands: [],
          },
        ],
  };
}
