// Security, operations and product-specific rules (the second half of the offline architect).
import { ASSUMED_LLM_LATENCY_SECONDS } from "../../inventory/schema.js";
import type { AuditRule } from "./rules.js";
import { cite, evidenceOf, standIn } from "./assumptions.js";
import { isAssumed } from "../../inventory/assumed.js";
import { largeUploads } from "./rules-uploads.js";
import { perInstanceSessionsRisk } from "./rules-sessions.js";
import { perInstanceCacheRisk } from "./rules-caches.js";
import { inProcessJobsRisk } from "./rules-in-process-jobs.js";
import { inProcessQueueRisk } from "./rules-in-process-queue.js";
import { rawListenersRisk } from "./rules-raw-listeners.js";
import { devMailCatcherRisk, outboundMailRisk } from "./rules-mail.js";

const names = (list: { name: string }[]) => list.map((s) => s.name);

const exposedPorts: AuditRule = (_inv, f) => {
  if (f.exposed.length === 0) return undefined;
  const stateful = f.exposed.some((e) => ["database", "cache", "broker"].includes(e.service.role));
  return {
    title: "Internal services listen on all interfaces, reachable without the reverse proxy",
    category: "security",
    severity: stateful ? "critical" : "medium",
    likelihood: stateful ? "likely" : "possible",
    mttrMinutes: { min: 60, max: 1440 },
    businessImpact: stateful
      ? "A database, cache or broker open to the network is a common way customer data is stolen or wiped; a breach means disclosure duties and lost trust."
      : "Traffic can bypass the proxy's TLS and limits, so a bug or overload hits the app directly.",
    evidence: f.exposed.map((e) => `services.${e.service.name}.listen: ${e.address}`),
    mitigation:
      "Private networking only: managed database with private IP / connector, services reachable only through the load balancer.",
    affects: [...new Set(f.exposed.map((e) => e.service.name))],
    growthSensitive: false,
  };
};

const secretsOnHost: AuditRule = (inv, f) => {
  if (f.secretEnv.size === 0 && !inv.deploy.method.startsWith("ssh")) return undefined;
  const evidence = [...f.secretEnv].map(([svc, envs]) => `services.${svc}.env: ${envs.join(", ")}`);
  if (inv.deploy.method.startsWith("ssh"))
    evidence.push(
      `deploy.method: ${inv.deploy.method} (people hold SSH access to production)${isAssumed(inv, "deploy.method") ? " (assumed: not in your inventory)" : ""}`,
    );
  return {
    title: "Secrets live in files on the VM and deploys need SSH access to production",
    category: "security",
    severity: "high",
    likelihood: "possible",
    mttrMinutes: { min: 120, max: 960 },
    businessImpact:
      "One leaked laptop key or env file exposes the database and third-party API keys at once; rotating everything by hand takes a day and risks an outage.",
    evidence,
    mitigation:
      "Secret Manager with one runtime identity per service, and keyless CI deploys through Workload Identity Federation; no SSH into production.",
    affects: [...f.secretEnv.keys()],
    growthSensitive: false,
  };
};

const llmInRequestPath: AuditRule = (inv, f) => {
  if (f.llmInWeb.length === 0) return undefined;
  const [low, high] = inv.llm?.latencySeconds ?? ASSUMED_LLM_LATENCY_SECONDS;
  const evidence = f.llmInWeb.map((s) => `services.${s.name}.env includes an LLM credential`);
  if (inv.llm?.latencySeconds) evidence.push(`llm.latencySeconds: [${low}, ${high}]`);
  if (f.webProcesses !== undefined) evidence.push(`web processes: ${f.webProcesses}`);
  return {
    title: `Model calls (${low}–${high} s) can run inside API requests and exhaust its workers`,
    category: "coupling",
    severity: f.growth >= 3 ? "critical" : "high",
    likelihood: "likely",
    mttrMinutes: { min: 15, max: 180 },
    businessImpact:
      `With ${f.webProcesses ?? "a few"} worker processes, a handful of concurrent ${high}-second model ` +
      `calls blocks every other request; at ${f.growth}x traffic, or when the model provider slows down or ` +
      `hits a quota, the whole API stalls.`,
    evidence,
    mitigation:
      "Accept AI requests with 202 and a status URL, enqueue a Cloud Task, and let a separate AI worker (the only identity allowed to call Vertex AI) do the call with retries and backoff.",
    affects: names(f.llmInWeb),
    growthSensitive: true,
  };
};

const observability: AuditRule = (inv, f) => {
  if (f.hasMonitoring) return undefined;
  return {
    title: "No monitoring or alerting: outages are found by customers",
    category: "observability",
    severity: "high",
    likelihood: "almost-certain",
    mttrMinutes: { min: 30, max: 240 },
    businessImpact:
      "Time to detect adds directly to every outage; without metrics the team cannot tell a slow database from a slow deploy, and cannot prove an SLO to customers.",
    evidence: [
      `services[*].software: ${[...new Set(inv.services.map((s) => s.software))].join(", ")} (no monitoring agent)`,
    ],
    mitigation:
      "Managed logging, metrics and uptime checks (Cloud Logging / Monitoring) with alerts on error rate and latency per service.",
    affects: [],
    growthSensitive: true,
  };
};

