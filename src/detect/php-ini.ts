// PHP's limits on the VM for the process that serves the app, read in the order PHP applies them:
// the SAPI's php.ini, then its scan folder's *.ini in name order (https://php.net/configuration.file,
// PHP_INI_SCAN_DIR), then what the server sets per app: the PHP-FPM pool's php_value and
// php_admin_value, or the Apache site's php_value with mod_php and then the app's .htaccess.
// Layouts: Debian and Ubuntu keep one tree per release and SAPI (/etc/php/8.2/fpm/php.ini, conf.d/, pool.d/; apache2/ for mod_php);
// RHEL and Fedora one /etc/php.ini with /etc/php.d/ and /etc/php-fpm.d/; Alpine one tree per
// release (/etc/php83/php.ini, conf.d/, php-fpm.d/: the php83 and php83-fpm packages,
// pkgs.alpinelinux.org); Remi's Software Collections one per release beside the system's PHP
// (/etc/opt/remi/php83/php.ini, php.d/, php-fpm.d/ for php83-php-fpm.service, which runs
// /opt/remi/php83/root/usr/sbin/php-fpm).
import { readdir } from "node:fs/promises";
import path from "node:path";
import { describePhpIni, phpBodyLimitMiB, PHP_DEFAULTS, type PhpIni } from "../inventory/php-limits.js";
import { readApacheConfig, type ApacheConfig } from "./apache-config.js";
import { describeBodyLimit } from "./body-limit.js";
import { apachePhpValues } from "./php-apache.js";
import { htaccessPhpValues } from "./php-htaccess.js";
import { readHostFile } from "./host.js";
import {
  fastcgiTargets,
  parseFpmPools,
  parsePhpIni,
  apcEnableCli,
  phpIniExtensions,
  sameFastcgiAddress,
  sessionSaveHandler,
  type FpmPool,
} from "./php-ini-parse.js";
import type { Evidence, ServiceFinding } from "./types.js";

/** What the ssh read sends (shell globs, root-relative): the files this module reads. */
export const PHP_INI_GLOBS = [
  "etc/php/*/fpm/php.ini",
  "etc/php/*/fpm/conf.d/*.ini",
  "etc/php/*/fpm/pool.d/*.conf",
  "etc/php/*/apache2/php.ini",
  "etc/php/*/apache2/conf.d/*.ini",
  // PHP's CLI beside them: only its apc.enable_cli is read (apcEnableCli).
  "etc/php/*/cli/php.ini",
  "etc/php/*/cli/conf.d/*.ini",
  "etc/php.ini",
  "etc/php.d/*.ini",
  "etc/php-fpm.d/*.conf",
  "etc/php[0-9]*/php.ini",
  "etc/php[0-9]*/conf.d/*.ini",
  "etc/php[0-9]*/php-fpm.d/*.conf",
  "etc/opt/remi/php[0-9]*/php.ini",
  "etc/opt/remi/php[0-9]*/php.d/*.ini",
  "etc/opt/remi/php[0-9]*/php-fpm.d/*.conf",
];

interface Layout {
  ini: string;
  scanDir: string;
  pools?: string;
}

export interface PhpLimitsRead {
  values: PhpIni;
  /** VM paths that set a value, in the order they apply. */
  files: string[];
  /** Said as evidence: several pools with different values, and which one was taken. */
  note?: string;
  /** session.save_handler as the files set it ("files", PHP's default, when php.ini was read). */
  sessionHandler?: string;
}

type PhpServer = "fpm" | "apache2";

const names = (root: string, dir: string) => readdir(path.join(root, dir)).catch(() => [] as string[]);

/** The release (8.2) a command, unit or module names: php-fpm8.2, php8.2-fpm.service, /etc/php/8.2/, php8.2.load. */
const releaseIn = (...texts: (string | undefined)[]) =>
  texts.map((t) => /(?:\/etc\/php\/|php-fpm|php)(\d+\.\d+)/.exec(t ?? "")?.[1]).find(Boolean);

/** Remi's collection (`php83`) a unit or command names: php83-php-fpm.service, /opt/remi/php83/root/…. */
const remiIn = (...texts: (string | undefined)[]) =>
  texts.map((t) => /(?:^|\/opt\/remi\/)(php\d{2,3})(?:-php-fpm|\/)/.exec(t ?? "")?.[1]).find(Boolean);
/** Alpine's release (`php83`) a command names: php-fpm83. */
const alpineIn = (...texts: (string | undefined)[]) =>
  texts.map((t) => /(?:^|\/)php-fpm(\d{2,3})(?:\s|$)/.exec(t ?? "")?.[1]).find(Boolean);
/** `php83`, `php82`…: the highest first. */
const releaseDirs = async (root: string, dir: string) =>
  (await names(root, dir))
    .filter((n) => /^php\d{2,3}$/.test(n))
    .sort((a, b) => Number(b.slice(3)) - Number(a.slice(3)));

/** One release's tree: its php.ini, scan folder and (for PHP-FPM) pool folder. */
const tree = (base: string, scan: string, pools: string, server: PhpServer): Layout => ({
  ini: `${base}/php.ini`,
  scanDir: `${base}/${scan}`,
  ...(server === "fpm" ? { pools: `${base}/${pools}` } : {}),
});

