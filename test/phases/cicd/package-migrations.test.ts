// A Node app's migrations are its package.json script that applies them (typeorm migration:run,
// prisma migrate deploy, knex migrate:latest, sequelize db:migrate…), read from the folder the
// image runs the server in (a monorepo's server package too), run by the package manager the
// repository pins; the image keeps that manager and a dev-only tool for the job.
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildContext } from "../../../src/phases/cicd/context.js";
import { migrations } from "../../../src/phases/cicd/migrations.js";
import { planImages } from "../../../src/image/plan.js";
import { chain } from "../../helpers/chain.js";
import { TempTrees } from "../../helpers/file-tree.js";
import { inputFromFile, inputFromYaml, ROOT } from "../../helpers/phase-input.js";

const trees = new TempTrees("im-pkg-migrate-");
afterAll(() => trees.removeAll());

const inventory = (command: string, cwd = "/srv/shop") => `
apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: shop }
host: { hostname: shop-01, os: Ubuntu 24.04 LTS }
services:
  - { name: api, role: web, software: node, runtime: node, command: "cd ${cwd} && ${command}", listen: ["127.0.0.1:3000"], dependsOn: [postgres], env: [DATABASE_URL] }
  - { name: postgres, role: database, software: postgres, listen: ["127.0.0.1:5432"] }
data:
  - { service: postgres, engine: postgres, backups: daily }
deploy: { method: ssh-systemctl, rollback: none }
target: { cloud: gcp, project: shop-prod, region: europe-west1, service: shop }
`;
const pkg = (o: object) => JSON.stringify(o);

async function planFor(files: Record<string, string>, command: string, cwd?: string) {
  const repoDir = await trees.make(files);
  const { input } = chain({ ...inputFromYaml(inventory(command, cwd)), repoDir });
  const image = planImages(input.inventory, repoDir).images[0]!;
  return { migrate: migrations(buildContext(input)), dockerfile: image.content ?? "" };
}

const CASES: Array<[string, Record<string, string>, string, string | undefined, string, string[], RegExp[]]> = [
  [
    "TypeORM with npm: its production script, over a generating one",
    {
      "package.json": pkg({
        scripts: {
          "migration:generate": "typeorm migration:generate -d dist/data-source.js",
          "migration:run:prod": "typeorm migration:run -d dist/data-source.js",
          start: "node dist/main.js",
        },
        dependencies: { typeorm: "^0.3.20" },
      }),
      "package-lock.json": "{}",
    },
    "/usr/bin/node dist/main.js",
    undefined,
    "TypeORM, migration:run:prod",
    ["npm", "run", "migration:run:prod"],
    [/RUN npm prune --omit=dev\n/],
  ],
  [
    "Prisma, a dev dependency with Yarn classic: kept in the image, yarn at runtime",
    {
      "package.json": pkg({
        scripts: { "migrate:dev": "prisma migrate dev", "db:deploy": "prisma migrate deploy", start: "node server.js" },
        devDependencies: { prisma: "^5.0.0" },
      }),
      "yarn.lock": "# yarn lockfile v1\n",
    },
    "/usr/bin/node server.js",
    undefined,
    "Prisma, db:deploy",
    ["yarn", "run", "db:deploy"],
    [
      /keeps the\n# development ones \(the deploy's migration job runs db:deploy \(Prisma\), a development dependency\)/,
      /RUN corepack enable && cd \/app && corepack install --global yarn@1\n/,
    ],
  ],
  [
    "Knex in a pnpm workspace's server package: read there, run from its folder",
    {
      "package.json": pkg({ name: "acme", private: true, packageManager: "pnpm@9.12.0" }),
      "pnpm-workspace.yaml": "packages:\n  - apps/*\n",
      "pnpm-lock.yaml": "lockfileVersion: '9.0'\n",
      "apps/server/package.json": pkg({
        name: "@acme/server",
        scripts: { migrate: "knex migrate:latest --knexfile knexfile.js", "migrate:make": "knex migrate:make" },
        dependencies: { knex: "^3.1.0" },
      }),
      "apps/server/index.js": "",
    },
    "/usr/bin/node index.js",
    "/srv/shop/apps/server",
    "Knex, migrate",
    ["pnpm", "run", "migrate"],
    [/WORKDIR \/app\/apps\/server\n/, /RUN corepack enable && cd \/app && corepack install\n/],
  ],
  [
    "Sequelize in an npm workspace package (db:migrate, never db:migrate:undo)",
    {
      "package.json": pkg({ private: true, workspaces: ["packages/*"] }),
      "package-lock.json": "{}",
      "packages/api/package.json": pkg({
        name: "@shop/api",
        scripts: { "db:rollback": "sequelize-cli db:migrate:undo", "db:migrate": "sequelize-cli db:migrate" },
        dependencies: { "sequelize-cli": "^6.6.2" },
      }),
      "packages/api/server.js": "",
    },
    "/usr/bin/node server.js",
    "/srv/shop/packages/api",
    "Sequelize, db:migrate",
    ["npm", "run", "db:migrate"],
    [/WORKDIR \/app\/packages\/api\n/],
  ],
];

