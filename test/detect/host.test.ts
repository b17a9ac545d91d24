import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { detectRepo } from "../../src/detect/detect-repo.js";
import { listHostFiles, parseListeners, readHostFacts, unreadableHostDirs } from "../../src/detect/host.js";

const HOST = path.resolve(import.meta.dirname, "../fixtures/hosts/vm1");
const SS = [
  'LISTEN 0 511 0.0.0.0:80 0.0.0.0:* users:(("nginx",pid=812,fd=6),("nginx",pid=811,fd=6))',
  'LISTEN 0 511 0.0.0.0:443 0.0.0.0:* users:(("nginx",pid=812,fd=8))',
  'LISTEN 0 2048 127.0.0.1:8000 0.0.0.0:* users:(("uvicorn",pid=900,fd=3))',
  'LISTEN 0 151 127.0.0.1:3306 0.0.0.0:* users:(("mysqld",pid=700,fd=21))',
  'LISTEN 0 511 127.0.0.1:6379 0.0.0.0:* users:(("redis-server",pid=650,fd=6))',
  'LISTEN 0 128 0.0.0.0:22 0.0.0.0:* users:(("sshd",pid=500,fd=3))',
  'LISTEN 0 511 [::]:80 [::]:* users:(("nginx",pid=812,fd=7))',
].join("\n");

let empty: string;
afterAll(async () => {
  if (empty) await rm(empty, { recursive: true, force: true });
});

describe("parseListeners (ss -ltnpH)", () => {
  it("gives address and process; IPv6 any and loopback map to their IPv4 forms; repeats are dropped", () => {
    const text = `${SS}\nLISTEN 0 4096 [::1]:5432 [::]:*\nLISTEN 0 4096 127.0.0.53%lo:53 0.0.0.0:* users:(("systemd-resolve",pid=1,fd=1))\nnot a line`;
    expect(parseListeners(text)).toEqual([
      { listen: "0.0.0.0:80", process: "nginx" },
      { listen: "0.0.0.0:443", process: "nginx" },
      { listen: "127.0.0.1:8000", process: "uvicorn" },
      { listen: "127.0.0.1:3306", process: "mysqld" },
      { listen: "127.0.0.1:6379", process: "redis-server" },
      { listen: "0.0.0.0:22", process: "sshd" },
      { listen: "127.0.0.1:5432" },
      { listen: "127.0.0.53:53", process: "systemd-resolve" },
    ]);
  });
});

