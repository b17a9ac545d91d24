// `infra-migrate init --from-host ssh://…` through the BUILT bin (run `npx tsc -p .` first). A fake
// `ssh` (test/helpers/fake-bin) runs the read script here against a fixture tree, a fake `ss`
// answers for the VM's sockets; FAKE_SSH_CAPTURE keeps the bytes that would cross the network.
import { cp, mkdtemp, readdir, readFile, rm, symlink, truncate, access } from "node:fs/promises";
import { constants, tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterEach, describe, expect, it } from "vitest";
import { loadInventory } from "../../src/inventory/load.js";
import { runInProcess } from "../helpers/cli-in-process.js";
import { cleanEnv } from "../helpers/cli.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const BIN = path.join(ROOT, "bin/infra-migrate.js");
const FAKE_BIN = path.join(ROOT, "test/helpers/fake-bin");
const VM1 = path.join(ROOT, "test/fixtures/hosts/vm1");
const VM_MARIADB = path.join(ROOT, "test/fixtures/hosts/vm-mariadb");
const ENV = { CI: "true", FORCE_COLOR: "0", NO_COLOR: "1", GEMINI_API_KEY: "", GOOGLE_API_KEY: "" };
const ANSWERS = ["--project", "acme-mvp-prod", "--github", "acme/web-app"];
/** Every value planted in the fixtures' units, drop-ins, env files and crontabs. */
const PLANTED =
  /ZmFrZS1uZ2lueC12YWx1ZS0xNA|fake-[a-z]+-value-\d+|Fake-Db-Pass-1|fakepublic3|s3cr3t-pass|changeme|not-a-real-secret/;

