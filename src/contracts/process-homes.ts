// Which of the VM's processes have no Cloud Run home, from the inventory alone: a listener for a
// protocol Cloud Run does not serve (SMTP, raw TCP or UDP), a process the rules cannot name, the openers
// of a SQLite file that cannot move. The design turns each into an open decision; when that is every
// process (or the VM runs none of the app's: only a database, a cache, a proxy), nothing is
// deployed, and the phases that deploy and watch Cloud Run have nothing to do. Outside the phases'
// folders: the phase registry asks while the CLI starts and must load no phase.
import type { Inventory, Service } from "../inventory/schema.js";
import { isLoop } from "./queue-systems.js";
import { nothingForCloudRun, planSqlite } from "./sqlite-plan.js";
import { portOf } from "../inventory/listen.js";
import { isObjectStore } from "./object-store.js";
import { isSearchEngine } from "./search-engine.js";

/** Roles of the processes the app runs (not its proxy or its stores). */
export const PROCESS_ROLES: ReadonlySet<Service["role"]> = new Set(["web", "worker", "scheduler", "cron", "other"]);

/** The start of the audit's risk for raw TCP/UDP listeners: the design traces it to their open decisions. */
export const RAW_LISTENER_RISK = "Clients connect straight to raw";

/** The audit's risk for mail sent through the VM or port 25: the design traces it to its open decision. */
export const OUTBOUND_MAIL_RISK = "Outgoing mail depends on the VM or port 25, which Cloud Run lacks";
/** The audit's risk for production mail sent to a development mail catcher: traced to the same decision. */
export const DEV_MAIL_CATCHER_RISK = "Production mail goes to a development mail catcher and is never delivered";
/** The audit's mail risks: each left to the mail decision, watched only by task success. */
export const MAIL_RISKS: readonly string[] = [OUTBOUND_MAIL_RISK, DEV_MAIL_CATCHER_RISK];
const FRAMEWORK_NAMES: Record<string, string> = { django: "Django", rails: "Rails", laravel: "Laravel" };
/** "Rails' default", "Django's default": outboundMail.frameworkDefault as the plan says it. */
export function frameworkDefaultText(framework: string): string {
  const name = FRAMEWORK_NAMES[framework] ?? framework;
  return `${name}'${name.endsWith("s") ? "" : "s"} default`;
}

export type OpenTopic =
  "inbound-mail" | "raw-tcp" | "unknown-process" | "sqlite-file" | "object-store" | "search-engine";

const speaks = (s: Service, p: string) => (s.protocols ?? []).includes(p as never);
// uWSGI's own protocol (a `socket` behind nginx's uwsgi_pass) is not one Cloud Run takes, but the
// same server speaks HTTP with `http-socket`, which the plan switches it to (mapping-processes.ts).
const speaksHttp = (s: Service) =>
  !s.protocols?.length || speaks(s, "http") || speaks(s, "websocket") || speaks(s, "grpc") || speaks(s, "uwsgi");

/** A listener Cloud Run cannot take (it only accepts HTTP/1, HTTP/2, gRPC and websockets). */
export function nonHttpTopic(s: Service): OpenTopic | undefined {
  if (speaksHttp(s)) return undefined;
  return speaks(s, "smtp") ? "inbound-mail" : "raw-tcp";
}

/** What a process's raw listeners carry: "TCP", "UDP" or "TCP and UDP" (from rawPorts, else protocols). */
export function rawTransports(s: Service): string {
  const fromPorts = (s.rawPorts ?? []).map((p) => p.slice(p.indexOf("/") + 1));
  const tcp = fromPorts.includes("tcp") || speaks(s, "tcp");
  const udp = fromPorts.includes("udp") || speaks(s, "udp");
  return tcp && udp ? "TCP and UDP" : udp ? "UDP" : "TCP";
}

/** "5000-5500/tcp", "5000-5500/udp", "6037/tcp" → "5000–5500 (TCP and UDP), 6037 (TCP)". */
export function rawPortList(rawPorts: readonly string[]): string {
  const byPort = new Map<string, Set<string>>();
  for (const p of rawPorts) {
    const [ports, proto] = p.split("/") as [string, string];
    byPort.set(ports, (byPort.get(ports) ?? new Set()).add(proto.toUpperCase()));
  }
  return [...byPort]
    .map(([ports, protos]) => `${ports.replace("-", "–")} (${[...protos].sort().join(" and ")})`)
    .join(", ");
}

