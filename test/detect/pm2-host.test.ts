// A VM that runs its app under pm2, read from its disk and over ssh (the fake ssh runs the read
// script against the tree): Uptime Kuma as its README deploys it (`pm2 start server/server.js
// --name uptime-kuma`, `pm2 startup && pm2 save`), a `pm2-runtime` unit starting an ecosystem
// file, and hostile dumps (huge, broken, a link loop, values with quotes and newlines). Nothing
// secret leaves the VM; both reads find the same services.
import { execa } from "execa";
import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { detectRepo } from "../../src/detect/detect-repo.js";
import { remoteScript } from "../../src/detect/ssh-host.js";
import { collectFromTree } from "../helpers/host-reads.js";

const VM = path.resolve(import.meta.dirname, "../fixtures/hosts/vm-pm2");
const FIXTURES = path.resolve(import.meta.dirname, "../fixtures/pm2");
const temps: string[] = [];
afterAll(() => Promise.all(temps.map((d) => rm(d, { recursive: true, force: true }))));
const temp = async (prefix: string) => {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
};

const fromDisk = (root: string, repo: string) =>
  detectRepo(repo, { host: { root, readListeners: async () => "" }, readRemote: async () => undefined });

/** The same reading over the fake ssh; `sent` is every byte the VM side printed. */
async function overSsh(root: string, repo: string) {
  const capture = path.join(await temp("im-pm2-capture-"), "sent");
  const collected = await collectFromTree(root, { FAKE_SSH_CAPTURE: capture });
  try {
    const facts = await fromDisk(collected.root, repo);
    return { facts, warnings: collected.warnings, sent: await readFile(capture, "utf8") };
  } finally {
    await collected.cleanup();
  }
}

const services = (facts: Awaited<ReturnType<typeof detectRepo>>) =>
  facts.services.map((s) => `${s.name} ${s.role} ${s.command ?? ""}`.trim());

describe("Uptime Kuma under pm2 (pm2-deploy.service restores /home/deploy/.pm2/dump.pm2)", () => {
  const repo = path.join(VM, "opt/uptime-kuma");
  const expected = [
    "nginx reverse-proxy /usr/sbin/nginx -g 'daemon on; master_process on;'",
    "uptime-kuma web node /opt/uptime-kuma/server/server.js",
  ];

  it("from its disk: the app from pm2's saved list, pm2's own unit not a service, deployed with pm2", async () => {
    const facts = await fromDisk(VM, repo);
    expect(services(facts)).toEqual(expected);
    expect(facts.services[1]).toMatchObject({
      runtime: "node",
      framework: "express",
      protocols: ["http", "websocket"],
    });
    expect(facts.deployMethod).toBe("ssh-pm2");
    expect(facts.evidence).toContainEqual({
      file: "/etc/systemd/system/pm2-deploy.service",
      found: "pm2 itself: starts the apps in /home/deploy/.pm2/dump.pm2",
    });
    expect(facts.evidence).toContainEqual({
      file: "/home/deploy/.pm2/dump.pm2",
      found: "pm2 app uptime-kuma (node): one process",
    });
    // The shell that started pm2 had a token: its name is the process's, its value never leaves.
    expect(facts.services[1]!.env).toEqual(["GITHUB_TOKEN"]);
    expect(JSON.stringify(facts)).not.toMatch(/ghp_|203\.0\.113\.7/);
  });

  it("over ssh: the dump leaves the VM with values reduced, and the reading is the disk's", async () => {
    const disk = await fromDisk(VM, repo);
    const { facts, warnings, sent } = await overSsh(VM, repo);
    expect(warnings).toEqual([]);
    expect(sent).toContain("file=home/deploy/.pm2/dump.pm2");
    expect(sent).toContain(`|      "GITHUB_TOKEN": "<redacted:vm>",`);
    expect(sent).toContain('|    "pm_exec_path": "/opt/uptime-kuma/server/server.js",');
    expect(sent).not.toMatch(/ghp_|203\.0\.113\.7|xterm/);
    expect(facts.services).toEqual(disk.services);
    expect(facts.deployMethod).toBe("ssh-pm2");
  });
});

