// Defaults read from what detection found: a scheduled dump job proposes the database's backups
// (daily only when it runs every day), an LLM SDK proposes an LLM use case, each with its source.
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { detectRepo } from "../../src/detect/detect-repo.js";
import type { DetectedFacts, DetectedService } from "../../src/detect/types.js";
import { backupsFromSchedule, llmUseCaseFrom, runsDaily } from "../../src/init/detected-defaults.js";
import { proposalFor } from "../../src/init/resolve.js";
import { questionFor } from "../../src/init/questions.js";

const job = (name: string, command: string, schedule: string): DetectedService => ({
  name,
  role: "cron",
  software: "sh",
  command,
  schedule,
  listen: [],
  dependsOn: [],
  source: "deploy/crontab",
  line: 3,
});
const facts = (...services: DetectedService[]): DetectedFacts => ({
  dir: "/x",
  services,
  frameworks: [],
  evidence: [],
});

describe("backups from a scheduled dump", () => {
  it.each([
    ["mysqldump shop | gzip > /backups/shop.gz", "30 2 * * *", "daily"],
    ["pg_dump -Fc shop > /backups/shop.dump", "@daily", "daily"],
    ["/usr/bin/mongodump --out /backups", "0 */6 * * *", "daily"],
    ["mariadb-dump --all-databases > /b.sql", "0 3 * * 0", "manual"],
    ["pg_dump shop > /b.sql", "0 3 * * 1-5", "manual"],
    ["/usr/local/bin/backup-db.sh", "0 2 * * *", "daily"],
  ])("%s at %s → %s", (command, schedule, value) => {
    expect(backupsFromSchedule(facts(job("dump", command, schedule)))?.value).toBe(value);
  });

  it.each([
    ["python manage.py clearsessions", "0 2 * * *"],
    ["/usr/local/bin/backup-photos.sh", "0 2 * * *"],
  ])("%s is not a database backup", (command, schedule) => {
    expect(backupsFromSchedule(facts(job("job", command, schedule)))).toBeUndefined();
  });

  it("names the file, the line and the job", () => {
    expect(backupsFromSchedule(facts(job("dump", "mysqldump shop", "30 2 * * *")))).toEqual({
      value: "daily",
      file: "deploy/crontab",
      line: 3,
      note: 'a mysqldump job runs "30 2 * * *"',
    });
  });

  it("runsDaily: every day of two weeks has a run", () => {
    expect([runsDaily("0 0 * * *"), runsDaily("0 0 */2 * *"), runsDaily("@weekly"), runsDaily("*/5 * * * *")]).toEqual([
      true,
      false,
      false,
      true,
    ]);
  });
});

describe("detected defaults reach the questions", () => {
  const dirs: string[] = [];
  afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it("a repository crontab with mysqldump makes the backups question default to daily, citing the line", async () => {
    const repo = await mkdtemp(path.join(tmpdir(), "im-backups-"));
    dirs.push(repo);
    await cp(path.resolve(import.meta.dirname, "../fixtures/repos/fastapi-celery-mysql"), repo, { recursive: true });
    await writeFile(
      path.join(repo, "deploy/crontab"),
      "# nightly\n30 2 * * * mysqldump shop | gzip > /var/backups/shop.gz\n",
    );
    const found = await detectRepo(repo, { readRemote: async () => undefined });
    const proposal = proposalFor(questionFor("database.backups"), found, { "database.engine": "mysql" });
    expect(proposal).toEqual({
      value: "daily",
      origin: "detected",
      source: 'deploy/crontab:2, a mysqldump job runs "30 2 * * *"',
    });
    // google-genai in requirements.txt: the LLM question is offered with a use case to edit.
    expect(llmUseCaseFrom(found)?.value).toBe("AI features that call the Gemini API");
    expect(proposalFor(questionFor("llm.useCase"), found, {})?.origin).toBe("detected");
  });
});
