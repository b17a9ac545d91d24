// The prose around the structure: the requirement-by-requirement why, the trade-offs and the
// cut-over runbook. Built from the same draft, so it never mentions a component that is not there.
import {
  nonHttpTopic,
  PROCESS_ROLES,
  rawPortList,
  rawTransports,
  sideListener,
} from "../../../contracts/process-homes.js";
import type { CostEstimate } from "../cost/estimate.js";
import {
  type Bucket,
  type Deployment,
  hasCanary,
  lockedShare,
  previousRevisionCommand,
} from "../../../contracts/deployment.js";
import { cutoverHolds } from "../../../contracts/held-targets.js";
import { fileLabel } from "../../../contracts/sqlite-plan.js";
import type { DesignResult } from "../schema.js";
import type { Draft } from "./draft.js";
import { sqliteRunbookSteps } from "./sqlite-narrative.js";
import { nothingForCloudRun } from "./sqlite.js";
import { someNames } from "./names.js";
import { mongoDataStep, mongoServers } from "./mongodb-decision.js";
import { railsNamedDatabase } from "../../../contracts/database-settings.js";
import { nothingCutover, nothingRequirements } from "./nothing-deploys.js";
import { heldBeside, heldRunbook } from "./held-cutover.js";
import { separation, WARM_TEXT, warmWhen } from "./warm-instance.js";

type Step = DesignResult["runbook"]["database"][number];

function scaleToZero(dep: Deployment): string {
  const idle = dep.services.filter((s) => s.minInstances === 0).map((s) => s.name);
  if (idle.length === 0) return "No service scales to zero";
  return `${someNames(idle)} scale${idle.length === 1 ? "s" : ""} to zero`;
}

export function requirements(d: Draft, dep: Deployment): DesignResult["requirements"] {
  if (d.nothing) return nothingRequirements(dep);
  const api = dep.services.find((s) => s.kind === "api");
  // The service cicd checks with a canary (rolloutStrategy): public, ingress all; an IAM-only one is not.
  const canary = dep.services.find((s) => hasCanary(s));
  const alwaysOn = dep.services.filter((s) => s.kind === "worker-pool").map((s) => s.name);
  return [
    {
      id: "zero-downtime-deploys",
      how: canary
        ? `Every deploy is a new Cloud Run revision; traffic moves to it in steps only after ${canary.probe === "tcp" ? `it answers on ${canary.healthPath} (below 500: the app has no health route)` : `${canary.healthPath} answers`}, and moves back in one command.`
        : dep.services.some((s) => lockedShare(s) && !s.held)
          ? "Every deploy is a new Cloud Run revision; it takes traffic only once it is ready (no canary beside the serving revision: a shared folder holds files one writer locks), and traffic moves back in one command."
          : "Every deploy is a new Cloud Run revision; it takes traffic only once it is ready (no service has a public URL for a canary check), and traffic moves back in one command.",
    },
    {
      id: "scale-to-zero",
      how: `${scaleToZero(dep)} when idle${api && api.minInstances > 0 ? `; ${api.name} keeps ${api.minInstances} warm instance ${WARM_TEXT[warmWhen(dep, api.name)]}` : ""}${alwaysOn.length ? `; ${someNames(alwaysOn)} always run${alwaysOn.length === 1 ? "s" : ""} (worker pools: they pull work or keep time, nothing wakes them)` : ""}.`,
    },
    {
      id: "api-worker-separation",
      how: separation(d, dep),
    },
    {
      id: "managed-database",
      how: dep.database
        ? `Cloud SQL ${dep.database.databaseVersion} with automated backups, point-in-time recovery${dep.database.highAvailability ? " and a standby in a second zone" : ""}.`
        : "The inventory has no relational database to move.",
    },
    {
      id: "no-nodes",
      how: `No VM, node pool or cluster: Cloud Run, ${[dep.database ? "Cloud SQL" : "", dep.queues.length ? "Cloud Tasks" : "", d.stores.some((h) => h.home.startsWith("memorystore")) ? "Memorystore" : "", dep.buckets?.length ? "Cloud Storage" : "", dep.schedules?.length ? "Cloud Scheduler" : ""].filter(Boolean).join(", ") || "and managed services"} are operated by Google.`,
    },
  ];
}

