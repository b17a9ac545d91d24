// A compose app's processes often run a start script its own Dockerfile copies out of the repository
// (`COPY docker/start-web.sh /usr/local/bin/`): an image that copies the repository to /app, as ours
// do, has no such file. Before, the plan wrote a Dockerfile whose CMD ran a file that is not in it.
import { afterAll, describe, expect, it } from "vitest";
import { planImages } from "../../src/image/plan.js";
import { openRepo } from "../../src/image/repo.js";
import { teamOnlyPrograms } from "../../src/image/team-only-programs.js";
import { parseInventory } from "../../src/inventory/load.js";
import { TempTrees } from "../helpers/file-tree.js";

const trees = new TempTrees("team-only-");
afterAll(() => trees.removeAll());

const inventory = (web: string, worker: string) =>
  parseInventory(
    `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: shop }
services:
  - name: web
    role: web
    software: node
    runtime: node
    command: ${web}
    listen: ["0.0.0.0:3000"]
  - name: worker
    role: worker
    software: node
    runtime: node
    command: ${worker}
target: { project: shop-prod, region: us-central1, github: acme/shop }
`,
    "inventory.yaml",
  ).inventory;

const FILES = {
  "package.json": JSON.stringify({
    name: "shop",
    scripts: { start: "node server.js" },
    dependencies: { express: "4.19.2" },
  }),
  "package-lock.json": "{}",
  "server.js": "require('express');\n",
  "docker/start-web.sh": "#!/bin/sh\nexec node server.js\n",
  "docker/start-worker.sh": "#!/bin/sh\nexec node worker.js\n",
  "Dockerfile.prod":
    'FROM node:20 AS app\nWORKDIR /srv\nCOPY . .\nCOPY docker/start-web.sh docker/start-worker.sh /usr/local/bin/\nCMD ["start-web.sh"]\n',
};

describe("processes that run a file only the team's image has", () => {
  it("are named with the file and the Dockerfile that copies it; no Dockerfile of ours is written", async () => {
    const dir = await trees.make(FILES);
    const inv = inventory("/usr/local/bin/start-web.sh", "/usr/local/bin/start-worker.sh");
    expect(teamOnlyPrograms(inv.services, openRepo(dir))).toEqual([
      {
        service: "web",
        program: "/usr/local/bin/start-web.sh",
        source: "docker/start-web.sh",
        dockerfile: "Dockerfile.prod",
      },
      {
        service: "worker",
        program: "/usr/local/bin/start-worker.sh",
        source: "docker/start-worker.sh",
        dockerfile: "Dockerfile.prod",
      },
    ]);
    const [image] = planImages(inv, dir).images;
    expect(image!.content).toBeUndefined();
    expect(image!.notice).toMatch(
      /^No Dockerfile is written: web runs `\/usr\/local\/bin\/start-web\.sh` \(`docker\/start-web\.sh` in `Dockerfile\.prod`\)/,
    );
  });

  it.each([
    ["a command of the repository's own files", "node server.js", "node worker.js"],
    ["a file the VM has that no Dockerfile copies", "/usr/local/bin/other.sh", "node worker.js"],
  ])("not %s: ours is written", async (_, web, worker) => {
    const dir = await trees.make(FILES);
    const inv = inventory(web, worker);
    expect(teamOnlyPrograms(inv.services, openRepo(dir))).toEqual([]);
    expect(planImages(inv, dir).images[0]!.content).toContain("FROM node:");
  });

  it("not when the team's Dockerfile is the one the deploy builds (named Dockerfile): it has its files", async () => {
    const dir = await trees.make({ ...FILES, Dockerfile: FILES["Dockerfile.prod"] });
    const [image] = planImages(inventory("/usr/local/bin/start-web.sh", "node worker.js"), dir).images;
    expect(image!.notice).toBeUndefined();
  });
});
