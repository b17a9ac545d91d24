// Which audit risks an SLO or alert watches: a risk of a category the signal can see, on one of
// the inventory services the watched target replaces. Risks about the whole system (no affected
// services, e.g. "no monitoring") are watched by every signal of a matching category.
import type { Risk } from "../../contracts/audit-result.js";
import { MAIL_RISKS } from "../../contracts/process-homes.js";

export type Signal = "availability" | "latency" | "task-success" | "task-delay" | "database" | "job";

const CATEGORIES: Record<Signal, readonly Risk["category"][]> = {
  availability: ["single-point-of-failure", "deployment", "rollback", "scalability", "observability"],
  latency: ["scalability", "coupling", "observability"],
  "task-success": ["single-point-of-failure", "coupling", "operations", "observability"],
  "task-delay": ["scalability", "coupling", "single-point-of-failure"],
  database: ["data-protection", "single-point-of-failure", "scalability"],
  job: ["operations", "single-point-of-failure", "observability"],
};

/** Up to five risk ids, most severe first. */
export function risksWatched(risks: readonly Risk[], signal: Signal, services: readonly string[]): string[] {
  return risks
    .filter(
      (r) =>
        CATEGORIES[signal].includes(r.category) &&
        // Mail that cannot leave fails the task that sends it; no request gets slower or fails.
        (!MAIL_RISKS.includes(r.title) || signal === "task-success") &&
        (r.affects.length === 0 || r.affects.some((name) => services.includes(name))),
    )
    .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id, "en", { numeric: true }))
    .slice(0, 5)
    .map((r) => r.id);
}
