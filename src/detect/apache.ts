// Apache httpd on the VM. With mod_php (the classic LAMP server: BookStack's install scripts,
// WordPress hosts) PHP runs inside Apache itself: there is no php-fpm unit, and the process that
// serves the app is Apache. Each folder a site serves (DocumentRoot, or an Alias such as Nextcloud's
// `Alias /nextcloud /var/www/nextcloud`) that holds a PHP app is then that app's web process; the
// sites that only forward (ProxyPass to a port) are one reverse proxy, as an nginx is.
// The sites are every file httpd reads (apache-config.ts): sites-enabled and conf.d, and what
// apache2.conf / httpd.conf hold themselves or include. Modules: Debian's mods-enabled
// (php8.2.load from libapache2-mod-php), RHEL's conf.modules.d (15-php.conf from the php package).
// mod_php needs the prefork MPM; the image we generate (php:*-apache) runs prefork with mod_php
// too, so the VM's MPM changes nothing we write and is not read.
import path from "node:path";
import { readdir } from "node:fs/promises";
import { addressesOverlap } from "../inventory/cross-checks.js";
import { largerLimit } from "./body-limit.js";
import { loadedModules, modulesHold, readApacheConfig } from "./apache-config.js";
import { fpmHandlers, fpmServices, serverWide, type FpmHandler } from "./apache-fpm.js";
import { appRootOf, listenAddress, parseApacheSite } from "./apache-site.js";
import { APACHE_MODULE_DIRS, readHostFile, statInRoot, type Listener } from "./host.js";
import { uniqueName } from "./merge.js";
import { lineOf } from "./nginx.js";
import type { Evidence, PortRoute, ServiceFinding } from "./types.js";

export { appRootOf, parseApacheSite, type ApacheSite } from "./apache-site.js";

/** Apache's own files on the host (read by apache-config.ts, not as nginx sites or units). */
export const APACHE_FILE = /^etc\/(apache2|httpd)\//;
const PHP_MODULE = /^(php[^/]*\.load|[^/]*php[^/]*\.conf)$/;
const APACHE_UNIT = /^(apache2|httpd)(@[^.]*)?\.service$/;
const APACHE_PROCESS = /^(apache2|httpd)$/;
/** Module files configure modules, not sites (Debian's php8.2.conf has <Directory /home/USER/public_html>). */
const MODULE_FILE = /^etc\/(apache2\/mods-[a-z]+|httpd\/conf\.modules\.d)\//;
/** A distribution package's web folder (phpMyAdmin's /usr/share/phpmyadmin): not the product's code. */
const PACKAGED = /^\/usr\/share\//;
/** Files that make a folder a PHP app (the folder above public/ for Laravel and Symfony). */
const PHP_APP_FILES = ["composer.json", "artisan", "bin/console", "index.php", "public/index.php"];

