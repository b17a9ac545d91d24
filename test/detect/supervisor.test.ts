// Supervisor's programs as services: the parser on documented configs (Laravel's queue worker,
// Mayan EDMS's generated supervisord file), a VM that runs its app under supervisor read from disk
// and over ssh (same inventory facts, no environment value leaves the VM).
import { execa } from "execa";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { detectRepo } from "../../src/detect/detect-repo.js";
import { remoteScript } from "../../src/detect/ssh-host.js";
import { parseSupervisorConfig, supervisorEnvironment } from "../../src/detect/supervisor.js";
import { FAKE_BIN, readFromDisk, withSshRead } from "../helpers/host-reads.js";

const VM = path.resolve(import.meta.dirname, "../fixtures/hosts/vm-supervisor");
// The app is installed from PyPI into a virtualenv: no repository beside the VM.
const REPO = await mkdtemp(path.join(tmpdir(), "im-supervisor-repo-"));
afterAll(() => rm(REPO, { recursive: true, force: true }));

// https://laravel.com/docs/queues#supervisor-configuration
const LARAVEL = `[program:laravel-worker]
process_name=%(program_name)s_%(process_num)02d
command=php /home/forge/app.com/artisan queue:work sqs --sleep=3 --tries=3 --max-time=3600
autostart=true
autorestart=true
stopasgroup=true
killasgroup=true
user=forge
numprocs=8
redirect_stderr=true
stdout_logfile=/home/forge/app.com/worker.log
stopwaitsecs=3600
`;

describe("parseSupervisorConfig", () => {
  it("reads Laravel's documented queue worker as an always-on PHP worker", () => {
    const [worker, ...rest] = parseSupervisorConfig(LARAVEL, "/etc/supervisor/conf.d/laravel-worker.conf");
    expect(rest).toEqual([]);
    expect(worker).toMatchObject({
      name: "laravel-worker",
      role: "worker",
      command: "php /home/forge/app.com/artisan queue:work sqs --sleep=3 --tries=3 --max-time=3600",
      source: "/etc/supervisor/conf.d/laravel-worker.conf",
      line: 3,
    });
  });

  it("expands %(…)s, joins continuation lines, drops inline comments, and reads directory and environment", () => {
    const text = [
      "; a comment",
      "[supervisord]",
      'environment=DJANGO_SETTINGS_MODULE="shop.settings",',
      "    SHARED=1",
      "",
      "[program:web]",
      "command=/srv/shop/.venv/bin/gunicorn shop.wsgi",
      "    --bind 127.0.0.1:80%(process_num)02d   ; the port grows with process_num",
      "directory=/srv/shop",
      "numprocs_start=1",
      "environment=SECRET_KEY=\"abc,def\",PORT='8001', SHARED=2",
      "",
      "[fcgi-program:legacy]",
      "command=/usr/bin/php-cgi -b %(here)s/php.sock",
      "socket=unix:///var/run/php.sock",
      "",
      "[group:all]",
      "programs=web,legacy",
      "[program:no-command]",
      "autostart=false",
    ].join("\n");
    const [web, legacy, ...rest] = parseSupervisorConfig(text, "/etc/supervisor/conf.d/shop.conf");
    expect(rest).toEqual([]);
    expect(web).toMatchObject({
      name: "web",
      role: "web",
      software: "gunicorn",
      command: "/srv/shop/.venv/bin/gunicorn shop.wsgi --bind 127.0.0.1:8001",
      listen: ["127.0.0.1:8001"],
      workingDirectory: "/srv/shop",
      env: ["DJANGO_SETTINGS_MODULE", "PORT", "SECRET_KEY", "SHARED"],
      // scripts/setup-secrets.sh --from-vm reads the values from this file's environment= lines.
      envFile: "/etc/supervisor/conf.d/shop.conf",
      line: 7,
    });
    // One with no environment= of its own or inherited names no file; a repository's copy no VM file.
    expect(
      parseSupervisorConfig("[program:x]\ncommand=/usr/bin/true\n", "/etc/supervisor/conf.d/x.conf")[0]!.envFile,
    ).toBeUndefined();
    expect(parseSupervisorConfig(text, "deploy/supervisor.conf")[0]!.envFile).toBeUndefined();
    // Values stay off the finding's enumerable fields (never written out), the program's own win.
    expect(JSON.stringify(web)).not.toContain("abc,def");
    expect(web!.envValues).toMatchObject({ SECRET_KEY: "abc,def", PORT: "8001", SHARED: "2" });
    expect(legacy).toMatchObject({ name: "legacy", command: "/usr/bin/php-cgi -b /etc/supervisor/conf.d/php.sock" });
  });

  it("splits environment= on commas outside quotes", () => {
    expect(supervisorEnvironment(`A="1,2",B='x y' , C=plain,D=`)).toEqual({ A: "1,2", B: "x y", C: "plain", D: "" });
  });
});

