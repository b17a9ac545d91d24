// scripts/setup-database.sh: the Cloud SQL instance with backups and point-in-time recovery, the
// app's database and a user whose generated password never appears in an argument or the output;
// the app's URL goes to Secret Manager in the Cloud SQL socket form.
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { offlineCicd } from "../../../src/phases/cicd/offline.js";
import { cicdPlanSteps } from "../../../src/phases/cicd/plan-steps.js";
import { CICD_PATHS, renderCicd } from "../../../src/phases/cicd/render.js";
import { databaseView } from "../../../src/phases/cicd/setup-views.js";
import { renderTemplateSync } from "../../../src/render/templates.js";
import type { PhaseInput } from "../../../src/contracts/phase.js";
import { findShellcheck, shellcheck } from "../../../src/validate/shellcheck.js";
import { readFileSync } from "node:fs";
import { chainFile, chainYaml, EXAMPLE } from "../../helpers/chain.js";
import { fakeFunctionsEnv } from "../../helpers/fake-functions.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "setup-database-"));
  // Every argv goes to argv.log; the stdin of `versions add` and of curl to stdin.log.
  const shim = (name: string, stdinWhen: string) =>
    writeFile(
      path.join(dir, name),
      `#!/usr/bin/env bash\nprintf '${name} %s\\n' "$*" >>"$LOG_DIR/argv.log"\ncase " $* " in *"${stdinWhen}"*) { cat; printf '\\n'; } >>"$LOG_DIR/stdin.log" ;; esac\ncase " $* " in *" describe "*) exit 1 ;; *" print-access-token "*) echo token ;; *" users list "*) printf '%s\\n' \${USERS:-} ;; *" versions access "*) printf '%s' "\${STORED:-}" ;; esac\nexit 0\n`,
    );
  await shim("gcloud", " versions add ");
  await shim("curl", "sqladmin");
  await chmod(path.join(dir, "gcloud"), 0o755);
  await chmod(path.join(dir, "curl"), 0o755);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const scriptFor = (input: PhaseInput) =>
  renderCicd(offlineCicd(input), input).find((a) => a.path === CICD_PATHS.setupDatabase)!.content;
const seed = scriptFor(chainFile(EXAMPLE("seed-vm")).input);
const django = scriptFor(chainFile(EXAMPLE("django-postgres")).input);

let n = 0;
async function run(script: string, args: string[], env: Record<string, string> = {}) {
  const logDir = path.join(dir, `run-${n++}`);
  await mkdir(logDir);
  const file = path.join(logDir, "setup-database.sh");
  await writeFile(file, script);
  const r = await execa("bash", [file, ...args], {
    reject: false,
    extendEnv: false,
    env: {
      ...fakeFunctionsEnv(["gcloud", "curl"].map((p) => path.join(dir, p))),
      PATH: `${dir}:/usr/bin:/bin`,
      LOG_DIR: logDir,
      ...env,
    },
  });
  const read = (f: string) => readFile(path.join(logDir, f), "utf8").catch(() => "");
  return { ...r, argv: await read("argv.log"), stdin: await read("stdin.log") };
}

