// The test job of an app whose VM runs a prebuilt release (Mattermost's tarball, Metabase's
// downloaded jar) with no project in the repository: no test command (pytest for a stack guessed
// from nothing, `mvn -B verify` with no pom.xml would fail the first push), a job that says why
// and passes, and the cicd README saying so. Apps with a project keep their runner. The workflow
// passes actionlint.
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { actionlint } from "../../../src/validate/actionlint.js";
import { TempTrees } from "../../helpers/file-tree.js";
import { renderOffline } from "../../helpers/offline-output.js";
import { inputFromFile, ROOT } from "../../helpers/phase-input.js";
import { cicdPhase } from "../../../src/phases/cicd/index.js";
import type { CicdResult } from "../../../src/phases/cicd/schema.js";

const trees = new TempTrees("prebuilt-release-");
afterAll(() => trees.removeAll());

interface Step {
  name?: string;
  run?: string;
  uses?: string;
}
type Jobs = Record<string, { steps: Step[]; services?: unknown; needs?: string | string[] }>;

async function testJob(inventoryFile: string, repoDir?: string) {
  const { artifacts } = await renderOffline(inventoryFile, repoDir);
  const workflow = artifacts.find((a) => a.path === ".github/workflows/deploy.yml")!;
  expect(await actionlint(workflow.content, workflow.path)).toEqual([]);
  const jobs = (parse(workflow.content) as { jobs: Jobs }).jobs;
  const readme = artifacts.find((a) => a.path.endsWith("README.md") && /\*\*Test\*\*/.test(a.content))!.content;
  return { job: jobs.test!, readme };
}

const real = (app: string) => path.join(ROOT, "test/fixtures/real", app, "inventory.yaml");

describe("the test job of an app with no project in its repository", () => {
  it.each([
    ["mattermost", /no project \(no manifest of any language\)/],
    ["metabase", /no pom\.xml, build\.gradle, build\.gradle\.kts/],
  ])("%s: no test command, a job that says why", async (app, why) => {
    const { job, readme } = await testJob(real(app));
    const runs = job.steps.map((s) => s.run ?? s.uses ?? "").join("\n");
    expect(runs).toMatch(/^echo "::notice::No test runs: /);
    expect(runs).toMatch(why);
    expect(job.steps.map((s) => s.name)).toEqual(["No tests"]);
    expect(runs).not.toMatch(/pytest|mvn -B|gradle build|setup-/);
    expect(job.services).toBeUndefined();
    expect(readme).toMatch(/\*\*Test\*\*: no test command runs: /);
    expect(readme).not.toMatch(/`pytest`|`mvn -B verify`/);
  });

  it("keeps the runner when the repository holds the stack's project, at its root or a folder down", async () => {
    const inventory = `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: shop }
services:
  - name: api
    role: web
    software: java
    runtime: java
    command: /usr/bin/java -jar /srv/shop/target/shop.jar
    listen: ["127.0.0.1:8080"]
target: { project: shop-prod, region: us-central1, github: acme/shop }
`;
    const dir = trees.makeSync({ "inventory.yaml": inventory });
    const withPom = trees.makeSync({ "shop/pom.xml": "<project><artifactId>shop</artifactId></project>\n" });
    const { job } = await testJob(`${dir}/inventory.yaml`, withPom);
    expect(job.steps.map((s) => s.run ?? "").join("\n")).toMatch(/mvn -B verify/);
    // The same inventory with a repository holding no Java project: nothing to test.
    const empty = trees.makeSync({ "README.md": "# shop\n" });
    const { job: none } = await testJob(`${dir}/inventory.yaml`, empty);
    expect(none.steps.map((s) => s.run ?? "").join("\n")).toMatch(/no pom\.xml/);
    // The progress line says the same: no test command, rather than the runner the job does not run.
    const summary = async (repoDir: string) => {
      const { results } = await renderOffline(`${dir}/inventory.yaml`, repoDir);
      const input = { ...inputFromFile(`${dir}/inventory.yaml`, {}, { design: results.design }), repoDir };
      return cicdPhase.summarize!(results.cicd as CicdResult, input);
    };
    expect(await summary(withPom)).toMatch(/, tests: mvn -B verify/);
    expect(await summary(empty)).toMatch(/, no tests \(no source of the app in the repository\)/);
  });
});
