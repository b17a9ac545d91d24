// A Rails 8 app with Solid Queue, Solid Cache and Solid Cable (hand inventory rails-solid-queue):
// Rails reads QUEUE_DATABASE_URL, CACHE_DATABASE_URL and CABLE_DATABASE_URL for the queue, cache
// and cable entries of config/database.yml, databases of their own beside the primary
// (app_production_queue…), each with its own tables. setup-database.sh wrote all of them with the
// primary's database, where those tables do not exist, and CACHE_DATABASE_URL was taken for a
// cache server's address and copied from the VM (its localhost).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { offlineCicd } from "../../../src/phases/cicd/offline.js";
import { cicdPlanSteps } from "../../../src/phases/cicd/plan-steps.js";
import { CICD_PATHS, renderCicd } from "../../../src/phases/cicd/render.js";
import { railsNamedDatabase } from "../../../src/contracts/database-settings.js";
import { secretsView } from "../../../src/phases/cicd/setup-views.js";
import { shellcheck } from "../../../src/validate/shellcheck.js";
import { chainYaml } from "../../helpers/chain.js";

const URLS = "DATABASE_URL, QUEUE_DATABASE_URL, CACHE_DATABASE_URL, CABLE_DATABASE_URL";
const INVENTORY = `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: ledgerly }
services:
  - { name: puma, role: web, software: puma, runtime: ruby, framework: rails, command: "bundle exec puma -C config/puma.rb", listen: ["127.0.0.1:3000"], dependsOn: [postgresql], env: [${URLS}, SECRET_KEY_BASE, RAILS_ENV], plainEnv: [RAILS_ENV] }
  - { name: jobs, role: worker, software: solid_queue, runtime: ruby, framework: solid_queue, command: bin/jobs, longRunning: true, dependsOn: [postgresql], env: [${URLS}, SECRET_KEY_BASE, RAILS_ENV], plainEnv: [RAILS_ENV] }
  - { name: postgresql, role: database, software: postgresql, version: "16", listen: ["127.0.0.1:5432"] }
data:
  - { service: postgresql, engine: postgresql, version: "16", sizeGiB: 12, backups: daily }
deploy: { method: ssh-systemctl }
target: { project: ledgerly-prod, region: europe-west1, service: ledgerly-web }
`;

const chained = chainYaml(INVENTORY);
const artifacts = renderCicd(offlineCicd(chained.input), chained.input);
const script = artifacts.find((a) => a.path === CICD_PATHS.setupDatabase)!.content;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "rails-named-databases-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("Rails' named databases", () => {
  it.each([
    ["ruby", "QUEUE_DATABASE_URL", "queue"],
    ["ruby", "CACHE_DATABASE_URL", "cache"],
    ["ruby", "CABLE_DATABASE_URL", "cable"],
    ["ruby", "DATABASE_URL", undefined],
    ["ruby", "READ_DATABASE_URL", undefined],
    ["python", "QUEUE_DATABASE_URL", undefined],
  ] as const)("%s %s: %s", (stack, name, suffix) => {
    expect(railsNamedDatabase(stack, name)).toBe(suffix);
  });

  it("CACHE_DATABASE_URL is a database URL setup-database.sh writes, never the VM's cache address", () => {
    const view = secretsView(chained.design.deployment)!;
    expect(view.dbUrlSecrets).toEqual([
      "CABLE_DATABASE_URL",
      "CACHE_DATABASE_URL",
      "DATABASE_URL",
      "QUEUE_DATABASE_URL",
    ]);
    expect(view.vmEnvNames).not.toContain("CACHE_DATABASE_URL");
    const changes = chained.design.mapping.find((m) => m.service === "jobs")!.appChanges.join("\n");
    expect(changes).toContain(`${URLS} must name the Cloud SQL user and database`);
  });

  it("setup-database.sh creates a database for each beside the primary and writes each URL with its own", async () => {
    const file = path.join(dir, "setup-database.sh");
    await writeFile(file, script);
    const r = await execa("bash", [file, "--dry-run", "--database", "ledgerly_production"], {
      reject: false,
      extendEnv: false,
      env: { PATH: "/usr/bin:/bin" },
    });
    expect(r.exitCode, r.stderr).toBe(0);
    for (const name of [
      "ledgerly_production",
      "ledgerly_production_queue",
      "ledgerly_production_cache",
      "ledgerly_production_cable",
    ])
      expect(r.stdout).toContain(`+ gcloud sql databases create ${name} --instance`);
    const socket = "?host=/cloudsql/ledgerly-prod:europe-west1:ledgerly-web-db";
    expect(r.stdout).toContain(`# postgresql://app:****@/ledgerly_production${socket}`);
    for (const [secret, db] of [
      ["QUEUE_DATABASE_URL", "ledgerly_production_queue"],
      ["CACHE_DATABASE_URL", "ledgerly_production_cache"],
      ["CABLE_DATABASE_URL", "ledgerly_production_cable"],
    ])
      expect(r.stdout).toMatch(new RegExp(`versions add ${secret} .*# postgresql://app:\\*\\*\\*\\*@/${db}\\?host=`));
    expect(await shellcheck(script)).toEqual([]);
  });

  it("the plan's database step names each database", () => {
    const step = cicdPlanSteps(offlineCicd(chained.input), chained.input).find((s) =>
      s.body.includes("setup-database.sh"),
    )!;
    expect(step.body).toContain("`QUEUE_DATABASE_URL` names `APP_DB_queue`");
  });
});

describe("the runbook's data move", () => {
  it("moves the named databases with the primary, and dumps each in the fallback", () => {
    const step = chained.design.runbook.database.find((s) => s.title === "Start a continuous migration job")!;
    expect(step.detail).toContain("The app's Rails named databases (APP_DB_cable, APP_DB_cache, APP_DB_queue");
    expect(step.commands).toEqual([
      "pg_dump -Fc APP_DB > dump.pgdump   # fallback",
      "pg_dump -Fc APP_DB_cable > APP_DB_cable.pgdump   # fallback",
      "pg_dump -Fc APP_DB_cache > APP_DB_cache.pgdump   # fallback",
      "pg_dump -Fc APP_DB_queue > APP_DB_queue.pgdump   # fallback",
    ]);
  });
});
