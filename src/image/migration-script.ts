// A Node package's own migration script: the package.json script whose command applies pending
// migrations with a known tool (Twenty's `database:migrate:prod` = `typeorm migration:run -d …`).
// Only commands that apply what is missing count: `prisma migrate dev`, `typeorm migration:generate`
// or `knex migrate:make` write new migrations and never belong in a deploy.
// https://typeorm.io/docs/advanced-topics/migrations/, https://www.prisma.io/docs/orm/prisma-client/deployment/deploy-database-changes-with-prisma-migrate,
// https://knexjs.org/guide/migrations.html, https://sequelize.org/docs/v6/other-topics/migrations/
import path from "node:path";
import { type AppRepo, readJson } from "./repo.js";

const TOOLS: Array<{ tool: string; packages: string[]; pattern: RegExp }> = [
  { tool: "TypeORM", packages: ["typeorm"], pattern: /\btypeorm(-ts-node-(commonjs|esm))?\b[^&|;]*\bmigration:run\b/ },
  { tool: "Prisma", packages: ["prisma"], pattern: /\bprisma\s+migrate\s+deploy\b/ },
  { tool: "Knex", packages: ["knex"], pattern: /\bknex\b[^&|;]*\bmigrate:latest\b/ },
  {
    tool: "Sequelize",
    packages: ["sequelize-cli"],
    pattern: /\bsequelize(-cli)?\b[^&|;]*\bdb:migrate(?![:\w])/,
  },
  { tool: "MikroORM", packages: ["@mikro-orm/cli"], pattern: /\bmikro-orm\b[^&|;]*\bmigration:up\b/ },
  { tool: "node-pg-migrate", packages: ["node-pg-migrate"], pattern: /\bnode-pg-migrate\b[^&|;]*\bup\b/ },
  { tool: "Drizzle", packages: ["drizzle-kit"], pattern: /\bdrizzle-kit\s+migrate\b/ },
];

export interface MigrationScript {
  /** The tool it runs, for docs: "TypeORM", "Prisma", … */
  tool: string;
  /** The package.json script that runs it. */
  script: string;
  /** The tool's package is a development dependency only: a pruned image would not hold it. */
  devOnly: boolean;
}

interface Manifest {
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** The migration script of the package in `dir`; a production or deploy one first (`database:migrate:prod`). */
export function packageMigrationScript(repo: AppRepo, dir: string): MigrationScript | undefined {
  const manifest = readJson<Manifest>(repo, path.posix.join(dir, "package.json"));
  if (!manifest) return undefined;
  const found = Object.entries(manifest.scripts ?? {}).flatMap(([script, body]) => {
    const tool = typeof body === "string" ? TOOLS.find((t) => t.pattern.test(body)) : undefined;
    return tool ? [{ script, tool }] : [];
  });
  const best = found.find((f) => /prod|deploy/i.test(f.script)) ?? found[0];
  if (!best) return undefined;
  const inProd = best.tool.packages.some((p) => manifest.dependencies?.[p] !== undefined);
  const inDev = best.tool.packages.some((p) => manifest.devDependencies?.[p] !== undefined);
  return { tool: best.tool.tool, script: best.script, devOnly: inDev && !inProd };
}
