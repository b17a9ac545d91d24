// Stateful services: the database moves to Cloud SQL (same engine and major version), a Redis
// cache to Memorystore, and a broker that only carries Celery/RQ messages disappears into Cloud Tasks.
import type { Service } from "../../../inventory/schema.js";
import { loadPriceBook, maxConnections, sqlTierShape } from "../../../contracts/gcp-prices.js";
import type { DatabaseTarget, DeployTarget } from "../../../contracts/deployment.js";
import { type DatabaseEngine as Engine, serviceDatabaseEngine } from "../../../contracts/database-engine.js";
import { plannedPeakRps } from "./classify.js";
import { clientPool, type ClientPool } from "./client-pools.js";
import type { Draft } from "./draft.js";
import { runName } from "./names.js";
import { workerThreads } from "./worker-threads.js";
import type { SqlitePlan } from "./sqlite.js";

const CLOUD_SQL_MYSQL = new Set(["MYSQL_5_6", "MYSQL_5_7", "MYSQL_8_0", "MYSQL_8_4"]);
/**
 * The newest PostgreSQL major Cloud SQL offers (the Admin API's SqlDatabaseVersion:
 * https://cloud.google.com/sql/docs/postgres/admin-api/rest/v1beta4/SqlDatabaseVersion).
 */
export const NEWEST_CLOUD_SQL_POSTGRES = 18;

export function databaseVersion(
  engine: Engine,
  version: string | undefined,
): { value: string; assumed: boolean; newerThanCloudSql?: boolean } {
  const m = /^(\d+)(?:\.(\d+))?/.exec(version ?? "");
  if (engine === "postgres") {
    const major = m ? Number(m[1]) : NaN;
    if (!m || major < 10) return { value: "POSTGRES_16", assumed: true };
    // POSTGRES_19 would be refused by gcloud and the API alike: the newest there is, said so.
    if (major > NEWEST_CLOUD_SQL_POSTGRES)
      return { value: `POSTGRES_${NEWEST_CLOUD_SQL_POSTGRES}`, assumed: true, newerThanCloudSql: true };
    return { value: `POSTGRES_${major}`, assumed: false };
  }
  if (engine === "mysql") {
    // Only the versions Cloud SQL offers (`gcloud sql instances create --database-version`):
    // a MariaDB 10.11 must not become MYSQL_10_11.
    const value = m && m[2] !== undefined ? `MYSQL_${m[1]}_${m[2]}` : "";
    return CLOUD_SQL_MYSQL.has(value) ? { value, assumed: false } : { value: "MYSQL_8_0", assumed: true };
  }
  return { value: "SQLSERVER_2019_STANDARD", assumed: true };
}

/** Tier by the traffic the design is sized for (peak × growth). */
/** The tiers the design picks from, smallest first. */
const SQL_TIERS = ["db-custom-1-3840", "db-custom-2-7680", "db-custom-4-15360", "db-custom-8-30720"] as const;

export function sqlTier(plannedRps: number): string {
  if (plannedRps <= 100) return SQL_TIERS[0];
  if (plannedRps <= 1000) return SQL_TIERS[1];
  if (plannedRps <= 4000) return SQL_TIERS[2];
  return SQL_TIERS[3];
}

/** The audit flags the database as a single point of failure (or its data as unprotected). */
function dbRiskIds(d: Draft, db: Service): string[] {
  return (d.audit?.risks ?? [])
    .filter(
      (r) =>
        (r.category === "single-point-of-failure" || r.category === "data-protection") &&
        (r.affects.includes(db.name) || r.affects.length === 0),
    )
    .map((r) => r.id);
}

