// Reading an inventory the way an SRE would before drawing anything: what each service is, what a
// task may take, which env vars hold secrets (src/contracts/queue-systems.ts names the background processes).
import type { Inventory, Service } from "../../../inventory/schema.js";

export type WebFlavour = "python-async" | "python-wsgi" | "node" | "other";

export function webFlavour(s: Service): WebFlavour {
  const sw = `${s.software} ${s.command ?? ""}`.toLowerCase();
  if (/uvicorn|hypercorn|daphne|granian/.test(sw)) return "python-async";
  if (/gunicorn|uwsgi|waitress|flask|django/.test(sw)) return "python-wsgi";
  // Word boundaries: `bundle exec puma` (every Rails app) once read as Bun, sizing Puma like an
  // event loop (512 MiB, 80 requests at once, 1000 with websockets).
  if (s.runtime && s.runtime !== "node" && s.runtime !== "other") return "other";
  if (s.runtime === "node" || /\bnode\b|nodejs|express|\bnest|\bbun\b|\bdeno\b|pm2/.test(sw)) return "node";
  return "other";
}

/** Value of a numeric CLI flag (`--workers 4`, `-w 4`, `--time-limit=600`), if present. */
/**
 * A Celery worker that also runs beat (`celery -A app worker -B`): Celery's docs say "there must
 * only be one instance of this service" and "-B is meant to be used for development purposes. For
 * production environment, you need to start celery beat separately"
 * (https://docs.celeryq.dev/en/v4.2.0/reference/celery.bin.worker.html). Taiga's guide runs it so.
 */
export function embedsCeleryBeat(command: string | undefined): boolean {
  const words = (command ?? "").split(/\s+/);
  const worker = words.indexOf("worker");
  return (
    worker > 0 &&
    words.slice(0, worker).some((w) => /(^|\/)celery$/.test(w)) &&
    words.slice(worker + 1).some((w) => w === "-B" || w === "--beat")
  );
}

export function flagNumber(command: string | undefined, ...flags: string[]): number | undefined {
  if (!command) return undefined;
  for (const flag of flags) {
    const m = new RegExp(`(?:^|\\s)${flag.replace(/[-]/g, "\\-")}(?:=|\\s+)(\\d+)`).exec(command);
    if (m) return Number(m[1]);
  }
  return undefined;
}

/** Longest a single task may run, in seconds, when the worker's command says so. */
export function taskLimitSeconds(s: Service): number | undefined {
  return flagNumber(s.command, "--time-limit", "--soft-time-limit", "--job-timeout", "--timeout");
}

const SECRET_ENV =
  /(SECRET|PASSWORD|PASSWD|TOKEN|API_KEY|APIKEY|PRIVATE|CREDENTIAL|_DSN$|^DATABASE_URL$|^DB_URL$|_DATABASE_URL$|DATABASE_URI$)/;
const BROKER_ENV = /^(CELERY_BROKER_URL|BROKER_URL|AMQP_URL|RABBITMQ_URL|CELERY_RESULT_BACKEND)$/;

export function isSecretEnv(name: string): boolean {
  return SECRET_ENV.test(name.toUpperCase());
}

export function isBrokerEnv(name: string): boolean {
  return BROKER_ENV.test(name.toUpperCase());
}

export interface Topology {
  proxies: Service[];
  webs: Service[];
  workers: Service[];
  beats: Service[];
  crons: Service[];
  databases: Service[];
  caches: Service[];
  brokers: Service[];
  others: Service[];
}

export function topology(inv: Inventory): Topology {
  const by = (role: Service["role"]) => inv.services.filter((s) => s.role === role);
  const workers = by("worker");
  const brokers = by("broker");
  const caches = by("cache");
  return {
    proxies: by("reverse-proxy"),
    webs: by("web"),
    workers,
    beats: by("scheduler"),
    crons: by("cron"),
    databases: by("database"),
    caches,
    brokers,
    others: by("other"),
  };
}

/** Traffic the design is sized for: peak (or 4× average) × growth. */
export function plannedPeakRps(inv: Inventory): number {
  const peak = inv.traffic.peakRps ?? (inv.traffic.averageRps !== undefined ? inv.traffic.averageRps * 4 : 10);
  return peak * inv.traffic.growth;
}
