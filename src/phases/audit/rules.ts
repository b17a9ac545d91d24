// The offline architect: each rule reads the inventory and, when it sees the problem, returns a
// finding with the evidence that triggered it. MTTR ranges assume this team's tools (SSH, no
// infrastructure as code) and grow with data size where a restore is involved.
import { isFileDatabase, type Inventory } from "../../inventory/schema.js";
import type { AuditFacts } from "./facts.js";
import type { DraftRisk } from "./draft-risk.js";
import { cite, evidenceOf, restingOnAssumption, standIn } from "./assumptions.js";
import { isAssumed } from "../../inventory/assumed.js";
import { sqliteOnDisk } from "./rules-sqlite.js";
import { restoreMinutes, sizedMttr } from "./mttr.js";
import { enUsNumber } from "../../contracts/en-us-number.js";
import { databaseEngine } from "../../contracts/database-engine.js";

export type { DraftRisk } from "./draft-risk.js";
export type AuditRule = (inv: Inventory, f: AuditFacts) => DraftRisk | undefined;

const names = (list: { name: string }[]) => list.map((s) => s.name);
/** "a, b, c" — or "a, b, …, and 492 more" when the list is long. */
export function nameList(list: string[], max = 8): string {
  return list.length <= max ? list.join(", ") : `${list.slice(0, max).join(", ")}, and ${list.length - max} more`;
}
const fmt = (n: number) => enUsNumber(n);
/** Requests an hour of full outage would drop at the growth target. */
function lostRequestsPerHour(f: AuditFacts): string {
  const rps = f.averageRps ?? (f.peakRps !== undefined ? f.peakRps / 2 : undefined) ?? undefined;
  return rps === undefined ? "every request" : `about ${fmt(Math.round(rps * f.growth * 3600))} requests an hour`;
}

const hostSpof: AuditRule = (inv, f) => {
  const dataGiB = inv.data.reduce((s, d) => s + (d.sizeGiB ?? 0), 0);
  return {
    title: `One host runs all ${inv.services.length} services: a hardware, kernel or disk fault is a full outage`,
    category: "single-point-of-failure",
    severity: "critical",
    likelihood: "likely",
    mttrMinutes: sizedMttr(120 + restoreMinutes(dataGiB), 720 + restoreMinutes(dataGiB) * 2),
    businessImpact: `Everything stops at once, API, background jobs and data, until a person rebuilds the machine by hand; at ${f.growth}x traffic that is ${lostRequestsPerHour(f)} lost.`,
    evidence: [
      `host.hostname: ${f.host}`,
      `services: ${nameList(names(inv.services))} on the same host`,
      `team.engineers: ${inv.team.engineers ?? "unknown"}`,
    ],
    mitigation:
      "Run stateless services on a managed, multi-zone platform (Cloud Run) and the database on a managed HA service, so no single machine can take the product down.",
    affects: names(inv.services),
    growthSensitive: true,
  };
};

const noRollback: AuditRule = (inv) => {
  const d = inv.deploy;
  if (d.rollback === "automatic") return undefined;
  const minutes = d.durationMinutes ?? 30;
  return restingOnAssumption(
    {
      title:
        d.rollback === "none"
          ? "No rollback: a bad release stays live until a fix is written and deployed"
          : "Rollback is manual and as slow as a deploy",
      category: "rollback",
      severity: d.rollback === "none" ? "critical" : "high",
      likelihood: "likely",
      mttrMinutes: { min: minutes, max: minutes * (d.rollback === "none" ? 4 : 2) + 60 },
      businessImpact:
        `Each faulty release means degraded or failed requests for ${minutes}–${minutes * 4 + 60} minutes ` +
        `while the previous version is rebuilt by hand; more deploys at growth means more of these.`,
      ...evidenceOf([
        cite(inv, "deploy.rollback", d.rollback),
        cite(inv, "deploy.method", d.method),
        d.durationMinutes
          ? cite(inv, "deploy.durationMinutes", d.durationMinutes)
          : standIn("deploy.durationMinutes", 30),
      ]),
      mitigation:
        "Immutable container images per commit and revision-based traffic on Cloud Run: roll back by moving " +
        "100% of traffic to the previous revision in seconds, automatically when health checks fail.",
      affects: names(inv.services.filter((s) => s.role === "web" || s.role === "worker")),
      growthSensitive: true,
    },
    isAssumed(inv, "deploy.rollback"),
  );
};

