// Symfony's `composer dump-env prod` (symfony/flex's DumpEnvCommand) compiles the .env files into
// .env.local.php: `<?php return array ( 'NAME' => 'value', … );` (PHP's var_export: single quotes,
// `\'` and `\\` escaped). When it exists, Symfony's Dotenv::bootEnv and the 4.x config/bootstrap.php
// load it instead of the .env files, so it holds the deployment's settings.
// https://symfony.com/doc/current/configuration.html#configuring-environment-variables-in-production
import { environmentFileValues } from "./systemd.js";

export const DUMPED_ENV_FILE = ".env.local.php";

const ENTRY =
  /(['"])([A-Za-z_][A-Za-z0-9_]*)\1\s*=>\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\$]|\\.)*)"|(\d+|true|false|null)\b)/g;

/** A single-quoted PHP string's text: `\'` and `\\` are the only escapes. */
const unquote = (s: string) => s.replace(/\\(['\\])/g, "$1");

/**
 * The settings such a file holds, by name (values for detection only, never written out). An ssh
 * read sends the file as NAME=value lines (read-host.sh): those are read as an env file.
 */
export function dumpedEnvValues(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(ENTRY)) {
    const [, , name, single, double, bare] = m;
    // PHP's string of a bare value: true is "1", false and null are "".
    out[name!] =
      single !== undefined ? unquote(single) : (double ?? (bare === "true" ? "1" : /^\d+$/.test(bare!) ? bare! : ""));
  }
  return Object.keys(out).length ? out : /^\s*<\?php/.test(text) ? {} : environmentFileValues(text);
}