describe("setup-database.sh", () => {
  it("MySQL: backups with binary logging (point-in-time recovery), HA as designed", async () => {
    const r = await run(seed, ["--dry-run"]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(
      "+ gcloud sql instances create web-app-prod-db --project acme-mvp-prod --region us-central1 --database-version=MYSQL_8_0 --tier=db-custom-2-7680 --storage-type=SSD --storage-size=40 --storage-auto-increase --availability-type=REGIONAL --backup-start-time=03:00 --retained-backups-count=7 --enable-bin-log --retained-transaction-log-days=7",
    );
  });

  it("PostgreSQL: point-in-time recovery is its own flag", async () => {
    const r = await run(django, ["--dry-run"]);
    expect(r.stdout).toContain("--enable-point-in-time-recovery");
    expect(r.stdout).not.toContain("--enable-bin-log");
  });

  it("creates the user through the Admin API with a generated password that no argument or output carries", async () => {
    const r = await run(seed, []);
    expect(r.exitCode, r.stderr).toBe(0);
    const [userJson, url] = r.stdin.trim().split("\n");
    const password = JSON.parse(userJson!).password as string;
    expect(password).toMatch(/^[0-9a-f]{48}$/);
    expect(url).toBe(
      `mysql://app:${password}@localhost/acme_mvp?unix_socket=/cloudsql/acme-mvp-prod:us-central1:web-app-prod-db`,
    );
    expect(r.argv).not.toContain(password);
    expect(`${r.stdout}${r.stderr}`).not.toContain(password);
    expect(r.stdout).toContain("DATABASE_URL: new version mysql://app:****@localhost/acme_mvp?unix_socket=");
    expect(r.argv).toContain(
      "gcloud secrets create DATABASE_URL --project acme-mvp-prod --replication-policy=automatic",
    );
  });

  it("keeps the password when the app names no database URL: DATABASE_URL, and the plan says to declare it", async () => {
    // The seed without its DATABASE_URL variable (an app configured by a file the inventory does not list).
    const yaml = readFileSync(EXAMPLE("seed-vm"), "utf8").replace(/DATABASE_URL, /g, "");
    const { input } = chainYaml(yaml);
    const script = scriptFor(input);
    const r = await run(script, []);
    expect(r.exitCode, r.stderr).toBe(0);
    const [userJson, url] = r.stdin.trim().split("\n");
    expect(url).toContain(`:${JSON.parse(userJson!).password as string}@localhost/`);
    expect(r.stdout).toContain("DATABASE_URL: new version mysql://app:****@localhost/");
    // The design gives every service that reaches Cloud SQL with no database setting DATABASE_URL,
    // and its mapping tells the app to read it (rules/app-env.ts), so the services do mount it.
    const { design } = chainYaml(yaml);
    expect(
      design.deployment.services.filter((s) => s.cloudSqlInstance).every((s) => s.secrets.includes("DATABASE_URL")),
    ).toBe(true);
    expect(JSON.stringify(design.mapping)).toMatch(/Read the database connection from DATABASE_URL/);
    const planStep = (i: PhaseInput) => cicdPlanSteps(offlineCicd(i), i).find((p) => p.title.startsWith("Cloud SQL"))!;
    // With the variable declared (the seed as it is), neither says anything of the kind.
    expect((await run(seed, [])).stderr).not.toContain("do not read");
    expect(planStep(chainFile(EXAMPLE("seed-vm")).input).body).not.toContain("does not read it");
  });

  const SOCKET = "unix_socket=/cloudsql/acme-mvp-prod:us-central1:web-app-prod-db";
  const stored = (password: string, db = "acme_mvp") => `mysql://app:${password}@localhost/${db}?${SOCKET}`;

  it("a re-run keeps an existing user's password and refreshes the settings from the stored one", async () => {
    const same = await run(seed, [], { USERS: "root app", STORED: stored("s3cret") });
    expect(same.exitCode, same.stderr).toBe(0);
    expect(same.argv).not.toMatch(/^curl /m);
    expect(same.stdout).toContain("app exists: its password is unchanged; settings refreshed from the stored one");
    expect(same.stdout).toContain("DATABASE_URL: up to date");
    expect(same.stdin).toBe("");
    // Another database: the URL follows, with the password the user still has.
    const other = await run(seed, ["--database", "shop"], { USERS: "app", STORED: stored("s3cret") });
    expect(other.stdin.trim()).toBe(stored("s3cret", "shop"));
    expect(`${other.stdout}${other.stderr}`).not.toContain("s3cret");
  });

  it("a re-run with no stored password says how to set one, and writes nothing", async () => {
    const r = await run(seed, [], { USERS: "app" });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("no setting in Secret Manager holds its password");
    expect(r.stderr).toMatch(/--rotate-password --user app/);
    expect(r.argv).not.toContain("versions add");
    // A stored URL for another user holds no password for this one.
    expect((await run(seed, ["--user", "shop"], { USERS: "shop", STORED: stored("s3cret") })).exitCode).toBe(1);
  });

  it("--rotate-password changes the user's password (Admin API PUT) and every setting in one run", async () => {
    const r = await run(seed, ["--rotate-password"], { USERS: "app", STORED: stored("old") });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.argv).toMatch(/^curl .*-X PUT .*\/instances\/web-app-prod-db\/users\?name=app$/m);
    const [userJson, url] = r.stdin.trim().split("\n");
    const password = JSON.parse(userJson!).password as string;
    expect(password).toMatch(/^[0-9a-f]{48}$/);
    expect(url).toBe(stored(password));
    expect(r.stdout).toContain("app: password changed");
    expect(r.stderr).toContain("Redeploy now");
    expect(`${r.argv}${r.stdout}${r.stderr}`).not.toContain(password);
  });

  it("a replica URL (READ_DATABASE_URL) gets the primary's URL, and the plan says so", async () => {
    const yaml = readFileSync(EXAMPLE("seed-vm"), "utf8").replace(
      /DATABASE_URL, /g,
      "DATABASE_URL, READ_DATABASE_URL, ",
    );
    const { input } = chainYaml(yaml);
    const r = await run(scriptFor(input), []);
    expect(r.exitCode, r.stderr).toBe(0);
    const urls = r.stdin.trim().split("\n").slice(1);
    expect(urls).toHaveLength(2);
    expect(urls[0]).toBe(urls[1]);
    const step = cicdPlanSteps(offlineCicd(input), input).find((p) => p.title.startsWith("Cloud SQL"))!;
    expect(step.body).toContain("`READ_DATABASE_URL` holds the primary's URL: the design adds no read replica");
    expect(step.body).toContain("setup-database.sh --rotate-password");
  });

  it("a Go app's MySQL URL setting gets go-sql-driver's DSN over the socket, which a URL parser would not give it", async () => {
    // flask-rabbitmq's MySQL app as if it were Go: databaseView by stack, rendered through the real template.
    const { design } = chainFile(EXAMPLE("flask-rabbitmq"));
    const view = databaseView(design.deployment, "go", "shop")!;
    expect(view.dsnUrlSecrets).toEqual(["SQLALCHEMY_DATABASE_URI"]);
    expect(view.urlSecrets).toEqual([]);
    const script = renderTemplateSync("cicd/setup-database.sh.hbs", view);
    const r = await run(script, []);
    expect(r.exitCode, r.stderr).toBe(0);
    const [userJson, dsn] = r.stdin.trim().split("\n");
    const password = JSON.parse(userJson!).password as string;
    expect(dsn).toBe(`app:${password}@unix(/cloudsql/${view.project}:${view.region}:${view.instance})/shop`);
    expect(script).toContain(`go-sql-driver/mysql's DSN over the socket, ${view.dsnForm}`);
  });

  it.each([[["--database", "x;y"]], [["--scheme", "MYSQL://"]], [["--user"]]])("refuses %j (exit 2)", async (args) => {
    expect((await run(seed, args)).exitCode).toBe(2);
  });

  it("passes shellcheck", async () => {
    if (!(await findShellcheck())) return;
    expect(await shellcheck(seed)).toEqual([]);
  });
});
