// The one compound question: the list of services. Detected services are shown with the file
// each came from; the person keeps them all, goes through them with ONE question each (keep,
// change or remove), or starts over, then may add more. Changing a service keeps what detection
// found (runtime, framework, protocols, always-on) as the defaults of its own questions.
import type { ServiceAnswer } from "../../init/answers.js";
import { formatService } from "../../init/service-spec.js";
import type { AskContext } from "./wizard-state.js";
import { askCommand, askSchedule, askService } from "./service-fields.js";
import { GoBack } from "./prompter.js";

/** A detected cron job may lack a schedule (a timer with no exact cron form) or a command: ask for just those. */
async function completeCronJob(ctx: AskContext, service: ServiceAnswer): Promise<ServiceAnswer> {
  if (service.role !== "cron" || (service.schedule && service.command?.trim())) return service;
  const missing = service.schedule ? "a command" : service.command?.trim() ? "a schedule" : "a schedule and a command";
  ctx.say(`${service.name} is a cron job without ${missing}:`);
  let done = service;
  if (!done.schedule) done = { ...done, schedule: await askSchedule(ctx.prompter, done, undefined) };
  if (!done.command?.trim()) done = { ...done, command: await askCommand(ctx.prompter, done, undefined) };
  return done;
}

/** Asks what each cron job still lacks; other services pass through unchanged. */
export async function completeCronJobs(ctx: AskContext, services: ServiceAnswer[]): Promise<ServiceAnswer[]> {
  const completed: ServiceAnswer[] = [];
  for (const s of services) completed.push(await completeCronJob(ctx, s));
  return completed;
}

function sourceOf(ctx: AskContext, service: ServiceAnswer): string {
  const found = ctx.facts.services.find((s) => s.name === service.name);
  if (!found || found.source === "dependencies") return "";
  return ctx.style.dim(` · ${found.source}${found.line ? `:${found.line}` : ""}`);
}

/** One question a service: keep it, change it, or remove it. Esc goes back to the previous service. */
async function reviewOneByOne(ctx: AskContext, proposed: ServiceAnswer[]): Promise<ServiceAnswer[]> {
  const decided: (ServiceAnswer | undefined)[] = [];
  let i = 0;
  while (i < proposed.length) {
    const service = proposed[i]!;
    try {
      const action = await ctx.prompter.select({
        message: `${ctx.style.dim(`service ${i + 1} of ${proposed.length}`)} ${formatService(service)}${sourceOf(ctx, service)}`,
        choices: [
          { name: "keep", value: "keep", description: "keep it as shown" },
          { name: "change", value: "change", description: "edit its name, role, port, runtime and more" },
          { name: "remove", value: "remove", description: "it does not run on the VM (or should not move)" },
        ],
        default: "keep",
      });
      const taken = new Set(decided.slice(0, i).flatMap((s) => (s ? [s.name] : [])));
      decided[i] =
        action === "keep" ? service : action === "remove" ? undefined : await askService(ctx, taken, service);
      i++;
    } catch (error) {
      if (!(error instanceof GoBack) || i === 0) throw error;
      i--;
    }
  }
  return decided.filter((s): s is ServiceAnswer => s !== undefined);
}

export async function editServices(
  ctx: AskContext,
  request: { message: string; proposed?: ServiceAnswer[] },
): Promise<ServiceAnswer[]> {
  const { proposed } = request;
  let services: ServiceAnswer[] = [];
  if (proposed?.length) {
    for (const s of proposed) ctx.say(`  - ${formatService(s)}${sourceOf(ctx, s)}`);
    const action = await ctx.prompter.select({
      message: request.message,
      choices: [
        { name: `Keep these ${proposed.length}`, value: "keep", description: "they are what runs on the VM" },
        { name: "Go through them one by one", value: "edit", description: "keep, change or remove each" },
        { name: "Start from an empty list", value: "empty", description: "describe every service yourself" },
      ],
      default: "keep",
    });
    if (action === "keep") services = [...proposed];
    if (action === "edit") services = await reviewOneByOne(ctx, proposed);
    services = await completeCronJobs(ctx, services);
  } else {
    ctx.say("No services found in the repository: describe what runs on the VM.");
  }
  while (services.length === 0 || (await ctx.prompter.confirm({ message: "Add another service?", default: false }))) {
    services.push(await askService(ctx, new Set(services.map((x) => x.name))));
  }
  return services;
}