export interface ApacheInput {
  hostRoot: string;
  /** Every unit read on the host (the distribution's too): is apache2.service or httpd.service there? */
  units: ServiceFinding[];
  listeners: Listener[];
  /** Ports another front on the VM (nginx) forwards to: an Apache site on one is that front's upstream. */
  proxiedPorts?: ReadonlySet<number>;
  evidence: Evidence[];
  /** What the move must settle by hand (an app served under a URL path): said once init is done. */
  warnings?: string[];
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

interface ServedApp {
  app: string;
  site: string;
  line?: number;
  /** The URL path it is served under when that is not the site's root (an Alias). */
  url?: string;
  listen: string[];
  limit: ReturnType<typeof parseApacheSite>["bodyLimit"];
}

/**
 * The framework one of several apps declares in its own composer.json. The shared reading of the
 * app folders (enrich.ts) mixes every folder's packages, so beside a Laravel app a plain PHP app
 * would be called Laravel too.
 */
async function ownFramework(hostRoot: string, app: string): Promise<string | undefined> {
  const text = (await readHostFile(hostRoot, `${app.slice(1)}/composer.json`)) ?? "";
  if (/"laravel\/framework"\s*:/.test(text)) return "laravel";
  if (/"symfony\/framework-bundle"\s*:/.test(text)) return "symfony";
  return undefined;
}

/** A service name from an app folder: `/var/www/Shop_v2` → `shop-v2`. */
function folderName(app: string): string {
  const slug = path.posix
    .basename(app)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return /^[a-z]/.test(slug) ? slug.slice(0, 30) : `app-${slug}`.slice(0, 30);
}

/** Where the move must say more: the app answered under a path on the VM, Cloud Run serves it at /. */
async function urlPathNotice(hostRoot: string, served: ServedApp): Promise<string> {
  const nextcloud =
    (await statInRoot(hostRoot, `${served.app.slice(1)}/occ`))?.isFile() &&
    (await statInRoot(hostRoot, `${served.app.slice(1)}/version.php`))?.isFile();
  // Nextcloud's admin manual (installation, "Pretty URLs") names its two base-path settings.
  const setting = nextcloud
    ? ` Nextcloud reads that path from config/config.php ('overwrite.cli.url' and 'htaccess.RewriteBase' => '${served.url}'): moved to /, set them to the new URL and '/', then run occ maintenance:update:htaccess.`
    : "";
  return `Apache serves the PHP app in ${served.app} under ${served.url} (${served.site}${served.line ? `:${served.line}` : ""}), and Cloud Run serves a service at /: keep ${served.url} with a load balancer path rule that sends ${served.url}/* to the service unchanged (the image's DocumentRoot must then answer under ${served.url} too), or serve the app at / of its own host name.${setting}`;
}

/** Whether a site's folders hold a PHP app (not a distribution package's /usr/share folder). */
async function servesPhpApp(hostRoot: string, folders: { root: string }[]): Promise<boolean> {
  for (const { root } of folders)
    if (!PACKAGED.test(root) && ((await isPhpApp(hostRoot, root)) || (await isPhpApp(hostRoot, appRootOf(root)))))
      return true;
  return false;
}

/**
 * Apache's sites as services: a PHP app's web process (mod_php loaded and no php-fpm serving PHP),
 * or a reverse proxy for the sites that forward to a port. Nothing without Apache on the host.
 */
export async function apacheFindings(input: ApacheInput): Promise<ServiceFinding[]> {
  const { hostRoot, evidence } = input;
  const unit = input.units.find((u) => u.onHost && APACHE_UNIT.test(u.systemdUnit ?? ""));
  const processName = input.listeners.find((l) => APACHE_PROCESS.test(l.process ?? ""))?.process;
  if (!unit && !processName) return [];
  const config = await readApacheConfig(hostRoot);
  if (!config) return [];
  const name = unit?.systemdUnit?.replace(/(@[^.]*)?\.service$/, "") ?? processName!;
  const command =
    unit?.command ?? (name === "httpd" ? "/usr/sbin/httpd -DFOREGROUND" : "/usr/sbin/apache2ctl -D FOREGROUND");
  // PHP-FPM beside Apache (RHEL's default: conf.d/php.conf hands .php to php-fpm): FPM is the web
  // process, and Apache its front when a handler passes PHP to it (apache-fpm.ts).
  const fpmUnits = input.units.filter((u) => u.onHost && u.software === "php-fpm");
  const loadsPhp = config.directives.some((d) => d.name === "loadmodule" && /^php\d*_module$/.test(d.args[0] ?? ""));
  const modPhp = !fpmUnits.length && (loadsPhp || (await hasPhpModule(hostRoot)));
  const handlers = modPhp ? [] : fpmHandlers(config);
  const loaded = loadedModules(config);
  // `Listen 443` inside <IfModule ssl_module> binds only with mod_ssl loaded.
  const listens = config.directives
    .filter((d) => d.name === "listen" && modulesHold(d, loaded))
    .map((d) => listenAddress(d.args[0] ?? ""))
    .filter((l): l is string => l !== undefined);

  const apps: ServedApp[] = [];
  const proxy = {
    routes: [] as PortRoute[],
    ports: new Set<number>(),
    listen: new Set<string>(),
    sites: [] as string[],
    limit: undefined as ServedApp["limit"],
    /** The FastCGI handlers of the sites that pass PHP to PHP-FPM. */
    fcgi: [] as FpmHandler[],
  };
  const packaged: Evidence[] = [];
  for (const file of config.files.filter((f) => !MODULE_FILE.test(f.file))) {
    const site = parseApacheSite(file.text, { main: file.main, listens });
    const folders = [
      ...site.roots.map((root) => ({
        root,
        url: undefined as string | undefined,
        line: lineOf(file.text, /^\s*DocumentRoot\s/i).line,
      })),
      ...site.aliases.map((a) => ({ root: a.path, url: a.url === "/" ? undefined : a.url, line: a.line })),
    ];
    let servesApp = false;
    for (const { root, url, line } of modPhp ? folders : []) {
      if (PACKAGED.test(root)) {
        // Said, not checked: the ssh read does not list a package's folder, and a disk read must say the same.
        const found = `Apache also serves ${root}${url ? ` at ${url}` : ""}, a distribution package's files: not the product's code, not migrated`;
        if (!packaged.some((e) => e.found === found)) packaged.push({ file: file.shown, found });
        continue;
      }
      const app = appRootOf(root);
      if (!(await isPhpApp(hostRoot, root)) && !(await isPhpApp(hostRoot, app))) continue;
      servesApp = true;
      if (apps.some((a) => a.app === app)) continue;
      apps.push({
        app,
        site: file.shown,
        ...(line ? { line } : {}),
        ...(url ? { url } : {}),
        listen: site.listen,
        limit: site.bodyLimit,
      });
    }
    // Through PHP-FPM: a site with a handler of its own, or one serving a PHP app under a server-wide handler.
    const own = handlers.filter((h) => h.directive.file === file.shown && !serverWide(h));
    const fcgi = [
      ...own,
      ...(handlers.some(serverWide) && (await servesPhpApp(hostRoot, folders)) ? handlers.filter(serverWide) : []),
    ];
    if (!servesApp && (site.proxiesToPorts.length || fcgi.length)) {
      for (const port of site.proxiesToPorts) proxy.ports.add(port);
      proxy.routes.push(...site.routes);
      for (const l of site.listen) proxy.listen.add(l);
      proxy.sites.push(file.shown);
      proxy.limit = largerLimit(proxy.limit, site.bodyLimit);
      for (const h of fcgi) if (!proxy.fcgi.includes(h)) proxy.fcgi.push(h);
    }
  }
  evidence.push(...packaged);

  const found: ServiceFinding[] = [];
  // An address belongs to one service: two sites on *:80 (name-based hosts) are not two listeners.
  const claimed: string[] = [];
  const claim = (addresses: string[]) => {
    const mine = addresses.filter((a) => !claimed.some((c) => addressesOverlap(a, c)));
    claimed.push(...mine);
    return mine;
  };
  const taken = new Set<string>();
  for (const served of apps) {
    // One app: Apache is its web process, named after it. Several: one service each, named after its folder.
    const serviceName = uniqueName(apps.length === 1 ? name : `${name}-${folderName(served.app)}`, taken);
    taken.add(serviceName);
    // Behind nginx, the site's address is where nginx sends requests; as the front itself its
    // public ports are the product's entry, not an internal listener.
    const framework = apps.length > 1 ? await ownFramework(hostRoot, served.app) : undefined;
    const listen = claim(served.listen.filter((l) => input.proxiedPorts?.has(Number(l.split(":").pop()))));
    found.push({
      name: serviceName,
      role: "web",
      software: name,
      command,
      ...(unit?.systemdUnit ? { systemdUnit: unit.systemdUnit } : {}),
      listen,
      dependsOn: [],
      process: {
        runtime: "php",
        protocols: ["http"],
        ...(framework ? { framework } : {}),
      },
      workingDirectory: served.app,
      // Several apps: each is itself (merge.ts keeps them apart; its own framework and env file).
      ...(apps.length > 1 ? { servedApp: served.app } : {}),
      ...(served.url ? { urlPath: served.url } : {}),
      ...(served.limit !== undefined ? { maxRequestBodyMiB: served.limit } : {}),
      onHost: true,
      source: served.site,
      ...(served.line ? { line: served.line } : {}),
    });
    evidence.push({
      file: served.site,
      found: `web ${serviceName}: Apache serves the PHP app in ${served.app}${served.url ? ` under ${served.url}` : ""} itself (mod_php)${apps.length > 1 ? `; one Apache serves ${apps.length} apps, each a service named after its folder` : ""}`,
    });
    if (served.url) input.warnings?.push(await urlPathNotice(hostRoot, served));
  }
  // A handler with no site found to serve a PHP app (the app folder not copied): Apache still hands
  // PHP to PHP-FPM, on every address it listens on.
  if (!proxy.fcgi.length && handlers.length) {
    proxy.fcgi.push(...handlers);
    for (const l of listens) proxy.listen.add(l);
    proxy.sites.push(...new Set(handlers.map((h) => h.directive.file)));
  }
  if (proxy.ports.size || proxy.fcgi.length) {
    const serviceName = uniqueName(apps.length ? `${name}-proxy` : name, taken);
    const ports = [...proxy.ports].sort((a, b) => a - b);
    const pools = await fpmServices(hostRoot, fpmUnits, proxy.fcgi);
    const first = proxy.fcgi[0]?.directive;
    found.push({
      name: serviceName,
      role: "reverse-proxy",
      software: name,
      listen: claim([...proxy.listen].sort()),
      dependsOn: [],
      proxiesToPorts: ports,
      ...(proxy.routes.length ? { routesToPorts: proxy.routes } : {}),
      ...(pools.length ? { proxiesToServices: pools } : {}),
      ...(proxy.limit !== undefined ? { maxRequestBodyMiB: proxy.limit } : {}),
      onHost: true,
      ...(first && !ports.length
        ? { source: first.file, line: first.line }
        : {
            source: proxy.sites[0]!,
            ...lineOf(config.files.find((f) => f.shown === proxy.sites[0])!.text, /^\s*ProxyPass/i),
          }),
    });
    const through = [...new Set(proxy.fcgi.map((h) => `${h.target} (${h.directive.file}:${h.directive.line})`))];
    const parts = [
      ...(ports.length ? [`proxies to port ${ports.join(", ")}`] : []),
      ...(through.length
        ? [`passes PHP to PHP-FPM over FastCGI at ${through.join(", ")}${pools.length ? ` (${pools.join(", ")})` : ""}`]
        : []),
    ];
    evidence.push({
      file: proxy.sites.join(", "),
      found: `reverse-proxy ${serviceName} (Apache), ${parts.join("; ")}${apps.length ? ": the same Apache also serves PHP, so its proxy sites are a service of their own" : ""}`,
    });
  }
  // The unit is Apache itself, now described by its sites: not also an unknown service of its own.
  if (found.length && unit) unit.packaged = true;
  return found;
}
