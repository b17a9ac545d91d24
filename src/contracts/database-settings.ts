// What each database setting an app reads means, by its name: the design decides their values on
// Cloud Run from it (host = the Cloud SQL socket, port, engine flag), scripts/setup-database.sh
// stores the ones that belong to the user it creates (URL, user, password, database name) under
// the names the app reads, and scripts/setup-secrets.sh never copies any of them from the VM,
// where they describe the VM's own database. One classifier, so the three cannot disagree.
import { DATABASE_URL_NAME } from "./deployment.js";
import { STORE_URL_NAMES } from "./settings-stores.js";

export type DatabaseSettingRole = "url" | "user" | "password" | "name" | "host" | "port" | "engine" | "socket";

/** The roles setup-database.sh writes to Secret Manager (they depend on the user it creates). */
export const STORED_ROLES: readonly DatabaseSettingRole[] = ["url", "user", "password", "name"];

/** Another store's settings that happen to say DB (REDIS_DB, MONGO_DB_PASSWORD): not Cloud SQL's. */
const OTHER_STORE =
  /^(REDIS|VALKEY|CACHE|MEMCACHED?|MONGO|MONGODB|ELASTIC|ELASTICSEARCH|OPENSEARCH|CLICKHOUSE|INFLUX|INFLUXDB|NEO4J|CASSANDRA|COUCH|COUCHDB|MEILI|TYPESENSE|RABBIT|RABBITMQ|AMQP|SENTRY|LDAP|SMTP|EMAIL|MAIL|S3|AWS)_/;
/** The app's own prefix (PAPERLESS_, REDASH_, SPRING_DATASOURCE_…) before the database part. */
const P = "(?:[A-Z0-9]+_)*";
const ENGINE_WORD = "(?:DB|DATABASE|PG|POSTGRES|POSTGRESQL|MYSQL|MARIADB)";

/**
 * n8n's per-engine settings: DB_POSTGRESDB_HOST, DB_POSTGRESDB_DATABASE, DB_MYSQLDB_USER
 * (docs.n8n.io, "Supported databases": the engine's name with DB after it, under DB_).
 */
const ENGINE_DB = `^${P}(?:POSTGRES|POSTGRESQL|MYSQL|MARIADB)DB_`;

const ROLES: Array<[DatabaseSettingRole, RegExp]> = [
  ["host", new RegExp(`${ENGINE_DB}HOST$`)],
  ["port", new RegExp(`${ENGINE_DB}PORT$`)],
  ["user", new RegExp(`${ENGINE_DB}(USER|USERNAME)$`)],
  ["password", new RegExp(`${ENGINE_DB}(PASSWORD|PASS)$`)],
  ["name", new RegExp(`${ENGINE_DB}(DATABASE|NAME)$`)],
  [
    "engine",
    /^(DB|DB_ENGINE|DB_TYPE|DATABASE_ENGINE|DATABASE_TYPE|DB_CONNECTION|DB_DRIVER|[A-Z0-9]+_DBENGINE|[A-Z0-9]+_DB_ENGINE)$/,
  ],
  // Laravel DB_SOCKET, libmysqlclient's MYSQL_UNIX_PORT: where a MySQL client finds the socket.
  ["socket", /^(DB_SOCKET|DATABASE_SOCKET|MYSQL_SOCKET|MYSQL_UNIX_PORT|[A-Z0-9]+_DB_SOCKET)$/],
  [
    "host",
    /^(DB_HOST|DATABASE_HOST|PGHOST|POSTGRES_HOST|POSTGRESQL_HOST|MYSQL_HOST|MARIADB_HOST|[A-Z0-9]+_DBHOST|[A-Z0-9]+_DB_HOST)$/,
  ],
  ["port", /^(DB_PORT|DATABASE_PORT|PGPORT|POSTGRES_PORT|MYSQL_PORT|MARIADB_PORT|[A-Z0-9]+_DBPORT|[A-Z0-9]+_DB_PORT)$/],
  // DATABASE_URL, SQLALCHEMY_DATABASE_URI, REDASH_DATABASE_URL; MYSQL_URL (Spring Petclinic),
  // POSTGRES_URL; SPRING_DATASOURCE_URL (Spring Boot's relaxed binding of spring.datasource.url).
  [
    "url",
    new RegExp(
      `${DATABASE_URL_NAME.source}|^${P}(MYSQL|MARIADB|POSTGRES|POSTGRESQL|PG)_(URL|URI)$|^SPRING_DATASOURCE_URL$`,
    ),
  ],
  // DB_USER, DB_USERNAME (Laravel), POSTGRES_USER, PGUSER, MYSQL_USER, PAPERLESS_DBUSER.
  ["user", new RegExp(`^${P}${ENGINE_WORD}_?(USER|USERNAME)$|^SPRING_DATASOURCE_USERNAME$`)],
  // DB_PASSWORD, DB_PASS (Mastodon), PGPASSWORD, MYSQL_PASS (Petclinic), PAPERLESS_DBPASS.
  ["password", new RegExp(`^${P}${ENGINE_WORD}_?(PASSWORD|PASS|PWD)$|^SPRING_DATASOURCE_PASSWORD$`)],
  // DB_NAME, DB_DATABASE (Laravel), POSTGRES_DB, PGDATABASE, MYSQL_DATABASE, PAPERLESS_DBNAME.
  [
    "name",
    new RegExp(
      `^${P}(DB|DATABASE)_?(NAME|DATABASE)$|^${P}(PG|POSTGRES|POSTGRESQL|MYSQL|MARIADB)_?(DB|DATABASE|DB_NAME)$`,
    ),
  ],
];

