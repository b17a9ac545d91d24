// php_value and php_flag in the app's .htaccess files, with mod_php: many PHP apps ship their limits
// there (Nextcloud's `php_value upload_max_filesize 511M`, WordPress plugins' upload settings).
// Apache reads a folder's .htaccess for each folder on a request's path, after the server
// configuration, and only where AllowOverride lets it: php_value needs "AllowOverride Options" or
// "All" (https://php.net/configuration.changes), and AllowOverride defaults to None since httpd
// 2.3.9 (https://httpd.apache.org/docs/2.4/mod/core.html#allowoverride). php_admin_value in the
// server configuration cannot be overridden there. read-host.sh sends the same files over ssh (the
// section and php_value/php_flag lines only).
import path from "node:path";
import type { PhpIni } from "../inventory/php-limits.js";
import {
  loadedModules,
  modulesHold,
  parseApacheDirectives,
  type ApacheConfig,
  type ApacheDirective,
} from "./apache-config.js";
import { parseApacheSite } from "./apache-site.js";
import { readHostFile } from "./host.js";
import { setPhpDirective } from "./php-ini-parse.js";

/** The folders a request to the app's document root passes, from the app folder down (each may hold a .htaccess). */
export function htaccessFolders(config: ApacheConfig, site: string, appDir: string): string[] {
  const text = config.files.find((f) => f.shown === site)?.text ?? "";
  const parsed = parseApacheSite(text);
  const inside = (p: string) => p === appDir || p.startsWith(`${appDir}/`);
  const docroot = [...parsed.roots, ...parsed.aliases.map((a) => a.path)].find(inside) ?? appDir;
  const folders = [appDir];
  for (const part of path.posix.relative(appDir, docroot).split("/").filter(Boolean))
    folders.push(`${folders.at(-1)}/${part}`);
  return folders;
}

/** `<Directory /var/www/*>` as a test of a folder: it, or a folder inside it. */
function directoryHolds(pattern: string, folder: string): boolean {
  const want = pattern.replace(/\/+$/, "").split("/");
  const have = folder.split("/");
  if (have.length < want.length) return false;
  return want.every((seg, i) => {
    if (!/[*?[]/.test(seg)) return seg === have[i];
    const re = seg
      .replace(/[.+^${}()|\\]/g, "\\$&")
      .replace(/\*/g, "[^/]*")
      .replace(/\?/g, "[^/]");
    return new RegExp(`^${re}$`).test(have[i]!);
  });
}

/**
 * Whether AllowOverride lets `folder`'s .htaccess set PHP values: the AllowOverride of the most
 * specific <Directory> holding it (later ones win at equal depth), in the server or the app's own
 * <VirtualHost>; None when none sets it.
 */
export function overridesOptions(config: ApacheConfig, site: string, folder: string): boolean {
  const loaded = loadedModules(config);
  let best: { depth: number; args: string[] } | undefined;
  for (const d of config.directives) {
    if (d.name !== "allowoverride" || !modulesHold(d, loaded)) continue;
    const dir = [...d.sections].reverse().find((s) => s.name === "directory");
    const target = dir?.args[0];
    if (!target || target === "~" || !target.startsWith("/")) continue;
    if (d.sections.some((s) => s.name === "virtualhost" && s.file !== site)) continue;
    if (!directoryHolds(target, folder)) continue;
    const depth = target.replace(/\/+$/, "").split("/").length;
    if (!best || depth >= best.depth) best = { depth, args: d.args };
  }
  return (best?.args ?? []).some((a) => /^(all|options)/i.test(a));
}

const ON_OFF: Record<string, string> = { on: "1", off: "0", yes: "1", no: "0", true: "1", false: "0" };

/** Sets what a php_value / php_flag line says (php_flag's on/off as PHP reads it). */
export function applyPhpLine(into: PhpIni, d: ApacheDirective): void {
  if (d.args.length < 2) return;
  const raw = d.args.slice(1).join(" ");
  setPhpDirective(into, d.args[0]!, d.name.endsWith("_flag") ? (ON_OFF[raw.toLowerCase()] ?? raw) : raw);
}

/**
 * The PHP limits the app's .htaccess files set (later folders winning), leaving what the server
 * configuration set with php_admin_value (`locked`).
 */
export async function htaccessPhpValues(
  root: string,
  config: ApacheConfig,
  site: string,
  appDir: string | undefined,
  locked: ReadonlySet<string>,
): Promise<{ values: PhpIni; files: string[] }> {
  const values: PhpIni = {};
  const files: string[] = [];
  if (!appDir) return { values, files };
  const loaded = loadedModules(config);
  for (const folder of htaccessFolders(config, site, appDir)) {
    if (!overridesOptions(config, site, folder)) continue;
    const shown = `${folder}/.htaccess`;
    const text = await readHostFile(root, shown.slice(1));
    if (text === undefined) continue;
    const found: PhpIni = {};
    for (const d of parseApacheDirectives(text, shown))
      if ((d.name === "php_value" || d.name === "php_flag") && modulesHold(d, loaded)) applyPhpLine(found, d);
    for (const key of locked) delete (found as Record<string, unknown>)[key];
    if (Object.keys(found).length) {
      Object.assign(values, found);
      files.push(shown);
    }
  }
  return { values, files };
}
