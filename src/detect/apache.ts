// Apache httpd on the VM. With mod_php (the classic LAMP server: BookStack's install scripts,
// WordPress hosts) PHP runs inside Apache itself: there is no php-fpm unit, and the process that
// serves the app is Apache. Each enabled site whose DocumentRoot holds a PHP app is then that app's
// web process; a site that only forwards (ProxyPass to a port) is a reverse proxy, as an nginx site is.
// Layouts: Debian/Ubuntu keep sites in /etc/apache2/sites-enabled and modules in mods-enabled
// (php8.2.load from libapache2-mod-php); RHEL/Fedora keep both in /etc/httpd/conf.d and
// conf.modules.d (15-php.conf from the php package).
import path from "node:path";
import { readdir } from "node:fs/promises";
import { lineOf } from "./nginx.js";
import { apacheBodyLimit, type BodyLimit } from "./body-limit.js";
import { APACHE_MODULE_DIRS, statInRoot, type Listener } from "./host.js";
import type { Evidence, ServiceFinding } from "./types.js";

/** A site file (in host.ts's APACHE_SITE_DIRS), by its host-root-relative path. */
export const APACHE_SITE = /^etc\/(apache2\/sites-enabled|httpd\/conf\.d)\/[^/]+\.conf$/;
const PHP_MODULE = /^(php[^/]*\.load|[^/]*php[^/]*\.conf)$/;
const APACHE_UNIT = /^(apache2|httpd)(@[^.]*)?\.service$/;
const APACHE_PROCESS = /^(apache2|httpd)$/;
/** Files that make a folder a PHP app (the folder above public/ for Laravel and Symfony). */
const PHP_APP_FILES = ["composer.json", "artisan", "bin/console", "index.php", "public/index.php"];

export interface ApacheSite {
  /** DocumentRoot values, or the <Directory> paths of a site without one (absolute, no trailing /). */
  roots: string[];
  listen: string[];
  proxiesToPorts: number[];
  /** The largest LimitRequestBody set in the site. */
  bodyLimit?: BodyLimit;
}

