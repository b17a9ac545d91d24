// The test job of an app whose VM runs a prebuilt release (Mattermost's tarball, Metabase's
// downloaded jar) with no project in the repository: no test command (pytest for a stack guessed
// from nothing, `mvn -B verify` with no pom.xml would fail the first push), a job that says why
// and passes, and the cicd README saying so. Apps with a project keep their runner. The workflow
// passes actionlint.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { actionlint } from "../../../src/validate/actionlint.js";
import { lintDockerfile } from "../../../src/validate/dockerfile.js";
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

describe("the image of a prebuilt release", () => {
  it.each([
    ["mattermost", "/opt/mattermost/bin/mattermost", /mattermost version/],
    ["metabase", "/opt/metabase/metabase.jar", /META-INF\/MANIFEST\.MF; sha256sum \/opt\/metabase\/metabase\.jar/],
  ])("%s: the build downloads the release the repository variables name", async (app, program, find) => {
    const { artifacts, steps } = await renderOffline(real(app));
    const dockerfile = artifacts.find((a) => a.path === "Dockerfile")!;
    expect(dockerfile.content).toMatch(/^ARG RELEASE_SHA256$/m);
    expect(lintDockerfile(dockerfile.content)).toEqual([]);
    const workflow = artifacts.find((a) => a.path === ".github/workflows/deploy.yml")!;
    expect(await actionlint(workflow.content, workflow.path)).toEqual([]);
    const build = (
      parse(workflow.content) as { jobs: Record<string, { steps: (Step & { env?: object })[] }> }
    ).jobs.build!.steps.find((s) => /^Build image/.test(s.name ?? ""))!;
    expect(build.env).toEqual({ RELEASE_URL: "${{ vars.RELEASE_URL }}", RELEASE_SHA256: "${{ vars.RELEASE_SHA256 }}" });
    expect(build.run).toMatch(/docker build --pull --build-arg RELEASE_URL --build-arg RELEASE_SHA256 --tag/);
    // Unset variables stop the step before docker runs, naming what to set.
    const script = build.run!.replace(/^docker build.*$/m, "echo built");
    const run = (env: Record<string, string>) => {
      try {
        return {
          out: execFileSync("bash", ["-c", script], { env: { PATH: process.env.PATH!, ...env } }).toString(),
          code: 0,
        };
      } catch (e) {
        const err = e as { stdout: Buffer; status: number };
        return { out: err.stdout.toString(), code: err.status };
      }
    };
    const unset = run({ RELEASE_URL: "https://example.com/r.tar.gz" });
    expect(unset.code).toBe(1);
    expect(unset.out).toMatch(/^::error::Set the repository variables RELEASE_URL and RELEASE_SHA256 /);
    expect(unset.out).toContain(program);
    expect(run({ RELEASE_URL: "https://example.com/r.tar.gz", RELEASE_SHA256: "ab" })).toEqual({
      out: "built\n",
      code: 0,
    });
    // The plan says how to find the release the VM runs and how to set both.
    const step = steps.find((s) => /RELEASE_URL and RELEASE_SHA256/.test(s.title))!;
    expect(step.commands!.join("\n")).toMatch(find);
    expect(step.commands).toContain(`gh variable set RELEASE_SHA256 --repo acme/${app} --body '…'`);
    const readme = artifacts.find((a) => a.path === "docs/migration/cicd/README.md")!.content;
    expect(readme).toMatch(
      /the build downloads the release the repository variables `RELEASE_URL` and `RELEASE_SHA256` name/,
    );
  });

  it("is not asked of an app whose repository holds its project", async () => {
    const { artifacts, steps } = await renderOffline(path.join(ROOT, "test/fixtures/real/miniflux/inventory.yaml"));
    const workflow = artifacts.find((a) => a.path === ".github/workflows/deploy.yml")!;
    expect(workflow.content).not.toMatch(/RELEASE_URL/);
    expect(steps.some((s) => /RELEASE_URL/.test(s.title))).toBe(false);
  });
});

describe("a prebuilt release's secret JSON settings (Mattermost's config/config.json)", () => {
  it("keeps the release's settings in its database, the VM's file read once, and no DATABASE_URL it would not read", async () => {
    const { artifacts, steps } = await renderOffline(real("mattermost"));
    // Mattermost writes config/config.json on every start: no link into a read-only mount
    // (settings-store.test.ts has the store's details).
    const dockerfile = artifacts.find((a) => a.path === "Dockerfile")!.content;
    expect(dockerfile).not.toMatch(/ln -sfn \/secrets\/config-json/);
    const workflow = artifacts.find((a) => a.path === ".github/workflows/deploy.yml")!.content;
    expect(workflow).toContain("/secrets/config-json/config.json=config-json:latest");
    expect(workflow).toContain("MM_CONFIG=MM_CONFIG:latest");
    expect(workflow).not.toMatch(/DATABASE_URL=/);
    const plan = artifacts.find((a) => a.path === "docs/migration/README.md")!.content;
    expect(plan).toMatch(/mattermost keeps its settings in its database \(Mattermost's own store, MM_CONFIG\)/);
    expect(steps.length).toBeGreaterThan(0);
  });
});
