// Names for the target resources, derived from target.service and inventory names so they stay
// stable across runs and always satisfy the deployment contract's patterns.
import { createHash } from "node:crypto";
import type { Inventory } from "../../../inventory/schema.js";

const MAX_RUN_NAME = 49;

/** Lowercase, dashes only, no leading digit or trailing dash, at most `max` characters. */
export function cleanName(raw: string, max = MAX_RUN_NAME): string {
  let s = raw
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^[^a-z]+/, "");
  s = s.slice(0, max).replace(/-+$/, "");
  return s || "app";
}

/**
 * Join parts into a Cloud Run name; the suffix survives truncation. A suffix that repeats the
 * base's leading words (`healthchecks` + `healthchecks-sendalerts`) is not repeated.
 */
export function runName(base: string, suffix?: string): string {
  if (!suffix) return cleanName(base);
  const head = cleanName(base).split("-");
  const words = cleanName(suffix, 62).split("-");
  let k = 0;
  while (k < words.length - 1 && k < head.length && words[k] === head[k]) k++;
  const tail = cleanName(words.slice(k).join("-"), 30);
  return `${cleanName(base, MAX_RUN_NAME - tail.length - 1)}-${tail}`;
}

/**
 * `wanted`, or `wanted-2`, `wanted-3`… when a target already has that name: the first consumer's
 * `<base>-worker` meets a second worker named `worker`, and two long names can share the 30
 * characters a name's tail keeps. The deployment contract refuses duplicate service names.
 */
export function freeRunName(taken: Iterable<string>, wanted: string): string {
  const used = new Set(taken);
  if (!used.has(wanted)) return wanted;
  for (let i = 2; ; i++) {
    const suffix = `-${i}`;
    const name = `${wanted.slice(0, MAX_RUN_NAME - suffix.length).replace(/-+$/, "")}${suffix}`;
    if (!used.has(name)) return name;
  }
}

/** A free Cloud Run name for a new target of the draft: `wanted`, unless a target has it already. */
export const claimName = (d: { services: readonly { name: string }[] }, wanted: string): string =>
  freeRunName(
    d.services.map((t) => t.name),
    wanted,
  );

/**
 * "a, b, c and 7 more": a list of names that stays readable, and within the design's text limits
 * (800 to 2,000 characters), on a VM with dozens of services, secrets or schedules.
 */
export function someNames(names: readonly string[], shown = 6): string {
  if (names.length <= shown) return names.join(", ");
  return `${names.slice(0, shown).join(", ")} and ${names.length - shown} more`;
}

/** Runtime service account id (6–30 chars) for a Cloud Run name; a shortened name keeps a hash so two never meet. */
export function serviceAccountId(name: string): string {
  const clean = cleanName(name, 60);
  if (clean.length <= 26) return clean.length >= 3 ? `${clean}-sa` : `${clean}-run-sa`;
  const hash = createHash("sha256").update(clean).digest("hex").slice(0, 4);
  return `${cleanName(clean, 21)}-${hash}-sa`;
}

export function baseName(inventory: Inventory): string {
  return cleanName(inventory.target.service ?? `${inventory.metadata.name}-prod`);
}

const GCP_PROJECT = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;

/** target.project, or a placeholder the assumptions list calls out. */
export function projectId(inventory: Inventory): { id: string; placeholder: boolean } {
  if (inventory.target.project) return { id: inventory.target.project, placeholder: false };
  let id = `${cleanName(inventory.metadata.name, 24)}-prod`;
  if (!GCP_PROJECT.test(id)) id = "my-gcp-project";
  return { id, placeholder: true };
}
