// The three places a VM sets PHP's limits, read for the directives in PHP_INI_KEYS only:
//   php.ini and conf.d/*.ini      `upload_max_filesize = 64M` (https://php.net/configuration.file)
//   a PHP-FPM pool (pool.d/*.conf) `php_admin_value[upload_max_filesize] = 64M`
//                                  (https://php.net/install.fpm.configuration)
//   Apache with mod_php            `php_value upload_max_filesize 64M` (https://php.net/configuration.changes;
//                                  php-ini.ts takes them from apache-config.ts's directives)
// Within a file, a later line wins, as PHP applies them.
import { normalPhpSize, PHP_INI_KEYS, type PhpIni } from "../inventory/php-limits.js";

/** The directives read, as php.ini spells them (keep in step with read-host.sh's php filter). */
export const PHP_DIRECTIVES: readonly string[] = Object.values(PHP_INI_KEYS);
const KEY_OF = new Map<string, keyof PhpIni>(
  Object.entries(PHP_INI_KEYS).map(([key, directive]) => [directive, key as keyof PhpIni]),
);
const SIZES = new Set<keyof PhpIni>(["uploadMaxFilesize", "postMaxSize", "memoryLimit"]);

/** A directive's raw value as the inventory holds it; undefined when PHP would not take it as written. */
function settingValue(key: keyof PhpIni, raw: string): string | number | undefined {
  let value = raw.trim();
  const quoted = /^"([^"]*)"|^'([^']*)'/.exec(value);
  // An unquoted value ends at a `;` comment.
  value = quoted ? (quoted[1] ?? quoted[2]!) : value.replace(/\s*;.*$/, "");
  value = value.trim();
  // ${VAR} takes the environment of the process: not known from the file.
  if (!value || value.includes("${")) return undefined;
  if (SIZES.has(key)) return normalPhpSize(value);
  return /^\d+$/.test(value) ? Number(value) : undefined;
}

/** Sets `directive` (a php.ini name) in `into` when it is one read here and PHP takes its value. */
export function setPhpDirective(into: PhpIni, directive: string, raw: string): void {
  const key = KEY_OF.get(directive.trim().toLowerCase());
  if (!key) return;
  const value = settingValue(key, raw);
  if (value !== undefined) (into as Record<string, unknown>)[key] = value;
}

/** PHP's session directives read beside the limits, for where plain PHP sessions live (session-store-php.ts). */
export const PHP_SESSION_DIRECTIVES: readonly string[] = ["session.save_handler"];
/** Directives of PHP's CLI the image carries (apcEnableCli): read on the VM, sent by the ssh read. */
export const PHP_CLI_DIRECTIVES: readonly string[] = ["apc.enable_cli"];

/**
 * session.save_handler as a php.ini-style file (`session.save_handler = files`) or a PHP-FPM pool
 * (`php_admin_value[session.save_handler] = redis`) sets it; a later line wins.
 * https://www.php.net/manual/en/session.configuration.php#ini.session.save-handler
 */
export function sessionSaveHandler(text: string): string | undefined {
  let found: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:php(?:_admin)?_value\s*\[\s*)?session\.save_handler\s*\]?\s*=\s*["']?([A-Za-z_]+)/.exec(line);
    if (m) found = m[1]!.toLowerCase();
  }
  return found;
}

/**
 * The directives a php.ini-style file sets. Sections are ignored as PHP ignores them, except
 * [PATH=…] and [HOST=…], whose directives apply to one folder or host only.
 */
export function parsePhpIni(text: string): PhpIni {
  const found: PhpIni = {};
  let scoped = false;
  for (const line of text.split(/\r?\n/)) {
    const section = /^\s*\[([^\]]*)\]/.exec(line);
    if (section) {
      scoped = /^\s*(PATH|HOST)\s*=/i.test(section[1]!);
      continue;
    }
    const m = /^\s*([A-Za-z0-9_.]+)\s*=(.*)$/.exec(line);
    if (m && !scoped) setPhpDirective(found, m[1]!, m[2]!);
  }
  return found;
}

