// Every database setting an app reads reaches Cloud SQL, over the whole corpus and the examples:
// the URL, user, password and database name are what scripts/setup-database.sh stores for the
// user it creates (and setup-secrets.sh never copies them from the VM); the host, socket, port and
// engine flag are plain values that match the Cloud SQL socket (or, for the engine flag of a
// database server that keeps its engine, the VM's own spelling in deploy/cloud-run.env). Then the two scripts run against
// a recording gcloud (test/helpers/recording-gcloud.ts) and ssh for an app that reads split
// settings (Healthchecks).
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseSettingRole, STORED_ROLES } from "../../../src/contracts/database-settings.js";
import type { Deployment } from "../../../src/contracts/deployment.js";
import { renderOffline } from "../../helpers/offline-output.js";
import { inventoryDirs, ROOT } from "../../helpers/phase-input.js";
import { RECORDING_GCLOUD, writePrograms } from "../../helpers/recording-gcloud.js";

const inventories = inventoryDirs();

/** The names a bash array of a generated script holds: `NAME=( A B )`. */
const bashArray = (script: string, name: string): string[] =>
  (new RegExp(`^${name}=\\(([^)]*)\\)`, "m").exec(script)?.[1] ?? "").split(/\s+/).filter(Boolean);

const PLAIN_VALUES: Record<string, (v: string, socket: string, engine: string) => boolean> = {
  host: (v, socket) => v === socket || v === "localhost",
  socket: (v, socket) => v === socket,
  port: (v, _s, engine) => v === (engine === "mysql" ? "3306" : "5432"),
  engine: (v, _s, engine) =>
    (engine === "mysql" ? ["mysql", "mariadb"] : ["postgres", "postgresql", "pgsql"]).includes(v),
};

