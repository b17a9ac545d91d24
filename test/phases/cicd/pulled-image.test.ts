// The deploy copies the published image the app's web process runs when there is no source to build
// (Immich's ghcr.io/immich-app/immich-server:v2 under docker compose): `docker pull` and `docker tag`
// under the deploy's own tag, then the usual push, and no Dockerfile is written. Before, the
// workflow ran `docker build .` on a folder with no Dockerfile, and the first push failed. A
// Dockerfile of the team's own in the repository is still what gets built. The workflows pass actionlint.
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { actionlint } from "../../../src/validate/actionlint.js";
import { TempTrees } from "../../helpers/file-tree.js";
import { renderOffline } from "../../helpers/offline-output.js";
import { ROOT } from "../../helpers/phase-input.js";

const trees = new TempTrees("pulled-image-");
afterAll(() => trees.removeAll());

interface Step {
  name?: string;
  run?: string;
  env?: Record<string, string>;
}

async function buildOf(inventoryFile: string, repoDir: string) {
  const { artifacts, steps } = await renderOffline(inventoryFile, repoDir);
  const workflow = artifacts.find((a) => a.path === ".github/workflows/deploy.yml")!;
  expect(await actionlint(workflow.content, workflow.path)).toEqual([]);
  const jobs = (parse(workflow.content) as { jobs: Record<string, { steps: Step[] }> }).jobs;
  const build = jobs.build!.steps.filter((s) => /^(Build|Copy|Push) /.test(s.name ?? ""));
  const readme = artifacts.find((a) => a.path === "docs/migration/cicd/README.md")!.content;
  const written = artifacts.filter((a) => a.kind === "dockerfile").map((a) => a.path);
  return { build, readme, steps, written };
}

describe("a web process that runs a published image", () => {
  it("Immich: the deploy copies ghcr.io/immich-app/immich-server:v2 instead of building", async () => {
    const dir = path.join(ROOT, "test/fixtures/real/immich");
    const { build, readme, steps, written } = await buildOf(
      path.join(dir, "inventory.yaml"),
      path.join(dir, "vm/opt/immich-app"),
    );
    expect(build.map((s) => s.name)).toEqual([
      "Copy the published image the VM runs (no build)",
      "Push image tagged with the commit SHA",
    ]);
    expect(build[0]!.env).toEqual({ SOURCE_IMAGE: "ghcr.io/immich-app/immich-server:v2" });
    expect(build[0]!.run).toBe(
      'docker pull "${SOURCE_IMAGE}"\ndocker tag "${SOURCE_IMAGE}" "${IMAGE}:${GITHUB_SHA}"\n',
    );
    expect(written).toEqual([]);
    expect(readme).toMatch(/The deploy copies `ghcr\.io\/immich-app\/immich-server:v2` into the Artifact Registry/);
    expect(readme).toMatch(
      /Copy `ghcr\.io\/immich-app\/immich-machine-learning:v2` the same way for immich-machine-learning/,
    );
    // No step of the migration plan asks for a Dockerfile nobody builds.
    expect(steps.map((s) => s.title).join("\n")).not.toMatch(/A Dockerfile for the app/);
  });

  it("a Dockerfile of the team's own in the repository is built as before", async () => {
    const dir = path.join(ROOT, "test/fixtures/real/immich");
    const repo = trees.makeSync({
      "docker-compose.yml": "services: {}\n",
      Dockerfile: 'FROM ghcr.io/immich-app/immich-server:v2\nEXPOSE 2283\nCMD ["start.sh"]\n',
    });
    const { build } = await buildOf(path.join(dir, "inventory.yaml"), repo);
    expect(build[0]!.name).toBe("Build image (multi-stage Dockerfile)");
    expect(build[0]!.run).toMatch(/^docker build --pull --tag/);
  });
});
