// The run-once jobs' owner is chosen once (contracts/run-once.ts runOnceOwner): the design names
// the jobs after it and the deploy creates them from it. An owner the deploy holds holds its jobs
// too, and the design, the workflow, the README and the plan say which commands wait and why; the
// cut-over never claims they ran.
import { parse } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { runOnceOwner } from "../../../src/contracts/run-once.js";
import { buildContext } from "../../../src/phases/cicd/context.js";
import { cicdPhase } from "../../../src/phases/cicd/index.js";
import { CICD_PATHS } from "../../../src/phases/cicd/render.js";
import { runOncePlan } from "../../../src/phases/cicd/run-once-jobs.js";
import { chain } from "../../helpers/chain.js";
import { TempTrees } from "../../helpers/file-tree.js";
import { inputFromYaml } from "../../helpers/phase-input.js";

const trees = new TempTrees("im-run-once-owner-");
afterAll(() => trees.removeAll());

const APP = (opts: { held: boolean; api?: boolean }) => `
apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: shop }
host: { hostname: shop-01, os: Ubuntu 24.04 LTS }
services:
${
  opts.api === false
    ? `  - { name: api, role: worker, software: node, runtime: node, command: "/usr/bin/node worker.js", dependsOn: [postgres], env: [DATABASE_URL], longRunning: true }`
    : `  - { name: api, role: web, software: node, runtime: node, command: "/usr/bin/node server.js", listen: ["127.0.0.1:3000"], dependsOn: [postgres], env: [DATABASE_URL] }`
}
  - { name: shop-upgrade, role: other, software: node, runtime: node, runsOnce: true, systemdUnit: shop-upgrade.service, command: "/usr/bin/node cli.js upgrade", dependsOn: [postgres], env: [DATABASE_URL] }
  - { name: postgres, role: database, software: postgres, listen: ["127.0.0.1:5432"] }
data:
  - { service: postgres, engine: postgres, backups: daily }
${opts.held ? `storage:\n  - { path: /srv/shop/repos, purpose: git repositories, services: [api], inPlace: [{ path: ".", kind: git }] }\n` : ""}deploy: { method: ssh-systemctl, rollback: none }
target: { cloud: gcp, project: shop-prod, region: europe-west1, service: shop, github: acme/shop }
`;

const repoFiles = {
  "package.json": JSON.stringify({ scripts: { start: "node server.js" } }),
  "package-lock.json": "{}",
  "server.js": "",
  "cli.js": "",
  "docker-entrypoint.sh": "#!/bin/sh\nnpx knex migrate:latest\nnpx knex seed:run\nexec node server.js\n",
};

describe("runOnceOwner", () => {
  it.each([
    [
      "the first API with Cloud SQL",
      [{ kind: "worker", cloudSqlInstance: "db" }, { kind: "api" }, { kind: "api", cloudSqlInstance: "db" }],
      2,
    ],
    ["else the first API", [{ kind: "worker" }, { kind: "api" }, { kind: "api" }], 1],
    ["none without an API", [{ kind: "worker", cloudSqlInstance: "db" }], -1],
  ] as const)("%s", (_, services, index) => {
    const owner = runOnceOwner(services as unknown as Array<{ kind: "api" | "worker"; cloudSqlInstance?: string }>);
    expect(owner ? services.indexOf(owner as never) : -1).toBe(index);
  });
});