describe("the host fixture", () => {
  it("lists the admins' units as their own, linked distribution units once, and skips nothing it can read", async () => {
    const files = await listHostFiles(HOST);
    expect(files.find((f) => f.file === "etc/systemd/system/api.service")!.dropIns).toEqual([
      "etc/systemd/system/api.service.d/10-env.conf",
      "etc/systemd/system/api.service.d/override.conf",
    ]);
    const own = files.filter((f) => f.own).map((f) => f.file);
    expect(own).toEqual([
      "etc/crontab",
      "etc/cron.d/certbot",
      "etc/systemd/system/api.service",
      "etc/systemd/system/celery.service",
      "etc/systemd/system/report.service",
      "etc/systemd/system/report.timer",
      "var/spool/cron/crontabs/app",
    ]);
    const linked = files.filter((f) => !f.own).map((f) => f.file);
    // api.service is listed once (the admin's copy); sshd.service, an alias of ssh.service, is left out for it.
    expect(linked).toEqual([
      "etc/nginx/sites-enabled/app",
      "etc/systemd/system/multi-user.target.wants/cron.service",
      "etc/systemd/system/multi-user.target.wants/mysql.service",
      "etc/systemd/system/multi-user.target.wants/nginx.service",
      "etc/systemd/system/multi-user.target.wants/ssh.service",
      "etc/systemd/system/timers.target.wants/apt-daily.timer",
    ]);
  });

  it("reads name, OS, CPUs and memory", async () => {
    expect(await readHostFacts(HOST)).toEqual({
      hostname: "app-vm-01",
      os: "Ubuntu 22.04.4 LTS",
      cpus: 4,
      memoryGiB: 15.6,
    });
  });

  it("detectRepo with a host: the product's services, not the distribution's", async () => {
    empty = await mkdtemp(path.join(tmpdir(), "im-empty-repo-"));
    await mkdir(empty, { recursive: true });
    const facts = await detectRepo(empty, {
      readRemote: async () => undefined,
      host: { root: HOST, readListeners: async () => SS },
    });
    expect(
      facts.services.map(
        (s) =>
          `${s.name}:${s.role}:${s.software}${s.listen.length ? `@${s.listen.join(",")}` : ""}${s.schedule ? ` "${s.schedule}"` : ""}`,
      ),
    ).toEqual([
      "nginx:reverse-proxy:nginx@0.0.0.0:80,0.0.0.0:443",
      "api:web:uvicorn@127.0.0.1:8000",
      "celery:worker:celery",
      'report:cron:python "0 6 * * *"',
      'manage-tasks:cron:python "*/30 * * * *"',
      "redis:broker:redis@127.0.0.1:6379",
      "mysql:database:mysql@127.0.0.1:3306",
    ]);
    expect(facts.services.find((s) => s.name === "api")!.source).toBe("/etc/systemd/system/api.service");
    // Names from Environment=, the EnvironmentFile (read on the host) and a drop-in; never values.
    expect(facts.services.find((s) => s.name === "api")!.env).toEqual([
      "APP_ENV",
      "DATABASE_URL",
      "GEMINI_API_KEY",
      "LOG_LEVEL",
      "REDIS_URL",
      "SECRET_KEY",
    ]);
    // Of those, the ones only the unit's own Environment= lines (and the drop-in's) hold: the
    // secrets setup reads the unit for them, the rest from the file.
    expect(facts.services.find((s) => s.name === "api")!.unitEnv).toEqual(["APP_ENV", "DATABASE_URL", "LOG_LEVEL"]);
    expect(JSON.stringify(facts)).not.toMatch(/changeme|not-a-real-secret/);
    // api.service.d/override.conf resets ExecStart and sets its own (as `systemctl edit` writes it).
    expect(facts.services.find((s) => s.name === "api")!.command).toBe(
      "/srv/app/.venv/bin/uvicorn app.main:app --host 127.0.0.1 --port 8000 --workers 2",
    );
    expect(facts.host).toEqual({ hostname: "app-vm-01", os: "Ubuntu 22.04.4 LTS", cpus: 4, memoryGiB: 15.6 });
    expect(facts.deployMethod).toBe("ssh-systemctl");
    // api.service's WorkingDirectory=/srv/app holds the code: its requirements.txt says the frameworks.
    expect(facts.evidence).toContainEqual({ file: "/srv/app/requirements.txt", found: "6 Python package(s)" });
    expect(facts.frameworks).toEqual(["celery", "fastapi", "redis", "uvicorn"]);
    expect(facts.llm).toEqual({ provider: "gemini-api", source: "dependencies" });
    expect(facts.services.find((s) => s.name === "api")!.version).toBe("0.29.0");
    expect(facts.database).toMatchObject({ engine: "mysql" });
    const said = facts.evidence.map((e) => `${e.file} ${e.found}`).join("\n");
    for (const noise of ["sshd", "ssh.service", "cron.service", "apt", "certbot", "run-parts"])
      expect(said).not.toContain(noise);
    // The unit's Environment= line (with a password) is never read into facts.
    expect(JSON.stringify(facts)).not.toContain("s3cr3t");
  });

  it("does not read this machine's sockets for a root that is not /", async () => {
    const facts = await detectRepo(empty, { readRemote: async () => undefined, host: { root: HOST } });
    expect(facts.services.some((s) => s.source === "ss -ltnp")).toBe(false);
    // mysqld's unit names no port and no socket was read: MySQL's default port on loopback.
    expect(facts.services.find((s) => s.name === "mysql")!.listen).toEqual(["127.0.0.1:3306"]);
    // The app's packages expect Redis (celery + redis), but none runs on this VM: said, not invented.
    expect(facts.services.find((s) => s.software === "redis")).toBeUndefined();
    expect(facts.evidence).toContainEqual({
      file: "dependencies",
      found: "the app's packages use redis, but none runs on the VM: add it (--service) if it runs on another machine",
    });
  });
});

describe("a host folder this user cannot read", () => {
  it("is named, so init can say to run it with sudo (readdir fails with EACCES)", async () => {
    const denied = Object.assign(new Error("EACCES: permission denied"), { code: "EACCES" });
    const readDir = async (dir: string) => {
      if (dir.endsWith(path.join("var", "spool", "cron", "crontabs"))) throw denied;
      if (dir.endsWith(path.join("etc", "cron.d"))) throw Object.assign(new Error("ENOENT"), { code: "ENOENT" });
      return [];
    };
    expect(await unreadableHostDirs("/", readDir)).toEqual(["/var/spool/cron/crontabs"]);
  });
});

describe("a reading that cannot be complete", () => {
  it("says so in facts.warnings when ss cannot be run, instead of a silent empty socket list", async () => {
    empty ??= await mkdtemp(path.join(tmpdir(), "im-empty-repo-"));
    const facts = await detectRepo(empty, {
      readRemote: async () => undefined,
      host: { root: HOST, readListeners: async () => undefined },
    });
    expect(facts.warnings).toEqual([
      "ss could not be run on this machine: listening ports were not read (install iproute2)",
    ]);
    const withSs = await detectRepo(empty, {
      readRemote: async () => undefined,
      host: { root: HOST, readListeners: async () => SS },
    });
    expect(withSs.warnings).toBeUndefined();
  });
});
