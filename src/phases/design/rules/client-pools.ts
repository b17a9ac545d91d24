// The database pool a process's own client library opens when nothing sets its size, read from
// the app's repository (package.json dependencies, go.mod, the Python requirements): the Cloud SQL
// connection budget (data.ts) counts a pool per instance, and a library whose default is larger
// (or has no limit) must be told the size the budget counts, with the setting it reads.
// - node-postgres Pool: max 10 (https://node-postgres.com/apis/pool); mysql2 pool: connectionLimit 10
// - Knex: pool { min: 2, max: 10 } (https://knexjs.org/guide/#pool)
// - TypeORM: the driver's pool, 10 (postgres `extra.max`, mysql `connectionLimit`/`poolSize`)
// - Sequelize: pool.max 5 (https://sequelize.org/docs/v6/other-topics/connection-pool/)
// - pg-boss: its own pool, max 10 (https://github.com/timgit/pg-boss/blob/master/docs/readme.md)
// - Prisma: num_physical_cpus * 2 + 1, set by the URL's `connection_limit`
//   (https://www.prisma.io/docs/orm/prisma-client/setup-and-configuration/databases-connections/connection-pool)
// - Go database/sql: MaxOpenConns 0, no limit (https://pkg.go.dev/database/sql#DB.SetMaxOpenConns)
// - SQLAlchemy: QueuePool pool_size 5 + max_overflow 10 (https://docs.sqlalchemy.org/en/20/core/pooling.html)
// Without the repository nothing is known and nothing is said (no guess).
import type { Service } from "../../../inventory/schema.js";
import { openRepo, packageDependencies, type AppRepo } from "../../../image/repo.js";

export interface ClientPool {
  /** The library, as the design names it ("Knex", "Go's database/sql"). */
  library: string;
  /** Connections one process opens at most by default; undefined: no limit. */
  max: number | undefined;
  /** Where the app sets the size, with N for the number (N and M when two pools share it). */
  setting: string;
}

interface NodeLibrary {
  dependency: string;
  library: string;
  max: (cpu: number) => number;
  setting: string;
}

// In order: an ORM or query builder owns the pool its driver (pg, mysql2) would otherwise open.
const NODE: readonly NodeLibrary[] = [
  {
    dependency: "@prisma/client",
    library: "Prisma",
    max: (cpu) => cpu * 2 + 1,
    setting: "`connection_limit=N` on the database URL",
  },
  { dependency: "knex", library: "Knex", max: () => 10, setting: "Knex's `pool: { max: N }`" },
  {
    dependency: "typeorm",
    library: "TypeORM",
    max: () => 10,
    setting: "TypeORM's `extra: { max: N }` (postgres) or `poolSize: N`",
  },
  { dependency: "sequelize", library: "Sequelize", max: () => 5, setting: "Sequelize's `pool: { max: N }`" },
  { dependency: "pg", library: "node-postgres", max: () => 10, setting: "node-postgres' `new Pool({ max: N })`" },
  { dependency: "mysql2", library: "mysql2", max: () => 10, setting: "mysql2's `connectionLimit: N`" },
];

/** The SQL drivers database/sql opens connections through (go.mod requires). */
const GO_SQL_DRIVERS =
  /^\s*(?:require\s+)?(github\.com\/(?:lib\/pq|jackc\/pgx|go-sql-driver\/mysql)|modernc\.org\/sqlite)\b/m;

function pythonRequirements(repo: AppRepo): string {
  const files = ["requirements.txt", "requirements/base.txt", "requirements/prod.txt", "pyproject.toml", "setup.py"];
  return files.map((f) => repo.read(f) ?? "").join("\n");
}

/** A setting of the process's own that sizes its pool (DB_POOL, DATABASE_MAX_CONNS, POOL_SIZE). */
const OWN_POOL_SETTING = /(?:^|_)(?:MAX_(?:OPEN_)?CONN(?:ECTION)?S|POOL(?:_SIZE|_MAX)?|CONNECTION_LIMIT)$/i;

/**
 * The pool a process's client library opens by default, from the repository; undefined when
 * unknown. When the process reads a pool setting of its own (its env names one), that is where
 * the size is set.
 */
export function clientPool(s: Service, repoDir: string | undefined, cpu: number): ClientPool | undefined {
  const pool = libraryPool(s, repoDir, cpu);
  const own = (s.env ?? []).find((n) => OWN_POOL_SETTING.test(n));
  return pool && own ? { ...pool, setting: `${own}=N (its own setting; else ${pool.setting})` } : pool;
}

function libraryPool(s: Service, repoDir: string | undefined, cpu: number): ClientPool | undefined {
  const repo = repoDir ? openRepo(repoDir) : undefined;
  if (!repo?.present) return undefined;
  if (s.runtime === "node") {
    const deps = packageDependencies(repo);
    const lib = NODE.find((l) => deps.has(l.dependency));
    if (!lib) return undefined;
    // pg-boss opens its own pool (max 10) beside the app's: the two share what the budget counts.
    if (deps.has("pg-boss"))
      return {
        library: `${lib.library} and pg-boss`,
        max: lib.max(cpu) + 10,
        setting: `${lib.setting} and pg-boss's \`max: M\` (N + M, what the budget counts, split between the two)`,
      };
    return { library: lib.library, max: lib.max(cpu), setting: lib.setting };
  }
  if (s.runtime === "go") {
    const mod = repo.read("go.mod");
    if (!mod || !GO_SQL_DRIVERS.test(mod)) return undefined;
    return {
      library: "Go's database/sql",
      max: undefined,
      setting: "the app's maximum of open connections (database/sql's `db.SetMaxOpenConns(N)`)",
    };
  }
  if (s.runtime === "python") {
    const reqs = pythonRequirements(repo);
    // Django opens one connection per thread, no pool: the budget's count holds.
    if (/^\s*["']?django\b/im.test(reqs) || !/^\s*["']?(?:flask-)?sqlalchemy\b/im.test(reqs)) return undefined;
    return {
      library: "SQLAlchemy",
      max: 15,
      setting: "`create_engine(..., pool_size=N, max_overflow=0)` (Flask-SQLAlchemy: SQLALCHEMY_ENGINE_OPTIONS)",
    };
  }
  return undefined;
}
