// Sessions kept inside one instance, for Symfony and plain PHP (session-store.ts has Laravel, Django
// and Express and says why this matters on Cloud Run). As there, only what the app's settings and
// code show is claimed.
import { parseDocument } from "yaml";
import { hasPackage, type AppContext } from "./app-context.js";
import type { SessionStore } from "../inventory/schema.js";
import type { SessionFinding } from "./session-finding.js";

/** Where `framework:` is configured: Flex's config/packages (and its prod/ folder), Symfony 2–3's app/config. */
const SYMFONY_CONFIG = /(^|\/)(config\/packages\/(prod\/)?[^/]+|app\/config\/[^/]+)\.ya?ml$/;
/** Files that apply in production only, after the shared ones. */
const PROD_ONLY = /(^|\/)config\/packages\/prod\/|_prod\.ya?ml$/;

type SessionConfig = { handler_id?: unknown; save_path?: unknown; enabled?: unknown };

function asObject(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** `framework.session` of one YAML file, and of its `when@prod:` block (Symfony 5.3+). */
function sessionBlocks(text: string): { shared?: unknown; prod?: unknown } {
  let doc: Record<string, unknown> | undefined;
  try {
    // Symfony's own tags (!php/const, !tagged_iterator) are unknown to the parser: a warning only.
    const parsed = parseDocument(text, { logLevel: "silent" });
    if (parsed.errors.length) return {};
    doc = asObject(parsed.toJS());
  } catch {
    return {};
  }
  const framework = asObject(doc?.framework);
  const prod = asObject(asObject(doc?.["when@prod"])?.framework);
  return {
    ...(framework && "session" in framework ? { shared: framework.session } : {}),
    ...(prod && "session" in prod ? { prod: prod.session } : {}),
  };
}

/** The store a handler DSN or the env var it names points at (`redis://…`, `%env(DATABASE_URL)%`). */
function dsnStore(dsn: string): SessionStore | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(dsn)?.[1]?.toLowerCase();
  if (!scheme) return undefined;
  if (/^rediss?$/.test(scheme)) return "redis";
  if (scheme === "memcached") return "memcached";
  // A file, or an SQLite database on the instance's own disk.
  if (scheme === "file" || scheme.startsWith("sqlite")) return "file";
  if (/^(mysql2?|mariadb|pgsql|postgres(ql)?|pdo_\w+|sqlsrv|mssql|oci8?|mongodb(\+srv)?)$/.test(scheme))
    return "database";
  return undefined;
}

/**
 * What `handler_id` names. null (or unset) is PHP's own handler, whose php.ini default is files
 * (https://www.php.net/manual/en/session.configuration.php#ini.session.save-handler);
 * session.handler.native_file is Symfony's file handler; a DSN (Symfony 4.4+) or `%env(NAME)%`
 * builds the handler from the URL's scheme; a service id is judged by its class name.
 * https://symfony.com/doc/current/reference/configuration/framework.html#handler-id
 */
function handlerStore(handler: unknown, env: Record<string, string>, app?: AppContext): SessionStore | undefined {
  if (handler === null || handler === undefined || handler === "~") return "file";
  if (typeof handler !== "string") return undefined;
  const id = handler.trim();
  if (id === "session.handler.native_file" || /NativeFileSessionHandler$/.test(id)) return "file";
  const fromEnv = /^%env\((?:[a-z_]+:)*([A-Za-z_][A-Za-z0-9_]*)\)%$/.exec(id)?.[1];
  if (fromEnv) {
    const value = env[fromEnv];
    if (value) return dsnStore(value.trim());
    return /REDIS/i.test(fromEnv) ? "redis" : /^(DATABASE|DB)_/i.test(fromEnv) ? "database" : undefined;
  }
  const fromDsn = dsnStore(id);
  if (fromDsn) return fromDsn;
  if (/Pdo|Dbal|Doctrine|MongoDb/i.test(id)) return "database";
  if (/Redis/i.test(id)) return "redis";
  if (/Memcache/i.test(id)) return "memcached";
  const parent = app ? ownHandlerParent(id, app) : undefined;
  return parent ? handlerStore(parent, env) : undefined;
}