describe("a Node package's own migration script", () => {
  it.each(CASES)("%s", async (_name, files, command, cwd, tool, argv, dockerfile) => {
    const { migrate, dockerfile: content } = await planFor(files, command, cwd);
    expect(migrate.map((m) => [m.tool, m.job.command])).toEqual([[tool, argv]]);
    for (const line of dockerfile) expect(content).toMatch(line);
  });

  it("a package with no script that applies migrations gets no guessed job", async () => {
    const { migrate } = await planFor(
      {
        "package.json": pkg({ scripts: { "migrate:make": "knex migrate:make", start: "node server.js" } }),
        "package-lock.json": "{}",
      },
      "/usr/bin/node server.js",
    );
    expect(migrate).toEqual([]);
  });

  it("a script that drops or resets before it migrates is never the deploy's (sequelize db:reset)", async () => {
    const { migrate } = await planFor(
      {
        "package.json": pkg({
          scripts: {
            "db:reset": "sequelize db:drop && sequelize db:create && sequelize db:migrate",
            start: "node server.js",
          },
          dependencies: { "sequelize-cli": "^6.6.2" },
        }),
        "package-lock.json": "{}",
      },
      "/usr/bin/node server.js",
    );
    expect(migrate).toEqual([]);
  });

  it("Outline: sequelize-cli's production config asks for SSL, so the job names its production-ssl-disabled env and every target gets PGSSLMODE=disable", () => {
    const dir = path.join(ROOT, "test/fixtures/real/outline");
    const repoDir = path.join(dir, "vm/opt/outline");
    const { input, design } = chain({ ...inputFromFile(path.join(dir, "inventory.yaml")), repoDir });
    const [app] = migrations(buildContext(input));
    expect(app!.tool).toBe("Sequelize, db:migrate --env=production-ssl-disabled");
    expect(app!.job.command).toEqual(["yarn", "run", "db:migrate", "--env=production-ssl-disabled"]);
    const onSql = design.deployment.services.filter((t) => t.cloudSqlInstance);
    expect(onSql.length).toBeGreaterThan(0);
    for (const t of [...onSql, app!.job]) expect(t.env?.PGSSLMODE, t.name).toBe("disable");
  });

  it("Twenty: yarn run database:migrate:prod (TypeORM) from packages/twenty-server, Yarn 4 in the image", () => {
    const dir = path.join(ROOT, "test/fixtures/real/twenty");
    const repoDir = path.join(dir, "vm/opt/twenty");
    const { input } = chain({ ...inputFromFile(path.join(dir, "inventory.yaml")), repoDir });
    const [app] = migrations(buildContext(input));
    expect(app!.tool).toBe("TypeORM, database:migrate:prod");
    expect(app!.job.command).toEqual(["yarn", "run", "database:migrate:prod"]);
    const image = planImages(input.inventory, repoDir).images.find((i) => i.runtime === "node")!;
    expect(image.workdir).toBe("/app/packages/twenty-server");
    expect(image.content).toMatch(/RUN corepack enable && cd \/app && corepack install\n/);
  });
});
