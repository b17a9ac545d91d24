// A Node monorepo whose server is one workspace package: the image installs at the root (the one
// lockfile), builds that package with the monorepo's tool (Nx, Turborepo) or its own script, runs
// it from the package's folder, and has yarn or pnpm in the runtime stage when a start command runs
// them. The static build check passes each; the VM's folder of the package maps to the checkout.
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Inventory, Service } from "../../src/inventory/schema.js";
import { vmAppRoot } from "../../src/image/app-root.js";
import { checkImageBuild } from "../../src/image/build-check.js";
import { nodeImage } from "../../src/image/node-image.js";
import { openRepo } from "../../src/image/repo.js";
import { TempTrees } from "../helpers/file-tree.js";

const trees = new TempTrees("im-workspace-");
afterAll(() => trees.removeAll());

const service = (name: string, role: Service["role"], command: string): Service => ({
  name,
  role,
  software: "node",
  command,
  listen: role === "web" ? ["127.0.0.1:3000"] : [],
  dependsOn: [],
  env: [],
  runtime: "node",
});
const pkg = (o: object) => JSON.stringify(o);

const MONOREPOS: [string, Record<string, string>, Service[], RegExp[], boolean][] = [
  [
    "npm workspaces: the package's own build script, in its folder",
    {
      "package.json": pkg({ name: "shop", private: true, workspaces: ["packages/*"] }),
      "package-lock.json": "{}",
      "packages/api/package.json": pkg({ name: "@shop/api", scripts: { build: "tsc", start: "node dist/server.js" } }),
      "packages/web/package.json": pkg({ name: "@shop/web", scripts: { build: "vite build" } }),
    },
    [service("api", "web", "/usr/bin/npm run start")],
    [/RUN npm ci\n(# .*\n)?RUN cd packages\/api && npm run build\n/, /WORKDIR \/app\/packages\/api\n/],
    false,
  ],
  [
    "Turborepo with pnpm: turbo builds the package and what it uses; pnpm is in the runtime stage",
    {
      "package.json": pkg({ name: "acme", private: true, packageManager: "pnpm@9.12.0" }),
      "pnpm-workspace.yaml": "packages:\n  - apps/*\n  - packages/*\n",
      "pnpm-lock.yaml": "lockfileVersion: '9.0'\n",
      "turbo.json": pkg({ tasks: { build: { dependsOn: ["^build"], outputs: ["dist/**"] } } }),
      "apps/server/package.json": pkg({
        name: "@acme/server",
        scripts: { build: "tsup", start: "node dist/index.js" },
      }),
    },
    [service("server", "web", "/usr/bin/pnpm start")],
    [
      /RUN pnpm exec turbo run build --filter=@acme\/server\n/,
      /RUN corepack enable && cd \/app && corepack install\n/,
      /WORKDIR \/app\/apps\/server\n/,
    ],
    true,
  ],
  [
    "Nx with Yarn: nx run <project>:build; `node dist/main` runs the build's output, the worker runs yarn",
    {
      "package.json": pkg({ name: "crm", private: true, packageManager: "yarn@4.9.2", workspaces: ["packages/*"] }),
      "yarn.lock": "__metadata:\n  version: 8\n",
      ".yarnrc.yml": "nodeLinker: node-modules\n",
      "nx.json": pkg({ targetDefaults: { build: { dependsOn: ["^build"] } } }),
      "packages/server/package.json": pkg({ name: "server", scripts: { "worker:prod": "node dist/worker" } }),
      "packages/server/project.json": pkg({ name: "crm-server", targets: { build: { executor: "nx:run-commands" } } }),
    },
    [service("server", "web", "/usr/bin/node dist/main"), service("worker", "worker", "/usr/bin/yarn worker:prod")],
    [/RUN yarn install --immutable\n.*\nRUN yarn nx run crm-server:build\n/s, /WORKDIR \/app\/packages\/server\n/],
    true,
  ],
];

describe("the image of a workspace package", () => {
  it.each(MONOREPOS)("%s", async (_label, files, processes, want, corepackAtRuntime) => {
    const repo = openRepo(await trees.make(files));
    const image = nodeImage({ repo, appName: "app", runtime: "node", dockerfile: "Dockerfile", processes });
    for (const re of want) expect(image.content).toMatch(re);
    const runtime = image.content!.split(/^FROM /m).pop()!;
    expect(/corepack enable/.test(runtime)).toBe(corepackAtRuntime);
    const commands = Object.entries(image.argv).map(([name, a]) => ({ name, argv: a.ok ? a.argv : [] }));
    expect(checkImageBuild(image.content!, repo, commands)).toEqual([]);
  });

  it("without the runtime stage's corepack, the check finds the worker's yarn missing", async () => {
    const [, files, processes] = MONOREPOS[2]!;
    const repo = openRepo(await trees.make(files));
    const image = nodeImage({ repo, appName: "app", runtime: "node", dockerfile: "Dockerfile", processes });
    const without = image.content!.replace(/^RUN corepack enable && cd \/app && corepack install\n/m, "");
    const commands = Object.entries(image.argv).map(([name, a]) => ({ name, argv: a.ok ? a.argv : [] }));
    expect(checkImageBuild(without, repo, commands)).toEqual([
      "worker: yarn is not installed in the image (not in the base image)",
    ]);
  });
});

describe("the VM's folder of a workspace package is inside the checkout", () => {
  it("Twenty's units and .env in packages/twenty-server: the root is the checkout above it", () => {
    const repoDir = path.resolve(import.meta.dirname, "../fixtures/real/twenty/vm/opt/twenty");
    const inv = {
      services: [
        {
          ...service("twenty-server", "web", "/usr/bin/node dist/main"),
          envFile: "/opt/twenty/packages/twenty-server/.env",
        },
      ],
      storage: [{ path: "/opt/twenty/packages/twenty-server/.local-storage", purpose: "uploads" }],
    } as unknown as Inventory;
    expect(vmAppRoot(inv)).toBe("/opt/twenty/packages/twenty-server");
    expect(vmAppRoot(inv, repoDir)).toBe("/opt/twenty");
  });
});