/**
 * knex's settings as nconf reads them from the environment (`database__client`,
 * `database__connection__host`…: Ghost's config.production.json keys joined by `__`,
 * ghost.org/docs/config); mysql2 takes its socket as `socketPath`.
 */
const NESTED: Record<string, DatabaseSettingRole> = {
  DATABASE__CLIENT: "engine",
  DATABASE__CONNECTION__HOST: "host",
  DATABASE__CONNECTION__PORT: "port",
  DATABASE__CONNECTION__USER: "user",
  DATABASE__CONNECTION__PASSWORD: "password",
  DATABASE__CONNECTION__DATABASE: "name",
  DATABASE__CONNECTION__SOCKETPATH: "socket",
};

/** What a database setting holds, or undefined for any other name (and for another store's settings). */
export function databaseSettingRole(name: string): DatabaseSettingRole | undefined {
  const upper = name.toUpperCase();
  if (NESTED[upper]) return NESTED[upper];
  // An app's documented store and connection overrides (Mattermost's MM_CONFIG): the database URL.
  if (STORE_URL_NAMES.has(upper)) return "url";
  // Rails' Solid Cache keeps its cache in a database of its own, read from CACHE_DATABASE_URL
  // (a named database's <NAME>_DATABASE_URL): a database URL, not a cache server's.
  if (OTHER_STORE.test(upper) && upper !== "CACHE_DATABASE_URL") return undefined;
  return ROLES.find(([, pattern]) => pattern.test(upper))?.[0];
}

/** A setting setup-database.sh writes (URL, user, password, database name) for the user it creates. */
export const isStoredDatabaseSetting = (name: string): boolean => {
  const role = databaseSettingRole(name);
  return role !== undefined && STORED_ROLES.includes(role);
};

/**
 * A PostgreSQL client's TLS switch, by name, and the value that turns TLS off; undefined for any
 * other name. The Cloud SQL unix socket carries no TLS (the connector encrypts the link), and the
 * clients that ask for TLS there fail instead of falling back: node-postgres reads PGSSLMODE
 * prefer, require and verify-* all as `ssl: true` (pg/lib/connection-parameters.js), and apps pass
 * `ssl` to pg, Sequelize, TypeORM or Knex from their own switch (DATABASE_SSL, DB_SSL, PG_SSL, n8n's
 * DB_POSTGRESDB_SSL_ENABLED). libpq (psycopg, the pg gem), lib/pq (since v1.0.0) and pgx skip TLS
 * on a socket whatever the mode, so the value is only made explicit for them.
 * The certificate settings (PGSSLROOTCERT, DB_SSL_CA…) are not switches and stay as they are.
 */
export function postgresTlsOff(name: string): "disable" | "false" | undefined {
  const upper = name.toUpperCase();
  const db = "(?:[A-Z0-9]+_+)*(?:DB|DATABASE|PG|POSTGRES|POSTGRESQL|POSTGRESDB)_*";
  if (upper === "PGSSLMODE" || new RegExp(`^${db}SSL_?MODE$`).test(upper)) return "disable";
  if (new RegExp(`^${db}(?:SSL|USE_SSL|SSL_ENABLED?|ENABLE_SSL)$|^DATABASE__CONNECTION__SSL$`).test(upper))
    return "false";
  return undefined;
}

/**
 * The database a Rails app's named URL stands for: Rails reads `<NAME>_DATABASE_URL` for the entry
 * `<name>` of config/database.yml, and Rails 8's own database.yml gives Solid Cache, Solid Queue
 * and Solid Cable the databases `<app>_production_cache`, `_queue` and `_cable` beside the primary,
 * with their own schema (db/cache_schema.rb…). Pointed at the primary database instead, their
 * tables are missing and `db:prepare` does not load them there.
 * https://guides.rubyonrails.org/active_record_multiple_databases.html
 */
export function railsNamedDatabase(stack: string, name: string): string | undefined {
  if (stack !== "ruby") return undefined;
  return /^(CACHE|QUEUE|CABLE)_DATABASE_URL$/.exec(name)?.[1]?.toLowerCase();
}
