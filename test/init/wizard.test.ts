import { DEPLOY_METHODS } from "../../src/inventory/schema.js";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildProgram } from "../../src/cli/main.js";
import type { Prompter } from "../../src/cli/wizard/prompter.js";
import { runWizard } from "../../src/cli/wizard/run-wizard.js";
import { editServices } from "../../src/cli/wizard/services-editor.js";
import { scripted } from "../helpers/scripted-prompter.js";
import { detectRepo } from "../../src/detect/detect-repo.js";
import { QUESTIONS } from "../../src/init/questions.js";

const FIXTURES = path.resolve(import.meta.dirname, "../fixtures/repos");
const PLAIN = { dim: (t: string) => t, bold: (t: string) => t };
const NO_FACTS = { dir: "/x", services: [], frameworks: [], evidence: [] };

describe("runWizard", () => {
  it("asks every open question, proposes detected values, and re-asks on invalid input", async () => {
    const facts = await detectRepo(path.join(FIXTURES, "fastapi-celery-mysql"), { readRemote: async () => undefined });
    const s = scripted([
      ["Project name", ""],
      ["Services on the VM", "keep"],
      ["Add another service", false],
      ["Database engine", ""],
      ["Database version", "8.0"],
      ["size", "20"],
      ["backups", "manual"],
      ["cost a month", "$120/month"],
      ["vCPUs", "4"],
      ["memory", "16"],
      ["deploy today", ""],
      ["minutes", "45"],
      ["per week", "1"],
      ["roll back", ""],
      ["Peak requests", "forty"],
      ["Peak requests", "40"],
      ["Growth", ""],
      ["Engineers", "2"],
      ["Kubernetes", false],
      ["GCP project id", "Bad_Project"],
      ["GCP project id", "acme-mvp-prod"],
      ["GCP region", ""],
      ["Cloud Run service", "web-app-prod"],
      ["GitHub repository", "acme/web-app"],
      ["Business hours", "08:00-20:00 America/Sao_Paulo"],
      ["LLM for", "summarise uploaded contracts"],
      ["LLM answer take", "5-15"],
      ["LLM provider", "vertex-ai"],
      ["plan by default", ""],
      ["Review your answers", ""],
    ]);
    const lines: string[] = [];
    const { answers, origins } = await runWizard({
      facts,
      given: { "team.engineers": 3 },
      acceptDetected: false,
      prompter: s.prompter,
      say: (l) => lines.push(l),
    });
    expect(s.left.map(([m]) => m)).toEqual(["Engineers"]); // answered by the flag, never asked
    expect(s.rejected).toHaveLength(2);
    expect(s.rejected[0]).toMatch(/^forty: .*not a number/);
    expect(s.rejected[1]).toBe(
      'Bad_Project: "Bad_Project": a project id must start with a lowercase letter, e.g. acme-shop-prod',
    );
    expect(s.asked[0]).toMatch(/^1 of \d+ Project name \[detected\]/);
    expect(answers).toMatchObject({
      name: "fastapi-celery-mysql",
      "database.engine": "mysql",
      "database.version": "8.0",
      "database.sizeGiB": 20,
      "database.backups": "manual",
      "host.monthlyCostUsd": 120,
      "host.cpus": 4,
      "deploy.method": "ssh-systemctl",
      "traffic.peakRps": 40,
      "team.engineers": 3,
      "target.project": "acme-mvp-prod",
      "target.region": "us-central1",
      "llm.latencySeconds": [5, 15],
      provider: "auto",
    });
    expect(answers.services?.map((x) => x.name)).toEqual(["nginx", "api", "celery-worker", "redis", "mysql"]);
    expect(origins["team.engineers"]).toBe("flag");
    expect(lines.some((l) => l.includes("api (web, uvicorn 0.23.2 on 127.0.0.1:8000)"))).toBe(true);
    // Kept as detected: the origin stays "detected" (so the inventory cites the files); typed: answered.
    expect(origins).toMatchObject({
      services: "detected",
      "database.engine": "detected",
      "database.backups": "answered",
    });
  });

  it('takes a deploy method in the team\'s own words through "something else"', async () => {
    const facts = await detectRepo(path.join(FIXTURES, "fastapi-celery-mysql"), { readRemote: async () => undefined });
    const typed: Record<string, string> = {
      "deploy today": "rsync, then a restart script",
      "GCP project id": "acme-mvp-prod",
      "GitHub repository": "acme/web-app",
      "Add another": "",
    };
    const offered: string[] = [];
    const prompter: Prompter = {
      async input({ message, default: def }) {
        return Object.entries(typed).find(([k]) => message.includes(k))?.[1] ?? def ?? "";
      },
      async select({ message, choices, default: def }) {
        if (!message.includes("deploy today")) return def ?? choices[0]!.value;
        offered.push(...choices.map((c) => c.name));
        return choices.at(-1)!.value;
      },
      async confirm() {
        return false;
      },
    };
    const { answers, origins } = await runWizard({ facts, given: {}, acceptDetected: false, prompter, say: () => {} });
    expect(offered).toEqual([...DEPLOY_METHODS, "something else (type it)"]);
    expect(answers["deploy.method"]).toBe("rsync, then a restart script");
    expect(origins["deploy.method"]).toBe("answered");
  });

  it('"Keep these" in the services editor asks a kept cron job for its missing command', async () => {
    const proposed = [
      { name: "web", role: "web" as const, software: "gunicorn", listen: ["127.0.0.1:8000"], dependsOn: [] },
      { name: "report", role: "cron" as const, software: "python", listen: [], dependsOn: [], schedule: "@daily" },
    ];
    const s = scripted([
      ["Services on the VM", "keep"],
      ["Command report runs", "python manage.py report"],
      ["Add another service", false],
    ]);
    const lines: string[] = [];
    const ctx = { prompter: s.prompter, say: (l: string) => lines.push(l), style: PLAIN, facts: NO_FACTS };
    const services = await editServices(ctx, { message: "Services on the VM", proposed });
    expect(s.left).toEqual([]);
    expect(lines).toContain("report is a cron job without a command:");
    expect(services[1]).toEqual({ ...proposed[1], command: "python manage.py report" });
    expect(services[0]).toBe(proposed[0]);
  });

  it("with --yes, detected services are kept but a cron job's missing schedule is still asked", async () => {
    const facts = await detectRepo(path.join(FIXTURES, "django-timers"), { readRemote: async () => undefined });
    const s = scripted([
      ["Cron schedule of backup", ""],
      ["Cron schedule of backup", "0 2 * * *"],
      ["GCP project id", "shop-prod-1"],
      ["GitHub repository", "acme/shop"],
    ]);
    const lines: string[] = [];
    const { answers } = await runWizard({
      facts,
      given: {},
      acceptDetected: true,
      prompter: s.prompter,
      say: (l) => lines.push(l),
    });
    expect(s.left).toEqual([]);
    expect(s.rejected).toEqual([': a cron job needs a schedule, e.g. "0 3 * * *" (every day at 03:00)']);
    expect(lines).toContain("backup is a cron job without a schedule:");
    const fromTimers = new Set(["backup", "cleanup", "nightly-report"]);
    const crons = answers.services!.filter((x) => fromTimers.has(x.name)).map((x) => [x.name, x.schedule, x.command]);
    expect(crons).toEqual([
      ["backup", "0 2 * * *", "/usr/local/bin/backup-db.sh"],
      ["cleanup", "*/15 * * * *", "/srv/app/.venv/bin/python manage.py clearsessions"],
      ["nightly-report", "30 6 * * 1-5", "/srv/app/.venv/bin/python manage.py send_sales_report"],
    ]);
  });

  it("with --yes asks only what nothing answers; an empty repo gets its services typed in", async () => {
    const facts = { dir: "/x", name: "shop", services: [], frameworks: [], evidence: [] };
    const s = scripted([
      ["Service name", "web"],
      ["Role of web", "web"],
      ["Software", "gunicorn"],
      ["Port", "99999"],
      ["Port", "8000"],
      ["Runtime of web", "python"],
      ["Framework of web", "django"],
      ["What web speaks", "http"],
      ["Must web run all the time", ""],
      ["Add another service", true],
      ["Service name", "web"],
      ["Service name", "nightly"],
      ["Role of nightly", "cron"],
      ["Software", "bash"],
      ["Port", ""],
      ["Runtime of nightly", ""],
      ["Framework of nightly", ""],
      ["What nightly speaks", ""],
      ["Must nightly run all the time", ""],
      ["Cron schedule", ""],
      ["Cron schedule", "0 3 * * *"],
      ["Command nightly runs", "  "],
      ["Command nightly runs", "/srv/app/bin/nightly.sh --all"],
      ["Add another service", false],
      ["GCP project id", "shop-prod-1"],
      ["GitHub repository", "acme/shop"],
    ]);
    const { answers } = await runWizard({
      facts,
      given: {},
      acceptDetected: true,
      prompter: s.prompter,
      say: () => {},
    });
    expect(s.left).toEqual([]);
    expect(s.rejected.map((r) => r.split(":")[0])).toEqual(["99999", "web", "", "  "]);
    expect(answers.services).toEqual([
      {
        name: "web",
        role: "web",
        software: "gunicorn",
        listen: ["127.0.0.1:8000"],
        dependsOn: [],
        runtime: "python",
        framework: "django",
        protocols: ["http"],
      },
      {
        name: "nightly",
        role: "cron",
        software: "bash",
        listen: [],
        dependsOn: [],
        schedule: "0 3 * * *",
        command: "/srv/app/bin/nightly.sh --all",
      },
    ]);
    expect(answers).toMatchObject({ name: "shop", "target.service": "shop", "database.engine": "none" });
  });
});

describe("init command flags", () => {
  const init = buildProgram().commands.find((c) => c.name() === "init")!;
  const longs = new Set(init.options.map((o) => o.long));

  it.each([...new Set(QUESTIONS.map((q) => q.flag))])("%s is an option of `init`", (flag) => {
    expect(longs.has(flag)).toBe(true);
  });
  it.each(["--from", "--out", "--yes", "--force", "--ci", "--dry-run", "--no-kubernetes"])(
    "%s is an option of `init`",
    (flag) => {
      expect(longs.has(flag)).toBe(true);
    },
  );
  it("offers the same choices as the question table", () => {
    for (const q of QUESTIONS.filter((x) => x.kind === "select" && x.key !== "database.engine")) {
      const option = init.options.find((o) => o.long === q.flag)!;
      // Free-text questions (deploy.method) take any words: their choices are only suggestions.
      if (q.freeText) {
        expect(option.argChoices, q.flag).toBeUndefined();
        for (const choice of q.choices!) expect(option.description, q.flag).toContain(choice);
      } else expect(option.argChoices, q.flag).toEqual([...q.choices!]);
    }
  });
});
