// Where each value of the inventory init writes came from: detected (with the file and line it
// was read from), answered (a flag or a person), or assumed (a documented default nobody gave).
// Reports cite only the first two as evidence (see src/phases/audit/assumptions.ts).
import type { DetectedFacts } from "../detect/types.js";
import type { Provenance } from "../inventory/schema.js";
import type { AnswerKey, Answers } from "./answers.js";
import type { Origin } from "./resolve.js";

const fromOrigin = (origin: Origin | undefined): Provenance["from"] | undefined =>
  origin === "flag" || origin === "answered" ? "answered" : origin === "default" ? "assumed" : origin;

/** Answer keys written under the same inventory path. */
const PATHS: Partial<Record<AnswerKey, string>> = {
  "deploy.method": "deploy.method",
  "deploy.durationMinutes": "deploy.durationMinutes",
  "deploy.perWeek": "deploy.perWeek",
  "deploy.rollback": "deploy.rollback",
  "traffic.peakRps": "traffic.peakRps",
  "traffic.growth": "traffic.growth",
  "team.engineers": "team.engineers",
  "team.kubernetes": "team.kubernetes",
  "target.region": "target.region",
  "target.github": "target.github",
};

/** The answers plus what detection found that is not a question: the host, storage and provenance. */
export function withDetectedFacts(
  answers: Answers,
  origins: Partial<Record<AnswerKey, Origin>>,
  facts: DetectedFacts,
): Answers {
  const provenance: Record<string, Provenance> = {};
  const servicesFrom = fromOrigin(origins.services);
  for (const service of answers.services ?? []) {
    const found = servicesFrom === "detected" ? facts.services.find((s) => s.name === service.name) : undefined;
    if (found)
      provenance[`services[${service.name}]`] = {
        from: "detected",
        ...(found.source !== "dependencies" ? { file: found.source } : {}),
        ...(found.line ? { line: found.line } : {}),
      };
    else if (servicesFrom) provenance[`services[${service.name}]`] = { from: "answered" };
  }
  const engine = answers["database.engine"];
  if (engine && engine !== "none") {
    const db =
      answers.services?.find((s) => s.role === "database" && s.software === engine) ??
      answers.services?.find((s) => s.role === "database");
    const key = `data[${db?.name ?? engine}]`;
    const from = fromOrigin(origins["database.engine"]);
    if (from)
      provenance[`${key}.engine`] = {
        from,
        ...(from === "detected" && facts.database && facts.database.source !== "dependencies"
          ? { file: facts.database.source }
          : {}),
      };
    const backups = fromOrigin(origins["database.backups"]);
    if (backups) provenance[`${key}.backups`] = { from: backups };
  }
  for (const [answer, path] of Object.entries(PATHS) as [AnswerKey, string][]) {
    const from = fromOrigin(origins[answer]);
    if (from && answers[answer] !== undefined) provenance[path] = { from };
  }
  for (const store of facts.storage ?? []) provenance[`storage[${store.path}]`] = { from: "detected" };
  return {
    ...answers,
    ...(facts.host && Object.keys(facts.host).length ? { host: facts.host } : {}),
    ...(facts.storage?.length ? { storage: facts.storage } : {}),
    provenance,
  };
}