/** `<VirtualHost *:80 [::]:443>` addresses, DocumentRoot or <Directory> paths, and ProxyPass ports. */
export function parseApacheSite(text: string): ApacheSite {
  const body = text.replace(/^\s*#.*$/gm, "");
  const unquote = (v: string) => v.replace(/^["']|["']$/g, "").replace(/\/+$/, "");
  const listen = new Set<string>();
  for (const m of body.matchAll(/<VirtualHost\s+([^>]+)>/gi))
    for (const address of m[1]!.trim().split(/\s+/)) {
      const port = /:(\d{1,5})$/.exec(address)?.[1];
      if (port)
        listen.add(`${/^(\*|_default_|\[::\])/.test(address) ? "0.0.0.0" : address.replace(/:\d+$/, "")}:${port}`);
    }
  const paths = (re: RegExp) =>
    [...body.matchAll(re)].map((m) => unquote(m[1]!)).filter((p) => p.startsWith("/") && p.length > 1);
  const documentRoots = paths(/^\s*DocumentRoot\s+("[^"]+"|\S+)/gim);
  const directories = paths(/^\s*<Directory\s+("[^"]+"|[^\s>]+)\s*>/gim);
  const proxied = new Set<number>();
  for (const m of body.matchAll(/^\s*ProxyPass(?:Match)?\s+\S+\s+"?[a-z]+:\/\/[^/:\s"]+:(\d{1,5})/gim))
    proxied.add(Number(m[1]));
  const bodyLimit = apacheBodyLimit(body);
  return {
    ...(bodyLimit !== undefined ? { bodyLimit } : {}),
    roots: [...new Set(documentRoots.length ? documentRoots : directories)],
    listen: [...listen].sort(),
    proxiesToPorts: [...proxied].sort((a, b) => a - b),
  };
}

/** The app folder of a DocumentRoot: the folder above public/ (Laravel, Symfony), else the root itself. */
export function appRootOf(documentRoot: string): string {
  return documentRoot.endsWith("/public") ? documentRoot.slice(0, -"/public".length) : documentRoot;
}

export interface ApacheInput {
  hostRoot: string;
  sites: { shown: string; text: string }[];
  /** Every unit read on the host (the distribution's too): is apache2.service or httpd.service there? */
  units: ServiceFinding[];
  listeners: Listener[];
  evidence: Evidence[];
}

async function hasPhpModule(hostRoot: string): Promise<boolean> {
  for (const dir of APACHE_MODULE_DIRS) {
    const names = await readdir(path.join(hostRoot, dir)).catch(() => [] as string[]);
    if (names.some((n) => PHP_MODULE.test(n))) return true;
  }
  return false;
}

async function isPhpApp(hostRoot: string, dir: string): Promise<boolean> {
  for (const file of PHP_APP_FILES) if ((await statInRoot(hostRoot, `${dir.slice(1)}/${file}`))?.isFile()) return true;
  return false;
}

/**
 * Apache's sites as services: a PHP app's web process (mod_php loaded and no php-fpm serving PHP),
 * or a reverse proxy for a site that forwards to a port. Nothing without Apache on the host.
 */
export async function apacheFindings(input: ApacheInput): Promise<ServiceFinding[]> {
  const { hostRoot, evidence } = input;
  const unit = input.units.find((u) => u.onHost && APACHE_UNIT.test(u.systemdUnit ?? ""));
  const processName = input.listeners.find((l) => APACHE_PROCESS.test(l.process ?? ""))?.process;
  if (input.sites.length === 0 || (!unit && !processName)) return [];
  const name = unit?.systemdUnit?.replace(/(@[^.]*)?\.service$/, "") ?? processName!;
  const command =
    unit?.command ?? (name === "httpd" ? "/usr/sbin/httpd -DFOREGROUND" : "/usr/sbin/apache2ctl -D FOREGROUND");
  // PHP-FPM beside Apache (RHEL's default: conf.d/php.conf hands .php to php-fpm): FPM is the web process.
  const fpm = input.units.some((u) => u.onHost && u.software === "php-fpm");
  const modPhp = !fpm && (await hasPhpModule(hostRoot));
  const found: ServiceFinding[] = [];
  const served = new Set<string>();
  for (const site of input.sites) {
    const parsed = parseApacheSite(site.text);
    const apps: string[] = [];
    const limit = parsed.bodyLimit !== undefined ? { maxRequestBodyMiB: parsed.bodyLimit } : {};
    for (const root of modPhp ? parsed.roots : []) {
      const app = appRootOf(root);
      if (!apps.includes(app) && ((await isPhpApp(hostRoot, root)) || (await isPhpApp(hostRoot, app)))) apps.push(app);
    }
    for (const app of apps.filter((a) => !served.has(a))) {
      served.add(app);
      found.push({
        name,
        role: "web",
        software: name,
        command,
        ...(unit?.systemdUnit ? { systemdUnit: unit.systemdUnit } : {}),
        listen: [],
        dependsOn: [],
        process: { runtime: "php", protocols: ["http"] },
        workingDirectory: app,
        ...limit,
        onHost: true,
        source: site.shown,
        ...lineOf(site.text, /^\s*DocumentRoot\s/i),
      });
      evidence.push({ file: site.shown, found: `web ${name}: Apache serves the PHP app in ${app} itself (mod_php)` });
    }
    if (apps.length === 0 && parsed.proxiesToPorts.length) {
      found.push({
        name,
        role: "reverse-proxy",
        software: name,
        listen: parsed.listen,
        dependsOn: [],
        proxiesToPorts: parsed.proxiesToPorts,
        ...limit,
        onHost: true,
        source: site.shown,
        ...lineOf(site.text, /^\s*ProxyPass/i),
      });
      evidence.push({
        file: site.shown,
        found: `reverse-proxy ${name} (Apache), proxies to port ${parsed.proxiesToPorts.join(", ")}`,
      });
    }
  }
  // The unit is Apache itself, now described by its sites: not also an unknown service of its own.
  if (found.length && unit) unit.packaged = true;
  return found;
}