const scheduledJobs: AuditRule = (_inv, f) => {
  if (f.scheduled.length === 0) return undefined;
  return {
    title: "Scheduled jobs run on the one host: missed or doubled silently",
    category: "operations",
    severity: "medium",
    likelihood: "possible",
    mttrMinutes: { min: 30, max: 480 },
    businessImpact:
      "While the host is down or being redeployed, scheduled work (billing runs, reports, cleanups) does not happen, and nothing retries or reports it.",
    evidence: f.scheduled.map(
      (s) => `services.${s.name}: role ${s.role}${s.schedule ? `, schedule "${s.schedule}"` : ""}`,
    ),
    mitigation: "Cloud Scheduler triggering Cloud Run jobs or queue tasks, with retries and alerting on failure.",
    affects: names(f.scheduled),
    growthSensitive: false,
  };
};

/** [major, minor] of a version string such as "10.11.6-MariaDB" or "8"; undefined without a number. */
function majorMinor(version: string | undefined): [number, number] | undefined {
  const m = /^(\d+)(?:\.(\d+))?/.exec(version ?? "");
  return m ? [Number(m[1]), Number(m[2] ?? 0)] : undefined;
}
const before = (v: [number, number], major: number, minor = 0) => v[0] < major || (v[0] === major && v[1] < minor);

const EOL: { software: RegExp; ended: (v: [number, number]) => boolean; label: string }[] = [
  { software: /^mysql$/i, ended: (v) => before(v, 8), label: "MySQL 5.7 reached end of life in October 2023" },
  {
    software: /^(postgres|postgresql)$/i,
    ended: (v) => before(v, 13),
    label: "PostgreSQL 12 and older are out of community support",
  },
  { software: /^redis$/i, ended: (v) => before(v, 6), label: "Redis 5 and older no longer receive fixes" },
  {
    // MariaDB's maintenance policy: LTS releases (10.6 until 2026-07-06, then 10.11, 11.4, 11.8) get
    // five years, the others one (https://mariadb.org/mariadb-10-11-is-lts/, https://mariadb.org/about/#maintenance-policy).
    software: /^mariadb$/i,
    ended: (v) => before(v, 10, 11) || (v[0] === 11 && v[1] < 8 && v[1] !== 4),
    label: "MariaDB releases before 10.11 (and the short-term 11.x releases other than 11.4) are out of maintenance",
  },
];

const outdatedSoftware: AuditRule = (inv) => {
  const evidence: string[] = [];
  const affected: string[] = [];
  for (const s of inv.services) {
    const version = majorMinor(s.version);
    const rule = EOL.find((r) => r.software.test(s.software));
    if (rule && version && rule.ended(version)) {
      evidence.push(`services.${s.name}: ${s.software} ${s.version} (${rule.label})`);
      affected.push(s.name);
    }
  }
  const os = inv.host.os ?? "";
  const ubuntu = /ubuntu\s+(\d+)\.(\d+)/i.exec(os);
  if (ubuntu && Number(ubuntu[1]) < 22) evidence.push(`host.os: ${os} (standard support has ended)`);
  if (evidence.length === 0) return undefined;
  return {
    title: "Software past its end of life on the production host",
    category: "security",
    severity: "medium",
    likelihood: "possible",
    mttrMinutes: { min: 120, max: 2880 },
    businessImpact:
      "Known vulnerabilities stay unpatched, and an emergency upgrade during an incident is slow and risky.",
    evidence,
    mitigation:
      "Managed services keep the database and runtime patched; containers pin and upgrade the app's base image deliberately.",
    affects: affected,
    growthSensitive: false,
  };
};

const smallTeamToil: AuditRule = (inv) => {
  const engineers = inv.team.engineers;
  if (engineers === undefined || engineers > 5) return undefined;
  const d = inv.deploy;
  const toil = ((d.durationMinutes ?? 30) * (d.perWeek ?? 1) * 52) / 12 / 60;
  return {
    title: `${engineers} engineer(s) carry all operations with no on-call tooling`,
    category: "operations",
    severity: "medium",
    likelihood: "likely",
    mttrMinutes: { min: 30, max: 480 },
    businessImpact:
      `Operations take at least ${Math.round(toil * 10) / 10} hours a month of deploy work alone, and an ` +
      `incident at night waits for whoever wakes up; feature work stalls during every freeze.`,
    ...evidenceOf([
      `team.engineers: ${engineers}`,
      cite(inv, "team.kubernetes", inv.team.kubernetes),
      d.perWeek !== undefined ? `deploy.perWeek: ${d.perWeek}` : standIn("deploy.perWeek", "unknown"),
    ]),
    mitigation:
      "Prefer fully managed, serverless services that need no nodes or patching, so two people can run production.",
    affects: [],
    growthSensitive: false,
  };
};

export const MORE_RULES: AuditRule[] = [
  exposedPorts,
  secretsOnHost,
  llmInRequestPath,
  observability,
  scheduledJobs,
  outdatedSoftware,
  smallTeamToil,
  largeUploads,
  perInstanceSessionsRisk,
  perInstanceCacheRisk,
  inProcessJobsRisk,
  inProcessQueueRisk,
  rawListenersRisk,
  outboundMailRisk,
  devMailCatcherRisk,
];
