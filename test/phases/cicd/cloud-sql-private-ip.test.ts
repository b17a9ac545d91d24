// An app whose database client takes only a host (here Rails mysql2 without `socket:`) reaches
// Cloud SQL's private IP over Direct VPC egress: every target of it (the canary-deployed web
// service, the Sidekiq worker, the cron job, the migration job) deploys into the subnet with its
// host set to the IP the workflow looks up; setup-network.sh adds private services access and runs
// before setup-database.sh, which gives the instance the IP; the deployer may read it. A JDBC URL
// names the IP, and a re-run finds the password in it.
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { offlineCicd } from "../../../src/phases/cicd/offline.js";
import { cicdPlanSteps } from "../../../src/phases/cicd/plan-steps.js";
import { CICD_PATHS, renderCicd } from "../../../src/phases/cicd/render.js";
import { actionlint } from "../../../src/validate/actionlint.js";
import { findShellcheck, shellcheck, workflowRunScripts } from "../../../src/validate/shellcheck.js";
import { estimateCost } from "../../../src/phases/design/cost/estimate.js";
import { loadPriceBook } from "../../../src/contracts/gcp-prices.js";
import { chainFile, chainYaml } from "../../helpers/chain.js";
import { RAILS_SHOP } from "../../helpers/rails-shop.js";
import { ROOT } from "../../helpers/phase-input.js";

const rails = chainYaml(RAILS_SHOP);
const files = new Map(renderCicd(offlineCicd(rails.input), rails.input).map((a) => [a.path, a.content]));
const file = (p: string) => files.get(p) ?? "";
const steps = (
  parse(file(CICD_PATHS.workflow)) as { jobs: { deploy: { steps: Array<{ name?: string; run?: string }> } } }
).jobs.deploy.steps;