async function layoutOf(root: string, service: ServiceFinding, server: PhpServer): Promise<Layout | undefined> {
  const remi = remiIn(service.systemdUnit, service.command);
  if (remi && (await names(root, `etc/opt/remi/${remi}`)).length)
    return tree(`etc/opt/remi/${remi}`, "php.d", "php-fpm.d", server);
  const alpine = alpineIn(service.command);
  if (alpine && (await names(root, `etc/php${alpine}`)).length)
    return tree(`etc/php${alpine}`, "conf.d", "php-fpm.d", server);
  const debian = (await names(root, "etc/php")).filter((v) => /^\d+\.\d+$/.test(v));
  let release = releaseIn(service.command, service.systemdUnit);
  if (!release && server === "apache2") release = releaseIn(...(await names(root, "etc/apache2/mods-enabled")));
  const candidates = release ? [release] : debian.sort((a, b) => Number(b) - Number(a) || b.localeCompare(a));
  for (const v of candidates) {
    const base = `etc/php/${v}/${server}`;
    if ((await names(root, base)).length)
      return {
        ini: `${base}/php.ini`,
        scanDir: `${base}/conf.d`,
        ...(server === "fpm" ? { pools: `etc/php/${v}/fpm/pool.d` } : {}),
      };
  }
  const rhel = (await readHostFile(root, "etc/php.ini")) !== undefined || (await names(root, "etc/php.d")).length > 0;
  if (rhel) return tree("etc", "php.d", "php-fpm.d", server);
  // Neither names a release: Alpine's newest tree, else Remi's newest collection.
  const alpineDir = (await releaseDirs(root, "etc"))[0];
  if (alpineDir) return tree(`etc/${alpineDir}`, "conf.d", "php-fpm.d", server);
  const remiDir = (await releaseDirs(root, "etc/opt/remi"))[0];
  return remiDir ? tree(`etc/opt/remi/${remiDir}`, "php.d", "php-fpm.d", server) : undefined;
}

async function filesIn(root: string, dir: string, extension: string): Promise<string[]> {
  // Name order in the C locale, as PHP's scan folder and PHP-FPM's include glob take them.
  return (await names(root, dir))
    .filter((n) => n.endsWith(extension))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((n) => `${dir}/${n}`);
}

/** Where the pools of a PHP-FPM service listen (socket paths, addresses): which one a web server's handler reaches. */
export async function fpmPoolListens(root: string, service: ServiceFinding): Promise<string[]> {
  const layout = await layoutOf(root, service, "fpm");
  const listens: string[] = [];
  for (const file of layout?.pools ? await filesIn(root, layout.pools, ".conf") : [])
    for (const pool of parseFpmPools((await readHostFile(root, file)) ?? ""))
      if (pool.listen) listens.push(pool.listen);
  return listens;
}

const poolNames = (pools: FpmPool[]) => pools.map((p) => p.name).join(", ");

/**
 * The pool that serves the app: the one the web server passes PHP to (`targets`: nginx's
 * fastcgi_pass, Apache's proxy:fcgi), else the only one, else the one allowing the largest
 * uploads; with several pools, which one was taken is said.
 */
async function poolValues(
  root: string,
  dir: string,
  targets: string[],
): Promise<{ values: PhpIni; file?: string; note?: string }> {
  const pools: (FpmPool & { file: string })[] = [];
  for (const file of await filesIn(root, dir, ".conf"))
    for (const pool of parseFpmPools((await readHostFile(root, file)) ?? "")) pools.push({ ...pool, file });
  const reached = pools.filter((p) => p.listen && targets.some((t) => sameFastcgiAddress(p.listen!, t)));
  const setting = (reached.length ? reached : pools).filter((p) => Object.keys(p.values).length > 0);
  const size = (p: FpmPool) => {
    const limit = phpBodyLimitMiB(p.values);
    return limit === "unlimited" ? Infinity : limit;
  };
  const chosen = setting.length ? setting.reduce((best, p) => (size(p) > size(best) ? p : best)) : undefined;
  const several = `${pools.length} PHP-FPM pools (${poolNames(pools)})`;
  const note =
    pools.length < 2
      ? undefined
      : reached.length
        ? `${several}: the web server passes PHP to [${poolNames(reached)}] (${reached[0]!.listen})${chosen ? "" : ", which sets no limit of its own"}`
        : chosen
          ? `${several}, none named by the web server's fastcgi_pass: the values of [${chosen.name}] are taken, the pool allowing the largest uploads`
          : undefined;
  return { values: chosen?.values ?? {}, ...(chosen ? { file: chosen.file } : {}), ...(note ? { note } : {}) };
}

/**
 * PHP's limits for a PHP web process read from the VM under `root`: PHP-FPM (`targets`: where the
 * web server passes PHP to, which names its pool), or Apache with mod_php (`apache`: its whole
 * configuration, for php_value). Undefined when no PHP configuration is there. With the SAPI's
 * php.ini read, a directive no file sets is PHP's default.
 */