describe.each(inventories)("%s: database settings on Cloud SQL", async (dir) => {
  const out = await renderOffline(path.join(ROOT, dir, "inventory.yaml"));
  const deployment = (out.results.design as { deployment: Deployment }).deployment;
  const db = deployment.database;
  const file = (p: string) => out.artifacts.find((a) => a.path === p)?.content ?? "";
  const setupDatabase = file("scripts/setup-database.sh");
  const setupSecrets = file("scripts/setup-secrets.sh");
  const stored = [
    "URL_SECRETS",
    "JDBC_URL_SECRETS",
    "DSN_URL_SECRETS",
    "STORE_SECRETS",
    "USER_SECRETS",
    "PASSWORD_SECRETS",
    "NAME_SECRETS",
  ].flatMap((a) => bashArray(setupDatabase, a));
  const neverCopied = [...bashArray(setupSecrets, "DB_URL_SECRETS"), ...bashArray(setupSecrets, "DB_USER_SECRETS")];
  const targets = deployment.services.filter((t) => t.cloudSqlInstance);

  // An app without Cloud SQL (fastapi-celery keeps no database) gets no database script and no
  // database settings: asserted, not skipped, so CI runs every test it counts.
  if (!db || targets.length === 0) {
    it("without Cloud SQL: no setup-database.sh and no database setting among the secrets", () => {
      expect(setupDatabase).toBe("");
      for (const t of deployment.services)
        expect(
          t.secrets.filter((n) => databaseSettingRole(n)),
          t.name,
        ).toEqual([]);
    });
  }

  if (db && db.engine !== "sqlserver" && targets.length > 0)
    it("every setting is stored by setup-database.sh or set to the socket's value, never the VM's", () => {
      const socket = `/cloudsql/${deployment.project}:${deployment.region}:${db!.instance}`;
      for (const t of targets) {
        const reads = [...t.secrets, ...Object.keys(t.env ?? {}), ...(t.plainEnv ?? [])];
        const settings = reads.filter((n) => databaseSettingRole(n));
        // A settings file it mounts names the database (Gitea's app.ini): the plan's edit names the socket.
        const inFile = (deployment.secretFiles ?? []).find((f) => f.targets.includes(t.name) && f.edits?.length);
        // A JDBC URL in a JVM app's properties file (Traccar's database.url) cannot take the unix
        // socket: its edit names the private IP or the Cloud SQL Java connector's instance instead.
        const jdbc = /a JDBC URL/.test(inFile?.edits?.join(" ") ?? "");
        if (inFile && jdbc)
          expect(inFile.edits!.join(" ")).toMatch(new RegExp(`PRIVATE_IP|cloudSqlInstance=${deployment.project}:`));
        else if (inFile) expect(inFile.edits!.join(" ")).toContain(socket);
        else expect(settings.length, `${t.name} reads some database setting`).toBeGreaterThan(0);
        for (const name of settings) {
          const role = databaseSettingRole(name)!;
          const where = `${t.name} ${name} (${role})`;
          // The engine flag of a database server Cloud SQL keeps the engine of: the VM's spelling.
          if (role === "engine" && (t.plainEnv ?? []).includes(name)) {
            expect(t.secrets, where).not.toContain(name);
            expect(t.env ?? {}, where).not.toHaveProperty(name);
            continue;
          }
          expect(t.plainEnv ?? [], `${where}: not a VM value in deploy/cloud-run.env`).not.toContain(name);
          if (STORED_ROLES.includes(role)) {
            expect(t.secrets, where).toContain(name);
            expect(stored, `${where}: setup-database.sh writes it`).toContain(name);
            expect(neverCopied, `${where}: setup-secrets.sh does not copy it from the VM`).toContain(name);
          } else {
            expect(t.secrets, `${where}: not a secret copied from the VM`).not.toContain(name);
            const value = t.env![name]!;
            expect(PLAIN_VALUES[role]!(value, socket, db!.engine), `${where} = ${value}`).toBe(true);
          }
        }
        // Typed by hand, a URL takes the form setup-database.sh writes (its header names each form).
        const form = /^DB_URL_FORM="(.*)"$/m.exec(setupSecrets)?.[1];
        if (bashArray(setupSecrets, "DB_URL_SECRETS").length) expect(setupDatabase).toContain(form);
        // localhost reaches MySQL's socket only when the target also names where the socket is.
        if (Object.values(t.env ?? {}).includes("localhost"))
          expect(Object.values(t.env!), `${t.name}: a socket beside localhost`).toContain(socket);
      }
    });
});