describe("a pm2-runtime unit starting an ecosystem file", () => {
  it("reads the file it names (relative to WorkingDirectory) as the apps, from disk and over ssh alike", async () => {
    const root = await temp("im-pm2-runtime-");
    await mkdir(path.join(root, "etc/systemd/system"), { recursive: true });
    await mkdir(path.join(root, "srv/shop"), { recursive: true });
    await writeFile(
      path.join(root, "etc/systemd/system/shop.service"),
      "[Service]\nUser=shop\nWorkingDirectory=/srv/shop\nExecStart=/usr/bin/pm2-runtime start ecosystem.config.js --env production\n",
    );
    await cp(
      path.join(FIXTURES, "cluster-python-cron.ecosystem.config.js"),
      path.join(root, "srv/shop/ecosystem.config.js"),
    );
    const repo = await temp("im-pm2-repo-");
    const disk = await fromDisk(root, repo);
    expect(services(disk)).toEqual([
      "api web node --max-old-space-size=512 server.js --port 8080",
      "emails worker python3 worker.py --queue emails",
    ]);
    expect(disk.services[0]!.env).toEqual(["DATABASE_URL", "NODE_ENV", "PORT"]);
    expect(disk.evidence).toContainEqual({
      file: "/srv/shop/ecosystem.config.js",
      found: 'pm2 app api (node): cluster mode, 2 instance(s), restarted by pm2 on "0 3 * * *" (cron_restart)',
    });
    expect(disk.deployMethod).toBe("ssh-pm2");
    const { facts, sent } = await overSsh(root, repo);
    expect(sent).not.toMatch(/s3cret|hunter2/);
    expect(sent).toContain(
      '|      env: { NODE_ENV: "production", PORT: "8080", DATABASE_URL: "postgres://db.internal:5432/redacted_vm" },',
    );
    expect(facts.services).toEqual(disk.services);
  });
});

describe("where pm2 keeps its list", () => {
  const unit = (home: string) =>
    `[Service]\nType=forking\nUser=app\nEnvironment=PM2_HOME=${home}\nExecStart=/usr/lib/node_modules/pm2/bin/pm2 resurrect\n`;

  it("follows PM2_HOME from the unit pm2 startup wrote, on disk and over ssh", async () => {
    const root = await temp("im-pm2-home-");
    await mkdir(path.join(root, "etc/systemd/system"), { recursive: true });
    await mkdir(path.join(root, "var/lib/pm2"), { recursive: true });
    await writeFile(path.join(root, "etc/systemd/system/pm2-app.service"), unit("/var/lib/pm2"));
    await cp(path.join(FIXTURES, "cluster-python-cron.dump.pm2"), path.join(root, "var/lib/pm2/dump.pm2"));
    const repo = await temp("im-pm2-repo-");
    const disk = await fromDisk(root, repo);
    expect(disk.services.map((s) => s.name)).toEqual(["api", "emails"]);
    const { facts, sent } = await overSsh(root, repo);
    expect(sent).toContain("file=var/lib/pm2/dump.pm2");
    expect(sent).not.toMatch(/s3cret|hunter2/);
    expect(facts.services).toEqual(disk.services);
  });

  it("a pm2 unit whose list is missing: no service invented, the missing file named", async () => {
    const root = await temp("im-pm2-missing-");
    await mkdir(path.join(root, "etc/systemd/system"), { recursive: true });
    await writeFile(path.join(root, "etc/systemd/system/pm2-app.service"), unit("/home/app/.pm2"));
    const facts = await fromDisk(root, await temp("im-pm2-repo-"));
    expect(facts.services).toEqual([]);
    expect(facts.warnings).toEqual([
      "/home/app/.pm2/dump.pm2 was not found or not readable (pm2 saves its process list there with `pm2 save`; read it as root, or add the apps with --service)",
    ]);
  });
});

