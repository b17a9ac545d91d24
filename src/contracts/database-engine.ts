// Which engine a database is, read once for every phase: the design sizes Cloud SQL by it, the
// image installs its driver (pdo_pgsql, pdo_mysql), an app's settings store picks its URL form, the
// AI worker its SQLAlchemy driver. Inventories spell engines as packages, versions, images and
// forks ("postgresql-15", "PostgreSQL 16.2", "postgis", "timescaledb", "mariadb-server 10.11",
// "percona"); Cloud SQL runs the upstream engine of each (MariaDB and Percona move to MySQL).
import type { Inventory, Service } from "../inventory/schema.js";

export const DATABASE_ENGINES = ["mysql", "postgres", "sqlserver"] as const;
export type DatabaseEngine = (typeof DATABASE_ENGINES)[number];

/** The engine a name says (a data store's engine, a service's software), or undefined. */
export function databaseEngine(name: string | undefined): DatabaseEngine | undefined {
  const sw = (name ?? "").toLowerCase();
  // pgsql: PHP's and Laravel's name for PostgreSQL (pdo_pgsql, DB_CONNECTION=pgsql).
  if (/postgres|postgis|timescale|pgsql/.test(sw)) return "postgres";
  if (/mysql|mariadb|percona/.test(sw)) return "mysql";
  if (/mssql|sql ?server/.test(sw)) return "sqlserver";
  return undefined;
}

/** One database service's engine: its data store's engine when that names one, else its software. */
export function serviceDatabaseEngine(inv: Pick<Inventory, "data">, db: Service): DatabaseEngine | undefined {
  const store = (inv.data ?? []).find((x) => x.service === db.name);
  return databaseEngine(store?.engine) ?? databaseEngine(db.software);
}

/**
 * The engine of the database the design moves to Cloud SQL: the first database service, in the
 * inventory's order, whose engine is known (design/rules/deployment-rules.ts takes the same one).
 */
export function inventoryDatabaseEngine(inv: Pick<Inventory, "data" | "services">): DatabaseEngine | undefined {
  for (const s of inv.services) {
    if (s.role !== "database") continue;
    const engine = serviceDatabaseEngine(inv, s);
    if (engine) return engine;
  }
  return undefined;
}
