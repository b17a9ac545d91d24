// Names for the target resources, derived from target.service and inventory names so they stay
// stable across runs and always satisfy the deployment contract's patterns.
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

/** Join parts into a Cloud Run name; the suffix survives truncation. */
export function runName(base: string, suffix?: string): string {
  if (!suffix) return cleanName(base);
  const tail = cleanName(suffix, 30);
  return `${cleanName(base, MAX_RUN_NAME - tail.length - 1)}-${tail}`;
}

/** Runtime service account id (6–30 chars) for a Cloud Run name. */
export function serviceAccountId(name: string): string {
  const id = `${cleanName(name, 26)}-sa`;
  return id.length >= 6 ? id : `${cleanName(name, 20)}-run-sa`;
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
