// The one compound question: the list of services. Detected services are shown with the file
// each came from; the person keeps them, edits them one by one, or starts over, then may add more.
import { SERVICE_ROLES, type ServiceRole } from "../../inventory/schema.js";
import type { ServiceAnswer } from "../../init/answers.js";
import { formatService, parsePort, parseSchedule, parseServiceName, withPort } from "../../init/service-spec.js";
import type { Prompter } from "./prompter.js";

type Say = (line: string) => void;

function portOf(service?: ServiceAnswer): string | undefined {
  const first = service?.listen[0];
  return first ? first.slice(first.lastIndexOf(":") + 1) : undefined;
}

async function askService(p: Prompter, taken: Set<string>, current?: ServiceAnswer): Promise<ServiceAnswer> {
  const name = await p.input({
    message: "Service name",
    default: current?.name,
    validate: (text) => {
      const r = parseServiceName(text);
      if (!r.ok) return r.error;
      return r.value && taken.has(r.value)
        ? `there is already a service called ${r.value}`
        : r.value
          ? true
          : "a name is required";
    },
  });
  const role = await p.select<ServiceRole>({
    message: `Role of ${name.trim()}`,
    choices: SERVICE_ROLES.map((r) => ({ name: r, value: r })),
    default: current?.role,
  });
  const software = await p.input({
    message: "Software (nginx, uvicorn, gunicorn, celery, mysql, postgres, redis, …)",
    default: current?.software,
    validate: (text) => (text.trim() ? true : "software is required"),
  });
  const port = await p.input({
    message: "Port it listens on (empty if none)",
    default: portOf(current),
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
  if (role === "cron" || role === "scheduler")
    service = { ...service, schedule: await askSchedule(p, service, current?.schedule) };
  if (role === "cron") service = { ...service, command: await askCommand(p, service, current?.command) };
  return service;
}

async function askSchedule(
  p: Prompter,
  service: ServiceAnswer,
  current: string | undefined,
): Promise<string | undefined> {
  const cron = service.role === "cron";
  const schedule = await p.input({
    message: cron
      ? `Cron schedule of ${service.name}, e.g. "*/5 * * * *"`
      : `Cron schedule of ${service.name} (empty if it lives in code)`,
    default: current,
    validate: (text) => {
      if (!text.trim()) return cron ? "a cron job needs a schedule" : true;
      const r = parseSchedule(text);
      return r.ok ? true : r.error;
    },
  });
  return schedule.trim() || undefined;
}

// The Cloud Run job runs this; without it the job would start the image's default (the web server).
async function askCommand(p: Prompter, service: ServiceAnswer, current: string | undefined): Promise<string> {
  const command = await p.input({
    message: `Command ${service.name} runs, e.g. python manage.py send_report`,
    default: current,
    validate: (text) => (text.trim() ? true : "a cron job needs the command it runs"),
  });
  return command.trim();
}

/** A detected cron job may lack a schedule (a timer with no exact cron form) or a command: ask for just those. */
async function completeCronJob(p: Prompter, service: ServiceAnswer, say: Say): Promise<ServiceAnswer> {
  if (service.role !== "cron" || (service.schedule && service.command?.trim())) return service;
  say(
    `${service.name} is a cron job without ${service.schedule ? "a command" : service.command?.trim() ? "a schedule" : "a schedule and a command"}:`,
  );
  let done = service;
  if (!done.schedule) done = { ...done, schedule: await askSchedule(p, done, undefined) };
  if (!done.command?.trim()) done = { ...done, command: await askCommand(p, done, undefined) };
  return done;
}

/** Asks what each cron job still lacks; other services pass through unchanged. */
export async function completeCronJobs(p: Prompter, services: ServiceAnswer[], say: Say): Promise<ServiceAnswer[]> {
  const completed: ServiceAnswer[] = [];
  for (const s of services) completed.push(await completeCronJob(p, s, say));
  return completed;
}

export async function editServices(
  p: Prompter,
  proposed: ServiceAnswer[] | undefined,
  say: Say,
): Promise<ServiceAnswer[]> {
  let services: ServiceAnswer[] = [];
  if (proposed?.length) {
    say("Services found in the repository:");
    for (const s of proposed) say(`  - ${formatService(s)}`);
    const action = await p.select({
      message: "Services on the VM",
      choices: [
        { name: `Keep these ${proposed.length}`, value: "keep" },
        { name: "Review them one by one", value: "edit" },
        { name: "Start from an empty list", value: "empty" },
      ],
      default: "keep",
    });
    if (action === "keep") services = [...proposed];
    if (action === "edit") {
      for (const s of proposed) {
        if (!(await p.confirm({ message: `Keep ${formatService(s)}?`, default: true }))) continue;
        if (!(await p.confirm({ message: `Change ${s.name}?`, default: false }))) {
          services.push(s);
          continue;
        }
        services.push(await askService(p, new Set(services.map((x) => x.name)), s));
      }
    }
    services = await completeCronJobs(p, services, say);
  } else {
    say("No services found in the repository: describe what runs on the VM.");
  }
  while (services.length === 0 || (await p.confirm({ message: "Add another service?", default: false }))) {
    services.push(await askService(p, new Set(services.map((x) => x.name))));
  }
  return services;
}
