// The script run on the VM (templates/host/read-host.sh, with its lists from remoteScript()), run
// here with IM_ROOT at a fixture tree: under every POSIX shell we have, with tools missing, with a
// file too large, and with planted secrets that must not appear in a single byte it prints.
import { execa } from "execa";
import { cp, mkdir, mkdtemp, readFile, rm, symlink, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseSshTarget, remoteScript } from "../../src/detect/ssh-host.js";

const FIXTURES = path.resolve(import.meta.dirname, "../fixtures/hosts");
const FAKE_BIN = path.resolve(import.meta.dirname, "../helpers/fake-bin");
const has = async (cmd: string, args: string[]) =>
  execa(cmd, args, { reject: false }).then(
    (r) => r.exitCode === 0,
    () => false,
  );
/** The absolute path of a program on PATH. */
const which = async (cmd: string) => (await execa("sh", ["-c", `command -v ${cmd}`])).stdout.trim();
const hasShellcheck = await has("shellcheck", ["--version"]);
const hasBusybox = await has("busybox", ["true"]);
if (!hasShellcheck)
  console.warn("skipping the shellcheck case of ssh-host: shellcheck not installed (apt-get install -y shellcheck)");
if (!hasBusybox)
  console.warn("skipping the busybox case of ssh-host: busybox not installed (apt-get install -y busybox)");

