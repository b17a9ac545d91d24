// Rules zod cannot express one field at a time: references between services, port clashes,
// dependency cycles. They run on the validated inventory and return key paths; the loader turns
// those into line:column.
import { isFileDatabase, type Inventory } from "./schema.js";
import type { CheckIssue } from "./check-issue.js";
import { didYouMean, serverDatabaseErrors } from "./database-checks.js";
import { extensionWarnings } from "./extension-checks.js";
import { hostOf, portOf } from "./listen.js";
import { impliedLinks, impliedLinkText } from "../contracts/implied-links.js";

export type { CheckIssue } from "./check-issue.js";

export interface CheckResult {
  errors: CheckIssue[];
  warnings: CheckIssue[];
}

// A cron job needs its schedule; a scheduler (celery beat, APScheduler) keeps its schedule in code,
// so `schedule` is optional there.
const SCHEDULE_REQUIRED = new Set(["cron"]);
const SCHEDULE_ALLOWED = new Set(["cron", "scheduler"]);
const DATA_ROLES = new Set(["database", "cache"]);

export function crossCheck(inventory: Inventory): CheckResult {
  const result: CheckResult = { errors: [], warnings: [] };
  const names = new Map<string, number>();
  inventory.services.forEach((service, i) => {
    const first = names.get(service.name);
    if (first === undefined) names.set(service.name, i);
    else
      result.errors.push({
        path: ["services", i, "name"],
        message: `duplicate service name \`${service.name}\` (first defined at services[${first}])`,
      });
  });
  const known = [...names.keys()];

  inventory.services.forEach((service, i) => {
    service.dependsOn.forEach((dep, j) => {
      const path = ["services", i, "dependsOn", j];
      if (dep === service.name) result.errors.push({ path, message: `service \`${dep}\` depends on itself` });
      else if (!names.has(dep))
        result.errors.push({ path, message: `unknown service \`${dep}\`${didYouMean(dep, known)}` });
    });
    (service.routes ?? []).forEach((route, j) => {
      if (!names.has(route.service))
        result.errors.push({
          path: ["services", i, "routes", j, "service"],
          message: `unknown service \`${route.service}\`${didYouMean(route.service, known)}`,
        });
    });
    if (service.routes?.length && service.role !== "reverse-proxy")
      result.warnings.push({
        path: ["services", i, "routes"],
        message: `\`routes\` is ignored for role \`${service.role}\` (only a reverse-proxy routes paths)`,
      });
    if (SCHEDULE_REQUIRED.has(service.role) && !service.schedule) {
      result.errors.push({
        path: ["services", i],
        message: `role \`${service.role}\` needs a \`schedule\` (a cron expression such as "*/5 * * * *")`,
      });
    }
    if (service.role === "cron" && !service.command?.trim()) {
      result.warnings.push({
        path: ["services", i],
        message: `cron job \`${service.name}\` has no \`command\`: its Cloud Run job would run the image's default command (the web server); add the command the job runs`,
      });
    }
    if (service.schedule && !SCHEDULE_ALLOWED.has(service.role)) {
      result.warnings.push({
        path: ["services", i, "schedule"],
        message: `\`schedule\` is ignored for role \`${service.role}\` (only cron and scheduler use it)`,
      });
    }
  });

  inventory.data.forEach((store, i) => {
    const index = names.get(store.service);
    const path = ["data", i, "service"];
    if (index === undefined)
      result.errors.push({ path, message: `unknown service \`${store.service}\`${didYouMean(store.service, known)}` });
    else {
      const role = inventory.services[index]!.role;
      // A SQLite file has no server: the process that opens it is its service.
      if (!DATA_ROLES.has(role) && !isFileDatabase(store.engine))
        result.warnings.push({
          path,
          message: `service \`${store.service}\` has role \`${role}\`; data stores are usually a database or cache`,
        });
    }
    (store.services ?? []).forEach((name, j) => {
      if (!names.has(name))
        result.errors.push({
          path: ["data", i, "services", j],
          message: `unknown service \`${name}\`${didYouMean(name, known)}`,
        });
    });
  });

  // Settings that name a store dependsOn leaves out: the design links them; said here so the user can confirm.
  for (const link of impliedLinks(inventory))
    result.warnings.push({
      path: ["services", names.get(link.service)!, "dependsOn"],
      message: `${impliedLinkText(link)} (add \`${link.store}\` to its dependsOn to say so, or remove the settings it does not use)`,
    });
  result.errors.push(...serverDatabaseErrors(inventory, names));
  result.errors.push(...portClashes(inventory), ...dependencyCycles(inventory, names));
  result.warnings.push(...extensionWarnings(inventory, names));
  return result;
}

const WILDCARDS = new Set(["*", "0.0.0.0", "[::]", "::", ""]);

function splitListen(listen: string): { host: string; port: number } {
  const host = hostOf(listen).toLowerCase();
  return { host: host === "localhost" ? "127.0.0.1" : host, port: portOf(listen) };
}

/** Two sockets clash on the same port when the hosts are equal or either is a wildcard. */
export function addressesOverlap(a: string, b: string): boolean {
  const x = splitListen(a);
  const y = splitListen(b);
  return x.port === y.port && (x.host === y.host || WILDCARDS.has(x.host) || WILDCARDS.has(y.host));
}

function portClashes(inventory: Inventory): CheckIssue[] {
  const seen: { listen: string; service: string; path: string }[] = [];
  const issues: CheckIssue[] = [];
  inventory.services.forEach((service, i) => {
    service.listen.forEach((listen, j) => {
      const clash = seen.find((s) => addressesOverlap(s.listen, listen));
      if (clash) {
        issues.push({
          path: ["services", i, "listen", j],
          message: `\`${listen}\` clashes with \`${clash.listen}\` of service \`${clash.service}\` (${clash.path})`,
        });
      }
      seen.push({ listen, service: service.name, path: `services[${i}].listen[${j}]` });
    });
  });
  return issues;
}

/** Each cycle reported once, at the dependsOn entry that closes it. Self-loops are reported above. */
function dependencyCycles(inventory: Inventory, names: Map<string, number>): CheckIssue[] {
  const state = new Map<string, "active" | "done">();
  const stack: string[] = [];
  const issues: CheckIssue[] = [];
  const visit = (name: string) => {
    state.set(name, "active");
    stack.push(name);
    const index = names.get(name)!;
    inventory.services[index]!.dependsOn.forEach((dep, j) => {
      if (dep === name || !names.has(dep)) return;
      if (state.get(dep) === "active") {
        const cycle = [...stack.slice(stack.indexOf(dep)), dep].join(" → ");
        issues.push({ path: ["services", index, "dependsOn", j], message: `dependency cycle: ${cycle}` });
      } else if (!state.has(dep)) visit(dep);
    });
    stack.pop();
    state.set(name, "done");
  };
  for (const name of names.keys()) if (!state.has(name)) visit(name);
  return issues;
}
