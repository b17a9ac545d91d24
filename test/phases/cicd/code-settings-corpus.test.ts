// pretix (test/fixtures/real/pretix): its settings.py reads /etc/pretix/pretix.cfg, named on no
// command line. The plan mounts the VM's file from Secret Manager for the web, the worker and the
// cron job, hands them no DATABASE_URL pretix would never read, tells the team's own Dockerfile
// (built as it is) which link to add, and tests with the team's own pytest command in src/.
import { existsSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { CICD_PATHS } from "../../../src/phases/cicd/index.js";
import { renderOffline } from "../../helpers/offline-output.js";
import { ROOT } from "../../helpers/phase-input.js";

const APP = path.join(ROOT, "test/fixtures/real/pretix");
const MOUNT = "/secrets/pretix-cfg/pretix.cfg";

interface Step {
  name: string;
  run?: string;
  "working-directory"?: string;
}

describe.skipIf(!existsSync(APP))("pretix's settings file, read by its code at a fixed path", () => {
  it("is mounted for every process that reads it, and no DATABASE_URL is handed to them", async () => {
    const { artifacts } = await renderOffline(path.join(APP, "inventory.yaml"));
    const workflow = artifacts.find((a) => a.path === CICD_PATHS.workflow)!.content;
    const wf = parse(workflow) as { jobs: { deploy: { steps: Step[] }; test: { steps: Step[] } } };
    const deploys = wf.jobs.deploy.steps.filter((s) => /^Deploy /.test(s.name));
    expect(deploys.map((s) => s.name).sort()).toEqual([
      "Deploy pretix (api)",
      "Deploy pretix-runperiodic (job)",
      "Deploy pretix-worker (worker-pool)",
    ]);
    for (const step of deploys) expect(step.run, step.name).toContain(`${MOUNT}=pretix-cfg:latest`);
    expect(workflow).not.toContain("DATABASE_URL");
    // The team's CI command, in the folder it runs in.
    const test = wf.jobs.test.steps.find((s) => s.name === "Run tests")!;
    expect(test["working-directory"]).toBe("src");
    expect(test.run).toContain(
      "pytest -n 3 -p no:sugar --cov=./ --cov-report=xml tests --ignore=tests/e2e --maxfail=100",
    );
  });

  it("has its data folder pointed at the media bucket's folder and its Redis URLs at Memorystore", async () => {
    const { artifacts } = await renderOffline(path.join(APP, "inventory.yaml"));
    const plan = artifacts.find((a) => a.path === "docs/migration/README.md")!.content;
    expect(plan).toContain(
      // pretix's own image keeps the repository in /pretix (COPY src /pretix/src), not our /app.
      "[pretix] datadir (/var/pretix/data on the VM) becomes /pretix/data, the folder gs://pretix-prod-media is mounted in (at /pretix/data/media)",
    );
    expect(plan).toContain(
      "[redis] location, [celery] backend, [celery] broker: each Redis URL's host becomes the private IP of Memorystore pretix-redis",
    );
  });

  it("tells the team's Dockerfile, built as it is, which link to add", async () => {
    const { artifacts } = await renderOffline(path.join(APP, "inventory.yaml"));
    const readme = artifacts.find((a) => a.path.endsWith("cicd/README.md"))!.content;
    expect(readme).toContain(`ln -sfn ${MOUNT} /etc/pretix/pretix.cfg`);
    // The data folder is where the image keeps the app, made as root: given back to the image's user.
    expect(readme).toContain("ln -sfn /secrets/secret/.secret /pretix/data/.secret");
    expect(readme).toContain("chown 15371 /pretix/data");
    expect(readme).not.toMatch(/\/app\//);
    expect(artifacts.some((a) => a.path === "Dockerfile")).toBe(false);
  });

  it("starts its jobs and worker through the image's `pretix` entry point, which cd's to /pretix/src first", async () => {
    const { artifacts } = await renderOffline(path.join(APP, "inventory.yaml"));
    const workflow = artifacts.find((a) => a.path === ".github/workflows/deploy.yml")!.content;
    const wf = parse(workflow) as { jobs: Record<string, { steps: { name?: string; run?: string }[] }> };
    const run = (name: string) =>
      Object.values(wf.jobs)
        .flatMap((j) => j.steps)
        .find((s) => s.name === name)!.run!;
    expect(run("Migrate the database (Django, Cloud Run job pretix-migrate)")).toMatch(
      /--command= \\?\s*--args=migrate,--noinput/,
    );
    expect(run("Deploy pretix-runperiodic (job)")).toMatch(/--command= \\?\s*--args=cron\n/);
    expect(run("Deploy pretix-worker (worker-pool)")).toMatch(/--command= \\?\s*--args=taskworker\n/);
    expect(workflow).not.toMatch(/--command=(python|celery)/);
    expect(workflow).toContain("mount-path=/pretix/data/media");
    const readme = artifacts.find((a) => a.path.endsWith("cicd/README.md"))!.content;
    expect(readme).toContain("Set `AUTOMIGRATE=skip` on the services (the script's own switch)");
  });
});
