// A PostgreSQL server's extensions (inventory services[].extensions) against what Cloud SQL offers:
// the dump of a schema that uses one Cloud SQL lacks (a VectorChord index, a pgvecto.rs column, a
// TimescaleDB hypertable) does not restore, and the app cannot create the extension itself there.
// The design says so on the database's mapping instead of moving it as if nothing changed.
import type { Service } from "../../../inventory/schema.js";

/**
 * The extensions Cloud SQL for PostgreSQL supports, by their CREATE EXTENSION names
 * (https://cloud.google.com/sql/docs/postgres/extensions). pgvector is `vector`.
 */
const CLOUD_SQL_POSTGRES_EXTENSIONS: ReadonlySet<string> = new Set([
  "address_standardizer",
  "address_standardizer_data_us",
  "amcheck",
  "auto_explain",
  "autoinc",
  "bloom",
  "btree_gin",
  "btree_gist",
  "citext",
  "cube",
  "dblink",
  "dict_int",
  "dict_xsyn",
  "earthdistance",
  "fuzzystrmatch",
  "hll",
  "hstore",
  "insert_username",
  "intagg",
  "intarray",
  "ip4r",
  "isn",
  "lo",
  "ltree",
  "moddatetime",
  "orafce",
  "pageinspect",
  "pg_bigm",
  "pg_buffercache",
  "pg_cron",
  "pg_freespacemap",
  "pg_hint_plan",
  "pg_partman",
  "pg_prewarm",
  "pg_repack",
  "pg_similarity",
  "pg_squeeze",
  "pg_stat_statements",
  "pg_trgm",
  "pg_visibility",
  "pg_wait_sampling",
  "pgaudit",
  "pgcrypto",
  "pgfincore",
  "pglogical",
  "pgrouting",
  "pgrowlocks",
  "pgstattuple",
  "pgtap",
  "plpgsql",
  "plproxy",
  "plv8",
  "postgis",
  "postgis_raster",
  "postgis_sfcgal",
  "postgis_tiger_geocoder",
  "postgis_topology",
  "postgres_fdw",
  "prefix",
  "rdkit",
  "refint",
  "seg",
  "sslinfo",
  "tablefunc",
  "tcn",
  "temporal_tables",
  "tsm_system_rows",
  "tsm_system_time",
  "unaccent",
  "uuid-ossp",
  "vector",
]);

/** What a name stands for, where the extension is better known by its project's name. */
const KNOWN_AS: Record<string, string> = {
  vector: "pgvector",
  vchord: "VectorChord",
  vectors: "pgvecto.rs",
  timescaledb: "TimescaleDB",
  postgis: "PostGIS",
};

const shown = (name: string) => (KNOWN_AS[name] ? `\`${name}\` (${KNOWN_AS[name]})` : `\`${name}\``);
const list = (names: string[]) => names.map(shown).join(", ");

export interface ExtensionFit {
  offered: string[];
  missing: string[];
}

/** The database's extensions Cloud SQL offers and those it does not (PostgreSQL only). */
export function extensionFit(db: Service, engine: string): ExtensionFit | undefined {
  const all = db.extensions ?? [];
  if (engine !== "postgres" || !all.length) return undefined;
  return {
    offered: all.filter((e) => CLOUD_SQL_POSTGRES_EXTENSIONS.has(e)),
    missing: all.filter((e) => !CLOUD_SQL_POSTGRES_EXTENSIONS.has(e)),
  };
}

/** The database mapping's lines about extensions: what to create first, and what cannot move. */
export function extensionChanges(fit: ExtensionFit, instance: string): string[] {
  const out: string[] = [];
  if (fit.offered.length)
    out.push(
      `Create ${list(fit.offered)} on ${instance} before restoring the dump (\`CREATE EXTENSION … CASCADE\` as a cloudsqlsuperuser member, or the cloudsql.enable_* flag an extension needs): Cloud SQL has ${fit.offered.length > 1 ? "them" : "it"}, but the app's database user is not a superuser there and cannot create ${fit.offered.length > 1 ? "them" : "it"} at start.`,
    );
  if (fit.missing.length)
    out.push(
      `Cloud SQL for PostgreSQL does not offer ${list(fit.missing)}, which the VM's database server has: the tables, columns and indexes that use ${fit.missing.length > 1 ? "them" : "it"} will not restore, and the app cannot create ${fit.missing.length > 1 ? "them" : "it"}. Before the cut-over either move the app to an extension Cloud SQL has (pgvector's \`vector\` for vector search, if the app supports it) and rebuild those indexes, or keep this database on PostgreSQL you run yourself (a Compute Engine VM with the same image).`,
    );
  return out;
}
