// Facts the audit rules (and the prompt) read off an inventory: who is the entry point, what is
// stateful, how loaded the host is at the growth target. Derived once, used by every rule.
import type { Inventory, Service } from "../../inventory/schema.js";
import { isPublicAddress } from "../../inventory/listen.js";

const SECRET_ENV = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?|DATABASE_URL|_DSN$|AUTH)/i;
const LLM_ENV = /(OPENAI|GEMINI|ANTHROPIC|VERTEX|GOOGLE_GENAI|LLM|MISTRAL|COHERE)/i;
const MONITORING =
  /(prometheus|grafana|datadog|newrelic|new-relic|zabbix|nagios|sentry|elastic|loki|otel|opentelemetry|stackdriver|cloud-ops|ops-agent|netdata)/i;

export interface AuditFacts {
  growth: number;
  peakRps?: number;
  peakRpsAtGrowth?: number;
  averageRps?: number;
  host: string;
  cpus?: number;
  memoryGiB?: number;
  proxies: Service[];
  web: Service[];
  workers: Service[];
  brokers: Service[];
  databases: Service[];
  caches: Service[];
  scheduled: Service[];
  /** Services reachable from outside the host (0.0.0.0, *, [::]) that are not the reverse proxy. */
  exposed: { service: Service; address: string }[];
  /** service name → env names that look like secrets. */
  secretEnv: Map<string, string[]>;
  /** Web services that hold LLM credentials: model calls happen inside request handlers. */
  llmInWeb: Service[];
  hasMonitoring: boolean;
  /** Uvicorn/gunicorn worker processes found in commands (--workers N / -w N). */
  webProcesses?: number;
}

export { isPublicAddress };

function processCount(command: string | undefined): number | undefined {
  const match = /(?:--workers|-w|--concurrency|-c)[ =](\d+)/.exec(command ?? "");
  return match ? Number(match[1]) : undefined;
}

export function deriveFacts(inventory: Inventory): AuditFacts {
  const byRole = (...roles: Service["role"][]) => inventory.services.filter((s) => roles.includes(s.role));
  const growth = inventory.traffic.growth;
  const peakRps = inventory.traffic.peakRps;
  const web = byRole("web");
  const hasProxy = byRole("reverse-proxy").length > 0;
  const secretEnv = new Map<string, string[]>();
  for (const s of inventory.services) {
    const names = s.env.filter((e) => SECRET_ENV.test(e));
    if (names.length) secretEnv.set(s.name, names);
  }
  const processes = web.map((s) => processCount(s.command)).filter((n): n is number => n !== undefined);
  return {
    growth,
    peakRps,
    peakRpsAtGrowth: peakRps !== undefined ? Math.round(peakRps * growth * 10) / 10 : undefined,
    averageRps: inventory.traffic.averageRps,
    host: inventory.host.hostname ?? inventory.metadata.name,
    cpus: inventory.host.cpus,
    memoryGiB: inventory.host.memoryGiB,
    proxies: byRole("reverse-proxy"),
    web,
    workers: byRole("worker"),
    brokers: byRole("broker"),
    databases: byRole("database"),
    caches: byRole("cache"),
    scheduled: byRole("cron", "scheduler"),
    // With no reverse proxy on the VM, a web process on every interface is the front door users
    // reach (a Go binary serving :443 itself), not an internal service that bypasses one.
    exposed: inventory.services
      .filter((s) => s.role !== "reverse-proxy" && !(s.role === "web" && !hasProxy))
      .flatMap((s) => s.listen.filter(isPublicAddress).map((address) => ({ service: s, address }))),
    secretEnv,
    llmInWeb:
      inventory.llm || web.some((s) => s.env.some((e) => LLM_ENV.test(e)))
        ? web.filter((s) => s.env.some((e) => LLM_ENV.test(e)))
        : [],
    hasMonitoring: inventory.services.some((s) => MONITORING.test(s.software) || MONITORING.test(s.name)),
    webProcesses: processes.length ? processes.reduce((a, b) => a + b, 0) : undefined,
  };
}

/** Plain sentences for the prompt: the model gets our derived numbers, not just raw YAML. */
export function describeFacts(inventory: Inventory, facts: AuditFacts): string[] {
  const lines = [
    `All ${inventory.services.length} services run on one host (${facts.host}${facts.cpus ? `, ${facts.cpus} vCPU` : ""}${facts.memoryGiB ? `, ${facts.memoryGiB} GiB RAM` : ""}).`,
  ];
  if (facts.peakRps !== undefined)
    lines.push(`Peak load today ${facts.peakRps} req/s; at ${facts.growth}x that is ${facts.peakRpsAtGrowth} req/s.`);
  const d = inventory.deploy;
  lines.push(
    `Deploys: ${d.method}${d.durationMinutes ? `, ${d.durationMinutes} min each` : ""}${d.perWeek !== undefined ? `, ${d.perWeek}/week` : ""}, rollback ${d.rollback}, downtime ${d.downtime ? "yes" : "no"}.`,
  );
  for (const store of inventory.data)
    lines.push(
      `Data: ${store.engine} ${store.version ?? ""} (${store.sizeGiB ?? "?"} GiB) on ${store.service}, backups ${store.backups}.`,
    );
  if (facts.exposed.length)
    lines.push(
      `Reachable from outside the host without the proxy: ${facts.exposed.map((e) => `${e.service.name} ${e.address}`).join(", ")}.`,
    );
  if (facts.llmInWeb.length)
    lines.push(
      `Web services holding LLM credentials (model calls inside requests): ${facts.llmInWeb.map((s) => s.name).join(", ")}.`,
    );
  if (!facts.hasMonitoring) lines.push("No monitoring or alerting service appears in the inventory.");
  const assumed = Object.entries(inventory.provenance ?? {}).filter(([, p]) => p.from === "assumed");
  if (assumed.length)
    lines.push(
      `Assumed, not given (defaults; cite them as assumptions, not evidence): ${assumed.map(([path]) => path).join(", ")}.`,
    );
  if (inventory.team.engineers !== undefined)
    lines.push(
      `Team: ${inventory.team.engineers} engineer(s), Kubernetes experience: ${inventory.team.kubernetes ? "yes" : "no"}.`,
    );
  return lines;
}