describe("a MySQL client that takes only a host (Rails mysql2)", () => {
  it("every target of the app takes the private IP: services, worker, cron job, migration job", () => {
    const onSql = rails.design.deployment.services.filter((t) => t.cloudSqlInstance);
    expect(onSql.map((t) => t.kind).sort()).toEqual(expect.arrayContaining(["api", "job"]));
    for (const t of onSql) {
      expect(t.cloudSqlPrivateIp?.hostEnv, t.name).toEqual(["DB_HOST"]);
      // Sidekiq reaches Redis too, and so does the cron job, which runs the app with its peers'
      // settings (REDIS_URL among them); the others have Direct VPC egress for Cloud SQL alone.
      expect(t.cloudSqlPrivateIp?.onlyEgress, t.name).toBe(
        ["sidekiq", "digest"].includes(t.replaces[0]!) ? undefined : true,
      );
      expect(t.vpcEgress, t.name).toBe("private-ranges-only");
      expect(t.env?.DB_HOST, t.name).toBeUndefined();
      expect(t.env?.DB_SOCKET, t.name).toBeUndefined();
      expect(t.secrets, t.name).not.toContain("DB_HOST");
    }
    const lookup = steps.findIndex((s) => /private IP \(Cloud SQL/.test(s.name ?? ""));
    const migrate = steps.findIndex((s) => /^Migrate the database/.test(s.name ?? ""));
    expect(lookup).toBeGreaterThanOrEqual(0);
    expect(migrate).toBeGreaterThan(lookup);
    const sidekiq = onSql.find((t) => t.replaces[0] === "sidekiq")!.name;
    const deploys = steps.filter((s) => /^(Deploy|Migrate)/.test(s.name ?? ""));
    expect(deploys.length).toBe(onSql.length + 1);
    for (const s of deploys) {
      expect(s.run, s.name).toContain("DB_HOST=${CLOUD_SQL_PRIVATE_IP}");
      // Only the processes that use Redis are given its Memorystore address: Sidekiq, and the cron
      // job that runs the app with Sidekiq's settings.
      expect(s.run?.includes("REDIS_URL=${CACHE_0_URL}"), s.name).toBe(
        s.name === `Deploy ${sidekiq} (worker-pool)` || s.name === "Deploy shop-digest (job)",
      );
      expect(s.run, s.name).toContain("--network=shop-vpc");
      expect(s.run, s.name).toContain("--subnet=shop-run");
      expect(s.run, s.name).toContain("--vpc-egress=private-ranges-only");
    }
    expect(steps[lookup]!.run).toContain(`gcloud sql instances describe shop-db --project "$PROJECT_ID"`);
  });

  it("the database decision says which services take the private IP, and the sidecar it passed over", () => {
    const adr = rails.design.decisions.find((x) => /^Move the database to Cloud SQL/.test(x.title))!;
    expect(adr.decision).toMatch(
      /; shop(, shop-[a-z-]+)+, whose database client takes only a host and port, over the instance's private IP/,
    );
    expect(adr.alternatives.join("\n")).toContain("Cloud SQL Auth Proxy as a sidecar");
  });

  it("sets up the peering, the private IP and the deployer's read access, in order", () => {
    expect(file(CICD_PATHS.setupNetwork)).toContain("--service=servicenetworking.googleapis.com");
    expect(file(CICD_PATHS.setupDatabase)).toMatch(/sql instances create [^\n]*\n(.*\n){0,3}.*--network="\$NETWORK"/);
    expect(file(CICD_PATHS.setupDatabase)).toContain("NETWORK=shop-vpc");
    // No JDBC URL: nothing in the script needs the IP itself.
    expect(file(CICD_PATHS.setupDatabase)).not.toContain("PRIVATE_IP=");
    expect(file(CICD_PATHS.setupWif)).toContain("--role=roles/cloudsql.viewer");
    const plan = cicdPlanSteps(offlineCicd(rails.input), rails.input);
    const order = (title: RegExp) => plan.find((s) => title.test(s.title))!.order;
    expect(order(/^Private network/)).toBeLessThan(order(/^Cloud SQL instance/));
  });

  it("the cost estimate lists the path, at no charge of its own", () => {
    const book = loadPriceBook();
    const cost = estimateCost(rails.input.inventory, rails.design.deployment, book);
    const line = cost.scenarios[0]!.lines.find((l) => l.component === "network");
    expect(line?.item).toContain("Cloud SQL's private IP");
    expect(line?.monthlyUsd).toBe(0);
  });

  it.skipIf(!findShellcheck())("the scripts and the workflow pass shellcheck and actionlint", async () => {
    for (const p of [CICD_PATHS.setupNetwork, CICD_PATHS.setupDatabase, CICD_PATHS.setupWif])
      expect(await shellcheck(file(p)), p).toEqual([]);
    for (const { where, script } of workflowRunScripts(file(CICD_PATHS.workflow)))
      expect(await shellcheck(script), where).toEqual([]);
    expect(await actionlint(file(CICD_PATHS.workflow), CICD_PATHS.workflow)).toEqual([]);
  });
});

describe("setup-database.sh with a JDBC URL on the private IP (Spring Petclinic)", () => {
  const petclinic = chainFile(path.join(ROOT, "test/fixtures/real/spring-petclinic/inventory.yaml"));
  const script = renderCicd(offlineCicd(petclinic.input), petclinic.input).find(
    (a) => a.path === CICD_PATHS.setupDatabase,
  )!.content;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "private-ip-"));
    // The instance exists and has its private IP; the user exists; the URL an earlier run stored.
    await writeFile(
      path.join(dir, "gcloud"),
      `#!/usr/bin/env bash\nprintf 'gcloud %s\\n' "$*" >>"$LOG"\ncase " $* " in *ipAddresses*) echo 10.20.0.3 ;; *" users list "*) echo app ;; *" versions access latest --secret MYSQL_URL "*) printf '%s' "$STORED" ;; *" versions add "*) cat >>"$LOG.stdin"; echo >>"$LOG.stdin" ;; esac\nexit 0\n`,
    );
    await chmod(path.join(dir, "gcloud"), 0o755);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("writes the JDBC URL of the instance's private IP, and a re-run keeps the stored password", async () => {
    const log = path.join(dir, "calls.log");
    const file = path.join(dir, "setup-database.sh");
    await writeFile(file, script);
    const r = await execa("bash", [file, "--database", "petclinic"], {
      reject: false,
      extendEnv: false,
      env: {
        PATH: `${dir}:/usr/bin:/bin`,
        LOG: log,
        STORED: "jdbc:mysql://10.20.0.3:3306/petclinic?user=app&password=s3cr3t",
      },
    });
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain("settings refreshed from the stored one");
    const calls = await readFile(log, "utf8");
    expect(calls).toMatch(/sql instances patch \S+ .*--network=\S+-vpc --quiet/);
    const stored = await readFile(`${log}.stdin`, "utf8").catch(() => "");
    // MYSQL_URL is up to date (same value): only the user and password settings get versions.
    expect(stored).not.toContain("socketFactory");
    expect(r.stdout).toContain("MYSQL_URL: up to date");
  });
});
