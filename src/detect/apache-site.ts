// One Apache config file as a site: the folders it serves (DocumentRoot, Alias targets), the
// addresses its <VirtualHost> blocks answer on, the ports it forwards to (ProxyPass) and its upload
// limit. apache.ts decides which of those folders hold the app; read-host.sh's apache_dirs reads
// the same folders over ssh (keep the two in step).
import { apacheBodyLimit, type BodyLimit } from "./body-limit.js";
import { apacheRoutes } from "./apache-routes.js";
import type { PortRoute } from "./types.js";

/** A folder served under a URL path other than the site's root: `Alias /app /srv/app/public`. */
export interface ApacheAlias {
  url: string;
  path: string;
  /** 1-based line of the Alias in the file. */
  line: number;
}

export interface ApacheSite {
  /** DocumentRoot values, or the <Directory> paths of a site without one (absolute, no trailing /). */
  roots: string[];
  aliases: ApacheAlias[];
  listen: string[];
  proxiesToPorts: number[];
  /** `ProxyPass /path http://127.0.0.1:PORT/…` lines as routes (regex ProxyPassMatch left out), apache-routes.ts. */
  routes: PortRoute[];
  /** The largest LimitRequestBody set in the site. */
  bodyLimit?: BodyLimit;
}

export interface SiteOptions {
  /**
   * The main file (apache2.conf, httpd.conf): its <Directory> blocks are the distribution's access
   * rules for /usr/share and /var/www, not a site; only its DocumentRoot serves anything.
   */
  main?: boolean;
  /** The server's `Listen` addresses: a `*:8080` site answers where `Listen 127.0.0.1:8080` binds. */
  listens?: string[];
}

const unquote = (v: string) => v.replace(/^["']|["']$/g, "").replace(/\/+$/, "");
const absolute = (p: string) => p.startsWith("/") && p.length > 1;

/** `Listen 8080`, `Listen 127.0.0.1:8080 http`, `Listen [::]:443` → host:port (wildcards as 0.0.0.0). */
export function listenAddress(arg: string): string | undefined {
  const m = /^(?:(.*):)?(\d{1,5})$/.exec(arg.trim());
  if (!m) return undefined;
  const host = !m[1] || /^(\*|\[::\]|0\.0\.0\.0)$/.test(m[1]) ? "0.0.0.0" : m[1] === "[::1]" ? "127.0.0.1" : m[1];
  return `${host}:${m[2]}`;
}

/**
 * `AliasMatch` in its simple form, a literal prefix and the rest passed on
 * (`^/app(/.*)?$` → `/srv/app$1`): the prefix and the folder; undefined for any other pattern.
 */
export function simpleAliasMatch(pattern: string, target: string): { url: string; path: string } | undefined {
  const m = /^\^?(\/[A-Za-z0-9._~/-]*?)\/?\(([^()]*)\)(\?)?\$?$/.exec(pattern);
  const folder = /^(\/[^$]*?)\/?\$1$/.exec(target)?.[1];
  return m && /^\/?\.[*+]$/.test(m[2]!) && folder ? { url: m[1]!, path: folder } : undefined;
}

/** `<VirtualHost *:80 [::]:443>` addresses, DocumentRoot / <Directory> paths, Alias targets and ProxyPass ports. */
export function parseApacheSite(text: string, options: SiteOptions = {}): ApacheSite {
  const body = text.replace(/^\s*#.*$/gm, "");
  const listens = options.listens ?? [];
  const listen = new Set<string>();
  let vhosts = 0;
  for (const m of body.matchAll(/<VirtualHost\s+([^>]+)>/gi))
    for (const address of m[1]!.trim().split(/\s+/)) {
      vhosts++;
      const port = /:(\d{1,5})$/.exec(address)?.[1];
      const wildcard = /^(\*|_default_|\[::\])(:\d+)?$/.test(address);
      // `<VirtualHost *>`: every address the server listens on.
      if (!port) for (const l of wildcard ? listens : []) listen.add(l);
      else if (!wildcard) listen.add(address);
      else {
        // A wildcard site answers where httpd binds that port: `Listen 127.0.0.1:8080` keeps it local.
        const bound = listens.filter((l) => l.endsWith(`:${port}`));
        for (const l of bound.length ? bound : [`0.0.0.0:${port}`]) listen.add(l);
      }
    }
  const paths = (re: RegExp) => [...body.matchAll(re)].map((m) => unquote(m[1]!)).filter(absolute);
  const documentRoots = paths(/^\s*DocumentRoot\s+("[^"]+"|\S+)/gim);
  const directories = options.main ? [] : paths(/^\s*<Directory\s+("[^"]+"|[^\s>]+)\s*>/gim);
  const aliases: ApacheAlias[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, index) => {
    const m = /^\s*(Alias|AliasMatch)\s+("[^"]+"|\S+)\s+("[^"]+"|\S+)\s*$/i.exec(line);
    if (!m) return;
    const [from, to] = [m[2]!.replace(/^"|"$/g, ""), m[3]!.replace(/^"|"$/g, "")];
    const alias = m[1]!.toLowerCase() === "alias" ? { url: from, path: to } : simpleAliasMatch(from, to);
    const folder = alias && unquote(alias.path);
    if (alias && folder && absolute(folder) && alias.url.startsWith("/"))
      aliases.push({ url: alias.url.replace(/(.)\/+$/, "$1"), path: folder, line: index + 1 });
  });
  const routes = apacheRoutes(text);
  // A ProxyPass inside <Location /x> has only the URL: its port comes from the routes.
  const proxied = new Set<number>(routes.map((r) => r.port));
  for (const m of body.matchAll(/^\s*ProxyPass(?:Match)?\s+\S+\s+"?[a-z]+:\/\/[^/:\s"]+:(\d{1,5})/gim))
    proxied.add(Number(m[1]));
  // A file without <VirtualHost> configures the main server: it answers on every Listen address.
  if (vhosts === 0) for (const l of listens) listen.add(l);
  const bodyLimit = apacheBodyLimit(body);
  return {
    ...(bodyLimit !== undefined ? { bodyLimit } : {}),
    // <Directory> blocks beside an Alias are the access rules of its folder, not a root of their own.
    roots: [...new Set(documentRoots.length || aliases.length ? documentRoots : directories)],
    aliases,
    listen: [...listen].sort(),
    proxiesToPorts: [...proxied].sort((a, b) => a - b),
    routes,
  };
}

/** The app folder of a DocumentRoot: the folder above public/ (Laravel, Symfony), else the root itself. */
export function appRootOf(documentRoot: string): string {
  return documentRoot.endsWith("/public") ? documentRoot.slice(0, -"/public".length) : documentRoot;
}
