// Defaults read from what detection found, beyond the one-to-one facts: the database's backups
// from a dump job on a schedule, and an LLM use case from the SDK in the app's packages. Each is a
// proposal with its source, for a person to confirm; none is a certainty.
import { Cron } from "croner";
import type { DetectedFacts, DetectedService, LlmProviderGuess } from "../detect/types.js";
import type { Backups } from "./answers.js";
import { fact, type Detected } from "./question-spec.js";

/** Tools that copy a database out: a scheduled one is a backup. */
const DUMP_TOOL =
  /(^|[\s/;&|])(mysqldump|mariadb-dump|mydumper|pg_dump|pg_dumpall|pg_basebackup|pgbackrest|barman|wal-g|mongodump|xtrabackup|mariabackup|redis-cli\s+--rdb)\b/;
/** A job named for a database backup whose script we cannot read: `backup-db.sh`, `db_backup`. */
const BACKUP_NAME =
  /backup.*(db|database|sql|mysql|maria|postgres|pg|mongo)|(db|database|sql|mysql|maria|postgres|pg|mongo).*backup/;

function dumpTool(service: DetectedService): string | undefined {
  const command = service.command ?? "";
  const tool = DUMP_TOOL.exec(command)?.[2];
  if (tool) return tool.split(/\s+/)[0];
  return BACKUP_NAME.test(`${service.name} ${command}`.toLowerCase()) ? "backup" : undefined;
}

/** True when the schedule fires at least once every day (so "daily" is honest). */
export function runsDaily(schedule: string): boolean {
  if (/^@(daily|midnight|hourly)$/.test(schedule.trim())) return true;
  if (schedule.trim().startsWith("@")) return false;
  try {
    const cron = new Cron(schedule, { paused: true });
    const start = new Date(Date.UTC(2026, 0, 5));
    // Every one of the next 14 days has a run: weekdays-only or weekly jobs do not.
    let at = cron.nextRun(new Date(start.getTime() - 1));
    for (let day = 0; day < 14; day++) {
      const dayStart = new Date(start.getTime() + day * 86_400_000);
      const dayEnd = new Date(dayStart.getTime() + 86_400_000);
      while (at && at < dayStart) at = cron.nextRun(at);
      if (!at || at >= dayEnd) return false;
    }
    return true;
  } catch {
    return false;
  }
}

/** A scheduled database dump: daily when it runs every day, else "manual" (periodic, but gaps of days). */
export function backupsFromSchedule(facts: DetectedFacts): Detected | undefined {
  for (const service of facts.services) {
    if (!service.schedule) continue;
    const tool = dumpTool(service);
    if (!tool) continue;
    const daily = runsDaily(service.schedule);
    const value: Backups = daily ? "daily" : "manual";
    const what = tool === "backup" ? `the ${service.name} job` : `a ${tool} job`;
    return fact(
      value,
      service.source,
      service.line,
      `${what} runs "${service.schedule}"${daily ? "" : " (not every day)"}`,
    );
  }
  return undefined;
}

const LLM_LABELS: Record<LlmProviderGuess, string> = {
  "vertex-ai": "Vertex AI",
  "gemini-api": "the Gemini API",
  openai: "the OpenAI API",
  anthropic: "the Anthropic API",
};

/** The app ships an LLM SDK: it has an LLM feature, whose purpose only a person can describe. */
export function llmUseCaseFrom(facts: DetectedFacts): Detected | undefined {
  if (!facts.llm) return undefined;
  return fact(
    `AI features that call ${LLM_LABELS[facts.llm.provider]}`,
    facts.llm.source,
    undefined,
    `the app's packages use an SDK for ${LLM_LABELS[facts.llm.provider]}`,
  );
}