const temps: string[] = [];
afterEach(async () => {
  await Promise.all(temps.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function temp(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}
const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

/** init over the fake ssh; `env` adds FAKE_SSH_* settings; TMPDIR is a fresh folder to inspect. */
function viaSsh(args: string[], cwd: string, env: Record<string, string>) {
  return execa("node", [BIN, "init", "--yes", "--from", cwd, ...args], {
    cwd,
    env: { ...ENV, PATH: `${FAKE_BIN}:${process.env.PATH}`, FAKE_SSH_ROOT: VM1, ...env },
    reject: false,
    stdin: "ignore",
  });
}

/** The same init in this process (test/helpers/cli-in-process.ts), for arguments refused before any ssh. */
const inProcess = (args: string[], cwd: string) =>
  runInProcess(["init", "--yes", "--from", cwd, ...args], {
    cwd,
    env: cleanEnv({ PATH: `${FAKE_BIN}:${process.env.PATH}`, FAKE_SSH_ROOT: VM1 }),
  });

describe("init --from-host ssh://", () => {
  it("reads the VM over ssh into the inventory, sends no secret, and leaves no copy behind", async () => {
    const out = await temp("im-out-");
    const tmp = await temp("im-tmp-");
    const capture = path.join(out, "wire.txt");
    const r = await viaSsh(["--from-host", "ssh://deploy@app-vm-01", "--name", "acme-mvp", ...ANSWERS, "--json"], out, {
      TMPDIR: tmp,
      FAKE_SSH_CAPTURE: capture,
    });
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
    const { inventory } = await loadInventory(path.join(out, "infra-migrate.inventory.yaml"));
    // /etc/os-release is a relative link on the VM: followed there, so host.os is known.
    expect(inventory.host).toMatchObject({ hostname: "app-vm-01", os: "Ubuntu 22.04.4 LTS", cpus: 4, memoryGiB: 15.6 });
    expect(inventory.services.map((s) => `${s.name}:${s.role}`)).toEqual([
      "nginx:reverse-proxy",
      "api:web",
      "celery:worker",
      "report:cron",
      "manage-tasks:cron",
      "redis:broker",
      "mysql:database",
    ]);
    // ss on the VM says where Redis really listens; the env file's names came back, not its values.
    expect(inventory.services.find((s) => s.name === "redis")!.listen).toEqual(["127.0.0.1:6380"]);
    expect(inventory.services.find((s) => s.name === "api")!.env).toEqual([
      "APP_ENV",
      "DATABASE_URL",
      "GEMINI_API_KEY",
      "LOG_LEVEL",
      "REDIS_URL",
      "SECRET_KEY",
    ]);
    const wire = await readFile(capture, "utf8");
    expect(wire).toContain("file=etc/systemd/system/api.service");
    expect(wire).not.toMatch(PLANTED);
    expect(await readdir(tmp)).toEqual([]);
  });

  it("a Debian 12 VM with MariaDB: no secret leaves it, MariaDB with its version and unit", async () => {
    const out = await temp("im-out-");
    const capture = path.join(out, "wire.txt");
    const r = await viaSsh(["--from-host", "ssh://deploy@app-vm-01", ...ANSWERS, "--dry-run", "--json"], out, {
      FAKE_SSH_ROOT: VM_MARIADB,
      FAKE_SSH_CAPTURE: capture,
    });
    expect(r.exitCode, r.stderr).toBe(0);
    const wire = await readFile(capture, "utf8");
    expect(wire).toContain("file=var/spool/cron/crontabs/shop");
    expect(wire).not.toMatch(PLANTED);
    const detected = JSON.parse(r.stdout).detected;
    expect(detected.host.os).toBe("Debian GNU/Linux 12 (bookworm)");
    expect(detected.database).toMatchObject({ engine: "mariadb", version: "10.11" });
    expect(detected.services.filter((s: { role: string }) => s.role === "database")).toEqual([
      expect.objectContaining({ name: "mariadb", software: "mariadb", systemdUnit: "mariadb.service" }),
    ]);
    expect(detected.services.find((s: { name: string }) => s.name === "shop").env).toEqual([
      "DATABASE_URL",
      "DJANGO_SETTINGS_MODULE",
      "EMAIL_HOST_PASSWORD",
      "REDIS_URL",
      "SECRET_KEY",
      "SENTRY_DSN",
      "STRIPE_SECRET",
    ]);
  });

  it.each([
    ["SIGINT", 130, "holds the VM's files"],
    ["SIGTERM", 143, "holds the VM's files"],
    ["SIGHUP", 129, "holds the VM's files"],
    ["SIGTERM", 143, "was just created"],
  ] as const)(
    "%s while the local copy %s: the copy is removed, exit %i",
    async (signal, code, when) => {
      const out = await temp("im-out-");
      const tmp = await temp("im-tmp-");
      const child = viaSsh(["--from-host", "ssh://deploy@app-vm-01", ...ANSWERS, "--json"], out, {
        TMPDIR: tmp,
        FAKE_SSH_HANG: "1",
      });
      // Wait for the copy (with the VM's files in it, the fake VM then stays connected), then signal.
      const ready = async (dir: string | undefined) =>
        dir !== undefined &&
        (when === "was just created" || (await exists(path.join(tmp, dir, "etc/systemd/system/api.service"))));
      let copy: string | undefined;
      for (let i = 0; i < 2000 && !copy; i++) {
        const [dir] = await readdir(tmp);
        if (await ready(dir)) copy = dir;
        else await new Promise((resolve) => setTimeout(resolve, when === "was just created" ? 1 : 50));
      }
      expect(copy).toMatch(/^infra-migrate-host-/);
      child.kill(signal);
      const r = await child;
      expect(r.exitCode).toBe(code);
      expect(code).toBe(128 + constants.signals[signal]);
      expect(await readdir(tmp)).toEqual([]);
      expect(await exists(path.join(out, "infra-migrate.inventory.yaml"))).toBe(false);
    },
    30_000,
  );

  it("names the VM folders the ssh user could not read, in the evidence and as warnings", async () => {
    const out = await temp("im-out-");
    const r = await viaSsh(["--from-host", "ssh://deploy@app-vm-01", ...ANSWERS, "--dry-run", "--json"], out, {
      FAKE_SSH_UNREADABLE: "/var/spool/cron/crontabs",
    });
    expect(r.exitCode, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.detected.evidence).toContainEqual({
      file: "/var/spool/cron/crontabs",
      found: "not readable as deploy@app-vm-01: add --host-sudo (passwordless sudo) or connect as root to include it",
    });
    expect(json.warnings).toContainEqual({
      file: "ssh://deploy@app-vm-01",
      path: "--from-host",
      message:
        "/var/spool/cron/crontabs on deploy@app-vm-01 is not readable as this user: add --host-sudo (passwordless sudo) or connect as root",
    });
  });

  it("a VM without ss: a warning on the terminal and in --json, not a silent partial inventory", async () => {
    const out = await temp("im-out-");
    const bin = await temp("im-vm-bin-");
    await symlink("/usr/bin/dash", path.join(bin, "sh"));
    for (const tool of ["awk", "ls", "readlink"]) await symlink(`/usr/bin/${tool}`, path.join(bin, tool));
    const args = ["--from-host", "ssh://deploy@app-vm-01", ...ANSWERS, "--dry-run"];
    const json = await viaSsh([...args, "--json"], out, { FAKE_SSH_PATH: bin });
    expect(json.exitCode, json.stderr).toBe(0);
    const message =
      "ss is not installed on deploy@app-vm-01: listening ports were not read (install iproute2); stores are placed at their default ports";
    expect(JSON.parse(json.stdout).warnings).toContainEqual({
      file: "ssh://deploy@app-vm-01",
      path: "--from-host",
      message,
    });
    const human = await viaSsh(args, out, { FAKE_SSH_PATH: bin });
    expect(human.exitCode).toBe(0);
    expect(human.stderr).toContain(`warning: ${message}`);
  });

  it("a file over the size limit in the app's folder is skipped and named; the read goes on", async () => {
    const out = await temp("im-out-");
    const vm = path.join(await temp("im-vm-"), "vm1");
    await cp(VM1, vm, { recursive: true, verbatimSymlinks: true });
    await truncate(path.join(vm, "srv/app/requirements.txt"), 70 * 1024 * 1024);
    const r = await viaSsh(["--from-host", "ssh://deploy@app-vm-01", ...ANSWERS, "--dry-run", "--json"], out, {
      FAKE_SSH_ROOT: vm,
    });
    expect(r.exitCode, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.warnings).toContainEqual({
      file: "ssh://deploy@app-vm-01",
      path: "--from-host",
      message: "/srv/app/requirements.txt on deploy@app-vm-01 was skipped: 70.0 MiB, over the 512 KiB limit",
    });
    expect(json.detected.services.map((s: { name: string }) => s.name)).toContain("api");
  });

  it("--host-sudo runs the remote script through sudo -n", async () => {
    const out = await temp("im-out-");
    const log = path.join(out, "ssh.log");
    const r = await viaSsh(
      ["--from-host", "ssh://deploy@app-vm-01:2222", "--host-sudo", ...ANSWERS, "--dry-run", "--json"],
      out,
      { FAKE_SSH_LOG: log },
    );
    expect(r.exitCode, r.stderr).toBe(0);
    expect((await readFile(log, "utf8")).trim().split("\n")).toEqual(["deploy@app-vm-01 sudo -n sh -s", "sudo sh -s"]);
    expect(JSON.parse(r.stdout).detected.host).toMatchObject({ hostname: "app-vm-01" });
  });

  // Bad arguments, refused before any ssh: no need for a process of their own.
  it("--host-sudo without an ssh host is a usage error (exit 2)", async () => {
    const out = await temp("im-out-");
    const r = await inProcess(["--host-sudo"], out);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/--host-sudo needs --from-host ssh:\/\//);
  });

  it("an unreachable host is bad input (exit 2) with ssh's reason and the command to try", async () => {
    const out = await temp("im-out-");
    const tmp = await temp("im-tmp-");
    const r = await viaSsh(["--from-host", "ssh://deploy@no-such-vm:2222"], out, { TMPDIR: tmp });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/Could not read deploy@no-such-vm over ssh: ssh: Could not resolve hostname no-such-vm/);
    expect(r.stderr).toMatch(/hint: Check the host name and port .* `ssh -p 2222 deploy@no-such-vm true`/);
    expect(await exists(path.join(out, "infra-migrate.inventory.yaml"))).toBe(false);
    expect(await readdir(tmp)).toEqual([]);
  });

  it("a changed host key keeps ssh's own reason, not its @@@ frame, and says how to check", async () => {
    const out = await temp("im-out-");
    const r = await viaSsh(["--from-host", "ssh://deploy@rekeyed-vm:2222"], out, {});
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(
      "Could not read deploy@rekeyed-vm over ssh: WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! … Host key verification failed.",
    );
    expect(r.stderr).toContain('`ssh-keygen -f "/home/dev/.ssh/known_hosts" -R "[rekeyed-vm]:2222"`');
    expect(r.stderr).toContain("`ssh -p 2222 deploy@rekeyed-vm true`");
    expect(r.stderr).not.toMatch(/: @@@/);
  });

  it.each(["ssh://-oProxyCommand=touch", "ssh://user@"])("%s is not an ssh URL (exit 2)", async (url) => {
    const out = await temp("im-out-");
    const r = await inProcess(["--from-host", url], out);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/is not an ssh URL/);
  });
});