const manualDeploys: AuditRule = (inv) => {
  const d = inv.deploy;
  if (!["ssh-systemctl", "ssh-supervisorctl", "ssh-pm2", "ssh-script", "manual", "ci-ssh"].includes(d.method))
    return undefined;
  const minutes = d.durationMinutes ?? 30;
  const perWeek = d.perWeek ?? 1;
  const hoursPerMonth = Math.round(((minutes * perWeek * 52) / 12 / 60) * 10) / 10;
  const downtime = d.downtime && !isAssumed(inv, "deploy.downtime");
  return restingOnAssumption(
    {
      title: `Manual ${d.method} deploys${downtime ? " with downtime" : ""} (${minutes} min each)`,
      category: "deployment",
      severity: downtime || minutes >= 30 ? "critical" : "high",
      likelihood: "almost-certain",
      mttrMinutes: { min: minutes, max: minutes * 2 },
      businessImpact:
        `About ${hoursPerMonth} engineer-hours a month go to ` +
        `deploying${downtime ? ", each deploy takes the product offline" : ""}, and the team ships less ` +
        `often to avoid the risk; at growth the same process gets riskier with every release.`,
      ...evidenceOf([
        cite(inv, "deploy.method", d.method),
        d.durationMinutes ? cite(inv, "deploy.durationMinutes", minutes) : standIn("deploy.durationMinutes", minutes),
        d.perWeek !== undefined ? cite(inv, "deploy.perWeek", perWeek) : standIn("deploy.perWeek", perWeek),
        cite(inv, "deploy.downtime", d.downtime),
      ]),
      mitigation:
        "A CI/CD pipeline (GitHub Actions) that tests, builds one image, and deploys it to Cloud Run with a canary, authenticated by Workload Identity Federation instead of SSH keys.",
      affects: names(inv.services.filter((s) => s.role === "web" || s.role === "worker")),
      growthSensitive: false,
    },
    isAssumed(inv, "deploy.method"),
  );
};

/**
 * Where the backups come from, by engine: Cloud SQL for the engines it runs; a MongoDB has no
 * Cloud SQL home (design/rules/mongodb-decision.ts), so its managed homes' own backups instead.
 */
export function backupMitigation(engines: readonly string[]): string {
  const sql = engines.some((e) => databaseEngine(e) !== undefined);
  const mongo = engines.some((e) => /mongo/i.test(e));
  const parts = [
    ...(sql || !mongo
      ? [
          "Managed database (Cloud SQL) with automated backups, point-in-time recovery and a high-availability standby in a second zone.",
        ]
      : []),
    ...(mongo
      ? [
          "MongoDB has no Cloud SQL home: a managed one with automated backups and point-in-time recovery (MongoDB Atlas on Google Cloud, or Firestore with MongoDB compatibility), or at least a nightly mongodump and disk snapshots kept off the machine.",
        ]
      : []),
  ];
  return parts.join(" ");
}

const dataProtection: AuditRule = (inv) => {
  // A SQLite file has its own rule (rules-sqlite.ts): its risk is more than the backups.
  const weak = inv.data.filter(
    (d) => !isFileDatabase(d.engine) && (d.backups === "none" || d.backups === "manual" || d.backups === "daily"),
  );
  if (weak.length === 0) return undefined;
  const worst = weak.some((d) => d.backups === "none")
    ? "none"
    : weak.some((d) => d.backups === "manual")
      ? "manual"
      : "daily";
  const gib = weak.reduce((s, d) => s + (d.sizeGiB ?? 10), 0);
  // "backups: none" that nobody wrote means the backups are unknown, not absent.
  const unknown = weak.filter((d) => d.backups === worst).every((d) => isAssumed(inv, `data[${d.service}].backups`));
  const lines = weak.flatMap((d) => {
    const at = `data[${inv.data.indexOf(d)}]`;
    const store = `${at}: ${d.engine} ${d.version ?? ""} ${d.sizeGiB ?? "?"} GiB`.replace(/\s+/g, " ");
    const size = d.sizeGiB === undefined ? [standIn(`${at}.sizeGiB`, 10)] : [];
    return isAssumed(inv, `data[${d.service}].backups`)
      ? [store, standIn(`${at}.backups`, `${d.backups} (unknown)`), ...size]
      : [`${store}, backups: ${d.backups}`, ...size];
  });
  return restingOnAssumption(
    {
      title:
        worst === "none"
          ? unknown
            ? "Database backups unknown: without them, a disk failure loses the data for good"
            : "No database backups: a disk failure loses the data for good"
          : `Database on the same host with ${worst} backups only`,
      category: "data-protection",
      severity: worst === "daily" ? "high" : "critical",
      likelihood: worst === "daily" ? "possible" : "likely",
      mttrMinutes:
        worst === "none"
          ? { min: 1440, max: 10080 }
          : sizedMttr(60 + restoreMinutes(gib), 240 + restoreMinutes(gib) * 3),
      businessImpact:
        worst === "none"
          ? "Customer data written since the machine was set up can be lost permanently; recovery means rebuilding from whatever copies exist elsewhere."
          : `A restore loses everything written since the last ${worst} copy (up to a day or more of customer data) and takes hours of hands-on work.`,
      ...evidenceOf(lines),
      mitigation: backupMitigation(weak.map((d) => d.engine)),
      affects: [...new Set(weak.map((d) => d.service))].filter((s) => inv.services.some((x) => x.name === s)),
      growthSensitive: false,
    },
    unknown,
  );
};

