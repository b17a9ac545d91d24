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

/** A script that also drops, resets or undoes (`sequelize db:drop && … db:migrate`). */
const DESTRUCTIVE = /\b(db:drop|drop|db:reset|migrate:reset|migrate:fresh|migrate:undo|schema:drop|migrate\s+reset)\b/;

export interface MigrationScript {
  /** The tool it runs, for docs: "TypeORM", "Prisma", … */
  tool: string;
  /** The package.json script that runs it. */
  script: string;
  /** The tool's package is a development dependency only: a pruned image would not hold it. */
  devOnly: boolean;
  /** Arguments after the script (sequelize-cli's `--env` of its configuration without SSL). */
  args?: string[];
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
    // Outline's `db:reset` drops the database before it migrates: never a deploy's script.
    if (typeof body !== "string" || DESTRUCTIVE.test(body)) return [];
    const tool = TOOLS.find((t) => t.pattern.test(body));
    return tool ? [{ script, tool }] : [];
  });
  const best = found.find((f) => /prod|deploy/i.test(f.script)) ?? found[0];
  if (!best) return undefined;
  const inProd = best.tool.packages.some((p) => manifest.dependencies?.[p] !== undefined);
  const inDev = best.tool.packages.some((p) => manifest.devDependencies?.[p] !== undefined);
  const args = best.tool.tool === "Sequelize" ? sequelizeSocketEnv(repo, dir) : undefined;
  return { tool: best.tool.tool, script: best.script, devOnly: inDev && !inProd, ...(args ? { args } : {}) };
}

/**
 * sequelize-cli connects with the configuration of its `--env` (NODE_ENV by default). Outline's
 * `production` entry asks for SSL (dialectOptions.ssl), which the Cloud SQL unix socket does not
 * carry (the connector encrypts the link), and the file has `production-ssl-disabled` for such
 * databases: the job names it. The configuration file is the one .sequelizerc names
 * (`'config': path.resolve('server/config', 'database.js')`), else config/config.json.
 * https://sequelize.org/docs/v6/other-topics/migrations/#the-sequelizerc-file
 */
export function sequelizeSocketEnv(repo: AppRepo, dir: string): string[] | undefined {
  const rc = repo.read(path.posix.join(dir, ".sequelizerc")) ?? "";
  const named = /["']?config["']?\s*:\s*(?:path\.(?:resolve|join)\(([^)]*)\)|["']([^"']+)["'])/.exec(rc);
  const parts = named?.[1]
    ? [...named[1].matchAll(/["']([^"']+)["']/g)].map((m) => m[1]!)
    : named?.[2]
      ? [named[2]]
      : [];
  const file = path.posix.join(dir, parts.length ? path.posix.join(...parts) : "config/config.json");
  const text = repo.read(file) ?? "";
  if (!/\bssl\b/.test(text)) return undefined;
  const env = /^\s*["']?(production[\w-]*(?:ssl[\w-]*(?:disabled?|off)|no-?ssl)[\w-]*)["']?\s*:/im.exec(text)?.[1];
  return env ? [`--env=${env}`] : undefined;
}
