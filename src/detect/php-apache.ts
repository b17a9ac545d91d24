// php_value and php_admin_value in Apache's configuration, for an app Apache serves with mod_php
// (https://php.net/configuration.changes): they override php.ini for the requests they reach. Which
// reach the app: those at server level, in the app's own site (its <VirtualHost>s), and in a
// <Directory> that holds the app's folder or lies inside it. apache-config.ts gives every directive
// with its file and the sections around it, Includes followed as httpd follows them.
import type { PhpIni } from "../inventory/php-limits.js";
import { loadedModules, modulesHold, type ApacheConfig, type ApacheSection } from "./apache-config.js";
import { applyPhpLine } from "./php-htaccess.js";

const within = (folder: string, parent: string) =>
  folder === parent || folder.startsWith(`${parent.replace(/\/+$/, "")}/`);

function reaches(section: ApacheSection, site: string, appDir: string | undefined, modules: boolean): boolean {
  const arg = section.args[0] ?? "";
  if (section.name === "virtualhost") return section.file === site;
  // <IfModule !mod_php.c> and the like: not read on a server that runs mod_php; with the modules
  // loaded known, <IfModule mod_php7.c> is not read under PHP 8's mod_php.c either (modulesHold).
  if (section.name === "ifmodule") return modules || !arg.startsWith("!");
  if (section.name === "directory")
    return appDir !== undefined && arg.startsWith("/") && (within(appDir, arg) || within(arg, appDir));
  // <Location>, <Files>, <DirectoryMatch>…: part of the app's requests, taken as reaching it.
  return true;
}

/** The PHP limits Apache sets for the app of `site` (the file of its DocumentRoot) in `appDir`, later lines winning. */
export function apachePhpValues(
  config: ApacheConfig,
  site: string,
  appDir: string | undefined,
): { values: PhpIni; files: string[]; locked: Set<string> } {
  const values: PhpIni = {};
  const files: string[] = [];
  // Keys set with php_admin_value: .htaccess cannot change them.
  const locked = new Set<string>();
  const loaded = loadedModules(config);
  for (const d of config.directives) {
    if (!/^php_(admin_)?(value|flag)$/.test(d.name) || d.args.length < 2) continue;
    if (!d.sections.every((s) => reaches(s, site, appDir, loaded !== undefined)) || !modulesHold(d, loaded)) continue;
    const found: PhpIni = {};
    applyPhpLine(found, d);
    if (!Object.keys(found).length) continue;
    Object.assign(values, found);
    if (d.name.startsWith("php_admin_")) for (const key of Object.keys(found)) locked.add(key);
    if (!files.includes(d.file)) files.push(d.file);
  }
  return { values, files, locked };
}
