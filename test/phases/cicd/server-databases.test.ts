// scripts/setup-database.sh for a server with several databases (an API's and Keycloak's on one
// PostgreSQL): one instance, each database created with its own user, and each process's own
// settings stored for its database. Before, DATABASE_URL and KC_DB_URL got the same URL (the API's
// database and user), so Keycloak started on the API's database with none of its realms.
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { offlineCicd } from "../../../src/phases/cicd/offline.js";
import { cicdPlanSteps } from "../../../src/phases/cicd/plan-steps.js";
import { CICD_PATHS, renderCicd } from "../../../src/phases/cicd/render.js";
import { findShellcheck, shellcheck } from "../../../src/validate/shellcheck.js";
import { chainYaml } from "../../helpers/chain.js";
import { fakeFunctionsEnv } from "../../helpers/fake-functions.js";
import { serverDatabasesYaml } from "../../helpers/server-databases-inventory.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "server-databases-"));
  // Every argv goes to argv.log; the stdin of `versions add` and of curl to stdin.log.
  const shim = (name: string, stdinWhen: string) =>
    writeFile(
      path.join(dir, name),
      `#!/usr/bin/env bash\nprintf '${name} %s\\n' "$*" >>"$LOG_DIR/argv.log"\ncase " $* " in *"${stdinWhen}"*) { cat; printf '\\n'; } >>"$LOG_DIR/stdin.log" ;; esac\ncase " $* " in *" instances describe "*) [[ $* == *ipAddresses* ]] && echo 10.1.2.3; exit 0 ;; *" describe "*) exit 1 ;; *" print-access-token "*) echo token ;; *" users list "*) printf '%s\\n' \${USERS:-} ;; esac\nexit 0\n`,
    );
  await shim("gcloud", " versions add ");
  await shim("curl", "sqladmin");
  await chmod(path.join(dir, "gcloud"), 0o755);
  await chmod(path.join(dir, "curl"), 0o755);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const chained = chainYaml(serverDatabasesYaml());
const script = renderCicd(offlineCicd(chained.input), chained.input).find(
  (a) => a.path === CICD_PATHS.setupDatabase,
)!.content;

async function run(args: string[]) {
  const logDir = await mkdtemp(path.join(dir, "run-"));
  await mkdir(logDir, { recursive: true });
  const file = path.join(logDir, "setup-database.sh");
  await writeFile(file, script);
  const r = await execa("bash", [file, ...args], {
    reject: false,
    extendEnv: false,
    env: {
      ...fakeFunctionsEnv(["gcloud", "curl"].map((p) => path.join(dir, p))),
      PATH: `${dir}:/usr/bin:/bin`,
      LOG_DIR: logDir,
    },
  });
  const read = (f: string) => readFile(path.join(logDir, f), "utf8").catch(() => "");
  return { ...r, argv: await read("argv.log"), stdin: await read("stdin.log") };
}

describe("setup-database.sh, two databases on one server", () => {
  it("creates each database and its own user, and stores each process's settings for its database", async () => {
    const r = await run([]);
    expect(r.exitCode, r.stderr).toBe(0);
    // One instance, set up once (it exists here: patched).
    expect(r.argv.match(/sql instances (create|patch)/g)).toHaveLength(1);
    expect(r.argv).toContain("gcloud sql databases create keycloak --instance portal-db");
    expect(r.argv).toContain("gcloud sql databases create portal --instance portal-db");
    const users = r.stdin
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as { name: string; password: string });
    expect(users.map((u) => u.name)).toEqual(["keycloak", "app"]);
    const [keycloak, app] = users;
    expect(keycloak!.password).not.toBe(app!.password);
    // Each value follows its user's JSON on stdin, in the order written.
    expect(r.stdin).toContain(`jdbc:postgresql://10.1.2.3:5432/keycloak?user=keycloak&password=${keycloak!.password}`);
    expect(r.stdin).toContain(
      `postgresql://app:${app!.password}@/portal?host=/cloudsql/portal-prod:us-east1:portal-db`,
    );
    expect(r.argv).toMatch(/secrets versions add KC_DB_USERNAME[\s\S]*secrets versions add KC_DB_PASSWORD/);
    expect(r.stdin).not.toMatch(/postgresql:\/\/app:[^\n]*keycloak|keycloak:[^\n]*\/portal\?/);
  });

  it("a dry run shows both databases, and --for sets up only one", async () => {
    const dry = await run(["--dry-run"]);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toContain("== Database keycloak");
    expect(dry.stdout).toContain("== Database portal");
    expect(dry.stdout).toContain(
      "+ gcloud secrets versions add KC_DB_URL --project portal-prod --data-file=-   # jdbc:postgresql://PRIVATE_IP:5432/keycloak?user=keycloak&password=****",
    );
    expect(dry.stdout).toContain(
      "+ gcloud secrets versions add DATABASE_URL --project portal-prod --data-file=-   # postgresql://app:****@/portal?",
    );
    const one = await run(["--dry-run", "--for", "keycloak"]);
    expect(one.stdout).toContain("== Database keycloak");
    expect(one.stdout).not.toContain("== Database portal");
    expect(one.stdout).not.toContain("instances create");
    expect((await run(["--for", "nope"])).exitCode).toBe(2);
  });

  it("passes shellcheck", async () => {
    if (!(await findShellcheck())) return;
    expect(await shellcheck(script)).toEqual([]);
  });

  it("the plan says which database each process uses", () => {
    const step = cicdPlanSteps(offlineCicd(chained.input), chained.input).find((s) => s.title.startsWith("Cloud SQL"))!;
    expect(step.body).toContain("`keycloak` (user `keycloak`) for portal-keycloak");
    expect(step.body).toContain("`portal` (user `app`) for portal");
  });
});

describe("a declared database no deployed process reads", () => {
  // nginx becomes the load balancer: nothing on Cloud Run reads the `legacy` database's settings.
  const yaml = serverDatabasesYaml().replace(
    "    databases:\n",
    "    databases:\n      - { name: legacy, services: [nginx] }\n",
  );
  const c = chainYaml(yaml);

  it("is not the first (setup-database.sh's default) and is left to the data copy", () => {
    expect(c.design.deployment.database!.databases!.map((x) => x.name)).toEqual(["portal", "keycloak", "legacy"]);
    const text = renderCicd(offlineCicd(c.input), c.input).find((a) => a.path === CICD_PATHS.setupDatabase)!.content;
    expect(text).toContain("DATABASE=portal DB_USER=app");
    expect(text).toContain("OTHER_DATABASES=( keycloak )");
    const step = cicdPlanSteps(offlineCicd(c.input), c.input).find((s) => s.title.startsWith("Cloud SQL"))!;
    expect(step.body).toContain("`legacy`: no process on Cloud Run reads its settings");
  });
});

describe("undeclared: one database, but each process's URL in the form its client reads", () => {
  it("Keycloak's KC_DB_URL is a JDBC URL beside the Node API's DATABASE_URL", () => {
    const c = chainYaml(serverDatabasesYaml(false));
    const text = renderCicd(offlineCicd(c.input), c.input).find((a) => a.path === CICD_PATHS.setupDatabase)!.content;
    expect(text).toContain("URL_SECRETS=( DATABASE_URL )");
    expect(text).toContain("JDBC_URL_SECRETS=( KC_DB_URL )");
    expect(text).not.toContain("OTHER_DATABASES");
  });
});
