// JSON settings an app reads at start from its working directory: nconf's `config.<env>.json`
// (Ghost reads config.production.json from process.cwd(), which ghost-cli writes with the site's
// URL, port, database and mail: github.com/TryGhost/Ghost ghost/core/core/shared/config/loader.js).
// nconf reads the environment ahead of the file, a nested key's parts joined by two underscores
// (`database__connection__host`, same name and case as the option): ghost.org/docs/config
// "Running Ghost with config env variables". Values are read for ports, engines and folders only.

import { parseMaskedJson } from "./masked-json.js";
import { portOf } from "../inventory/listen.js";

/** The production settings file of a per-environment JSON config (nconf, Ghost). */
export const JSON_SETTINGS = /^config\.(production|prod)\.json$/;
/**
 * Or one settings file in the folder's config/ (Mattermost reads config/config.json from its working
 * directory unless MM_CONFIG names another source: docs.mattermost.com "Configuration settings").
 */
const CONFIG_DIR_JSON = /^config\/config\.json$/;

/** A JSON settings file the app reads, by its path inside the app's folder. */
export const isJsonSettingsFile = (file: string): boolean => JSON_SETTINGS.test(file) || CONFIG_DIR_JSON.test(file);
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

/**
 * The address a server's JSON settings bind: `server.host`/`server.port` (Ghost), else `host`/`port`,
 * else a section's `ListenAddress` (Mattermost's ServiceSettings.ListenAddress ":8065"); of several
 * such addresses (its MetricsSettings.ListenAddress too), the one `proxied` names, else the first.
 */
export function settingsListen(values: Record<string, string>, proxied?: ReadonlySet<number>): string | undefined {
  for (const prefix of [`server${NCONF_SEPARATOR}`, ""]) {
    const port = Number(values[`${prefix}port`]);
    if (!Number.isInteger(port) || port < 1 || port > 65535) continue;
    const host = values[`${prefix}host`];
    return `${host && /^[\w.:-]+$/.test(host) ? (host === "::" ? "0.0.0.0" : host) : "127.0.0.1"}:${port}`;
  }
  const addresses = Object.entries(values)
    .filter(([key]) => /(^|__)Listen_?Addr(ess)?$/i.test(key))
    .map(([, value]) => /^(\[[0-9a-f:]*\]|[\w.-]*):(\d{1,5})$/i.exec(value.trim()))
    .filter((m): m is RegExpExecArray => Boolean(m) && Number(m![2]) >= 1 && Number(m![2]) <= 65535)
    .map((m) => `${!m[1] || /^(\[::\]|0\.0\.0\.0|\*)$/.test(m[1]) ? "0.0.0.0" : m[1]}:${Number(m[2])}`);
  return addresses.find((a) => proxied?.has(portOf(a))) ?? addresses[0];
}

/**
 * Folders of user content the settings name by an absolute path (`paths.contentPath`: Ghost keeps
 * uploaded images, media, files, themes and routes.yaml there; docs "Configuration", paths).
 */
export function settingsFolders(
  values: Record<string, string>,
  base?: string,
): { key: string; path: string; absolute: boolean }[] {
  return Object.entries(values)
    .filter(([key]) => FOLDER_KEY.test(key) || SECTION_FOLDER_KEY.test(key))
    .filter(([key]) => /^(|local|file|files|filesystem)$/i.test(values[key.replace(/[^_]+$/, "DriverName")] ?? ""))
    .map(([key, value]) => ({ key, path: absolute(value, base), absolute: value.startsWith("/") }))
    .filter((f): f is { key: string; path: string; absolute: boolean } => Boolean(f.path));
}

const FOLDER_KEY = /(^|_)(content|uploads?|media|files|storage)(Path|Dir|Root|Folder)$/i;
/**
 * A files section's folder (Mattermost's FileSettings.Directory "./data/", used while its DriverName
 * is "local": the files users post; docs.mattermost.com "File storage configuration settings").
 */
const SECTION_FOLDER_KEY =
  /(^|_)(content|uploads?|media|files?|storage)(Settings)?__(Directory|Dir|Path|Root|Folder)$/i;

/** An absolute path as it is, a relative one (`./data/`) from `base`, the app's folder; else none. */
function absolute(value: string, base: string | undefined): string | undefined {
  if (value.startsWith("/")) return value.replace(/\/+$/, "");
  if (!base?.startsWith("/") || !/^(\.\/)?[\w.-]+(\/[\w.-]+)*\/?$/.test(value) || value.startsWith(".."))
    return undefined;
  return `${base.replace(/\/+$/, "")}/${value.replace(/^\.\//, "").replace(/\/+$/, "")}`;
}