/**
 * A process that serves HTTP and also opens listeners of another protocol (Gitea's own SSH server
 * for git beside its web UI; a GPS tracking server's one port per device protocol, TCP and UDP, beside
 * its web app): Cloud Run serves the HTTP port, and the other listeners need a decision of their
 * own. Their ports are `rawPorts` when known, else the process's addresses after the first (the one
 * the proxy reaches). A worker (no HTTP at all) with raw ports is the same case: nothing reaches them.
 */
export function sideListener(s: Service): { topic: OpenTopic; ports: string[] } | undefined {
  const raw = speaks(s, "tcp") || speaks(s, "udp") || Boolean(s.rawPorts?.length);
  if (!speaksHttp(s) && s.role !== "worker") return undefined;
  if (!(raw || speaks(s, "smtp"))) return undefined;
  if (s.rawPorts?.length) return { topic: "raw-tcp", ports: [...s.rawPorts] };
  const ports = [...new Set(s.listen.slice(1).map((l) => String(portOf(l))))];
  return { topic: speaks(s, "smtp") ? "inbound-mail" : "raw-tcp", ports };
}

/**
 * Why a web or `other` process gets an open decision instead of a Cloud Run target, or undefined.
 * An `other` process runs as a job when it has a schedule, and as an always-on loop when it is an
 * app process (the app's runtime) that keeps running; anything else cannot be named.
 */
export function processTopic(s: Service): OpenTopic | undefined {
  if (s.role !== "web" && s.role !== "other") return undefined;
  // A store (MinIO) is no process of the app, whatever role it was given: it moves to Cloud Storage.
  if (isObjectStore(s)) return "object-store";
  // A search engine (Elasticsearch, Meilisearch…) is a stateful server with its index on disk.
  if (isSearchEngine(s)) return "search-engine";
  const topic = nonHttpTopic(s);
  if (topic || s.role === "web" || s.schedule) return topic;
  if (s.runtime && s.runtime !== "other" && (s.longRunning || isLoop(s))) return undefined;
  return "unknown-process";
}

const TOPIC_TEXT: Record<OpenTopic, string> = {
  "inbound-mail": "receives mail over SMTP",
  "raw-tcp": "serves a protocol other than HTTP (raw TCP or UDP)",
  "unknown-process": "is a process the rules cannot name",
  "sqlite-file": "opens a database file (SQLite, H2) that cannot move",
  "object-store": "is an S3-compatible object store (its objects move to Cloud Storage)",
  "search-engine": "is a search engine with its index on disk (Elasticsearch, OpenSearch, Solr, Meilisearch…)",
};

/**
 * Why cicd and observe do not apply: no process of the app runs on Cloud Run, so there is no
 * image to build, nothing to deploy and no service to watch. The design still says where each
 * piece goes (its open decisions, the database's move).
 */
export function nothingDeploys(inv: Inventory): string | undefined {
  // An \`llm\` section plans the AI worker (and its gateway): those deploy whatever the app's processes do.
  if (inv.llm) return undefined;
  const sqlite = nothingForCloudRun(inv);
  if (sqlite) return sqlite;
  const processes = inv.services.filter((s) => PROCESS_ROLES.has(s.role));
  if (processes.length === 0)
    return `the inventory lists no process of the app (only ${[...new Set(inv.services.map((s) => s.role))].join(", ") || "nothing"}), so nothing runs on Cloud Run: add the app's web and worker processes to the inventory to get a deploy workflow and monitoring`;
  const plan = planSqlite(inv);
  const topics = processes.map(
    (s) => processTopic(s) ?? (plan?.move === "decision" && plan.openers.includes(s.name) ? "sqlite-file" : undefined),
  );
  if (topics.some((t) => t === undefined)) return undefined;
  const why = processes.map((s, i) => `${s.name} ${TOPIC_TEXT[topics[i]!]}`);
  return `no process runs on Cloud Run (${why.slice(0, 4).join("; ")}${why.length > 4 ? "; …" : ""}), so there is nothing to deploy or watch there until the design's open decisions are taken (docs/migration/design/architecture.md)`;
}
