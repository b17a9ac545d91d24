// Session fixes for PHP apps other than Laravel (session-fix.ts has Laravel and says why sessions
// must leave the instance). Symfony's store is its config (framework.session.handler_id) and plain
// PHP's is php.ini's session.save_handler, so the mapping names the exact change; nothing the deploy
// sets can do it.
import { databaseSettingRole } from "../../../contracts/database-settings.js";
import type { Service } from "../../../inventory/schema.js";

export interface PhpSessionFix {
  set: Record<string, never>;
  changes: string[];
}

const AFFINITY =
  "Session affinity would only lower the odds (best effort: a stopped or full instance sends the user elsewhere).";

/** The setting holding the Redis URL the app already reads (wallabag's REDIS_URL). */
const redisUrlName = (s: Service) =>
  s.env.find((n) => /^REDIS_(URL|DSN)$/.test(n)) ?? s.env.find((n) => /REDIS\w*_(URL|DSN)$/.test(n));
const databaseUrlName = (s: Service) => s.env.find((n) => databaseSettingRole(n) === "url");

/**
 * Symfony: `framework.session.handler_id` takes a DSN since 4.4: a redis:// URL builds a
 * RedisSessionHandler (phpredis or predis), a database URL a PdoSessionHandler, whose sessions
 * table must exist. `save_path` only serves the file handler.
 * https://symfony.com/doc/current/session.html#store-sessions-in-a-database
 * https://symfony.com/doc/current/reference/configuration/framework.html#handler-id
 */
export function symfonySessionFix(
  s: Service,
  redis: string | undefined,
  sql: boolean,
  engine: string | undefined,
): PhpSessionFix {
  const where = `${s.name} keeps sessions in files on the server's disk (Symfony's file handler, var/sessions by default), which each Cloud Run instance has on its own: in the file that configures framework.session (config/packages/framework.yaml, or app/config/config.yml in the Symfony 3 layout)`;
  const redisName = redisUrlName(s);
  const dbName = databaseUrlName(s);
  let change: string;
  if (redis)
    change = `${where} set \`handler_id: '%env(${redisName ?? "REDIS_URL"})%'\` and remove \`save_path\`: Symfony builds a RedisSessionHandler from the URL (the image needs the redis PHP extension or predis/predis), and ${redisName ?? "REDIS_URL"} ${redisName ? "holds" : "must hold"} the URL of Memorystore (${redis}).`;
  else if (sql) {
    const table =
      engine === "postgres" ? "PostgreSQL" : engine === "mysql" || engine === "mariadb" ? "MySQL" : "your database";
    change = `${where} set \`handler_id: '%env(${dbName ?? "DATABASE_URL"})%'\` and remove \`save_path\`: Symfony builds a PdoSessionHandler on Cloud SQL from the URL. Its sessions table must exist before the cut-over: create it once with the ${table} CREATE TABLE from Symfony's "Store Sessions in a Database" (or PdoSessionHandler::createTable()), in a Doctrine migration if the app has them.`;
  } else
    change = `${where} point \`handler_id\` at a store every instance shares: a Memorystore for Redis URL (\`'%env(REDIS_URL)%'\`, RedisSessionHandler) or the database's (\`'%env(DATABASE_URL)%'\`, PdoSessionHandler with its sessions table), and remove \`save_path\`; Symfony has no cookie-only session store.`;
  return { set: {}, changes: [`${change} ${AFFINITY}`] };
}

/**
 * Plain PHP (session_start() on PHP's own handler): phpredis registers a `redis` session handler,
 * so two php.ini lines in the image move every session to Memorystore with no code change; PHP has
 * no native database handler, so without Redis the app registers one itself.
 * https://github.com/phpredis/phpredis#php-session-handler
 * https://www.php.net/manual/en/function.session-set-save-handler.php
 */
export function plainPhpSessionFix(s: Service, redis: string | undefined): PhpSessionFix {
  const where = `${s.name} keeps PHP's own sessions (session_start() with session.save_handler = files) in session.save_path on the server's disk, which each Cloud Run instance has on its own:`;
  const change = redis
    ? `${where} in the image's PHP configuration (a conf.d .ini) set \`session.save_handler = redis\` and \`session.save_path = "tcp://HOST:6379"\` with the address of Memorystore (${redis}); the image needs the redis extension (phpredis). No code change.`
    : `${where} PHP has no database session handler of its own: either give the app a Memorystore for Redis instance (\`session.save_handler = redis\`, \`session.save_path = "tcp://HOST:6379"\`, the redis extension; no code change), or register a SessionHandlerInterface class that stores sessions in Cloud SQL with session_set_save_handler() before every session_start().`;
  return { set: {}, changes: [`${change} ${AFFINITY}`] };
}
