// JSON settings an app reads at start from its working directory: nconf's `config.<env>.json`
// (Ghost reads config.production.json from process.cwd(), which ghost-cli writes with the site's
// URL, port, database and mail: github.com/TryGhost/Ghost ghost/core/core/shared/config/loader.js).
// nconf reads the environment ahead of the file, a nested key's parts joined by two underscores
// (`database__connection__host`, same name and case as the option): ghost.org/docs/config
// "Running Ghost with config env variables". Values are read for ports, engines and folders only.

import { parseMaskedJson } from "./masked-json.js";

/** The production settings file of a per-environment JSON config (nconf, Ghost). */
export const JSON_SETTINGS = /^config\.(production|prod)\.json$/;
/** nconf's separator for nested keys in environment variable names. */
export const NCONF_SEPARATOR = "__";

/**
 * Nested keys joined by `__`, each to its value as text (an array or an empty object as JSON, the
 * way nconf's parseValues reads it back); undefined when the text is not a JSON object.
 */
export function flattenSettings(text: string): Record<string, string> | undefined {
  const doc = parseMaskedJson(text);
  if (!isObject(doc)) return undefined;
  const out: Record<string, string> = {};
  const visit = (value: unknown, key: string) => {
    if (isObject(value) && Object.keys(value).length) {
      for (const [k, v] of Object.entries(value)) visit(v, key ? `${key}${NCONF_SEPARATOR}${k}` : k);
    } else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      out[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
  };
  visit(doc, "");
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The address a server's JSON settings bind: `server.host`/`server.port` (Ghost), else `host`/`port`. */
export function settingsListen(values: Record<string, string>): string | undefined {
  for (const prefix of [`server${NCONF_SEPARATOR}`, ""]) {
    const port = Number(values[`${prefix}port`]);
    if (!Number.isInteger(port) || port < 1 || port > 65535) continue;
    const host = values[`${prefix}host`];
    return `${host && /^[\w.:-]+$/.test(host) ? (host === "::" ? "0.0.0.0" : host) : "127.0.0.1"}:${port}`;
  }
  return undefined;
}

/**
 * Folders of user content the settings name by an absolute path (`paths.contentPath`: Ghost keeps
 * uploaded images, media, files, themes and routes.yaml there; docs "Configuration", paths).
 */
export function settingsFolders(values: Record<string, string>): { key: string; path: string }[] {
  return Object.entries(values)
    .filter(
      ([key, value]) =>
        /(^|_)(content|uploads?|media|files|storage)(Path|Dir|Root|Folder)$/i.test(key) && value.startsWith("/"),
    )
    .map(([key, value]) => ({ key, path: value.replace(/\/+$/, "") }));
}
