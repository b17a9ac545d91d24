// What a process that opened the app's SQLite file must change when the data moves to Cloud SQL,
// and the one-time move the runbook carries. Never clipped away: without it the app either keeps
// opening an empty file on Cloud Run's in-memory disk or cannot find its tables.
import type { DeployTarget, Deployment } from "../../../contracts/deployment.js";
import type { DesignResult } from "../schema.js";
import type { Service } from "../../../inventory/schema.js";
import type { Draft } from "./draft.js";
import { namesOf } from "./app-env.js";
import type { TopicDecision } from "./topic-decision.js";
import { fileDatabaseCopy, fileDatabaseCopyWords } from "../../../inventory/file-database.js";
import { fileLabel } from "../../../contracts/sqlite-plan.js";
import { dataMoveSteps, sqliteFileText, switchCodeChange, switchSettingNames } from "./sqlite.js";

export function sqliteAppChanges(d: Draft, s: Service, target: DeployTarget | undefined): string[] {
  const plan = d.sqlite;
  if (plan?.move !== "cloud-sql" || !plan.openers.includes(s.name) || !target?.cloudSqlInstance) return [];
  const env = namesOf(d, s);
  const code = switchCodeChange(plan, s, env);
  return [
    `Stop using ${sqliteFileText(plan)}: on Cloud Run it would be an empty copy in the instance's memory. ${s.name} reads Cloud SQL for PostgreSQL (${target.cloudSqlInstance}) through ${switchSettingNames(plan, s, env).join(", ")}.${code ? ` ${code}` : ""}`,
    `The data moves once, before the cut-over (runbook: "Move the SQLite data to Cloud SQL"): the app's migrations create the tables, then the rows are copied; never start ${s.name} on Cloud Run against the old file.`,
  ];
}

type Step = DesignResult["runbook"]["database"][number];

/**
 * The runbook's data steps for an app that kept its data in SQLite: the one-time move into Cloud SQL
 * (the app's migrations, then the rows), or, when its processes stay off Cloud Run, the disk they
 * keep. Undefined when the inventory has no SQLite file, or a server database is the one moved.
 */
export function sqliteRunbookSteps(d: Draft, dep: Deployment): Step[] | undefined {
  const plan = d.sqlite;
  if (!plan || d.notes.databaseService) return undefined;
  const db = dep.database;
  if (plan.move === "decision" || !db)
    return [
      {
        title: `Keep the ${fileLabel(plan)} data with its processes`,
        detail: `${plan.openers.join(", ")} ${plan.openers.length === 1 ? "opens" : "open"} ${sqliteFileText(plan)}; ${plan.openers.length === 1 ? "it is" : "they are"} an open decision (architecture.md), not ${plan.openers.length === 1 ? "a Cloud Run service" : "Cloud Run services"}. Until it is taken the data stays on the VM: take a consistent copy now and daily (${fileDatabaseCopyWords(plan.store.engine)}), and never point a Cloud Run service at a copy of the file.`,
        commands: plan.store.path
          ? [
              fileDatabaseCopy(
                plan.store.engine,
                plan.store.path,
                `/var/backups/app-$(date +%F).${fileLabel(plan) === "H2" ? "mv.db" : "sqlite"}`,
              ),
            ]
          : [],
      },
    ];
  const [freeze, ...rest] = dataMoveSteps(plan);
  return [
    {
      title: "Create the Cloud SQL instance",
      detail: `${db.instance}: ${db.databaseVersion}, ${db.tier}, ${db.storageGiB} GiB, daily backups and point-in-time recovery${db.highAvailability ? ", HA" : ""}; scripts/setup-database.sh does this and creates the database and its user.`,
      commands: [],
    },
    {
      title: "Rehearse the SQLite move on a copy",
      detail: `Run the steps below against a copy of ${sqliteFileText(plan)} and a staging database; time them to size the freeze window. ${rest.join(" ")}`,
      commands: [],
    },
    {
      title: "Move the SQLite data to Cloud SQL",
      detail: `${freeze} Then repeat the rehearsed steps against ${db.instance} through the Cloud SQL Auth Proxy.`,
      commands: plan.store.path ? [`sqlite3 ${plan.store.path} ".backup /tmp/app.sqlite"`] : [],
    },
    {
      title: "Verify before switching",
      detail: "Compare row counts of the largest tables in the SQLite copy and on Cloud SQL.",
      commands: [`sqlite3 /tmp/app.sqlite "SELECT COUNT(*) FROM LARGEST_TABLE;"`],
      verify: "Counts match on both sides.",
    },
  ];
}

/** The ADR for the SQLite file: where its data goes, and the options rejected with the reason. */
export function sqliteAdr(d: Draft, dep: Deployment): TopicDecision | undefined {
  const plan = d.sqlite;
  if (!plan || d.notes.databaseService) return undefined;
  const file = sqliteFileText(plan);
  const label = fileLabel(plan);
  const rejected = [
    `Cloud Storage FUSE volume: no file locking and no POSIX semantics; two instances (or two revisions during a deploy) writing one ${label} file corrupt it.`,
    `Filestore (NFS) volume on Cloud Run: Cloud Run mounts NFS without locks, ${label === "H2" ? "H2's file lock needs them" : "WAL mode needs every process on one host"}, and a deploy overlaps the old and new revision on the file.`,
    "The file inside the container: Cloud Run's disk is memory, per instance; every restart or scale-out starts from the image's empty copy.",
  ];
  const context = `${plan.openers.join(", ")} keep the product's data in ${file} on the VM's disk: one disk, no point-in-time recovery, one writer at a time.`;
  if (plan.move === "cloud-sql" && dep.database)
    return {
      topic: "database",
      element: `SQLite → Cloud SQL ${dep.database.instance} (${dep.database.databaseVersion})`,
      title: `Move the SQLite data to Cloud SQL ${dep.database.databaseVersion}`,
      context,
      decision: `The app's framework (${plan.stack}) takes a server database through its settings, so ${plan.openers.join(", ")} switch to Cloud SQL for PostgreSQL and run stateless on Cloud Run; the data moves once, by the app's migrations and a row copy (runbook).`,
      alternatives: [
        `Keep the openers on a Compute Engine VM with a persistent disk and snapshots: no code change, but the single machine and its patching stay.`,
        ...rejected,
      ],
      consequences: [
        "SQLite's loose column types meet PostgreSQL's strict ones: rows that SQLite accepted may be refused and need fixing before the cut-over.",
        "Every instance shares one database, so the app can scale out.",
      ],
    };
  return {
    topic: "database",
    element: `${label} data of ${plan.openers.join(", ")} (open decision)`,
    title: `Keep the ${label} data on one local disk until the app can use a server database`,
    context,
    decision: `${plan.openers.join(", ")} are not moved to Cloud Run: no Cloud Run volume is safe for ${label === "H2" ? "an H2" : "a SQLite"} file. Recommended: a small Compute Engine VM with the file on a persistent disk and a daily snapshot schedule, a documented exception to the serverless target (options in architecture.md).`,
    alternatives: [
      "Cloud SQL, if the app's own documentation offers a server database: then the processes run on Cloud Run.",
      ...rejected,
    ],
    consequences: [
      "One VM is still patched by the team; the snapshots bound data loss to a day.",
      label === "H2"
        ? "The app cannot scale out: an embedded H2 database is opened by one process at a time."
        : "The app cannot scale out: SQLite allows one writer at a time.",
    ],
  };
}
