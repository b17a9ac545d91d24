// The cicd phase reads the repository for the app's run-once commands once per phase run: render
// (the workflow and the README), validate and the plan's steps get the same context from the same
// input (context.ts buildContext), and the plan is worked out once per context (run-once-jobs.ts).
// Isolated in vitest.config.ts: it mocks a module to count the reads.
import { afterAll, describe, expect, it, vi } from "vitest";
import { cicdPhase } from "../../../src/phases/cicd/index.js";
import { CICD_PATHS } from "../../../src/phases/cicd/render.js";
import type * as RunOnceStepsModule from "../../../src/phases/cicd/run-once-steps.js";
import { chain } from "../../helpers/chain.js";
import { TempTrees } from "../../helpers/file-tree.js";
import { inputFromYaml } from "../../helpers/phase-input.js";
import { NODE_APP } from "../../helpers/node-shop.js";

// Count the repository reads for run-once steps through the module the phase calls.
const reads = vi.hoisted(() => ({ count: 0 }));
vi.mock("../../../src/phases/cicd/run-once-steps.js", async (load) => {
  const real = await load<typeof RunOnceStepsModule>();
  return {
    ...real,
    runOnceSteps: (...args: Parameters<typeof real.runOnceSteps>) => {
      reads.count++;
      return real.runOnceSteps(...args);
    },
  };
});

const trees = new TempTrees("im-run-once-read-");
afterAll(() => trees.removeAll());

const YAML = NODE_APP(
  `  - { name: shop-upgrade, role: other, software: node, runtime: node, runsOnce: true, systemdUnit: shop-upgrade.service, command: "/usr/bin/node cli.js upgrade", dependsOn: [postgres], env: [DATABASE_URL] }`,
);

describe("one read of the repository per phase run", () => {
  it("render (workflow and README), validate and the plan's steps share it", async () => {
    const repoDir = await trees.make({
      "package.json": JSON.stringify({ scripts: { start: "node server.js" } }),
      "package-lock.json": "{}",
      "server.js": "",
      "cli.js": "",
      "docker-entrypoint.sh": "#!/bin/sh\nnpx knex migrate:latest\nnpx knex seed:run\nexec node server.js\n",
    });
    const { input } = chain({ ...inputFromYaml(YAML), repoDir });
    reads.count = 0;
    const result = cicdPhase.offline(input);
    const artifacts = await cicdPhase.render(result, input);
    await cicdPhase.validate!(artifacts, input, { source: "offline" });
    cicdPhase.planSteps!(result, input);
    expect(reads.count).toBe(1);
    // What was read is used: the seed is gated, the upgrade runs each release.
    const workflow = artifacts.find((a) => a.path === CICD_PATHS.workflow)!.content;
    expect(workflow).toContain("Load the app's seed data into the empty database, only while EMPTY_DATABASE is true");
    expect(workflow).toContain("Run the release's upgrade step (node cli.js upgrade, Cloud Run job shop-release)");
  });
});