describe("a VM that runs its app under supervisor (Mayan EDMS's direct deployment)", () => {
  const names = (services: { name: string; role: string }[]) => services.map((s) => `${s.name} ${s.role}`);
  const expected = [
    "mayan-edms-gunicorn web",
    "mayan-edms-fast worker",
    "mayan-edms-medium worker",
    "mayan-edms-slow worker",
    "mayan-edms-celery-beat scheduler",
    "redis-server broker",
    "postgresql database",
  ];

  it("from its disk: every program once (three celery workers on different queues are three), the stores, media", async () => {
    const facts = await detectRepo(REPO, {
      host: { root: VM, readListeners: async () => "" },
      readRemote: async () => undefined,
    });
    expect(names(facts.services)).toEqual(expected);
    expect(facts.services[0]).toMatchObject({ software: "gunicorn", listen: ["0.0.0.0:8000"], runtime: "python" });
    expect(facts.services[4]).toMatchObject({ software: "celery", framework: "celery" });
    expect(facts.services.find((s) => s.name === "redis-server")?.usedFor).toEqual(["broker", "results"]);
    expect(facts.database?.engine).toBe("postgres");
    expect(facts.storage?.map((s) => s.path)).toEqual(["/opt/mayan-edms/media"]);
    expect(facts.deployMethod).toBe("ssh-supervisorctl");
    // supervisord's environment reaches the programs as names, never as values.
    expect(facts.services[0]!.env).toContain("MAYAN_DATABASES");
    expect(JSON.stringify(facts)).not.toMatch(/fake-supervisor-pass/);
  });

  // Each value in a program file of its own, all in one tree: one run of the script for the table,
  // each case checked against its own file's lines.
  const environments: [string, string][] = [
    // One line, no space after the commas (wallabag's worker): every name whole.
    [
      'A="1",BB="two, words",C_URL=redis://127.0.0.1:6379',
      '|environment=A="1",BB="<redacted:vm>",C_URL="redis://127.0.0.1:6379"',
    ],
    ["A=1, B=x", '|environment=A="1",B="x"'],
    ['A="1",', '|environment=A="1"'],
    ["SECRET='a,b',PORT=8001", '|environment=SECRET="<redacted:vm>",PORT="8001"'],
  ];
  let environmentsRun: Promise<string[][]> | undefined;
  const environmentsSent = () =>
    (environmentsRun ??= (async () => {
      const root = await mkdtemp(path.join(tmpdir(), "im-supervisor-vm-"));
      try {
        await mkdir(path.join(root, "etc/supervisor/conf.d"), { recursive: true });
        await Promise.all(
          environments.map(([value], i) =>
            writeFile(
              path.join(root, `etc/supervisor/conf.d/app${i}.conf`),
              `[program:app${i}]\ncommand=/bin/app\nenvironment=${value}\n`,
            ),
          ),
        );
        const script = await execa("sh", ["-s"], {
          input: remoteScript(),
          env: { IM_ROOT: root, PATH: `${FAKE_BIN}:${process.env.PATH}` },
          extendEnv: false,
        });
        // Each file's lines: from its file= record to the next record that is not one of its lines.
        const lines = script.stdout.split("\n");
        return environments.map((_, i) => {
          const from = lines.indexOf(`file=etc/supervisor/conf.d/app${i}.conf`) + 1;
          const to = lines.findIndex((line, at) => at >= from && !line.startsWith("|"));
          return from > 0 ? lines.slice(from, to < 0 ? undefined : to) : [];
        });
      } finally {
        await rm(root, { recursive: true, force: true });
      }
    })());
  it.each(environments.map(([value, sent], i) => [value, sent, i] as const))(
    "over ssh: environment=%s is sent as %s",
    async (_value, sent, i) => {
      expect((await environmentsSent())[i]).toContain(sent);
    },
  );

  it("over ssh: the script sends environment= as names and plain values, and the reading matches the disk's", async () => {
    // One read: what the VM side printed (the fake ssh's copy of it) and what the laptop made of it.
    const captured = await mkdtemp(path.join(tmpdir(), "im-supervisor-sent-"));
    try {
      const sent = path.join(captured, "sent");
      const overSsh = await withSshRead(VM, (collected) => readFromDisk(collected.root, REPO), {
        FAKE_SSH_CAPTURE: sent,
      });
      const script = await readFile(sent, "utf8");
      expect(script).toContain("file=etc/supervisor/conf.d/mayan.conf");
      expect(script).not.toMatch(/fake-supervisor-pass|'NAME':'mayan'/);
      expect(script).toContain(
        '|environment=PYTHONPATH="/opt/mayan-edms/media/mayan_settings",DJANGO_SETTINGS_MODULE="mayan.settings.production",MAYAN_ALLOWED_HOSTS="<redacted:vm>",MAYAN_MEDIA_ROOT="/opt/mayan-edms/media",MAYAN_DATABASES="<redacted:vm>",MAYAN_CELERY_BROKER_URL="redis://127.0.0.1:6379/<redacted:vm>",MAYAN_CELERY_RESULT_BACKEND="redis://127.0.0.1:6379/<redacted:vm>"',
      );
      expect(names(overSsh.services)).toEqual(expected);
      expect(overSsh.services.find((s) => s.name === "redis-server")?.usedFor).toEqual(["broker", "results"]);
      expect(overSsh.deployMethod).toBe("ssh-supervisorctl");
    } finally {
      await rm(captured, { recursive: true, force: true });
    }
  });
});