export function tradeoffs(d: Draft, dep: Deployment, cost: CostEstimate): DesignResult["tradeoffs"] {
  const out: DesignResult["tradeoffs"] = [];
  const warm = cost.warmInstances[0];
  const when = warmWhen(dep, warm?.component);
  out.push(
    warm
      ? {
          topic: "cold start vs. idle cost",
          chosen:
            when === "websockets"
              ? "one warm instance around the clock (websockets)"
              : when === "all-day"
                ? "one warm API instance around the clock"
                : "one warm API instance in business hours",
          gives: when === "business-hours" ? "no cold start for daytime users" : "no cold start at any hour",
          costs: `$${warm.monthlyUsd.toFixed(2)}/month at the ${/instance-based/.test(warm.item) ? "instance-based rate (CPU always allocated)" : "idle rate"}`,
        }
      : {
          topic: "cold start vs. idle cost",
          chosen: "scale to zero",
          gives: "no cost while idle",
          costs: "1–3 s on the first request after a quiet period",
        },
  );
  if (dep.services.some((s) => s.kind === "worker-pool"))
    out.push({
      topic: "push vs. pull workers",
      chosen: "always-on worker pools pulling from their queues",
      gives: "the queue code runs unchanged; long jobs run to their end",
      costs: "instances billed every second, idle or not; no autoscaling",
    });
  if (dep.queues.some((q) => q.target !== d.notes.ai?.worker))
    out.push({
      topic: "push vs. pull workers",
      chosen: "Cloud Tasks push to a Cloud Run worker",
      gives: "scale to zero, retries and rate limits without a broker",
      costs: `tasks must finish within ${d.notes.taskDeadlineSeconds} s and be idempotent`,
    });
  if (dep.database) {
    const ha = dep.database.highAvailability;
    out.push({
      topic: "database HA vs. cost",
      chosen: ha ? "regional (HA) Cloud SQL" : "zonal Cloud SQL",
      gives: ha ? "automatic failover to another zone" : "half the database compute bill",
      costs: ha ? "the standby doubles compute and storage cost" : "a zone outage means restoring from backup",
    });
  }
  const growth = cost.scenarios[1];
  if (growth)
    out.push({
      topic: "request-based vs. instance-based billing",
      chosen: "request-based billing",
      gives: "no charge between requests",
      costs: `a per-request fee; at the growth target (${growth.averageRps.toFixed(1)} RPS average) compare with instance-based billing`,
    });
  // Nothing on Cloud Run: only the database's trade-off is one this design makes.
  return d.nothing ? out.filter((t) => t.topic === "database HA vs. cost") : out;
}

/** Each database of the server and who uses it (inventory data[].databases). */
const eachDatabase = (databases: NonNullable<NonNullable<Deployment["database"]>["databases"]>) =>
  databases.map((x) => `${x.name} (user ${x.user}, for ${x.targets.join(", ") || "no target"})`).join(", ");

function dbSteps(d: Draft, dep: Deployment): Step[] {
  // A MongoDB moves with its decision, never to Cloud SQL (mongodb-decision.ts): its own step.
  const mongo = mongoServers(d).map((s) => mongoDataStep(d, s));
  return [...sqlDbSteps(d, dep, mongo.length > 0), ...mongo];
}

