// What a database setting holds, by the names real apps use (Healthchecks, maybe, paperless-ngx,
// Mastodon, Laravel, Spring, libpq); another store's settings and client tuning are none of them.
import { describe, expect, it } from "vitest";
import { databaseSettingRole, isStoredDatabaseSetting } from "../../src/contracts/database-settings.js";

describe("databaseSettingRole", () => {
  it.each([
    ["DATABASE_URL", "url"],
    // n8n's per-engine settings (DB_TYPE=postgresdb reads DB_POSTGRESDB_*).
    ["DB_POSTGRESDB_HOST", "host"],
    ["DB_POSTGRESDB_PORT", "port"],
    ["DB_POSTGRESDB_USER", "user"],
    ["DB_POSTGRESDB_PASSWORD", "password"],
    ["DB_POSTGRESDB_DATABASE", "name"],
    ["DB_MYSQLDB_HOST", "host"],
    ["DB_POSTGRESDB_SCHEMA", undefined],
    // knex's settings as nconf reads them from the environment (Ghost), in their own case.
    ["database__client", "engine"],
    ["database__connection__host", "host"],
    ["database__connection__port", "port"],
    ["database__connection__user", "user"],
    ["database__connection__password", "password"],
    ["database__connection__database", "name"],
    ["database__connection__socketPath", "socket"],
    ["SQLALCHEMY_DATABASE_URI", "url"],
    ["REDASH_DATABASE_URL", "url"],
    // Rails 8's named databases (Solid Cache, Solid Queue, Solid Cable): <NAME>_DATABASE_URL.
    ["CACHE_DATABASE_URL", "url"],
    ["QUEUE_DATABASE_URL", "url"],
    ["CABLE_DATABASE_URL", "url"],
    ["MYSQL_URL", "url"],
    ["SPRING_DATASOURCE_URL", "url"],
    ["DB_USER", "user"],
    ["DB_USERNAME", "user"],
    ["POSTGRES_USER", "user"],
    ["PGUSER", "user"],
    ["PAPERLESS_DBUSER", "user"],
    ["SPRING_DATASOURCE_USERNAME", "user"],
    ["DB_PASSWORD", "password"],
    ["DB_PASS", "password"],
    ["PGPASSWORD", "password"],
    ["MYSQL_PASS", "password"],
    ["PAPERLESS_DBPASS", "password"],
    ["DB_NAME", "name"],
    ["DB_DATABASE", "name"],
    ["POSTGRES_DB", "name"],
    ["PGDATABASE", "name"],
    ["MYSQL_DATABASE", "name"],
    ["PAPERLESS_DBNAME", "name"],
    ["DB_HOST", "host"],
    ["PGHOST", "host"],
    ["PAPERLESS_DBHOST", "host"],
    ["DB_PORT", "port"],
    ["PAPERLESS_DBPORT", "port"],
    ["DB_SOCKET", "socket"],
    ["MYSQL_UNIX_PORT", "socket"],
    ["DB", "engine"],
    ["DB_CONNECTION", "engine"],
    ["PAPERLESS_DBENGINE", "engine"],
  ])("%s holds the %s", (name, role) => {
    expect(databaseSettingRole(name)).toBe(role);
  });

  it.each([
    "REDIS_DB",
    "REDIS_PASSWORD",
    "MONGO_DB_PASSWORD",
    "EMAIL_HOST_PASSWORD",
    "EMAIL_HOST_USER",
    "MYSQL_ROOT_PASSWORD",
    "DB_POOL",
    "DB_SSLMODE",
    "SECRET_KEY",
    "REDIS_URL",
    "CACHE_URL",
    "CACHE_DB_PASSWORD",
    "mail__options__auth__pass",
    "database__pool__max",
  ])("%s is no setting of the app's Cloud SQL database", (name) => {
    expect(databaseSettingRole(name)).toBeUndefined();
  });

  it("setup-database.sh stores the URL, user, password and name; the host, port and engine are plain", () => {
    expect(["DATABASE_URL", "DB_USER", "DB_PASS", "POSTGRES_DB"].every(isStoredDatabaseSetting)).toBe(true);
    expect(["DB_HOST", "DB_PORT", "DB", "DB_SOCKET", "DB_POOL"].some(isStoredDatabaseSetting)).toBe(false);
  });
});
