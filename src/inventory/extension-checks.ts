// Checks on the compatible v1 extensions (deploy.method as free text, storage, provenance, usedFor):
// each is a warning, never a failure, so an inventory written by hand or by a newer tool still loads.
import type { CheckIssue } from "./check-issue.js";
import { DEPLOY_METHODS, type Inventory } from "./schema.js";
import { closest } from "./unknown-keys.js";

const STORE_ROLES = new Set(["database", "cache", "broker"]);

export function extensionWarnings(inventory: Inventory, names: Map<string, number>): CheckIssue[] {
  const warnings: CheckIssue[] = [];
  const method = inventory.deploy.method;
  if (!(DEPLOY_METHODS as readonly string[]).includes(method)) {
    const guess = closest(method, [...DEPLOY_METHODS]);
    warnings.push({
      path: ["deploy", "method"],
      message: `\`${method}\` is not a method the rules know (${DEPLOY_METHODS.join(", ")})${guess ? `; did you mean \`${guess}\`?` : ""}: it is kept as written (the known ones get specific advice)`,
    });
  }
  inventory.services.forEach((service, i) => {
    if (service.usedFor?.length && !STORE_ROLES.has(service.role))
      warnings.push({
        path: ["services", i, "usedFor"],
        message: `\`usedFor\` describes a data store; service \`${service.name}\` has role \`${service.role}\``,
      });
  });
  (inventory.storage ?? []).forEach((store, i) => {
    store.services?.forEach((name, j) => {
      if (!names.has(name))
        warnings.push({ path: ["storage", i, "services", j], message: `unknown service \`${name}\`` });
    });
    if (!store.path.startsWith("/"))
      warnings.push({
        path: ["storage", i, "path"],
        message: `\`${store.path}\` is not an absolute path on the VM; the design cannot tell where the files live`,
      });
  });
  for (const key of Object.keys(inventory.provenance ?? {})) {
    const named = /^services\[([^\]]+)\]/.exec(key)?.[1];
    if (named && !names.has(named))
      warnings.push({ path: ["provenance", key], message: `provenance for unknown service \`${named}\`` });
  }
  return warnings;
}