describe("Healthchecks (DB_USER, DB_PASSWORD, DB_NAME): the scripts store and skip them", () => {
  let dir: string;
  let database: string;
  let secrets: string;
  let libs: Array<{ path: string; content: string }>;
  let fakes: Awaited<ReturnType<typeof writePrograms>>;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "db-settings-"));
    const out = await renderOffline(path.join(ROOT, "test/fixtures/real/healthchecks/inventory.yaml"));
    database = out.artifacts.find((a) => a.path === "scripts/setup-database.sh")!.content;
    secrets = out.artifacts.find((a) => a.path === "scripts/setup-secrets.sh")!.content;
    // What the scripts source (setup-secrets.sh: lib/vm-settings.sh beside it).
    libs = out.artifacts.filter((a) => a.path.startsWith("scripts/lib/"));
    // gcloud (recording-gcloud.ts) and curl both put what they read on stdin in stdin.log.
    fakes = await writePrograms(dir, {
      gcloud: RECORDING_GCLOUD,
      curl: `#!/usr/bin/env bash\n{ printf 'curl='; cat; printf '\\n'; } >>"$LOG_DIR/stdin.log"\n`,
      ssh: `#!/usr/bin/env bash\nprintf '%s' "$FAKE_VM_ENV"\n`,
    });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  let n = 0;
  /** Runs the script as scripts/s.sh of a repository whose deploy/cloud-run.env is `plainFile`. */
  async function run(script: string, args: string[], input = "", plainFile = "") {
    const logDir = path.join(dir, `run-${n++}`);
    await mkdir(path.join(logDir, "scripts/lib"), { recursive: true });
    await mkdir(path.join(logDir, "deploy"));
    await writeFile(path.join(logDir, "scripts/s.sh"), script);
    for (const lib of libs) await writeFile(path.join(logDir, lib.path), lib.content);
    if (plainFile) await writeFile(path.join(logDir, "deploy/cloud-run.env"), plainFile);
    const r = await execa("bash", [path.join(logDir, "scripts/s.sh"), ...args], {
      input,
      reject: false,
      extendEnv: false,
      env: {
        ...fakes,
        PATH: `${dir}:/usr/bin:/bin`,
        LOG_DIR: logDir,
        FAKE_VM_ENV:
          "DB_USER=vmuser\nDB_PASSWORD=vm-db-pass\nDB_NAME=hc\nSECRET_KEY=vm-key\nALLOWED_HOSTS='hc.example.com,www.hc.example.com'\nSITE_ROOT=*\n",
      },
    });
    const read = (f: string) => readFile(path.join(logDir, f), "utf8").catch(() => "");
    return { ...r, stdin: await read("stdin.log"), plain: await read("deploy/cloud-run.env") };
  }

  it("setup-database.sh writes the user it creates, its password and the database under the app's names", async () => {
    const r = await run(database, ["--database", "hc"]);
    expect(r.exitCode, r.stderr).toBe(0);
    const password = JSON.parse(/^curl=(.*)$/m.exec(r.stdin)![1]!).password as string;
    expect(r.stdin).toContain(`DB_USER=app\n`);
    expect(r.stdin).toContain(`DB_PASSWORD=${password}\n`);
    expect(r.stdin).toContain(`DB_NAME=hc\n`);
    expect(`${r.stdout}${r.stderr}`).not.toContain(password);
    expect(r.stdout).toContain("DB_PASSWORD: new version ****");
    const dry = await run(database, ["--dry-run", "--user", "hc_app"]);
    expect(dry.stdout).toContain(
      "+ gcloud secrets versions add DB_USER --project healthchecks-prod --data-file=-   # hc_app",
    );
  });

  it("setup-secrets.sh --from-vm copies SECRET_KEY but never the VM's database user, password or name", async () => {
    const r = await run(
      secrets,
      ["--from-vm", "deploy@vm", "--env-file", "/etc/hc.env"],
      Array.from({ length: 12 }, (_, i) => `typed${i}\n`).join(""),
    );
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdin).toContain("SECRET_KEY=vm-key\n");
    expect(r.stdin).not.toMatch(/vmuser|vm-db-pass|DB_NAME=hc/);
    for (const name of ["DB_NAME", "DB_PASSWORD", "DB_USER"])
      expect(r.stderr).toContain(
        `${name}: not copied from the VM (it names the VM database or its user); scripts/setup-database.sh writes it`,
      );
  });

  it("--from-vm fills the empty plain settings of deploy/cloud-run.env, only with values the deploy accepts", async () => {
    const typed = Array.from({ length: 12 }, (_, i) => `typed${i}\n`).join("");
    const file = "# a comment stays\nALLOWED_HOSTS=\nSITE_ROOT=\nSECRET_KEY=\n";
    const r = await run(secrets, ["--from-vm", "deploy@vm", "--env-file", "/etc/hc.env"], typed, file);
    expect(r.exitCode, r.stderr).toBe(0);
    // SITE_ROOT's VM value (*) would stop the deploy; SECRET_KEY is no plain setting: both stay empty.
    expect(r.plain).toBe(
      "# a comment stays\nALLOWED_HOSTS=hc.example.com,www.hc.example.com\nSITE_ROOT=\nSECRET_KEY=\n",
    );
    expect(r.stderr).toContain("SITE_ROOT: the VM's value has characters the deploy refuses");
    const dry = await run(secrets, ["--dry-run", "--from-vm", "deploy@vm", "--env-file", "/etc/hc.env"], "", file);
    expect(dry.plain).toBe(file);
    expect(dry.stdout).toMatch(/\+ fill the empty ALLOWED_HOSTS .*SITE_ROOT.* lines from \/etc\/hc\.env on deploy@vm/);
  });
});