describe("hostile pm2 files: a clear notice, no crash, nothing secret sent", () => {
  /** A VM whose only setup is pm2's default place for `deploy`, holding what `write` puts there. */
  async function vmWith(write: (pm2Home: string) => Promise<void>): Promise<string> {
    const root = await temp("im-pm2-hostile-");
    const home = path.join(root, "home/deploy/.pm2");
    await mkdir(home, { recursive: true });
    await write(home);
    return root;
  }
  const repo = () => temp("im-pm2-hostile-repo-");

  it("a dump over the size limit is skipped and named", async () => {
    const root = await vmWith((home) =>
      writeFile(
        path.join(home, "dump.pm2"),
        `[${JSON.stringify({ name: "x", pm_exec_path: "/x.js", pad: "a".repeat(600 * 1024) })}]`,
      ),
    );
    const disk = await fromDisk(root, await repo());
    expect(disk.warnings?.join("\n")).toMatch(/\/home\/deploy\/\.pm2\/dump\.pm2 is 0\.6 MiB, over the 512 KiB limit/);
    const { warnings, sent } = await overSsh(root, await repo());
    expect(warnings.join("\n")).toMatch(/\/home\/deploy\/\.pm2\/dump\.pm2 on deploy@app-vm-01 was skipped: 0\.6 MiB/);
    expect(sent).not.toContain("aaaaaaaa");
  });

  it("a dump that is not JSON is named as such; its text does not leave the VM", async () => {
    const root = await vmWith((home) =>
      writeFile(path.join(home, "dump.pm2"), 'DB_PASSWORD=hunter2hunter2\n[{"name": oops}\n'),
    );
    const disk = await fromDisk(root, await repo());
    expect(disk.warnings?.join("\n")).toMatch(/\/home\/deploy\/\.pm2\/dump\.pm2 is not valid JSON/);
    const { facts, sent } = await overSsh(root, await repo());
    expect(sent).not.toContain("hunter2");
    expect(facts.warnings?.join("\n")).toMatch(/is not valid JSON/);
  });

  it("a link loop is named and stops nothing", async () => {
    const root = await vmWith((home) => symlink("dump.pm2", path.join(home, "dump.pm2")));
    const disk = await fromDisk(root, await repo());
    expect(disk.warnings?.join("\n")).toMatch(/dump\.pm2 is a link that leads nowhere \(or back to itself\)/);
    const { facts } = await overSsh(root, await repo());
    expect(facts.services).toEqual([]);
  });

  it("values with quotes, backslashes and newlines, on one line as pm2's autosave writes: names only leave", async () => {
    const entry = {
      name: "api",
      pm_exec_path: "/srv/api/index.js",
      pm_cwd: "/srv/api",
      exec_interpreter: "node",
      args: ["--port", "3000", "--token", "tok-hunter2", "--db=postgres://u:pw-hunter2@db:5432/app"],
      env: {
        PORT: "3000",
        MULTI: 'line1\nline2 "quoted" \\ hunter2 \\',
        SECRET_KEY: 'k"\\"hunter2',
        PIN: 1234567890,
        LABEL: "café ☃ hunter2",
      },
    };
    const root = await vmWith((home) => writeFile(path.join(home, "dump.pm2"), JSON.stringify([entry])));
    const disk = await fromDisk(root, await repo());
    expect(disk.services.map((s) => [s.name, s.env])).toEqual([
      ["api", ["LABEL", "MULTI", "PIN", "PORT", "SECRET_KEY"]],
    ]);
    expect(disk.services[0]!.listen).toEqual(["127.0.0.1:3000"]);
    const { facts, sent } = await overSsh(root, await repo());
    expect(sent).not.toMatch(/hunter2|1234567890/);
    expect(facts.services.map((s) => [s.name, s.env, s.listen])).toEqual([
      ["api", ["LABEL", "MULTI", "PIN", "PORT", "SECRET_KEY"], ["127.0.0.1:3000"]],
    ]);
  });
});

describe("the dump's reduction on the VM is portable awk", () => {
  const awks = ["/usr/bin/mawk", "/usr/bin/gawk", "/usr/bin/busybox", "/usr/bin/original-awk"].filter(existsSync);

  it.skipIf(awks.length < 2)(`prints the same with ${awks.join(", ")}`, async () => {
    const root = await temp("im-pm2-awk-");
    await cp(VM, root, { recursive: true, verbatimSymlinks: true });
    // A one-line dump with escapes, as pm2's autosave writes it, beside the pretty one.
    const entry = { name: "w", pm_exec_path: "/srv/w.js", env: { A: 'x"\\"y\n', B: "3000" }, args: ["--k", "v"] };
    await mkdir(path.join(root, "root/.pm2"), { recursive: true });
    await writeFile(path.join(root, "root/.pm2/dump.pm2"), JSON.stringify([entry]));
    const outputs = await Promise.all(
      awks.map(async (awk) => {
        const bin = await temp("im-pm2-bin-");
        await Promise.all([
          symlink(awk, path.join(bin, "awk")),
          ...["sh", "ls", "readlink"].map((t) => symlink(`/usr/bin/${t}`, path.join(bin, t))),
        ]);
        const r = await execa("sh", ["-s"], {
          input: remoteScript(),
          env: { IM_ROOT: root, PATH: bin },
          extendEnv: false,
        });
        return r.stdout;
      }),
    );
    expect(outputs[0]).toContain(
      '|[{"name":"w","pm_exec_path":"/srv/w.js","env":{"A":"<redacted:vm>","B":"3000"},"args":["--k","v"]}]',
    );
    for (const output of outputs.slice(1)) expect(output).toBe(outputs[0]);
  });
});