export async function readPhpLimits(
  root: string,
  service: ServiceFinding,
  apache?: ApacheConfig,
  targets: string[] = [],
): Promise<PhpLimitsRead | undefined> {
  const server: PhpServer | undefined =
    service.software === "php-fpm" ? "fpm" : /^(apache2|httpd)$/.test(service.software) ? "apache2" : undefined;
  if (!server || service.role !== "web") return undefined;
  const layout = await layoutOf(root, service, server);
  const values: PhpIni = {};
  const files: string[] = [];
  const apply = (found: PhpIni, file: string) => {
    if (Object.keys(found).length === 0) return;
    Object.assign(values, found);
    files.push(file);
  };
  const iniText = layout ? await readHostFile(root, layout.ini) : undefined;
  if (iniText !== undefined) apply(parsePhpIni(iniText), `/${layout!.ini}`);
  const extensions = new Set(phpIniExtensions(iniText ?? ""));
  // PHP's default handler is files; php.ini, its scan folder and the pools may name another.
  let sessionHandler = iniText === undefined ? undefined : (sessionSaveHandler(iniText) ?? "files");
  let cliApcu = apcEnableCli(iniText ?? "");
  for (const file of layout ? await filesIn(root, layout.scanDir, ".ini") : []) {
    const text = (await readHostFile(root, file)) ?? "";
    apply(parsePhpIni(text), `/${file}`);
    for (const e of phpIniExtensions(text)) extensions.add(e);
    cliApcu = apcEnableCli(text) ?? cliApcu;
    sessionHandler = sessionSaveHandler(text) ?? sessionHandler;
  }
  for (const file of layout?.pools ? await filesIn(root, layout.pools, ".conf") : [])
    sessionHandler = sessionSaveHandler((await readHostFile(root, file)) ?? "") ?? sessionHandler;
  let note: string | undefined;
  if (layout?.pools) {
    const pool = await poolValues(root, layout.pools, targets);
    if (pool.file) apply(pool.values, `/${pool.file}`);
    note = pool.note;
  }
  if (apache && server === "apache2") {
    const set = apachePhpValues(apache, service.source, service.workingDirectory);
    apply(set.values, set.files.join(", "));
    // The app's .htaccess files come after the server configuration, as Apache reads them.
    const own = await htaccessPhpValues(root, apache, service.source, service.workingDirectory, set.locked);
    apply(own.values, own.files.join(", "));
  }
  if (iniText === undefined && files.length === 0) return undefined;
  if (extensions.size) values.extensions = [...extensions].sort();
  // PHP's CLI beside this SAPI (Debian's etc/php/<v>/cli) has the last word on apc.enable_cli.
  const cli = layout ? layout.ini.replace(/\/(fpm|apache2)\/php\.ini$/, "/cli") : undefined;
  if (cli && cli !== layout!.ini) {
    cliApcu = apcEnableCli((await readHostFile(root, `${cli}/php.ini`)) ?? "") ?? cliApcu;
    for (const file of await filesIn(root, `${cli}/conf.d`, ".ini"))
      cliApcu = apcEnableCli((await readHostFile(root, file)) ?? "") ?? cliApcu;
  }
  if (cliApcu && extensions.has("apcu")) values.apcEnableCli = true;
  return {
    values: iniText === undefined ? values : { ...PHP_DEFAULTS, ...values },
    files,
    ...(note ? { note } : {}),
    ...(sessionHandler ? { sessionHandler } : {}),
  };
}

/**
 * Reads PHP's limits for each PHP web process found on the VM, and says where they came from.
 * `nginxSites`: the VM's nginx sites; with Apache's configuration they say which PHP-FPM socket
 * the web server passes PHP to.
 */
export async function addPhpLimits(
  root: string,
  findings: ServiceFinding[],
  nginxSites: string[],
  evidence: Evidence[],
): Promise<void> {
  const php = findings.filter((f) => f.onHost && f.role === "web" && /^(php-fpm|apache2|httpd)$/.test(f.software));
  if (php.length === 0) return;
  const apache = await readApacheConfig(root);
  const texts = [...nginxSites, ...(apache?.files.map((f) => f.text) ?? [])];
  const targets = [...new Set(texts.flatMap(fastcgiTargets))];
  for (const finding of php) {
    const read = await readPhpLimits(root, finding, apache, targets);
    if (!read) continue;
    finding.phpIni = read.values;
    if (read.sessionHandler) finding.phpSessionHandler = read.sessionHandler;
    evidence.push({
      file: read.files.at(-1) ?? "php.ini",
      found: `PHP limits of ${finding.name}: ${describePhpIni(read.values)} (${read.files.length ? `set in ${read.files.join(", ")}` : "PHP's defaults: no file sets them"}; uploads up to ${describeBodyLimit(phpBodyLimitMiB(read.values))})`,
    });
    if (read.note) evidence.push({ file: read.files.at(-1) ?? "php-fpm", found: read.note });
    if (read.values.extensions)
      evidence.push({
        file: read.files.at(-1) ?? "php.ini",
        found: `PHP of ${finding.name} loads ${read.values.extensions.join(", ")}: the image loads them too`,
      });
  }
}