describe("a held owner holds its jobs", async () => {
  const repoDir = await trees.make(repoFiles);
  const { input, design } = chain({ ...inputFromYaml(APP({ held: true })), repoDir });
  const result = cicdPhase.offline(input);
  const artifacts = await cicdPhase.render(result, input);
  const steps = cicdPhase.planSteps!(result, input);
  const workflow = artifacts.find((a) => a.path === CICD_PATHS.workflow)!.content;
  const deploy = (parse(workflow) as { jobs: { deploy: { steps: Array<{ name: string; run?: string }> } } }).jobs.deploy
    .steps;

  it("the design names the job the deploy would create, and says it waits with the held API", () => {
    expect(design.deployment.services.find((s) => s.name === "shop")?.held).toBeDefined();
    const entry = design.mapping.find((m) => m.service === "shop-upgrade")!;
    expect(entry.target).toEqual({ kind: "cloud-run-job", name: "shop-release" });
    expect(entry.reason).toContain("It waits with shop: the deploy holds shop");
    expect(entry.reason).toContain("open decision api-disk is taken");
    expect(entry.settings.runs).toBe("not yet: held with shop until the open decision api-disk is taken");
  });

  it("the deploy creates none of them and says so in the workflow, the README and the plan", () => {
    const plan = runOncePlan(buildContext(input));
    expect([...plan.setup, ...plan.seed, ...plan.release, ...plan.registration]).toEqual([]);
    expect(plan.held.map((j) => [j.job.name, j.step.command])).toEqual([
      ["shop-release", "/usr/bin/node cli.js upgrade"],
      ["shop-seed", "npx knex seed:run"],
    ]);
    expect(deploy.some((s) => /--service shop-(release|seed) /.test(s.run ?? ""))).toBe(false);
    expect(deploy.filter((s) => /^Hold shop-(release|seed):/.test(s.name))).toHaveLength(2);
    const readme = artifacts.find((a) => a.path === CICD_PATHS.readme)!.content;
    expect(readme).toContain(
      "| `shop-release` | not run yet: it runs shop's code, which the deploy holds until the open decision api-disk is taken | `node cli.js upgrade` |",
    );
    expect(readme).toMatch(/\| `shop-migrate` \| not run yet: it runs shop's code/);
    const wait = steps.find((s) => s.title === "Commands that wait with a held service")!;
    expect(wait.body).toContain(
      "`/usr/bin/node cli.js upgrade` (the unit shop-upgrade.service) would run as the Cloud Run job `shop-release`",
    );
    expect(wait.body).toContain(
      "`npx knex seed:run` (docker-entrypoint.sh) would run as the Cloud Run job `shop-seed`",
    );
    expect(wait.body).toContain("the deploy holds shop until the open decision api-disk is taken");
    expect(steps.find((s) => s.title === "An empty database's first setup")).toBeUndefined();
    const first = steps.find((s) => s.title === "First deploy")!;
    expect(first.body).toContain("holds the schema migrations `shop-migrate` (with shop)");
    expect(first.body).toContain("It runs none of `shop-release`");
    // The cut-over waits for the held API: no step says the copied database was migrated.
    expect(steps.some((s) => s.title === "Bring the copied database up to date")).toBe(false);
  });
});

describe("no API to borrow from", () => {
  it("every command that would be a job is named with the reason, none dropped", async () => {
    const repoDir = await trees.make(repoFiles);
    const { input } = chain({ ...inputFromYaml(APP({ held: false, api: false })), repoDir });
    const plan = runOncePlan(buildContext(input));
    expect([...plan.setup, ...plan.seed, ...plan.release, ...plan.registration, ...plan.held]).toEqual([]);
    expect(plan.open.map((s) => [s.command, s.problem])).toEqual([
      ["/usr/bin/node cli.js upgrade", "the design deploys no API whose image and settings a job could borrow"],
      ["npx knex seed:run", "the design deploys no API whose image and settings a job could borrow"],
    ]);
  });
});

describe("seed data from a oneshot unit", () => {
  it("the design and the deploy place it the same way: shop-seed, into an empty database only", async () => {
    const repoDir = await trees.make({ ...repoFiles, "docker-entrypoint.sh": "#!/bin/sh\nexec node server.js\n" });
    const yaml = APP({ held: false }).replace("/usr/bin/node cli.js upgrade", "/usr/bin/npx knex seed:run");
    const { input, design } = chain({ ...inputFromYaml(yaml), repoDir });
    const entry = design.mapping.find((m) => m.service === "shop-upgrade")!;
    expect(entry.target).toEqual({ kind: "cloud-run-job", name: "shop-seed" });
    expect(entry.settings.runs).toBe("into an empty database only");
    expect(entry.reason).toContain("knex runs every seed file on each run");
    const plan = runOncePlan(buildContext(input));
    expect(plan.seed.map((j) => [j.job.name, j.job.command, j.step.seed?.repeatSafe])).toEqual([
      ["shop-seed", ["npx", "knex", "seed:run"], false],
    ]);
  });
});