function sqlDbSteps(d: Draft, dep: Deployment, otherData: boolean): Step[] {
  const db = dep.database;
  const sqlite = sqliteRunbookSteps(d, dep);
  if (sqlite) return sqlite;
  if (!db && otherData) return [];
  if (!db)
    return [
      {
        title: "No database to migrate",
        detail: d.nothing
          ? "The inventory lists no relational database to move."
          : "The inventory lists no relational database; the cut-over is only the traffic switch.",
        commands: [],
      },
    ];
  const mysql = db.engine === "mysql";
  const src = d.notes.databaseService ?? "the database";
  // Rails' named databases on the same server (QUEUE_DATABASE_URL…: setup-database.sh creates them).
  const named = [
    ...new Set(d.inv.services.flatMap((s) => s.env.flatMap((n) => railsNamedDatabase(s.runtime ?? "", n) ?? []))),
  ].sort();
  if (d.notes.sourceEngine) return dumpAndImportSteps(d, dep, db, src);
  return [
    {
      title: "Prepare the source",
      detail: mysql
        ? `On ${src}: enable binary logging (ROW format, GTID on) and create a replication user so Database Migration Service can stream changes.`
        : `On ${src}: set wal_level=logical, install pglogical and create a replication user so Database Migration Service can stream changes.`,
      commands: [],
    },
    {
      title: "Create the Cloud SQL instance",
      detail: `${db.instance}: ${db.databaseVersion}, ${db.tier}, ${db.storageGiB} GiB, daily backups and point-in-time recovery (${mysql ? "binary logging" : "write-ahead log archiving"}, 7 days)${db.highAvailability ? ", HA" : ""}; ${d.nothing ? "then create the app's database and its user (nothing runs on Cloud Run, so no scripts/setup-database.sh is written)" : db.databases ? `scripts/setup-database.sh does this and creates each database with its own user: ${eachDatabase(db.databases)}` : "scripts/setup-database.sh does this and creates the database and its user"}.`,
      commands: [
        // scripts/setup-database.sh runs the same, idempotently. PITR is binary logging on MySQL.
        `gcloud sql instances create ${db.instance} --project=${dep.project} --database-version=${db.databaseVersion} ` +
          `--tier=${db.tier} --region=${dep.region}${db.highAvailability ? " --availability-type=REGIONAL" : ""} ` +
          `--storage-size=${db.storageGiB} --storage-auto-increase --backup-start-time=03:00 ` +
          `${mysql ? "--enable-bin-log" : "--enable-point-in-time-recovery"} --retained-transaction-log-days=7`,
        ...(d.nothing
          ? [
              `gcloud sql databases create APP_DB --instance=${db.instance} --project=${dep.project}`,
              `gcloud sql users create APP_USER --instance=${db.instance} --project=${dep.project}`,
              `gcloud sql users set-password APP_USER --instance=${db.instance} --project=${dep.project} --prompt-for-password`,
            ]
          : []),
      ],
    },
    {
      title: "Start a continuous migration job",
      detail: `Database Migration Service does a full dump, then replicates changes until promotion${db.databases ? `; it copies every database of ${src} (${db.databases.map((x) => x.name).join(", ")}), each under its own name` : ""}. The fallback for small databases is dump/import during a freeze window${db.databases ? ", one dump per database" : ""}.${!db.databases && named.length ? ` The app's Rails named databases (${named.map((n) => `APP_DB_${n}`).join(", ")}: Solid Queue, Solid Cache or Solid Cable tables) move too: the migration job copies every database of the server, and the fallback dumps each one.` : ""}`,
      commands: (db.databases?.map((x) => x.name) ?? ["APP_DB", ...named.map((n) => `APP_DB_${n}`)])
        .map((name) =>
          mysql
            ? `mysqldump --single-transaction --routines --triggers --set-gtid-purged=OFF ${name} > ${name === "APP_DB" ? "dump" : name}.sql   # fallback`
            : `pg_dump -Fc ${name} > ${name === "APP_DB" ? "dump" : name}.pgdump   # fallback`,
        )
        .slice(0, 12),
    },
    {
      title: "Verify before promotion",
      detail: "Compare row counts and checksums of the largest tables on both sides while replication lag is zero.",
      commands: mysql
        ? [
            "SELECT table_name, table_rows FROM information_schema.tables WHERE table_schema = 'APP_DB';",
            "CHECKSUM TABLE APP_DB.orders;",
          ]
        : [
            "SELECT relname, n_live_tup FROM pg_stat_user_tables ORDER BY relname;",
            "SELECT md5(string_agg(t::text, '' ORDER BY id)) FROM orders t;",
          ],
      verify: "Counts and checksums match; replication lag 0 s.",
    },
    {
      title: "Promote",
      detail: `Put the app in maintenance mode (stop writes on the VM), wait for lag 0, promote the Cloud SQL instance, then point ${d.nothing ? "the app's processes at it (through the Cloud SQL Auth Proxy: nothing runs on Cloud Run)" : "the new services at it"}.`,
      commands: [],
    },
  ];
}

