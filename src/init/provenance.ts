// Where each value of the inventory init writes came from: detected (with the file and line it
// was read from), answered (a flag or a person), or assumed (a documented default nobody gave).
// Reports cite only the first two as evidence (see src/phases/audit/assumptions.ts). A value kept
// from the inventory already in the repository ("saved") keeps the provenance written there.
import { isDeepStrictEqual } from "node:util";
import type { DetectedFacts } from "../detect/types.js";
import { isFileDatabase } from "../inventory/file-database.js";
import type { Provenance } from "../inventory/schema.js";
import type { AnswerKey, Answers, ServiceAnswer } from "./answers.js";
import { questionFor } from "./questions.js";
import type { Origin } from "./resolve.js";

const fromOrigin = (origin: Origin | undefined): Provenance["from"] | undefined =>
  origin === "flag" || origin === "answered"
    ? "answered"
    : origin === "default"
      ? "assumed"
      : origin === "detected"
        ? "detected"
        : undefined;

/** Answer keys written under the same inventory path. */
const SAME_PATH: readonly AnswerKey[] = [
  "host.monthlyCostUsd",
  "host.cpus",
  "host.memoryGiB",
  "deploy.method",
  "deploy.durationMinutes",
  "deploy.perWeek",
  "deploy.rollback",
  "traffic.peakRps",
  "traffic.growth",
  "team.engineers",
  "team.kubernetes",
  "target.region",
  "target.github",
];

/** The inventory path an answer is written at, for provenance keys. */
export function provenanceKeyFor(key: AnswerKey, answers: Answers): string | undefined {
  if (SAME_PATH.includes(key)) return key;
  if (key === "database.engine" || key === "database.backups" || key === "database.version") {
    const engine = answers["database.engine"];
    if (!engine || engine === "none") return undefined;
    return `data[${databaseServiceName(answers) ?? engine}].${key.slice("database.".length)}`;
  }
  if (key === "llm.useCase") return "llm.useCase";
  return undefined;
}

export function databaseServiceName(answers: Answers): string | undefined {
  const engine = answers["database.engine"];
  return (
    answers.services?.find((s) => s.role === "database" && s.software === engine) ??
    answers.services?.find((s) => s.role === "database")
  )?.name;
}

function detectedEntry(key: AnswerKey, facts: DetectedFacts, answers: Answers): Provenance {
  const found = questionFor(key).detected?.(facts, answers);
  return {
    from: "detected",
    ...(found?.file && found.file !== "the VM" ? { file: found.file } : {}),
    ...(found?.line ? { line: found.line } : {}),
  };
}

/**
 * A Redis init found running whose uses nothing read named (no worker framework, env, settings or
 * package says broker, cache, pub/sub or sessions: assemble.ts's redisUses found none): it is
 * written `role: cache` with no `usedFor`, which is a guess.
 */
const redisUsesUnread = (s: ServiceAnswer): boolean =>
  s.software === "redis" && s.role === "cache" && !s.usedFor?.length;

/** The answers plus what detection found that is not a question: the host, storage and provenance. */
export function withDetectedFacts(
  answers: Answers,
  origins: Partial<Record<AnswerKey, Origin>>,
  facts: DetectedFacts,
): Answers {
  const provenance: Record<string, Provenance> = {};
  const servicesFrom = fromOrigin(origins.services);
  for (const service of servicesFrom ? (answers.services ?? []) : []) {
    // A service kept as detected cites its file, even when a person went through the list.
    const found = facts.services.find((s) => s.name === service.name);
    const { source: _s, line: _l, ...asDetected } = found ?? { source: "", line: undefined };
    if (found && isDeepStrictEqual(asDetected, service)) {
      provenance[`services[${service.name}]`] = {
        from: "detected",
        ...(found.source !== "dependencies" ? { file: found.source } : {}),
        ...(found.line ? { line: found.line } : {}),
      };
      // Nothing named what this Redis holds: `cache` is init's guess, not a fact (store-homes.ts
      // then keeps the tier that loses nothing).
      if (redisUsesUnread(service)) provenance[`services[${service.name}].role`] = { from: "assumed" };
    } else provenance[`services[${service.name}]`] = { from: "answered" };
  }
  // In the order the inventory reads: the database's entries next to its service's, then the rest.
  for (const key of ["database.engine", "database.backups", ...SAME_PATH, "llm.useCase"] as AnswerKey[]) {
    const from = fromOrigin(origins[key]);
    const at = provenanceKeyFor(key, answers);
    if (!from || !at || answers[key] === undefined) continue;
    provenance[at] = from === "detected" ? detectedEntry(key, facts, answers) : { from };
  }
  for (const store of facts.storage ?? []) provenance[`storage[${store.path}]`] = { from: "detected" };
  const host = {
    ...facts.host,
    ...(answers["host.cpus"] !== undefined ? { cpus: answers["host.cpus"] } : {}),
    ...(answers["host.memoryGiB"] !== undefined ? { memoryGiB: answers["host.memoryGiB"] } : {}),
    ...(answers["host.monthlyCostUsd"] !== undefined ? { monthlyCostUsd: answers["host.monthlyCostUsd"] } : {}),
  };
  return {
    ...answers,
    ...(Object.keys(host).length ? { host } : {}),
    ...(facts.storage?.length ? { storage: facts.storage } : {}),
    ...(facts.secretFiles?.length ? { secretFiles: facts.secretFiles } : {}),
    ...(facts.buildInputs?.length ? { buildInputs: facts.buildInputs } : {}),
    ...(facts.database &&
    isFileDatabase(answers["database.engine"] ?? "") &&
    facts.database.engine === answers["database.engine"] &&
    !answers.sqliteFile
      ? {
          sqliteFile: {
            ...(facts.database.path ? { path: facts.database.path } : {}),
            ...(facts.database.services?.length ? { services: facts.database.services } : {}),
          },
        }
      : {}),
    ...(facts.database?.databases &&
    facts.database.engine === answers["database.engine"] &&
    !isFileDatabase(answers["database.engine"] ?? "") &&
    !answers.serverDatabases
      ? { serverDatabases: facts.database.databases }
      : {}),
    provenance,
  };
}