const verticalScaling: AuditRule = (inv, f) => {
  if (f.growth < 2 && (f.peakRps ?? 0) < 100) return undefined;
  const evidence = [cite(inv, "traffic.growth", f.growth)];
  if (f.peakRps !== undefined)
    evidence.push(cite(inv, "traffic.peakRps", `${f.peakRps} → ${f.peakRpsAtGrowth} at ${f.growth}x`));
  if (f.cpus !== undefined)
    evidence.push(cite(inv, "host.cpus", `${f.cpus} shared by ${inv.services.length} services`));
  if (f.webProcesses !== undefined)
    evidence.push({ text: `web processes in commands: ${f.webProcesses}`, assumed: false });
  return {
    title: `Only vertical scaling: one machine must absorb ${f.growth}x the peak load`,
    category: "scalability",
    severity: f.growth >= 3 ? "critical" : "high",
    likelihood: f.growth >= 5 ? "almost-certain" : "likely",
    mttrMinutes: { min: 30, max: 240 },
    businessImpact:
      `At ${f.peakRpsAtGrowth ?? `${f.growth}x`} req/s the API, workers and database compete for the same ` +
      `${f.cpus ?? "few"} CPUs; latency climbs, then requests time out at exactly the moments growth is ` +
      `happening (launches, campaigns).`,
    ...evidenceOf(evidence),
    mitigation:
      "Request-based autoscaling of the API on Cloud Run (many instances, scale to zero off-peak) and a database sized and scaled independently.",
    affects: names([...f.web, ...f.workers, ...f.databases]),
    growthSensitive: true,
  };
};

const coupling: AuditRule = (_inv, f) => {
  if (f.web.length === 0 || f.workers.length + f.databases.length + f.brokers.length === 0) return undefined;
  const shared = [...f.workers, ...f.brokers, ...f.databases];
  return {
    title: "API, background workers and data share one machine and cannot scale apart",
    category: "coupling",
    severity: f.workers.length ? "high" : "medium",
    likelihood: "likely",
    mttrMinutes: { min: 15, max: 120 },
    businessImpact:
      "A burst of background work (or a slow database query) takes CPU and memory from user-facing requests; fixing it means scaling everything together, paying for capacity only one part needs.",
    evidence: [
      ...f.web.map((s) => `services.${s.name}.dependsOn: [${s.dependsOn.join(", ")}]`),
      `co-located: ${nameList(names(shared))}`,
    ],
    mitigation:
      "Separate Cloud Run services for the API and the workers, a managed queue between them, and the database on its own managed instance.",
    affects: names([...f.web, ...shared]),
    growthSensitive: true,
  };
};

const brokerSpof: AuditRule = (_inv, f) => {
  if (f.brokers.length === 0) return undefined;
  return {
    title: `Task broker (${f.brokers.map((b) => b.software).join(", ")}) on the same host: queued work is lost or stuck in an outage`,
    category: "single-point-of-failure",
    severity: "high",
    likelihood: "possible",
    mttrMinutes: { min: 30, max: 240 },
    businessImpact:
      "Jobs queued when the broker restarts or the host fails can vanish silently (emails, reports, AI results never delivered), and nobody knows which ones to redo.",
    evidence: f.brokers.map(
      (b) =>
        `services.${b.name}: role broker, software ${b.software}${b.listen.length ? `, listen ${b.listen.join(" ")}` : ""}`,
    ),
    mitigation:
      "A managed queue with durable tasks, retries and dead-lettering (Cloud Tasks or Pub/Sub) instead of a self-run broker.",
    affects: names([...f.brokers, ...f.workers]),
    growthSensitive: true,
  };
};

export const CORE_RULES: AuditRule[] = [
  hostSpof,
  noRollback,
  manualDeploys,
  dataProtection,
  sqliteOnDisk,
  verticalScaling,
  coupling,
  brokerSpof,
];