/**
 * MariaDB → Cloud SQL for MySQL: Database Migration Service "isn't compatible with MariaDB"
 * (https://cloud.google.com/database-migration/docs/mysql/migration-src-and-dest), so the data moves
 * by dump and import while writes are stopped, rehearsed first on a staging instance.
 */
function dumpAndImportSteps(d: Draft, dep: Deployment, db: NonNullable<Deployment["database"]>, src: string): Step[] {
  return [
    {
      title: "Rehearse on a copy",
      detail: `Database Migration Service does not take ${d.notes.sourceEngine} as a source: the data moves by dump and import. Import last night's dump into a staging instance and run the app's tests against it; fix MariaDB-only collations (utf8mb4_uca1400_*), sequences and DEFINER clauses in the dump until it imports cleanly, and time the import to size the freeze window.`,
      commands: [],
    },
    {
      title: "Create the Cloud SQL instance",
      detail: `${db.instance}: ${db.databaseVersion}, ${db.tier}, ${db.storageGiB} GiB, backups + PITR on${db.highAvailability ? ", HA" : ""}.`,
      commands: [
        `gcloud sql instances create ${db.instance} --database-version=${db.databaseVersion} --tier=${db.tier} --region=${dep.region}${db.highAvailability ? " --availability-type=REGIONAL" : ""} --storage-size=${db.storageGiB} --storage-auto-increase`,
      ],
    },
    {
      title: "Freeze writes, dump and import",
      detail: `Put the app in maintenance mode (stop writes on ${src}), dump with the same fixes as the rehearsal, upload and import.`,
      commands: (db.databases?.map((x) => x.name) ?? [undefined])
        .flatMap((name) => [
          `mysqldump --single-transaction --routines --triggers --no-tablespaces ${name ?? "APP_DB"} > ${name ?? "dump"}.sql`,
          `gcloud storage cp ${name ?? "dump"}.sql gs://BUCKET/${name ?? "dump"}.sql`,
          `gcloud sql import sql ${db.instance} gs://BUCKET/${name ?? "dump"}.sql --database=${name ?? "APP_DB"}`,
        ])
        .slice(0, 12),
    },
    {
      title: "Verify before switching",
      detail:
        "Compare exact row counts of the largest tables on both sides (checksums differ between MariaDB and MySQL).",
      commands: ["SELECT COUNT(*) FROM APP_DB.orders;"],
      verify: "Counts match on both sides.",
    },
    {
      title: d.nothing ? "Point the app's processes at Cloud SQL" : "Point the services at Cloud SQL",
      detail: `${d.nothing ? `Point the app's processes (nothing runs on Cloud Run) at ${db.instance} through the Cloud SQL Auth Proxy` : `Deploy the new services against ${db.instance}`} and end the freeze; ${src} stays read-only as the rollback copy until the new stack has run a full business day.`,
      commands: [],
    },
  ];
}

/**
 * User files: buckets created and granted to the identities that mount them, a first copy while
 * the VM still serves (rsync copies only what changed, so the final pass is short), then a final
 * pass with writes stopped. https://cloud.google.com/sdk/gcloud/reference/storage/rsync
 */
