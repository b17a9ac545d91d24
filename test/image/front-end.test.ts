// A server that serves a front end another workspace package builds: the app's own Dockerfile
// (wherever it is in the tree) says which build and where the server serves it, and our image
// builds it and copies it there after the server's build; server code that serves a static folder
// with no such Dockerfile is a gap the image names, never a silent API-only image.
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkImageBuild } from "../../src/image/build-check.js";
import { frontEndOf } from "../../src/image/front-end.js";
import { nodeImage } from "../../src/image/node-image.js";
import { planImages } from "../../src/image/plan.js";
import { openRepo } from "../../src/image/repo.js";
import type { Service } from "../../src/inventory/schema.js";
import { parseInventory } from "../../src/inventory/load.js";
import { lintDockerfile } from "../../src/validate/dockerfile.js";
import { TempTrees } from "../helpers/file-tree.js";
import { ROOT } from "../helpers/phase-input.js";

const trees = new TempTrees("im-front-");
afterAll(() => trees.removeAll());

const NPM = { exec: "npx", run: "npm run" };
const FIXTURE = path.join(ROOT, "test/fixtures/repos/express-vite-workspace");
const api: Service = {
  name: "api",
  role: "web",
  software: "node",
  command: "/usr/bin/npm run start",
  listen: ["127.0.0.1:3000"],
  dependsOn: [],
  env: [],
  runtime: "node",
};