const temps: string[] = [];
afterAll(() => Promise.all(temps.map((d) => rm(d, { recursive: true, force: true }))));
async function temp(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

/** Runs the script as the VM would, with IM_ROOT at `root`. */
async function runScript(
  root: string,
  options: { shell?: string[]; path?: string; env?: Record<string, string> } = {},
) {
  const [cmd, ...args] = options.shell ?? ["sh"];
  const r = await execa(cmd!, [...args, "-s"], {
    input: remoteScript(),
    env: { ...options.env, IM_ROOT: root, PATH: options.path ?? `${FAKE_BIN}:${process.env.PATH}` },
    extendEnv: false,
    stripFinalNewline: false,
  });
  return r.stdout;
}

/**
 * The script's output for a tree no test changes, under `shell`: run once per file however many tests
 * assert on it (each run is ~25 processes on the VM side).
 */
const sharedRuns = new Map<string, Promise<string>>();
function sharedRun(root: string, shell: string[] = ["sh"]): Promise<string> {
  const key = `${shell.join(" ")}\0${root}`;
  if (!sharedRuns.has(key)) sharedRuns.set(key, runScript(root, { shell }));
  return sharedRuns.get(key)!;
}

/** The `file=` records of the output, each with its content. */
function filesOf(output: string): Map<string, string> {
  const files = new Map<string, string>();
  let current: string | undefined;
  for (const line of output.split("\n")) {
    if (line.startsWith("file=")) files.set((current = line.slice(5)), "");
    else if (line.startsWith("|") && current) files.set(current, `${files.get(current)}${line.slice(1)}\n`);
    else current = undefined;
  }
  return files;
}

describe("parseSshTarget", () => {
  it.each([
    ["ssh://app-vm-01", { destination: "app-vm-01" }],
    ["ssh://deploy@app-vm-01", { destination: "deploy@app-vm-01" }],
    ["ssh://deploy@10.0.0.5:2222", { destination: "deploy@10.0.0.5", port: 2222 }],
    ["ssh://deploy@app.example.com/", { destination: "deploy@app.example.com" }],
  ])("%s", (url, target) => expect(parseSshTarget(url)).toEqual(target));

  it.each([
    "ssh://",
    "ssh://a b",
    "ssh://host:99999",
    "ssh://user@host;rm -rf /",
    "ssh://-oProxyCommand=x",
    "ssh://-oProxyCommand",
    "ssh://-user@host",
    "http://host",
  ])("rejects %s", (url) => {
    expect(parseSshTarget(url)).toBeUndefined();
  });
});

describe("the script run on the VM", () => {
  it.skipIf(!hasShellcheck)("passes shellcheck as POSIX sh", async () => {
    const r = await execa("shellcheck", ["-s", "sh", "-"], { input: remoteScript(), reject: false });
    expect(r.stdout).toBe("");
    expect(r.exitCode).toBe(0);
  });

  it("sends units with their link targets (followed on the VM), sites, crontabs and app files", async () => {
    const out = await sharedRun(path.join(FIXTURES, "vm1"));
    expect(out.split("\n")[0]).toBe("infra-migrate-read 1");
    expect(out.trimEnd().split("\n").at(-1)).toBe("end");
    const files = filesOf(out);
    for (const file of [
      "etc/systemd/system/api.service",
      "etc/systemd/system/api.service.d/override.conf",
      "lib/systemd/system/nginx.service",
      "etc/nginx/sites-available/app",
      "var/spool/cron/crontabs/app",
      "srv/app/requirements.txt",
      "etc/hostname",
      // /etc/os-release is a relative link (../usr/lib/os-release): its target is sent.
      "usr/lib/os-release",
    ])
      expect([...files.keys()], file).toContain(file);
    expect(out).toContain("link=etc/os-release\tetc/../usr/lib/os-release\n");
    expect(out).toContain(
      "link=etc/systemd/system/multi-user.target.wants/nginx.service\tlib/systemd/system/nginx.service\n",
    );
    // The env file comes back as names: its values stay on the VM.
    expect(files.get("etc/app/env")).toBe(
      "GEMINI_API_KEY=<redacted:vm>\nSECRET_KEY=<redacted:vm>\nREDIS_URL=redis://127.0.0.1:6379/<redacted:vm>\n",
    );
    expect(out).toMatch(/^cpus=4$/m);
    expect(out).toMatch(/^memkb=16370120$/m);
    expect(out).toContain('|LISTEN 0 151 127.0.0.1:3306 0.0.0.0:* users:(("mysqld"');
  });

  it("no secret leaves the VM: inline Environment=, drop-ins, env files, SetCredential=, crontabs and nginx", async () => {
    const out = await sharedRun(path.join(FIXTURES, "vm-mariadb"));
    // Every value planted in the fixture, and vm1's.
    expect(out).not.toMatch(/fake-[a-z]+-value-\d+|Fake-Db-Pass-1|fakepublic3|ZmFrZS1uZ2lueC12YWx1ZS0xNA/);
    expect(await sharedRun(path.join(FIXTURES, "vm1"))).not.toMatch(/s3cr3t-pass|changeme|not-a-real-secret/);
    const files = filesOf(out);
    // Names survive, so the inventory still lists what each service needs.
    expect(files.get("etc/systemd/system/shop.service")).toContain(
      "Environment=DJANGO_SETTINGS_MODULE=shop.settings DATABASE_URL=mysql://127.0.0.1/<redacted:vm>\nEnvironment=STRIPE_SECRET=<redacted:vm> SENTRY_DSN=https://o1.ingest.example.com/<redacted:vm>\n",
    );
    expect(files.get("etc/systemd/system/shop.service.d/override.conf")).toContain(
      "Environment=EMAIL_HOST_PASSWORD=<redacted:vm>\n",
    );
    expect(files.get("etc/shop/env")).toBe(
      "SECRET_KEY=<redacted:vm>\nREDIS_URL=redis://127.0.0.1:6379/<redacted:vm>\n",
    );
    const cron = files.get("var/spool/cron/crontabs/shop")!;
    expect(cron).toContain("MAILTO=ops@example.com\nBACKUP_TOKEN=<redacted:vm>\n");
    expect(cron).toContain("15 2 * * * mysqldump -u shop -p<redacted:vm> shop | gzip > /var/backups/shop.sql.gz\n");
    expect(cron).toContain('-H "Authorization: Bearer <redacted:vm>" https://hc.example.com/ping\n');
    expect(files.get("etc/nginx/sites-available/shop")).toContain(
      'proxy_set_header Authorization "Basic <redacted:vm>";\n        fastcgi_param DB_PASSWORD <redacted:vm>;\n',
    );
    // The app's folder: settings with their secrets masked, the .env as names, the rest as names only.
    expect(files.get("srv/shop/shop/settings.py")).toContain("SECRET_KEY = <redacted:vm>\n");
    expect(files.get("srv/shop/shop/settings.py")).toContain('"PASSWORD": <redacted:vm>,\n');
    expect(files.get("srv/shop/shop/settings.py")).toContain('"BACKEND": "django_redis.cache.RedisCache"');
    expect(files.get("srv/shop/.env")).toBe("DJANGO_DEBUG=false\nEMAIL_HOST_PASSWORD=<redacted:vm>\n");
    expect(out).toContain("entry=srv/shop/media/products/.keep\n");
    // What is not secret is untouched: commands, ports, schedules, proxy targets.
    expect(files.get("etc/nginx/sites-available/shop")).toContain("proxy_pass http://127.0.0.1:8001;\n");
    expect(files.get("etc/systemd/system/shop.service")).toContain(
      "ExecStart=/srv/shop/.venv/bin/gunicorn shop.wsgi --bind 127.0.0.1:8001 --workers 3\n",
    );
  });

  it("an installer's unit in /lib: its app folder, the release `current` leads to, and a JSON settings file with secrets masked", async () => {
    const root = await temp("im-vm-");
    await mkdir(path.join(root, "lib/systemd/system"), { recursive: true });
    await mkdir(path.join(root, "etc/systemd/system/multi-user.target.wants"), { recursive: true });
    await mkdir(path.join(root, "var/www/ghost/versions/5.96.1"), { recursive: true });
    await writeFile(
      path.join(root, "lib/systemd/system/ghost_blog.service"),
      "[Service]\nWorkingDirectory=/var/www/ghost\nExecStart=/usr/bin/node /usr/bin/ghost run\n",
    );
    await symlink(
      "/lib/systemd/system/ghost_blog.service",
      path.join(root, "etc/systemd/system/multi-user.target.wants/ghost_blog.service"),
    );
    await writeFile(
      path.join(root, "var/www/ghost/config.production.json"),
      '{\n  "server": {"port": 2368},\n  "database": {"connection": {"password": "Fake-Db-Pass-9"}},\n  "mail": {"options": {"auth": {"user": "pm@example.com", "pass": "fake-smtp-pass-9"}}}\n}\n',
    );
    await writeFile(path.join(root, "var/www/ghost/versions/5.96.1/package.json"), '{"name": "ghost"}\n');
    await symlink("/var/www/ghost/versions/5.96.1", path.join(root, "var/www/ghost/current"));
    const out = await runScript(root);
    expect(out).not.toMatch(/Fake-Db-Pass-9|fake-smtp-pass-9/);
    const files = filesOf(out);
    expect(files.get("var/www/ghost/config.production.json")).toContain('"pass": <redacted:vm>}}}');
    expect(files.get("var/www/ghost/config.production.json")).toContain('"server": {"port": 2368}');
    expect(files.get("var/www/ghost/versions/5.96.1/package.json")).toBe('{"name": "ghost"}\n');
    expect(out).toContain("link=var/www/ghost/current\tvar/www/ghost/versions/5.96.1\n");
  });

  // Each line in an env file of its own, named by a unit of its own: one tree, one run of the script
  // for all of them (a run each cost ~0.4 s of CPU), every line still read as the only one of its file.
  const envLines: [string, string][] = [
    ["PORT=8001", "PORT=8001"],
    ["BIND=0.0.0.0:8001", "BIND=0.0.0.0:8001"],
    ["export PAPERLESS_DBENGINE=postgresql", "PAPERLESS_DBENGINE=postgresql"],
    ["DB_ENGINE='django.db.backends.postgresql'", "DB_ENGINE=django.db.backends.postgresql"],
    ["SPRING_PROFILES_ACTIVE=prod,mysql", "SPRING_PROFILES_ACTIVE=prod,mysql"],
    [
      "DATABASE_URL=postgres://app:Pw-4@db.internal:5432/app?sslmode=require",
      "DATABASE_URL=postgres://db.internal:5432/<redacted:vm>",
    ],
    // A URL of a scheme and a host only leaves whole; anything cut from one is marked as cut.
    ["SITE_URL=https://blog.example.com", "SITE_URL=https://blog.example.com"],
    ["SITE_URL=https://blog.example.com/", "SITE_URL=https://blog.example.com/"],
    ["NOTIFY_URL=https://hooks.example.com/services/T0/B0/x", "NOTIFY_URL=https://hooks.example.com/<redacted:vm>"],
    ["CACHE_URL=redis://:pw@cache:6379", "CACHE_URL=redis://cache:6379/<redacted:vm>"],
    ["MAIL_SERVICE=Mailgun", "MAIL_SERVICE=Mailgun"],
    ["MAIL_TRANSPORT=SMTP", "MAIL_TRANSPORT=SMTP"],
    ["APP_NAME=ShopTwentyFour", "APP_NAME=<redacted:vm>"],
    ["MAIL_PASSWORD=Mailgun", "MAIL_PASSWORD=<redacted:vm>"],
    ["BROKER_URL=amqp://guest:guest@", "BROKER_URL=amqp://"],
    ["DB_PASSWORD=12345", "DB_PASSWORD=<redacted:vm>"],
    ["CACHE_KEY_PREFIX=shop", "CACHE_KEY_PREFIX=<redacted:vm>"],
    // A DSN leaves as a cut URL, its credentials gone: the port of a mail DSN says where mail goes.
    ["SENTRY_DSN=https://abc@o1.example.com/4", "SENTRY_DSN=https://o1.example.com/<redacted:vm>"],
    ["MAILER_DSN=smtp://user:pass@relay.example.org:25", "MAILER_DSN=smtp://relay.example.org:25/<redacted:vm>"],
    ["MAILER_DSN=sendmail://default", "MAILER_DSN=sendmail://default"],
    ["API_TOKEN=https://tok3n@api.example.com", "API_TOKEN=<redacted:vm>"],
    ["APP_NAME=Shop2024", "APP_NAME=<redacted:vm>"],
    ['GREETING="hello world"', "GREETING=<redacted:vm>"],
    // Empty stays empty: no secret, and the design sets such a name empty (Secret Manager refuses "").
    ["REDIS_PASSWORD=", "REDIS_PASSWORD="],
    ['SMTP_PASSWORD=""', "SMTP_PASSWORD="],
    ["export AWS_ACCESS_KEY_ID=''", "AWS_ACCESS_KEY_ID="],
    ["GRANIAN_HOST=::", "GRANIAN_HOST=::"],
    ["MEDIA_ROOT=/opt/app/media", "MEDIA_ROOT=/opt/app/media"],
    [
      "DEFAULT_FILE_STORAGE=storages.backends.s3boto3.S3Boto3Storage",
      "DEFAULT_FILE_STORAGE=storages.backends.s3boto3.S3Boto3Storage",
    ],
    ["FILE_STORAGE=s3", "FILE_STORAGE=s3"],
    ["DB_NAME=shop2024", "DB_NAME=<redacted:vm>"],
  ];
  let envRun: Promise<Map<string, string>> | undefined;
  const envFilesSent = () =>
    (envRun ??= (async () => {
      const root = await temp("im-vm-");
      await mkdir(path.join(root, "etc/systemd/system"), { recursive: true });
      await Promise.all(
        envLines.map(async ([line], i) => {
          await mkdir(path.join(root, `etc/app${i}`));
          await writeFile(path.join(root, `etc/app${i}/env`), `${line}\n`);
          await writeFile(
            path.join(root, `etc/systemd/system/app${i}.service`),
            `[Service]\nEnvironmentFile=/etc/app${i}/env\nExecStart=/srv/app/run\n`,
          );
        }),
      );
      return filesOf(await runScript(root));
    })());
  it.each(envLines.map(([line, sent], i) => [line, sent, i] as const))(
    "an env file's %s leaves the VM as %s",
    async (_line, sent, i) => {
      expect((await envFilesSent()).get(`etc/app${i}/env`)).toBe(`${sent}\n`);
    },
  );

  it("an env file reached through a link is still sent as names and plain values", async () => {
    const root = await temp("im-vm-");
    await mkdir(path.join(root, "etc/systemd/system"), { recursive: true });
    await mkdir(path.join(root, "srv/app/shared"), { recursive: true });
    await mkdir(path.join(root, "etc/app"), { recursive: true });
    await writeFile(
      path.join(root, "etc/systemd/system/app.service"),
      "[Service]\nEnvironmentFile=/etc/app/env\nExecStart=/srv/app/run\n",
    );
    await writeFile(path.join(root, "srv/app/shared/env"), "ODD_NAME=hunter2x\nPORT=8000\n");
    await symlink("../../srv/app/shared/env", path.join(root, "etc/app/env"));
    const out = await runScript(root);
    expect(out).not.toContain("hunter2x");
    expect(filesOf(out).get("srv/app/shared/env")).toBe("ODD_NAME=<redacted:vm>\nPORT=8000\n");
  });

  it("for git over sshd, SQLite and plugins: forced commands (never a key), unit users' homes, SQLite by its header, plugins' code names", async () => {
    const root = await temp("im-vm-");
    const write = async (file: string, content: string | Buffer) => {
      await mkdir(path.dirname(path.join(root, file)), { recursive: true });
      await writeFile(path.join(root, file), content);
    };
    await write(
      "etc/systemd/system/gitea.service",
      "[Service]\nUser=git\nWorkingDirectory=/var/lib/gitea/\nExecStart=/usr/local/bin/gitea web\n",
    );
    await write(
      "etc/passwd",
      "root:x:0:0:root:/root:/bin/bash\ngit:x:998:998:Alice Admin,Room 4:/home/git:/bin/bash\n",
    );
    await write(
      "home/git/.ssh/authorized_keys",
      '# a comment\ncommand="/usr/local/bin/gitea --config=/etc/gitea/app.ini serv key-1",no-pty ssh-ed25519 AAAAkeymaterial0 a@b\nssh-rsa AAAAplainkey1 c@d\n',
    );
    await write(
      "var/lib/gitea/data/gitea.db",
      Buffer.concat([Buffer.from("SQLite format 3\0"), Buffer.alloc(100, 116)]),
    );
    await write("var/lib/gitea/data/other.db", "not SQLite at all\n");
    await write("var/lib/gitea/custom/plugins/a/b/c/d/e/f/deep.js", "x\n");
    await write("var/lib/gitea/custom/plugins/a/dist/built.js", "x\n");
    await write("var/lib/gitea/custom/plugins/a/vendor/x/y/skipped.php", "x\n");
    const out = await runScript(root);
    expect(out).not.toContain("AAAA");
    expect(out).not.toContain("Alice");
    const files = filesOf(out);
    expect(files.get("home/git/.ssh/authorized_keys")).toBe(
      'command="/usr/local/bin/gitea --config=/etc/gitea/app.ini serv key-1"\n',
    );
    expect(files.get("etc/passwd")).toBe("git:x:998:998::/home/git:/bin/bash\n");
    const records = out.split("\n");
    expect(records.filter((l) => l.startsWith("sqlite="))).toEqual(["sqlite=var/lib/gitea/data/gitea.db"]);
    expect(records).toContain("entry=var/lib/gitea/custom/plugins/a/b/c/d/e/f/deep.js");
    expect(records).toContain("entry=var/lib/gitea/custom/plugins/a/dist/built.js");
    expect(records).not.toContain("entry=var/lib/gitea/custom/plugins/a/vendor/x/y/skipped.php");
    expect(await runScript(root, { shell: ["dash"] })).toBe(out);
    if (hasBusybox) expect(await runScript(root, { shell: ["busybox", "sh"] })).toBe(out);
  });

  // Links are read by one readlink of many files where the VM's takes many (GNU), else one at a time
  // (busybox's reads one file): the records are the same either way.
  it("reads a folder's links with one readlink, and sends the same links through busybox's readlink", async () => {
    const root = await temp("im-vm-");
    const write = async (file: string, content: string) => {
      await mkdir(path.dirname(path.join(root, file)), { recursive: true });
      await writeFile(path.join(root, file), content);
    };
    const wants = "etc/systemd/system/multi-user.target.wants";
    await write(
      "lib/systemd/system/api.service",
      "[Service]\nWorkingDirectory=/srv/api/./x/..\nExecStart=/usr/bin/node index.js\n",
    );
    await write("lib/systemd/system/cron.service", "[Service]\nExecStart=/usr/sbin/cron\n");
    await write("srv/api/releases/7/package.json", '{"name": "api"}\n');
    await mkdir(path.join(root, wants), { recursive: true });
    await symlink("/lib/systemd/system/api.service", path.join(root, wants, "api.service"));
    await symlink("/lib/systemd/system/cron.service", path.join(root, wants, "cron.service"));
    // Two hops, a target holding a tab, a link to nothing, a release and a linked folder in the app.
    await symlink("api.service", path.join(root, "lib/systemd/system/api-alias.service"));
    await symlink("../../../../lib/systemd/system/api-alias.service", path.join(root, wants, "alias.service"));
    await symlink("odd\tname", path.join(root, wants, "tab.service"));
    await symlink("/nowhere", path.join(root, wants, "gone.service"));
    await symlink("releases/7", path.join(root, "srv/api/current"));
    await symlink("../../srv/api/releases", path.join(root, "srv/api/shared"));
    const bin = await temp("im-vm-bin-");
    const calls = path.join(bin, "calls");
    await writeFile(
      path.join(bin, "readlink"),
      `#!/bin/sh\necho "$#" >> ${calls}\nexec ${process.env.READLINK ?? "/usr/bin/readlink"} "$@"\n`,
      { mode: 0o755 },
    );
    const out = await runScript(root, { path: `${bin}:${FAKE_BIN}:${process.env.PATH}` });
    // Two hops: each relative target taken from the link's folder (the other side normalizes).
    expect(out).toContain(`link=${wants}/alias.service\t${wants}/../../../../lib/systemd/system/api.service\n`);
    expect(out).toContain(`link=${wants}/api.service\tlib/systemd/system/api.service\n`);
    expect(out).toContain("link=srv/api/current\tsrv/api/releases/7\n");
    expect(out).toContain("applink=srv/api/shared\tsrv/api/releases\n");
    expect(out).toContain("entry=srv/api/releases/7/package.json\n");
    // The wants folder's five links in one run ("-- " and the five), then only the second hop.
    expect((await readFile(calls, "utf8")).split("\n")[0]).toBe("6");
    if (hasBusybox) {
      const busybox = await temp("im-vm-bin-");
      await symlink(await which("busybox"), path.join(busybox, "readlink"));
      expect(await runScript(root, { path: `${busybox}:${FAKE_BIN}:${process.env.PATH}` })).toBe(out);
    }
  });

  it("a pm2 dump over the size limit is named, and its apps' folders are not read from it", async () => {
    const root = await temp("im-vm-");
    await mkdir(path.join(root, "etc/systemd/system"), { recursive: true });
    await mkdir(path.join(root, "opt/pm2"), { recursive: true });
    await mkdir(path.join(root, "srv/app"), { recursive: true });
    await writeFile(
      path.join(root, "etc/systemd/system/pm2-deploy.service"),
      "[Service]\nEnvironment=PM2_HOME=/opt/pm2\nExecStart=/usr/lib/node_modules/pm2/bin/pm2 resurrect\n",
    );
    await writeFile(path.join(root, "srv/app/package.json"), "{}\n");
    await writeFile(path.join(root, "opt/pm2/dump.pm2"), '[{"pm_cwd": "/srv/app"}]\n');
    const small = await runScript(root);
    expect(small).toContain("entry=srv/app/package.json\n");
    await truncate(path.join(root, "opt/pm2/dump.pm2"), 600 * 1024);
    const big = await runScript(root);
    expect(big).toMatch(/^toolarge=\/opt\/pm2\/dump\.pm2 614400$/m);
    expect(big).not.toContain("entry=srv/app/");
  });

  it("reads units with CRLF line ends and no final newline as the other side does", async () => {
    const root = await temp("im-vm-");
    const write = async (file: string, content: string) => {
      await mkdir(path.dirname(path.join(root, file)), { recursive: true });
      await writeFile(path.join(root, file), content);
    };
    await write(
      "etc/systemd/system/web.service",
      "[Service]\r\nUser=web\r\nEnvironmentFile=-/etc/web/../web/env\r\nWorkingDirectory=/srv/web/\r\nExecStart=/srv/web/bin/server -c conf/server.conf",
    );
    await write(
      "lib/systemd/system/tool.service",
      "[Service]\r\nWorkingDirectory=/opt/tool\r\nExecStart=/usr/bin/node",
    );
    await mkdir(path.join(root, "etc/systemd/system/multi-user.target.wants"));
    await symlink(
      "/lib/systemd/system/tool.service",
      path.join(root, "etc/systemd/system/multi-user.target.wants/tool.service"),
    );
    await write("etc/web/env", "PORT=8080");
    await write("etc/passwd", "web:x:1001:1001:Web Person:/home/web:/bin/sh");
    await write("home/web/.ssh/authorized_keys", 'command="/srv/web/bin/git" ssh-ed25519 AAAAsecretkey');
    await write("srv/web/conf/server.conf", "workers 4");
    await write("opt/tool/package.json", "{}");
    const out = await runScript(root);
    const files = filesOf(out);
    expect(files.get("etc/web/env")).toBe("PORT=8080\n");
    expect(files.get("srv/web/conf/server.conf")).toBe("workers 4\n");
    expect(files.get("etc/passwd")).toBe("web:x:1001:1001::/home/web:/bin/sh\n");
    expect(files.get("home/web/.ssh/authorized_keys")).toBe('command="/srv/web/bin/git"\n');
    expect(out).toContain("entry=opt/tool/package.json\n");
    expect(out).not.toContain("AAAA");
  });

  it("sends only that a mail server's config exists, never its lines (relay passwords live there)", async () => {
    const root = await temp("im-vm-");
    await mkdir(path.join(root, "etc/postfix"), { recursive: true });
    await writeFile(path.join(root, "etc/postfix/main.cf"), "relayhost = [smtp.example.org]:587\n");
    await writeFile(
      path.join(root, "etc/msmtprc"),
      "account default\nhost smtp.example.org\npassword fake-msmtp-value-1\n",
    );
    const out = await runScript(root);
    const files = filesOf(out);
    expect(files.get("etc/postfix/main.cf")).toBe("");
    expect(files.get("etc/msmtprc")).toBe("");
    expect(out).not.toMatch(/fake-msmtp-value-1|relayhost/);
  });

  it("sends only the server packages of the package database", async () => {
    const files = filesOf(await sharedRun(path.join(FIXTURES, "vm-mariadb")));
    const status = files.get("var/lib/dpkg/status")!;
    expect(status).toContain("Package: mariadb-server\nStatus: install ok installed\nVersion: 1:10.11.6-0+deb12u1\n");
    expect(status).not.toContain("adduser");
  });

  it.skipIf(!hasBusybox)("prints the same under dash, bash and busybox sh", async () => {
    const root = path.join(FIXTURES, "vm-mariadb");
    const dash = await sharedRun(root, ["dash"]);
    expect(await runScript(root, { shell: ["bash", "--posix"] })).toBe(dash);
    expect(await runScript(root, { shell: ["busybox", "sh"] })).toBe(dash);
  });

  it("names the tools the VM lacks, and sends no file at all without awk (values could not be taken out)", async () => {
    const bin = await temp("im-vm-bin-");
    const link = (tool: string) => symlink(`/usr/bin/${tool}`, path.join(bin, tool));
    await Promise.all([symlink("/usr/bin/dash", path.join(bin, "sh")), link("ls"), link("readlink")]);
    const noAwk = await runScript(path.join(FIXTURES, "vm1"), { path: bin });
    expect(noAwk).toMatch(/^missing=awk$/m);
    expect(noAwk).toMatch(/^missing=ss$/m);
    expect(noAwk).not.toMatch(/^file=/m);
    expect(noAwk).not.toMatch(/^listeners$/m);
    await link("awk");
    const noSs = await runScript(path.join(FIXTURES, "vm1"), { path: bin });
    expect(noSs).toMatch(/^missing=ss$/m);
    expect(noSs).not.toMatch(/^missing=awk$/m);
    expect(filesOf(noSs).has("etc/systemd/system/api.service")).toBe(true);
  });

  it("skips and names a file over the size limit without reading it", async () => {
    const root = path.join(await temp("im-vm-"), "vm1");
    await cp(path.join(FIXTURES, "vm1"), root, { recursive: true, verbatimSymlinks: true });
    await truncate(path.join(root, "srv/app/requirements.txt"), 70 * 1024 * 1024);
    const out = await runScript(root);
    expect(out).toMatch(/^toolarge=\/srv\/app\/requirements.txt 73400320$/m);
    expect(filesOf(out).has("srv/app/requirements.txt")).toBe(false);
    expect(out.length).toBeLessThan(1024 * 1024);
  });

  // The sizes come from one `ls -nLd` of every file, each line matched by the path that ends it:
  // here "etc/cron.d/x etc/hostname" ends with " etc/hostname", another file sent.
  it.each([
    ["etc/cron.d/x etc/hostname", "etc/hostname"],
    ["etc/hostname", "etc/cron.d/x etc/hostname"],
  ])("names %s over the size limit, and sends %s beside it", async (big, small) => {
    const root = path.join(await temp("im-vm-"), "vm1");
    await cp(path.join(FIXTURES, "vm1"), root, { recursive: true, verbatimSymlinks: true });
    await mkdir(path.join(root, "etc/cron.d/x etc"), { recursive: true });
    await writeFile(path.join(root, small), "app-vm-01\n");
    await writeFile(path.join(root, big), "");
    await truncate(path.join(root, big), 600 * 1024);
    const out = await runScript(root);
    expect(out.split("\n").filter((l) => l.startsWith("toolarge="))).toEqual([`toolarge=/${big} 614400`]);
    expect(filesOf(out).get(small)).toBe("app-vm-01\n");
  });

  let quotedTree: Promise<string> | undefined;
  it.each([
    ["QUOTING_STYLE", "shell-escape"],
    ["BLOCK_SIZE", "human-readable"],
    ["LS_BLOCK_SIZE", "1K"],
  ])("sizes a file whose name GNU ls would quote in bytes, whatever the VM sets: %s=%s", async (name, value) => {
    quotedTree ??= (async () => {
      const root = await temp("im-vm-");
      await mkdir(path.join(root, "etc/cron.d"), { recursive: true });
      await writeFile(path.join(root, "etc/cron.d/big 'q'"), "");
      await truncate(path.join(root, "etc/cron.d/big 'q'"), 600 * 1024);
      return root;
    })();
    const out = await runScript(await quotedTree, { env: { [name]: value } });
    expect(out).toMatch(/^toolarge=\/etc\/cron\.d\/big 'q' 614400$/m);
  });
});