/**
 * The handler class the app's own session handler extends (Kimai's `App\Security\SessionHandler
 * extends PdoSessionHandler`): Flex maps `App\` to src/ (composer.json's PSR-4 autoload).
 */
function ownHandlerParent(id: string, app: AppContext): string | undefined {
  const m = /^App\\((?:\w+\\)*\w+)$/.exec(id);
  if (!m) return undefined;
  const file = `src/${m[1]!.replace(/\\/g, "/")}.php`;
  const text = app.configTexts.find((c) => c.file === file || c.file.endsWith(`/${file}`))?.text;
  return text ? /^\s*(?:final\s+|abstract\s+)?class\s+\w+\s+extends\s+\\?(?:\w+\\)*(\w+)/m.exec(text)?.[1] : undefined;
}

/**
 * Symfony: framework.session from the app's config files, production's own files applied last.
 * Sessions are off unless `framework.session` is there (FrameworkBundle's `canBeEnabled`); then
 * the handler decides. Wallabag: `handler_id: session.handler.native_file` with `save_path:
 * "%kernel.project_dir%/var/sessions/%kernel.environment%"`: files on the server's disk.
 */
export function symfonySession(app: AppContext, env: Record<string, string>): SessionFinding | undefined {
  if (!hasPackage(app, "php", "symfony/framework-bundle") && !hasPackage(app, "php", "symfony/symfony"))
    return undefined;
  const files = app.configTexts
    .filter((c) => SYMFONY_CONFIG.test(c.file))
    .sort((a, b) => Number(PROD_ONLY.test(a.file)) - Number(PROD_ONLY.test(b.file)));
  let merged: SessionConfig | undefined;
  let source: string | undefined;
  const apply = (block: unknown, file: string) => {
    if (block === undefined) return;
    // `session: ~` or `session: true` turns sessions on with the defaults; `false` turns them off.
    if (block === false) merged = { enabled: false };
    else merged = { ...merged, ...(asObject(block) ?? {}) };
    source = file;
  };
  for (const { file, text } of files) {
    const blocks = sessionBlocks(text);
    apply(blocks.shared, file);
    apply(blocks.prod, file);
  }
  if (!merged || !source || merged.enabled === false) return undefined;
  const store = handlerStore(merged.handler_id, env, app);
  return store && { store, framework: "symfony", source };
}

/** PHP's own session handlers (session.save_handler), as stores. */
const NATIVE_HANDLERS: Record<string, SessionStore> = {
  files: "file",
  redis: "redis",
  rediscluster: "redis",
  memcached: "memcached",
  memcache: "memcached",
};
/** Packages whose session layer chooses the handler itself (Laravel's and Symfony's readers decide, Drupal's is the database). */
const OWN_SESSION_LAYER = [
  "laravel/framework",
  "symfony/framework-bundle",
  "symfony/symfony",
  "symfony/http-foundation",
];

/**
 * Plain PHP: the app's own code calls session_start() and registers no handler of its own
 * (session_set_save_handler), so PHP's session.save_handler on the VM decides: `files` (PHP's
 * default) keeps sessions in session.save_path on that server's disk.
 * https://www.php.net/manual/en/session.configuration.php#ini.session.save-handler
 */
export function plainPhpSession(app: AppContext, handler: string | undefined): SessionFinding | undefined {
  const started = app.phpSessions?.startedIn;
  if (!started || app.phpSessions?.customHandler) return undefined;
  if (OWN_SESSION_LAYER.some((p) => hasPackage(app, "php", p))) return undefined;
  const store = NATIVE_HANDLERS[handler ?? "files"];
  return store && { store, framework: "php", source: started };
}