function fileSteps(_d: Draft, dep: Deployment): { prepare: Step[]; final: Step[] } {
  const buckets = dep.buckets ?? [];
  if (buckets.length === 0) return { prepare: [], final: [] };
  const email = (sa: string) => `${sa}@${dep.project}.iam.gserviceaccount.com`;
  const readers = (bucket: string) => dep.services.filter((s) => s.volumes?.some((v) => v.bucket === bucket));
  // A folder that also holds code is copied per subfolder of user files, the ones mounted; its code
  // (links into the release) ships in the image. gcloud storage rsync skips links anyway (a folder
  // link always, a file link unless --no-ignore-symlinks: gcloud 528's wildcard_iterator.py).
  const rsync = (b: Bucket, final: boolean) =>
    (b.folders ?? [""]).map(
      (f) =>
        `gcloud storage rsync ${f ? `${b.sourcePath}/${f} gs://${b.name}/${f}` : `${b.sourcePath} gs://${b.name}`} --recursive${final ? " --delete-unmatched-destination-objects" : ""}`,
    );
  return {
    prepare: [
      {
        title: "Create the buckets for the VM's files",
        detail: `One bucket per folder, in ${dep.region}, with uniform access and no public access; each service that mounts it gets read and write on its objects (roles/storage.objectUser).`,
        commands: buckets
          .flatMap((b) => [
            `gcloud storage buckets create gs://${b.name} --project=${dep.project} --location=${dep.region} --uniform-bucket-level-access --public-access-prevention`,
            ...readers(b.name).map(
              (s) =>
                `gcloud storage buckets add-iam-policy-binding gs://${b.name} --project=${dep.project} --member=serviceAccount:${email(s.serviceAccount)} --role=roles/storage.objectUser`,
            ),
          ])
          .slice(0, 12),
      },
      {
        title: "Copy the files (first pass)",
        detail: `On the VM (gcloud installed and logged in with write access to the buckets), copy each folder while the VM still serves: ${someNames(
          buckets.map(
            (b) =>
              `${b.sourcePath}${b.folders ? `/{${b.folders.join(",")}}` : ""} → gs://${b.name}${b.folders ? " (the rest of the folder is code the image has)" : ""}`,
          ),
          4,
        )}. Rerun it until a pass copies little; the final pass during the cut-over is then short.`,
        commands: buckets.flatMap((b) => rsync(b, false)),
        verify: "gcloud storage du --summarize on each bucket roughly matches du -sh of its folder.",
      },
    ],
    final: [
      {
        title: "Final copy of the files",
        detail:
          "With writes stopped on the VM (maintenance mode, the same window as the database promotion), sync once more and delete objects whose files were deleted since the first pass.",
        commands: buckets.flatMap((b) => rsync(b, true)),
      },
    ],
  };
}

/**
 * Clients of raw TCP/UDP ports (devices sending positions, agents) connect to the product's host
 * name too, and the load balancer or Cloud Run takes only HTTP(S) there: moving the A records
 * without a home for those ports cuts them off with no error on the server's side.
 */
function rawListenerStep(d: Draft): Step | undefined {
  const held = d.inv.services.filter((s) => PROCESS_ROLES.has(s.role) && sideListener(s)?.topic === "raw-tcp");
  const only = d.inv.services.filter((s) => PROCESS_ROLES.has(s.role) && nonHttpTopic(s) === "raw-tcp");
  const all = [...new Set([...held, ...only])];
  if (all.length === 0) return undefined;
  const ports = all
    .map((s) => `${s.name}: ${s.rawPorts?.length ? rawPortList(s.rawPorts) : rawTransports(s)}`)
    .join("; ");
  return {
    title: "Keep a home for the raw ports' clients before DNS moves",
    detail: `Devices and clients of ${ports} connect to the same host name as the web app, and only HTTP(S) reaches the new front door. Before changing the A/AAAA records, carry out their decision (architecture.md, "Needs a decision"): give those clients a record of their own that points at the machine keeping the ports (the kept VM's static IP), or keep the current name there and move the web app to a new name. Clients configured by IP need the same IP: reserve the VM's address as static first.`,
    commands: [],
  };
}

export function runbook(d: Draft, dep: Deployment): DesignResult["runbook"] {
  const lb = d.topo.proxies.length > 0;
  const api = dep.services.find((s) => s.kind === "api" && !s.held);
  const files = fileSteps(d, dep);
  const stays = nothingForCloudRun(d.inv);
  if (stays)
    return {
      database: dbSteps(d, dep),
      cutover: [
        {
          title: "No cut-over to Cloud Run",
          detail: `Nothing switches to Cloud Run: ${stays}. Take the decision in architecture.md first; for the VM option, move the app and its file (stopped, then copied${d.sqlite && fileLabel(d.sqlite) === "SQLite" ? " with sqlite3 .backup" : ""}) to the new VM with a persistent disk and a snapshot schedule, then point DNS at it.`,
          commands: [],
        },
      ],
      rollback: [
        {
          title: "Until the old VM is gone",
          detail: "Keep the old VM and its disk stopped, not deleted, until the new home has run a full week.",
          commands: [],
        },
      ],
      firstWeek: ["The app's own health page and the snapshot schedule's last run."],
    };
  const beside = heldBeside(dep);
  const raw = rawListenerStep(d);
  const mongoNames = someNames(mongoServers(d).map((s) => s.name));
  const cutover: Step[] = [
    {
      title: "Lower the DNS TTL",
      detail: "48 hours before the cut-over, set the TTL of the product's records to 60 s.",
      commands: [],
    },
    ...files.final,
    {
      title: "Deploy and smoke-test the new stack",
      detail: `Deploy ${someNames(
        dep.services.filter((s) => !s.held).map((s) => s.name),
        8,
      )}${dep.database ? " against the promoted database" : ""}${mongoNames ? ` once ${mongoNames}'s data has moved and its new address is stored` : ""}; run the smoke tests against the ${lb ? "load balancer IP with a Host header" : "run.app URL"}.`,
      commands: api
        ? [
            `curl ${api.probe === "tcp" ? "-sS -o /dev/null -w '%{http_code}\\n'" : "-fsS"} https://${api.name}-PROJECT_NUMBER.${dep.region}.run.app${api.healthPath}`,
          ]
        : [],
    },
    ...(raw ? [raw] : []),
    lb
      ? {
          title: "Switch DNS to the load balancer",
          detail:
            "Provision the certificate ahead with Certificate Manager DNS authorization (a Google-managed certificate otherwise waits for DNS to point at the load balancer), then change the A/AAAA records to the load balancer IP.",
          commands: [],
        }
      : {
          title: "Switch DNS to Cloud Run",
          detail:
            "Map the domain to the service (domain mapping, or an external load balancer if the region lacks mappings) and change the records.",
          commands: [],
        },
    {
      title: "Keep the VM as a read-only fallback",
      detail: `Stop the VM's app processes but keep the machine and its disk for two weeks.${raw ? " Until the raw ports' decision is carried out, the process that holds them keeps running wherever its clients connect." : ""}`,
      commands: [],
    },
    ...(beside ? [beside] : []),
  ];
  const rollback: Step[] = [
    {
      title: "Within the first hour",
      detail: `Point DNS back to the VM and take it out of maintenance mode. ${dep.database ? "Writes made on Cloud SQL since promotion must be exported and replayed on the VM" : mongoNames ? `Writes made on ${mongoNames}'s new home since the cut-over must be exported (mongodump) and replayed on the VM's` : "Nothing the new stack wrote moves back by itself"}; keep the window short.`,
      commands: [],
    },
    {
      title: "After a bad deploy (any time)",
      detail: "Move all traffic back to the previous revision.",
      commands: api ? [previousRevisionCommand(api.name, dep.region, dep.project)] : [],
    },
  ];
  const firstWeek = [
    "5xx rate and p95 latency per service against the VM's baseline.",
    "Container startup latency and instance count: cold starts in business hours mean min instances or CPU boost need another look.",
    ...(dep.database
      ? [
          d.nothing
            ? "Cloud SQL CPU, memory and connections (the app's processes connect from the VM through the Cloud SQL Auth Proxy)."
            : "Cloud SQL CPU, memory and connections against the connection budget.",
        ]
      : []),
    ...(dep.queues.length
      ? ["Queue depth, oldest task age and retry counts; a growing queue means the worker is capped too low."]
      : []),
    ...(dep.schedules?.some((j) => j.replaces.length) ? ["Each Cloud Scheduler job's last run status."] : []),
    "Daily billing report against cost-estimate.md; a budget alert at 120 % of the estimate.",
  ];
  // A held service the cut-over cannot leave behind (users, database, work: held-targets.ts) keeps it waiting.
  if (cutoverHolds(dep).length > 0) return heldRunbook(dep, dbSteps(d, dep), files.prepare, firstWeek);
  if (dep.services.length > 0)
    return { database: [...dbSteps(d, dep), ...files.prepare], cutover, rollback, firstWeek };
  // Nothing deploys to Cloud Run (every process waits for a decision, or the VM runs none): the
  // database still moves, and there is no new stack to deploy, no DNS to switch, no revision to roll back to.
  return {
    database: [...dbSteps(d, dep), ...files.prepare],
    ...nothingCutover(dep, files.final),
    firstWeek: firstWeek.filter((line) => !/^(5xx|Container startup)/.test(line)),
  };
}
