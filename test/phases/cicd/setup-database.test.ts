// scripts/setup-database.sh: the Cloud SQL instance with backups and point-in-time recovery, the
// app's database and a user whose generated password never appears in an argument or the output;
// the app's URL goes to Secret Manager in the Cloud SQL socket form.
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { offlineCicd } from "../../../src/phases/cicd/offline.js";
import { cicdPlanSteps } from "../../../src/phases/cicd/plan-steps.js";
import { CICD_PATHS, renderCicd } from "../../../src/phases/cicd/render.js";
import type { PhaseInput } from "../../../src/contracts/phase.js";
import { findShellcheck, shellcheck } from "../../../src/validate/shellcheck.js";
import { readFileSync } from "node:fs";
import { chainFile, chainYaml, EXAMPLE } from "../../helpers/chain.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "setup-database-"));
  // Every argv goes to argv.log; the stdin of `versions add` and of curl to stdin.log.
  const shim = (name: string, stdinWhen: string) =>
    writeFile(
      path.join(dir, name),
      `#!/usr/bin/env bash\nprintf '${name} %s\\n' "$*" >>"$LOG_DIR/argv.log"\ncase " $* " in *"${stdinWhen}"*) { cat; printf '\\n'; } >>"$LOG_DIR/stdin.log" ;; esac\ncase " $* " in *" describe "*) exit 1 ;; *" print-access-token "*) echo token ;; esac\nexit 0\n`,
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
async function run(script: string, args: string[]) {
  const logDir = path.join(dir, `run-${n++}`);
  await execa("mkdir", [logDir]);
  const file = path.join(logDir, "setup-database.sh");
  await writeFile(file, script);
  const r = await execa("bash", [file, ...args], {
    reject: false,
    extendEnv: false,
    env: { PATH: `${dir}:/usr/bin:/bin`, LOG_DIR: logDir },
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
      `mysql://app:${password}@/acme_mvp?unix_socket=/cloudsql/acme-mvp-prod:us-central1:web-app-prod-db`,
    );
    expect(r.argv).not.toContain(password);
    expect(`${r.stdout}${r.stderr}`).not.toContain(password);
    expect(r.stdout).toContain("DATABASE_URL: new version mysql://app:****@/acme_mvp?unix_socket=");
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
    expect(url).toContain(`:${JSON.parse(userJson!).password as string}@/`);
    expect(r.stdout).toContain("DATABASE_URL: new version mysql://app:****@/");
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

  it.each([[["--database", "x;y"]], [["--scheme", "MYSQL://"]], [["--user"]]])("refuses %j (exit 2)", async (args) => {
    expect((await run(seed, args)).exitCode).toBe(2);
  });

  it("passes shellcheck", async () => {
    if (!(await findShellcheck())) return;
    expect(await shellcheck(seed)).toEqual([]);
  });
});
