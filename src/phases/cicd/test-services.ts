// The backing services the app's tests connect to when the team's own test setup is not carried
// (team-test-carry.ts): the design's database engine and Redis as job containers, with the app's
// own variable names pointed at them.
import { databaseSettingRole } from "../../contracts/database-settings.js";
import { openRepo } from "../../image/repo.js";
import type { CicdContext } from "./context.js";

export interface TestServices {
  services: Record<string, object>;
  env: Record<string, string>;
}

/**
 * Job containers for what the app's tests connect to: the design's database engine and Redis,
 * with the app's own variable names pointed at them. Values are throwaway test credentials,
 * never the app's secrets.
 */
export function testServices(ctx: CicdContext): TestServices {
  const services: Record<string, object> = {};
  const env: Record<string, string> = {};
  const db = ctx.deployment.database;
  let dbUrl: string | undefined;
  if (db?.engine === "postgres") {
    const major = /POSTGRES_(\d+)/.exec(db.databaseVersion)?.[1] ?? "16";
    services.postgres = {
      image: `postgres:${major}`,
      env: { POSTGRES_USER: "test", POSTGRES_PASSWORD: "test", POSTGRES_DB: "test" },
      ports: ["5432:5432"],
      options: "--health-cmd pg_isready --health-interval 5s --health-timeout 5s --health-retries 10",
    };
    dbUrl = "postgresql://test:test@localhost:5432/test";
  } else if (db?.engine === "mysql") {
    const [, major, minor] = /MYSQL_(\d+)_(\d+)/.exec(db.databaseVersion) ?? [];
    services.mysql = {
      image: `mysql:${major ?? "8"}.${minor ?? "0"}`,
      env: { MYSQL_ROOT_PASSWORD: "test", MYSQL_DATABASE: "test", MYSQL_USER: "test", MYSQL_PASSWORD: "test" },
      ports: ["3306:3306"],
      options:
        '--health-cmd "mysqladmin ping -h 127.0.0.1 -ptest" --health-interval 5s --health-timeout 5s --health-retries 20',
    };
    dbUrl = "mysql://test:test@127.0.0.1:3306/test";
  }
  const redis = ctx.inventory.services.some((s) => /redis|valkey/i.test(s.software));
  if (redis) {
    services.redis = {
      image: "redis:7",
      ports: ["6379:6379"],
      options: '--health-cmd "redis-cli ping" --health-interval 5s --health-timeout 5s --health-retries 10',
    };
  }
  const names = new Set(
    ctx.inventory.services.filter((s) => s.role === "web" || s.role === "worker").flatMap((s) => s.env),
  );
  const own = testConfigNames(ctx.repoDir);
  const split = db?.engine === "postgres" || db?.engine === "mysql" ? splitTestSettings(db.engine) : undefined;
  for (const name of [...names].sort()) {
    const role = databaseSettingRole(name);
    if (dbUrl && /(^|_)(DATABASE_(URL|URI)|DB_URL)$/.test(name)) env[name] = dbUrl;
    // Host, port, user, password and database name read one by one (Mastodon's DB_HOST…DB_PASS,
    // Laravel's DB_USERNAME): left unset, a client falls back to a local socket the runner lacks.
    // A name the repository's test configuration sets (phpunit.xml's <env>, .env.testing) is its own:
    // Laravel's stock phpunit.xml picks SQLite in memory through DB_DATABASE, which the job must not override.
    else if (split && role && role in split && !own.has(name)) env[name] = split[role as keyof typeof split];
    else if (redis && /REDIS_URL$|CACHE_URL$|BROKER_URL$|RESULT_BACKEND$/.test(name))
      env[name] = "redis://localhost:6379/0";
    else if (!redis && /BROKER_URL$/.test(name)) env[name] = "memory://";
    else if (/(^|_)SECRET(_KEY)?$/.test(name)) env[name] = "test-only-not-a-secret";
  }
  return { services, env };
}

/** The test database container's connection, setting by setting (127.0.0.1: "localhost" means a socket to MySQL clients). */
function splitTestSettings(engine: "postgres" | "mysql") {
  return {
    host: "127.0.0.1",
    port: engine === "postgres" ? "5432" : "3306",
    user: "test",
    password: "test",
    name: "test",
  };
}

/**
 * Names the repository's own test setup gives values: PHPUnit's <env>/<server> (which do not
 * replace a variable the environment already has, unless forced) and Laravel's .env.testing
 * (loaded without overriding the environment either). https://docs.phpunit.de/en/11.5/configuration.html#the-env-element
 */
function testConfigNames(repoDir: string): Set<string> {
  const repo = openRepo(repoDir);
  const names = new Set<string>();
  for (const file of ["phpunit.xml", "phpunit.xml.dist", ".env.testing"]) {
    const text = repo.read(file) ?? "";
    for (const m of text.matchAll(/<(?:env|server)\s+name="([A-Za-z_]\w*)"/g)) names.add(m[1]!);
    if (file === ".env.testing")
      for (const m of text.matchAll(/^\s*(?:export\s+)?([A-Za-z_]\w*)\s*=/gm)) names.add(m[1]!);
  }
  return names;
}
