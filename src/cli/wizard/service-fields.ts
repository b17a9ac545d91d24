// The questions about one service, each defaulted to what is known of it: name, role, software,
// port, then for the app's own processes the runtime, framework, protocols and whether it must
// always run (detection's findings, which the design relies on), and a cron job's schedule and
// command. Nothing known is dropped: a field not asked keeps its value.
import {
  PROTOCOLS,
  RUNTIMES,
  SERVICE_ROLES,
  type Protocol,
  type Runtime,
  type ServiceRole,
} from "../../inventory/schema.js";
import type { ServiceAnswer } from "../../init/answers.js";
import { parsePort, parseSchedule, parseServiceName, withPort } from "../../init/service-spec.js";
import type { AskContext } from "./wizard-state.js";
import type { Prompter } from "./prompter.js";
import { portOf } from "../../inventory/listen.js";

const APP_ROLES: ReadonlySet<ServiceRole> = new Set(["web", "worker", "scheduler", "cron", "other"]);
const ROLE_HELP: Record<ServiceRole, string> = {
  "reverse-proxy": "nginx, Caddy, HAProxy in front of the app (becomes the load balancer)",
  web: "answers HTTP requests: the app server (becomes a Cloud Run service)",
  worker: "takes jobs from a queue: Celery, Sidekiq, RQ, BullMQ",
  scheduler: "starts jobs on a schedule from code: celery beat, a clock process",
  database: "MySQL, PostgreSQL, MongoDB… (becomes Cloud SQL or stays managed)",
  cache: "Redis or Memcached used as a cache",
  broker: "Redis or RabbitMQ carrying the queue's messages",
  cron: "a command run by cron or a systemd timer (becomes a Cloud Run job)",
  other: "anything else the app needs running",
};
const UNSET = "\u0000unset";

function portText(service?: ServiceAnswer): string | undefined {
  const first = service?.listen[0];
  return first ? String(portOf(first)) : undefined;
}

function parseProtocols(text: string): { ok: true; value?: Protocol[] } | { ok: false; error: string } {
  const words = text.split(/[\s,]+/).filter(Boolean);
  const bad = words.filter((w) => !(PROTOCOLS as readonly string[]).includes(w));
  if (bad.length) return { ok: false, error: `"${bad.join(", ")}": use ${PROTOCOLS.join(", ")}, e.g. http, websocket` };
  return { ok: true, value: words.length ? [...new Set(words as Protocol[])] : undefined };
}

/** Runtime, framework, protocols, always-on: what an image and the design need to know. */
async function askAppTraits(p: Prompter, service: ServiceAnswer): Promise<ServiceAnswer> {
  const runtime = await p.select<string>({
    message: `Runtime of ${service.name}`,
    choices: [
      ...RUNTIMES.map((r) => ({ name: r, value: r })),
      { name: "not set", value: UNSET, description: "leave it out (the image is then a guess)" },
    ],
    default: service.runtime ?? UNSET,
  });
  const framework = await p.input({
    message: `Framework of ${service.name} (django, rails, express, celery…; empty if none)`,
    default: service.framework,
  });
  const protocols = await p.input({
    message: `What ${service.name} speaks to its clients (${PROTOCOLS.join(", ")}; empty if nothing)`,
    default: service.protocols?.join(", "),
    validate: (text) => {
      const r = parseProtocols(text);
      return r.ok ? true : r.error;
    },
  });
  const longRunning = await p.confirm({
    message: `Must ${service.name} run all the time (a queue consumer, a websocket server, a mail listener)?`,
    default: service.longRunning ?? service.role === "worker",
  });
  const { runtime: _r, framework: _f, protocols: _p, longRunning: _l, ...rest } = service;
  const parsed = parseProtocols(protocols);
  return {
    ...rest,
    ...(runtime !== UNSET ? { runtime: runtime as Runtime } : {}),
    ...(framework.trim() ? { framework: framework.trim() } : {}),
    ...(parsed.ok && parsed.value ? { protocols: parsed.value } : {}),
    ...(longRunning || service.longRunning !== undefined ? { longRunning } : {}),
  };
}

export async function askService(ctx: AskContext, taken: Set<string>, current?: ServiceAnswer): Promise<ServiceAnswer> {
  const p = ctx.prompter;
  const name = await p.input({
    message: "Service name",
    default: current?.name,
    validate: (text) => {
      const r = parseServiceName(text);
      if (!r.ok) return r.error;
      if (!r.value) return "a name is required, e.g. api";
      return taken.has(r.value) ? `there is already a service called ${r.value}` : true;
    },
  });
  const role = await p.select<ServiceRole>({
    message: `Role of ${name.trim()}`,
    choices: SERVICE_ROLES.map((r) => ({ name: r, value: r, description: ROLE_HELP[r] })),
    default: current?.role,
  });
  const software = await p.input({
    message: "Software (nginx, uvicorn, gunicorn, celery, mysql, postgres, redis, …)",
    default: current?.software,
    validate: (text) => (text.trim() ? true : "the software is required, e.g. gunicorn"),
  });
  const port = await p.input({
    message: "Port it listens on (empty if none)",
    default: portText(current),
    validate: (text) => {
      const r = parsePort(text);
      return r.ok ? true : r.error;
    },
  });
  let service: ServiceAnswer = {
    ...(current ?? { listen: [], dependsOn: [] }),
    name: name.trim(),
    role,
    software: software.trim(),
  };
  if (current && current.role !== role) service.listen = [];
  service = withPort(service, (parsePort(port) as { value?: number }).value);
  if (APP_ROLES.has(role)) service = await askAppTraits(p, service);
  if (role === "cron" || role === "scheduler")
    service = { ...service, schedule: await askSchedule(p, service, current?.schedule) };
  if (role === "cron") service = { ...service, command: await askCommand(p, service, current?.command) };
  return service;
}

export async function askSchedule(p: Prompter, service: ServiceAnswer, current: string | undefined) {
  const cron = service.role === "cron";
  const schedule = await p.input({
    message: cron
      ? `Cron schedule of ${service.name}, e.g. "*/5 * * * *"`
      : `Cron schedule of ${service.name} (empty if it lives in code)`,
    default: current,
    validate: (text) => {
      if (!text.trim()) return cron ? 'a cron job needs a schedule, e.g. "0 3 * * *" (every day at 03:00)' : true;
      const r = parseSchedule(text);
      return r.ok ? true : r.error;
    },
  });
  return schedule.trim() || undefined;
}

// The Cloud Run job runs this; without it the job would start the image's default (the web server).
export async function askCommand(p: Prompter, service: ServiceAnswer, current: string | undefined) {
  const command = await p.input({
    message: `Command ${service.name} runs, e.g. python manage.py send_report`,
    default: current,
    validate: (text) =>
      text.trim() ? true : "a cron job needs the command it runs, e.g. python manage.py send_report",
  });
  return command.trim();
}
