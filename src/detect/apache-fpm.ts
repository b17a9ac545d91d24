// Apache handing PHP to PHP-FPM through mod_proxy_fcgi: the stock /etc/httpd/conf.d/php.conf of
// RHEL, Fedora and Rocky (`<FilesMatch \.(php|phar)$> SetHandler "proxy:unix:/run/php-fpm/www.sock|fcgi://localhost"`
// inside `<IfModule !mod_php.c>`), Debian's conf-available/php8.2-fpm.conf, or a site's own
// `SetHandler "proxy:fcgi://127.0.0.1:9000"` or `ProxyPassMatch ^/(.*\.php)$ fcgi://127.0.0.1:9000/…`
// (https://httpd.apache.org/docs/2.4/mod/mod_proxy_fcgi.html). Apache is then the PHP app's front,
// as nginx with fastcgi_pass is: it takes the request (LimitRequestBody) and passes PHP to the pool
// the handler names.
import type { ApacheConfig, ApacheDirective } from "./apache-config.js";
import { loadedModules, modulesHold } from "./apache-config.js";
import { fpmPoolListens } from "./php-ini.js";
import { sameFastcgiAddress } from "./php-ini-parse.js";
import type { ServiceFinding } from "./types.js";

/** The socket path or host:port a handler or ProxyPass(Match) passes to over FastCGI; undefined for any other. */
export function fcgiTarget(d: ApacheDirective): string | undefined {
  const arg =
    d.name === "sethandler" || d.name === "addhandler"
      ? d.args[0]
      : d.name === "proxypassmatch" || d.name === "proxypass"
        ? d.args[1]
        : undefined;
  const m = /^(?:proxy:)?(?:unix:([^|\s]+)\|fcgi:\/\/|fcgi:\/\/([^/\s]+))/i.exec(arg ?? "");
  if (!m || (d.name.endsWith("handler") && !/^proxy:/i.test(arg!))) return undefined;
  return m[1] ?? m[2]!;
}

export interface FpmHandler {
  directive: ApacheDirective;
  target: string;
}

/** The FastCGI handlers that apply: their `<IfModule>` sections hold for the modules loaded (`!mod_php.c` without mod_php). */
export function fpmHandlers(config: ApacheConfig): FpmHandler[] {
  const loaded = loadedModules(config);
  const found: FpmHandler[] = [];
  for (const directive of config.directives) {
    const target = fcgiTarget(directive);
    if (target && modulesHold(directive, loaded)) found.push({ directive, target });
  }
  return found;
}

/** A handler set outside any <VirtualHost> (conf.d/php.conf): it serves PHP for every site. */
export const serverWide = (h: FpmHandler): boolean => !h.directive.sections.some((s) => s.name === "virtualhost");

/**
 * The PHP-FPM services the handlers pass PHP to: the one whose pool listens where a handler points,
 * else every one on the VM (one FPM, or a handler naming a worker by alias).
 */
export async function fpmServices(
  hostRoot: string,
  units: ServiceFinding[],
  handlers: FpmHandler[],
): Promise<string[]> {
  if (!handlers.length) return [];
  const reached: string[] = [];
  for (const unit of units.length > 1 ? units : []) {
    const listens = await fpmPoolListens(hostRoot, unit);
    if (listens.some((l) => handlers.some((h) => sameFastcgiAddress(l, h.target)))) reached.push(unit.name);
  }
  return reached.length ? reached : units.map((u) => u.name);
}