export function databaseTarget(d: Draft, db: Service): DatabaseTarget | undefined {
  const store = d.inv.data.find((x) => x.service === db.name);
  const engine = serviceDatabaseEngine(d.inv, db);
  if (!engine) return undefined;
  const mariadb = /mariadb/i.test(`${store?.engine ?? ""} ${db.software}`);
  const sourceVersion = store?.version ?? db.version;
  // MariaDB's own numbers (10.11, 11.4) are not MySQL versions: the target is MySQL 8.0.
  const version = databaseVersion(engine, mariadb ? undefined : sourceVersion);
  if (mariadb) {
    d.notes.sourceEngine = `MariaDB${sourceVersion ? ` ${sourceVersion}` : ""}`;
    d.assumptions.push(
      `${db.name}: Cloud SQL has no MariaDB; ${d.notes.sourceEngine} moves to Cloud SQL for MySQL 8.0, the closest engine. Test the schema and queries in staging first: MariaDB-only collations (uca1400), sequences, system-versioned tables and JSON stored as LONGTEXT differ.`,
    );
  } else if (version.newerThanCloudSql) {
    d.assumptions.push(
      `${db.name}: PostgreSQL ${sourceVersion} is newer than any Cloud SQL offers; ${version.value}, the newest, assumed. A dump moves to an older major only when it uses nothing the older one lacks: restore it into a staging instance first, or wait until Cloud SQL offers ${sourceVersion}.`,
    );
  } else if (version.assumed) {
    d.assumptions.push(
      `${db.name}: no usable ${engine} version in the inventory (or one Cloud SQL no longer offers); ${version.value} assumed.`,
    );
  }
  const planned = plannedPeakRps(d.inv);
  const risks = dbRiskIds(d, db);
  const ha = risks.length > 0;
  d.notes.dbHaReason = ha
    ? `the audit flags the database (${risks.join(", ")}): a zonal failure must not take the product down`
    : "the audit does not flag the database as a single point of failure, so the standby's cost is not spent yet";
  const replicas = planned > 4000 ? 2 : planned > 1000 ? 1 : 0;
  d.notes.replicaReason =
    replicas > 0
      ? `${planned} RPS at the growth target is read-heavy enough to move reports and list pages to a replica`
      : `${planned} RPS at the growth target fits the primary`;
  return {
    instance: runName(d.base, "db"),
    engine,
    databaseVersion: version.value,
    tier: sqlTier(planned),
    highAvailability: ha,
    readReplicas: replicas,
    storageGiB: cloudSqlStorage(d, store?.sizeGiB ?? 10, 2),
    pointInTimeRecovery: true,
  };
}

/** Cloud SQL's largest disk, 64 TiB (https://cloud.google.com/sql/docs/quotas#storage_limits). */
export const CLOUD_SQL_MAX_GIB = 65_536;

/**
 * The disk for `dataGiB` of data with room to grow (`factor` times it, in steps of 10 GiB), at
 * most Cloud SQL's largest disk. Past that the design says so: with less room than planned, or,
 * for data larger than the largest disk, that it cannot move as it is.
 */
function cloudSqlStorage(d: Draft, dataGiB: number, factor: number): number {
  const wanted = Math.max(10, Math.ceil((dataGiB * factor) / 10) * 10);
  if (wanted <= CLOUD_SQL_MAX_GIB) return wanted;
  d.assumptions.push(
    dataGiB > CLOUD_SQL_MAX_GIB
      ? `The data (${dataGiB} GiB) is larger than Cloud SQL's largest disk (64 TiB): it cannot move into one instance as it is. Archive or split it before the move (the plan provisions the largest disk).`
      : `The database gets Cloud SQL's largest disk, 64 TiB, instead of ${wanted} GiB: less room to grow than planned for ${dataGiB} GiB of data; archive old data before the disk fills.`,
  );
  return CLOUD_SQL_MAX_GIB;
}

/**
 * Cloud SQL for PostgreSQL for an app that kept its data in a SQLite file and whose framework
 * takes a server database (rules/sqlite.ts). PostgreSQL: every such framework supports it, and
 * its types are the stricter fit for SQLite's loosely typed columns.
 */
export function sqliteDatabaseTarget(d: Draft, plan: SqlitePlan): DatabaseTarget {
  const planned = plannedPeakRps(d.inv);
  const risks = (d.audit?.risks ?? [])
    .filter((r) => r.category === "data-protection" || r.category === "single-point-of-failure")
    .filter((r) => r.affects.length === 0 || r.affects.some((a) => plan.openers.includes(a)))
    .map((r) => r.id);
  d.notes.dbHaReason = risks.length
    ? `the audit flags the data (${risks.join(", ")}): a zonal failure must not take the product down`
    : "the audit does not flag the data as a single point of failure, so the standby's cost is not spent yet";
  d.notes.replicaReason = `${planned} RPS at the growth target fits the primary`;
  return {
    instance: runName(d.base, "db"),
    engine: "postgres",
    databaseVersion: "POSTGRES_16",
    tier: sqlTier(planned),
    highAvailability: risks.length > 0,
    readReplicas: 0,
    storageGiB: cloudSqlStorage(d, plan.store.sizeGiB ?? 1, 3),
    pointInTimeRecovery: true,
  };
}

