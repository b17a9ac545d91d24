// The config file a PHP app's web installer writes into the app's folder on the VM: Nextcloud's and
// ownCloud's config/config.php (dbhost, dbpassword, passwordsalt, secret, datadirectory, redis),
// Moodle's config.php ($CFG->dbhost, $CFG->dbpass, $CFG->dataroot). An install from a release
// archive has no .gitignore, and a checkout's .gitignore leaves the file out: either way no image
// built from the code has it, and it holds the database password and the instance's keys, so it
// becomes a secret file of the app's PHP processes (design/rules/secret-files.ts), whose database
// host, data folder and Redis settings the plan says how to edit.
import ignore from "ignore";
import type { SecretFile, StoreUse } from "../inventory/schema.js";
import { PHP_CONFIG_FILE, phpConfigFolders } from "./php-config-folders.js";
import { setsCredential } from "./secret-files.js";

/** Roles that run no app code. */
const STORE_ROLES = new Set(["database", "cache", "broker", "reverse-proxy"]);
/** Keys holding the database's host: Nextcloud's `dbhost`, Moodle's `$CFG->dbhost`, `DB_HOST`. */
const DB_HOST = /['"]?\b(db_?host|database_?host)['"]?\s*(?:=>|=|,)\s*(['"])([A-Za-z0-9._:[\]/-]{1,200})\2/i;
/** `$CONFIG = array (` / `$CONFIG = [`: the array the file fills, named as its section. */
const ARRAY_NAME = /^\s*\$(\w+)\s*=\s*(?:array\s*\(|\[)/m;
/** `$CFG->dbhost = …`: the object the file sets, named as its section. */
const OBJECT_NAME = /^\s*\$(\w+)->\w+\s*=/m;
/** A `redis` entry holding a host (`'redis' => ['host' => '/run/redis/redis-server.sock', …]`). */
const REDIS_HOST = /['"]redis['"]\s*=>\s*(?:array\s*\(|\[)[^)\]]*?['"]host['"]\s*=>/is;
/** A setting naming Redis as its backend, and what for by its key (`'memcache.locking' => '\OC\Memcache\Redis'`). */
const REDIS_USE = /['"]([\w.]*(lock|cache|session)[\w.]*)['"]\s*=>\s*['"][^'"]*redis[^'"]*['"]/gi;

export interface PhpConfigFacts {
  section: string;
  database?: { section: string; host?: string };
  paths: { section: string; key: string; value: string }[];
  redis: { section: string; key: string }[];
  redisUses: StoreUse[];
  /** Keys naming the app's log file by an absolute path (`'logfile' => '/srv/nextcloud-data/nextcloud.log'`). */
  logFiles: { section: string; key: string; value: string }[];
  /** Keys naming the app's own host names, public URL or proxy trust (OWN_HOST). */
  ownHost: { section: string; key: string }[];
}

/**
 * Keys through which the app knows its own address and whom to trust in front of it: the host
 * names it answers to (`trusted_domains`, `trusted_hosts`, `allowed_hosts`), its public URL
 * (`overwrite.cli.url`, `overwritehost`, Moodle's `$CFG->wwwroot`, `base_url`, `site_url`,
 * `app_url`) and its proxy settings (`overwriteprotocol`, `trusted_proxies`, `$CFG->sslproxy`,
 * `$CFG->reverseproxy`). Behind Cloud Run the request reaches PHP over HTTP from Google's front end.
 */
const OWN_HOST =
  /(?:['"]|\$\w+->)(trusted_(?:domains|hosts|proxies)|allowed_hosts|overwrite(?:\.cli\.url|host|protocol)|wwwroot|base_?url|site_?url|app_?url|sslproxy|reverseproxy)['"]?\s*(?:=>|=)/gi;

/** `'logfile' => '/…'`, `'log_file' => …`, `$CFG->logpath = …`: the app's own log file. */
const LOG_FILE = /['"]?\b(log_?file|log_?path)['"]?\s*(?:=>|=)\s*(['"])(\/[A-Za-z0-9._@+/-]{1,300})\2/gi;

/** What a PHP config file sets that the move changes: its database host, data folders and Redis. */
export function phpConfigFacts(text: string): PhpConfigFacts {
  const code = text
    .split(/\r?\n/)
    .filter((l) => !/^\s*(\/\/|#|\*|\/\*)/.test(l))
    .join("\n");
  const section = `$${ARRAY_NAME.exec(code)?.[1] ?? OBJECT_NAME.exec(code)?.[1] ?? "CONFIG"}`;
  const host = DB_HOST.exec(code)?.[3];
  const uses = new Set<StoreUse>();
  for (const m of code.matchAll(REDIS_USE))
    uses.add(/lock/i.test(m[2]!) ? "locks" : /session/i.test(m[2]!) ? "sessions" : "cache");
  return {
    section,
    ...(host ? { database: { section, host } } : {}),
    paths: phpConfigFolders(code).map((f) => ({ section, key: f.key, value: f.path })),
    redis: REDIS_HOST.test(code) ? [{ section: "redis", key: "host" }] : [],
    redisUses: [...uses],
    logFiles: [...code.matchAll(LOG_FILE)].map((m) => ({ section, key: m[1]!, value: m[3]! })),
    ownHost: [...new Set([...code.matchAll(OWN_HOST)].map((m) => m[1]!))].map((key) => ({ section, key })),
  };
}

/**
 * The app folder's installer-written PHP config files (PHP_CONFIG_FILE) that set a credential of
 * their own and that the repository does not track: the folder read is the VM's own (`appPath`),
 * and it has no .gitignore (a release archive) or its .gitignore leaves the file out. Read by the
 * app's PHP processes: the PHP-FPM web front and the commands that run PHP.
 */
export function phpConfigSecretFiles(
  configTexts: { file: string; text: string }[],
  appPath: string | undefined,
  gitignore: string | undefined,
  services: { name: string; role: string; runtime?: string; software?: string }[],
): { file: SecretFile; facts: PhpConfigFacts }[] {
  if (!appPath) return [];
  const rules = gitignore === undefined ? undefined : ignore().add(gitignore);
  const readers = services
    .filter((s) => !STORE_ROLES.has(s.role) && (s.runtime === "php" || s.software === "php-fpm"))
    .map((s) => s.name);
  if (!readers.length) return [];
  const found: { file: SecretFile; facts: PhpConfigFacts }[] = [];
  for (const { file, text } of configTexts) {
    if (!PHP_CONFIG_FILE.test(file) || (rules && !rules.ignores(file)) || !setsCredential(text, file)) continue;
    const path = `${appPath.replace(/\/+$/, "")}/${file}`;
    if (!/^\/[A-Za-z0-9._@+/-]+$/.test(path)) continue;
    const facts = phpConfigFacts(text);
    found.push({
      file: {
        path,
        services: readers,
        ...(facts.database ? { database: facts.database } : {}),
        ...(facts.paths.length ? { paths: facts.paths } : {}),
        ...(facts.redis.length ? { redis: facts.redis } : {}),
        ...(facts.logFiles.length ? { logFiles: facts.logFiles } : {}),
        ...(facts.ownHost.length ? { ownHost: facts.ownHost } : {}),
      },
      facts,
    });
  }
  return found;
}