/**
 * The extensions an ini file loads (`extension=apcu.so`, `extension = "redis"`, `zend_extension=opcache`),
 * by name: a path's folder and the `.so`/`.dll` suffix and a `php_` prefix are dropped.
 */
export function phpIniExtensions(text: string): string[] {
  const found: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:zend_)?extension\s*=\s*["']?([^"'\s;]+)/i.exec(line);
    if (!m) continue;
    const name = m[1]!
      .split(/[\\/]/)
      .pop()!
      .replace(/\.(so|dll)$/i, "")
      .replace(/^php_/i, "")
      .toLowerCase();
    if (/^[a-z][a-z0-9_]{0,39}$/.test(name) && !found.includes(name)) found.push(name);
  }
  return found;
}

export interface FpmPool {
  name: string;
  /** `listen =`: the socket path or address the web server passes PHP to. */
  listen?: string;
  values: PhpIni;
}

/**
 * A PHP-FPM pool file's php_value[…] and php_admin_value[…] lines, per pool (`[www]`), with its
 * listen address; a file may hold several pools, and php-fpm.conf's `[global]` section is none.
 */
export function parseFpmPools(text: string): FpmPool[] {
  const pools: FpmPool[] = [];
  let current: (typeof pools)[number] | undefined;
  for (const line of text.split(/\r?\n/)) {
    const section = /^\s*\[([^\]]+)\]/.exec(line);
    if (section) {
      const name = section[1]!.trim();
      current = name.toLowerCase() === "global" ? undefined : { name, values: {} };
      if (current) pools.push(current);
      continue;
    }
    if (!current) continue;
    const listen = /^\s*listen\s*=\s*["']?([^"'\s;]+)/.exec(line);
    if (listen) current.listen = listen[1]!;
    const m = /^\s*php(?:_admin)?_value\s*\[\s*([^\]\s]+)\s*\]\s*=(.*)$/.exec(line);
    if (m) setPhpDirective(current.values, m[1]!, m[2]!);
  }
  return pools;
}

/**
 * Where a web server passes PHP to: nginx's `fastcgi_pass unix:/run/php/x.sock;` or
 * `fastcgi_pass 127.0.0.1:9000;`, Apache's `proxy:unix:/run/php/x.sock|fcgi://…` or
 * `proxy:fcgi://127.0.0.1:9000`. Socket paths without `unix:`.
 */
export function fastcgiTargets(text: string): string[] {
  const found = [
    ...[...text.matchAll(/^\s*fastcgi_pass\s+([^;\s]+)\s*;/gm)].map((m) => m[1]!),
    ...[...text.matchAll(/proxy:(unix:[^|"\s]+|fcgi:\/\/[^/"\s]+)/g)].map((m) => m[1]!.replace(/^fcgi:\/\//, "")),
  ];
  return [...new Set(found.map((t) => t.replace(/^unix:/, "")))];
}

/** A pool's listen value and a web server's target name one socket: the same path, or the same TCP port. */
export function sameFastcgiAddress(listen: string, target: string): boolean {
  if (listen.startsWith("/") || target.startsWith("/")) return listen === target;
  const port = (a: string) => /(?:^|:)(\d{1,5})$/.exec(a)?.[1];
  return port(listen) !== undefined && port(listen) === port(target);
}

/** Whether an ini file turns on APCu in PHP's CLI (`apc.enable_cli = 1`, `On`, `true`, `yes`); the last line wins. */
export function apcEnableCli(text: string): boolean | undefined {
  let on: boolean | undefined;
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*apc\.enable_cli\s*=\s*["']?([^"'\s;]*)/i.exec(line);
    if (m) on = /^(1|on|true|yes)$/i.test(m[1]!);
  }
  return on;
}
