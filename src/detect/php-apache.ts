// php_value and php_admin_value in Apache's configuration, for an app Apache serves with mod_php
// (https://php.net/configuration.changes): they override php.ini for the requests they reach. Which
// reach the app: those at server level, in the app's own site (its <VirtualHost>s), and in a
// <Directory> that holds the app's folder or lies inside it. apache-config.ts gives every directive
// with its file and the sections around it, Includes followed as httpd follows them.
import type { PhpIni } from "../inventory/php-limits.js";
import type { ApacheConfig, ApacheSection } from "./apache-config.js";
import { setPhpDirective } from "./php-ini-parse.js";

const within = (folder: string, parent: string) =>
  folder === parent || folder.startsWith(`${parent.replace(/\/+$/, "")}/`);

function reaches(section: ApacheSection, site: string, appDir: string | undefined): boolean {
  const arg = section.args[0] ?? "";
  if (section.name === "virtualhost") return section.file === site;
  // <IfModule !mod_php.c> and the like: not read on a server that runs mod_php.
  if (section.name === "ifmodule") return !arg.startsWith("!");
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
): { values: PhpIni; files: string[] } {
  const values: PhpIni = {};
  const files: string[] = [];
  for (const d of config.directives) {
    if ((d.name !== "php_value" && d.name !== "php_admin_value") || d.args.length < 2) continue;
    if (!d.sections.every((s) => reaches(s, site, appDir))) continue;
    const before = JSON.stringify(values);
    setPhpDirective(values, d.args[0]!, d.args.slice(1).join(" "));
    if (JSON.stringify(values) !== before && !files.includes(d.file)) files.push(d.file);
  }
  return { values, files };
}
