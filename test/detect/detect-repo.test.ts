import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { detectRepo } from "../../src/detect/detect-repo.js";

const FIXTURES = path.resolve(import.meta.dirname, "../fixtures/repos");
const noGit = async () => undefined;

/** name:role:software[@listen] per service, in the order detection returns them. */
const brief = (services: { name: string; role: string; software: string; listen: string[] }[]) =>
  services.map((s) => `${s.name}:${s.role}:${s.software}${s.listen.length ? `@${s.listen.join(",")}` : ""}`);

describe("detectRepo on fixture repositories", () => {
  const cases = [
    {
      repo: "fastapi-celery-mysql",
      name: "fastapi-celery-mysql",
      services: [
        "nginx:reverse-proxy:nginx@0.0.0.0:80,0.0.0.0:443",
        "api:web:uvicorn@127.0.0.1:8000",
        "celery-worker:worker:celery",
        "redis:broker:redis@127.0.0.1:6379",
        "mysql:database:mysql@127.0.0.1:3306",
      ],
      database: "mysql",
      llm: "gemini-api",
      deploy: "ssh-systemctl",
      frameworks: ["celery", "fastapi", "redis", "uvicorn"],
      depends: { nginx: ["api"], api: ["redis", "mysql"] },
    },
    {
      repo: "django-postgres-compose",
      name: "django-postgres-compose",
      services: [
        "web:web:gunicorn@0.0.0.0:8000",
        "worker:worker:celery",
        "beat:scheduler:celery",
        "redis:broker:redis",
        "db:database:postgres",
      ],
      database: "postgres",
      llm: undefined,
      deploy: "containers",
      frameworks: ["celery", "django", "gunicorn", "redis"],
      depends: { web: ["db", "redis"], beat: ["redis"] },
    },
    {
      repo: "flask-procfile",
      name: "flask_shop",
      services: ["web:web:gunicorn", "postgres:database:postgres@127.0.0.1:5432"],
      database: "postgres",
      llm: "openai",
      deploy: undefined,
      frameworks: ["flask", "gunicorn"],
      depends: { web: ["postgres"] },
    },
    {
      repo: "django-timers",
      name: "django-timers",
      services: [
        "web:web:gunicorn@127.0.0.1:8000",
        "backup:cron:bash",
        "cleanup:cron:django",
        "nightly-report:cron:django",
        "rebuild-index:cron:django",
        "sync-stock:cron:python",
        "rotate-exports:cron:bash",
        "date:cron:date",
        "postgres:database:postgres@127.0.0.1:5432",
      ],
      database: "postgres",
      llm: undefined,
      deploy: "ssh-systemctl",
      frameworks: ["django", "gunicorn"],
      depends: { web: ["postgres"], backup: ["postgres"], "nightly-report": ["postgres"], "sync-stock": ["postgres"] },
    },
    {
      repo: "node-express",
      name: "node-shop",
      services: ["web:web:node", "redis:cache:redis@127.0.0.1:6379", "postgres:database:postgres@127.0.0.1:5432"],
      database: "postgres",
      llm: undefined,
      deploy: undefined,
      frameworks: ["express", "redis"],
      depends: { web: ["redis", "postgres"] },
    },
  ];

  it.each(cases)("$repo", async (c) => {
    const facts = await detectRepo(path.join(FIXTURES, c.repo), { readRemote: noGit });
    expect(facts.name).toBe(c.name);
    expect(brief(facts.services)).toEqual(c.services);
    expect(facts.database?.engine).toBe(c.database);
    expect(facts.llm?.provider).toBe(c.llm);
    expect(facts.deployMethod).toBe(c.deploy);
    expect(facts.frameworks).toEqual(c.frameworks);
    for (const [name, deps] of Object.entries(c.depends)) {
      expect(
        facts.services
          .find((s) => s.name === name)
          ?.dependsOn.slice()
          .sort(),
      ).toEqual(deps.slice().sort());
    }
    expect(facts.github).toBeUndefined();
  });

  it("a crontab in the repo gives one cron job a line, and says which lines it skipped", async () => {
    const facts = await detectRepo(path.join(FIXTURES, "django-timers"), { readRemote: noGit });
    expect(facts.services.find((s) => s.name === "rebuild-index")).toMatchObject({
      role: "cron",
      schedule: "15 1 * * *",
      source: "deploy/crontab",
    });
    expect(facts.evidence).toContainEqual({
      file: "deploy/crontab",
      found: "skipped line 9: @reboot runs at boot, not on a schedule",
    });
  });

  it("a unit started by a systemd timer is a cron job with the timer's schedule, or a reason to ask", async () => {
    const facts = await detectRepo(path.join(FIXTURES, "django-timers"), { readRemote: noGit });
    const byName = new Map(facts.services.map((s) => [s.name, s]));
    expect(byName.get("nightly-report")).toMatchObject({
      role: "cron",
      schedule: "30 6 * * 1-5",
      command: "/srv/app/.venv/bin/python manage.py send_sales_report",
      systemdUnit: "nightly-report.service",
    });
    expect(byName.get("cleanup")).toMatchObject({ role: "cron", schedule: "*/15 * * * *" });
    expect(byName.get("backup")!.schedule).toBeUndefined();
    expect(facts.evidence).toContainEqual({
      file: "deploy/systemd/backup.timer",
      found: expect.stringMatching(
        /^cron backup: OnCalendar=\*-\*-\* 02:00:30 has no exact cron form .*second 30.*give the schedule$/,
      ),
    });
    expect(facts.evidence).toContainEqual({
      file: "deploy/systemd/nightly-report.timer",
      found: 'cron nightly-report: OnCalendar=Mon..Fri *-*-* 06:30:00 → "30 6 * * 1-5"',
    });
  });

  it("keeps versions from pins and images, and the unit file of a systemd service", async () => {
    const fastapi = await detectRepo(path.join(FIXTURES, "fastapi-celery-mysql"), { readRemote: noGit });
    const api = fastapi.services.find((s) => s.name === "api")!;
    expect(api).toMatchObject({ version: "0.23.2", systemdUnit: "api.service", source: "deploy/systemd/api.service" });
    expect(api.command).toContain("--port 8000");
    // redis==5.0.1 is the client library, not the server.
    expect(fastapi.services.find((s) => s.name === "redis")!.version).toBeUndefined();
    const django = await detectRepo(path.join(FIXTURES, "django-postgres-compose"), { readRemote: noGit });
    expect(django.database).toEqual({ engine: "postgres", version: "15.4", source: "docker-compose.yml" });
    const flask = await detectRepo(path.join(FIXTURES, "flask-procfile"), { readRemote: noGit });
    expect(flask.releaseCommand).toBe("flask --app shop.app db upgrade");
    expect(flask.services.map((s) => s.name)).not.toContain("release");
  });

  it("finds nothing in an empty directory and names the project after it", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "im-empty-"));
    try {
      const facts = await detectRepo(dir, { readRemote: noGit });
      expect(facts).toMatchObject({ services: [], frameworks: [], evidence: [], name: path.basename(dir) });
      expect(facts.database).toBeUndefined();
      expect(facts.deployMethod).toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("takes owner/repo from the origin remote", async () => {
    const facts = await detectRepo(path.join(FIXTURES, "node-express"), {
      readRemote: async () => "git@github.com:acme/node-shop.git",
    });
    expect(facts.github).toBe("acme/node-shop");
    expect(facts.evidence).toContainEqual({ file: "git remote origin", found: "acme/node-shop" });
  });
});
