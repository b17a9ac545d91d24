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