/**
 * Connection budget: every Cloud Run instance opens its own pool, so max instances × pool size
 * must stay under the tier's max_connections (with 20 % left for admin and migrations). Over
 * budget, the tier is raised first (max_connections grows with memory), up to the largest the
 * design picks: capping the public API's instances would undo the scaling the move is for. Only
 * then are max instances lowered, the other services' before the API's.
 */
export function applyConnectionBudget(d: Draft): void {
  const db = d.database;
  if (!db) return;
  const book = loadPriceBook();
  const maxOf = (tier: string) => maxConnections(book, db.engine, sqlTierShape(tier)?.memoryGib ?? 3.75);
  const users = d.services.filter((s) => s.cloudSqlInstance === db.instance);
  const perInstance: Record<string, number> = {};
  // A worker pool's process runs its known thread count of jobs at once, each on a connection
  // (Sidekiq's `-c`, worker-threads.ts); a request-driven target a pool sized by its concurrency.
  const threads = (s: DeployTarget) =>
    s.kind === "worker-pool"
      ? (d.notes.workerThreads?.[s.name]?.connections ?? d.notes.workerThreads?.[s.name]?.threads)
      : undefined;
  // The client library's own default pool, where the repository shows it (client-pools.ts).
  const pools: Record<string, ClientPool & { count: number }> = {};
  for (const s of users) {
    const service = d.inv.services.find((x) => s.replaces.includes(x.name));
    const pool = service ? clientPool(service, d.repoDir, Math.max(1, Math.round(Number(s.cpu)))) : undefined;
    let count =
      threads(s) ??
      (s.kind === "api" ? Math.max(5, Math.min(10, Math.ceil(s.concurrency / 4))) : Math.min(s.concurrency + 1, 10));
    // A worker pool whose jobs share one process's pool (a Node queue worker): as many
    // connections as jobs in flight, plus one, up to what the library opens.
    if (pool && service?.runtime === "node" && s.kind === "worker-pool" && threads(s) === undefined)
      count = Math.max(count, Math.min(pool.max ?? Infinity, workerThreads(service, d.repoDir).threads + 1));
    perInstance[s.name] = count;
    if (pool && (pool.max === undefined || pool.max > count)) pools[s.name] = { ...pool, count };
  }
  let total = users.reduce((t, s) => t + s.maxInstances * perInstance[s.name]!, 0);
  const from = db.tier;
  let step = SQL_TIERS.indexOf(db.tier as (typeof SQL_TIERS)[number]);
  while (step >= 0 && step < SQL_TIERS.length - 1 && total > Math.floor(maxOf(db.tier) * 0.8))
    db.tier = SQL_TIERS[++step]!;
  const max = maxOf(db.tier);
  const allowed = Math.floor(max * 0.8);
  const capped: string[] = [];
  const api = users.find((s) => s.kind === "api" && s.name === d.base) ?? users.find((s) => s.kind === "api");
  for (const s of [...users.filter((u) => u !== api), ...(api ? [api] : [])]) {
    if (total <= allowed) break;
    const others = total - s.maxInstances * perInstance[s.name]!;
    const fit = Math.max(1, Math.floor((allowed - others) / perInstance[s.name]!));
    if (fit < s.maxInstances) {
      capped.push(`${s.name}: max instances ${s.maxInstances} → ${fit}`);
      s.maxInstances = fit;
      total = others + fit * perInstance[s.name]!;
    }
  }
  d.notes.connectionBudget = {
    perInstance,
    total,
    max,
    capped,
    ...(db.tier !== from ? { raisedFrom: from } : {}),
    ...(Object.keys(pools).length ? { pools } : {}),
  };
}

export function memorystoreVersion(s: Service): string {
  const major = /^(\d+)/.exec(s.version ?? "")?.[1];
  return /memcache/i.test(s.software)
    ? "MEMCACHE_1_6_15"
    : major && Number(major) >= 7
      ? "REDIS_7_X"
      : major === "6"
        ? "REDIS_6_X"
        : "REDIS_7_X";
}