describe("the front end a server serves from another package's build", () => {
  it("Twenty: its Dockerfile copies twenty-front's build to the server's dist/front; ours builds and copies it", () => {
    const dir = path.join(ROOT, "test/fixtures/real/twenty");
    const inv = parseInventory(readFileSync(path.join(dir, "inventory.yaml"), "utf8"), "inventory.yaml").inventory;
    const repoDir = path.join(dir, "vm/opt/twenty");
    const image = planImages(inv, repoDir).images[0]!;
    expect(image.frontEnd).toEqual({
      package: "packages/twenty-front",
      build: "yarn nx run twenty-front:build",
      from: "packages/twenty-front/build",
      to: "packages/twenty-server/dist/front",
      source: "packages/twenty-docker/twenty/Dockerfile",
    });
    expect(image.frontEndGap).toBeUndefined();
    const text = image.content!;
    // After the server's build, whose `rimraf dist` would delete a copy made before it.
    expect(text).toMatch(
      /RUN yarn nx run twenty-server:build\n# The front end the server serves: packages\/twenty-front's build, copied to packages\/twenty-server\/dist\/front as packages\/twenty-docker\/twenty\/Dockerfile does\.\nRUN cd \/app && yarn nx run twenty-front:build \\\n {4}&& rm -rf \/app\/packages\/twenty-server\/dist\/front && mkdir -p \/app\/packages\/twenty-server\/dist \\\n {4}&& cp -R \/app\/packages\/twenty-front\/build \/app\/packages\/twenty-server\/dist\/front\n/,
    );
    expect(text.indexOf("twenty-front:build")).toBeLessThan(text.lastIndexOf("\nFROM "));
    expect(lintDockerfile(text)).toEqual([]);
    const commands = Object.entries(image.argv).map(([name, a]) => ({ name, argv: a.ok ? a.argv : [] }));
    expect(checkImageBuild(text, openRepo(repoDir), commands)).toEqual([]);
  });

  it("a repository's deploy/Dockerfile with relative COPY destinations: the web app's dist to the API's dist/public", () => {
    const repo = openRepo(FIXTURE);
    expect(frontEndOf(repo, "apps/api", NPM)).toEqual({
      build: {
        package: "apps/web",
        build: "cd apps/web && npm run build",
        from: "apps/web/dist",
        to: "apps/api/dist/public",
        source: "deploy/Dockerfile",
      },
    });
    const image = nodeImage({ repo, appName: "notes", runtime: "node", dockerfile: "Dockerfile", processes: [api] });
    expect(image.content).toMatch(
      /RUN cd apps\/api && npm run build\n# The front end .*\nRUN cd \/app && cd apps\/web && npm run build \\\n.*&& rm -rf \/app\/apps\/api\/dist\/public && mkdir -p \/app\/apps\/api\/dist \\\n.*&& cp -R \/app\/apps\/web\/dist \/app\/apps\/api\/dist\/public\n/,
    );
    expect(lintDockerfile(image.content!)).toEqual([]);
  });

  it("without the Dockerfile, express.static beside a web package is named as a gap with what to add", async () => {
    const files = Object.fromEntries(
      [
        "package.json",
        "package-lock.json",
        "apps/api/package.json",
        "apps/api/src/server.js",
        "apps/web/package.json",
      ].map((f) => [f, readFileSync(path.join(FIXTURE, f), "utf8")]),
    );
    const repo = openRepo(await trees.make(files));
    const image = nodeImage({ repo, appName: "notes", runtime: "node", dockerfile: "Dockerfile", processes: [api] });
    expect(image.frontEnd).toBeUndefined();
    expect(image.content).not.toMatch(/apps\/web/);
    expect(image.frontEndGap).toContain("The server serves a static folder (apps/api/src/server.js)");
    expect(image.frontEndGap).toContain("apps/web builds a front end");
    expect(image.frontEndGap).toContain("the UI answers 404");
    expect(image.frontEndGap).toContain("`RUN cd apps/web && npm run build && cp -R /app/apps/web/<its output folder>");
  });

  it.each<[string, Record<string, string>]>([
    [
      "a static folder and no front-end package (the server's own public/)",
      {
        "package.json": JSON.stringify({ private: true, workspaces: ["apps/*"] }),
        "apps/api/package.json": JSON.stringify({ name: "api", scripts: { build: "tsc" } }),
        "apps/api/src/app.ts": "app.use(express.static('public'));\n",
        "apps/jobs/package.json": JSON.stringify({ name: "jobs", scripts: { build: "tsc" } }),
      },
    ],
    [
      "a front-end package but no static serving (served elsewhere)",
      {
        "package.json": JSON.stringify({ private: true, workspaces: ["apps/*"] }),
        "apps/api/package.json": JSON.stringify({ name: "api", scripts: { build: "tsc" } }),
        "apps/api/src/app.ts": "app.get('/api', handler);\n",
        "apps/web/package.json": JSON.stringify({
          name: "web",
          scripts: { build: "vite build" },
          dependencies: { vue: "^3" },
        }),
      },
    ],
    [
      "a Dockerfile that copies only the server's own build between stages",
      {
        "package.json": JSON.stringify({ private: true, workspaces: ["apps/*"] }),
        "apps/api/package.json": JSON.stringify({ name: "api", scripts: { build: "tsc" } }),
        Dockerfile:
          "FROM node:22 AS build\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build -w api\nFROM node:22\nCOPY --from=build /app/apps/api/dist /app/apps/api/dist\n",
      },
    ],
    [
      "a front end the server depends on, built first by Turborepo and read from node_modules (n8n's editor-ui)",
      {
        "package.json": JSON.stringify({ private: true, packageManager: "pnpm@10.0.0" }),
        "pnpm-workspace.yaml": "packages:\n  - packages/*\n",
        "turbo.json": JSON.stringify({ tasks: { build: { dependsOn: ["^build"] } } }),
        "packages/cli/package.json": JSON.stringify({
          name: "n8n",
          scripts: { build: "tsc" },
          dependencies: { "n8n-editor-ui": "workspace:*" },
        }),
        "packages/cli/src/server.ts": "this.app.use('/', express.static(editorUiDist));\n",
        "packages/editor-ui/package.json": JSON.stringify({ name: "n8n-editor-ui", scripts: { build: "vite build" } }),
      },
    ],
  ])("nothing to add: %s", async (_label, files) => {
    const repo = openRepo(await trees.make(files));
    expect(
      frontEndOf(repo, repo.exists("packages/cli/package.json") ? "packages/cli" : "apps/api", NPM),
    ).toBeUndefined();
  });

  it("a server at the root with its own client/ package: the client installs from its lockfile and builds", async () => {
    const repo = openRepo(
      await trees.make({
        "package.json": JSON.stringify({ name: "shop", scripts: { start: "node server.js" } }),
        "package-lock.json": "{}",
        "server.js": "app.use(express.static('client/dist'));\n",
        "client/package.json": JSON.stringify({ name: "client", scripts: { build: "vite build" } }),
        "client/package-lock.json": "{}",
        Dockerfile:
          "FROM node:22 AS client\nWORKDIR /usr/src/app\nCOPY client/ client/\nRUN cd client && npm ci && npm run build\nFROM node:22\nWORKDIR /usr/src/app\nCOPY . .\nCOPY --from=client /usr/src/app/client/dist client/dist\n",
      }),
    );
    expect(frontEndOf(repo, "", NPM)).toEqual({
      build: {
        package: "client",
        build: "cd client && npm ci && npm run build",
        from: "client/dist",
        to: "client/dist",
        source: "Dockerfile",
      },
    });
    const image = nodeImage({
      repo,
      appName: "shop",
      runtime: "node",
      dockerfile: "Dockerfile.ours",
      processes: [{ ...api, command: "/usr/bin/node server.js" }],
    });
    // Built where the server serves it: no copy over itself.
    expect(image.content).toMatch(/\nRUN cd \/app && cd client && npm ci && npm run build\n/);
    expect(image.content).not.toContain("cp -R");
  });

  it("a Dockerfile that copies a package's output that has no build names the gap", async () => {
    const repo = openRepo(
      await trees.make({
        "package.json": JSON.stringify({ private: true, workspaces: ["apps/*"] }),
        "apps/api/package.json": JSON.stringify({ name: "api", scripts: { build: "tsc" } }),
        "apps/web/package.json": JSON.stringify({ name: "web" }),
        "docker/Dockerfile":
          "FROM node:22 AS web\nWORKDIR /app\nCOPY . .\nRUN cd apps/web && make\nFROM node:22\nCOPY --from=web /app/apps/web/out /app/apps/api/static\n",
      }),
    );
    const found = frontEndOf(repo, "apps/api", NPM);
    expect(found && "gap" in found ? found.gap : "").toMatch(
      /^docker\/Dockerfile copies apps\/web\/out \(the build of apps\/web\) to apps\/api\/static, .* `cp -R \/app\/apps\/web\/out \/app\/apps\/api\/static`/,
    );
  });
});
