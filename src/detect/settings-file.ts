// A settings file a process names on its command line (`gitea web --config /etc/gitea/app.ini`,
// `-c /etc/app/config.yml`, `--config /etc/x.toml`) outside the app's folder: an image built from
// the repository lacks it, so the container starts with no settings. When it holds secrets (a
// database password, tokens) it must not be baked into an image either: it becomes a secret file
// (inventory `secretFiles`, mounted from Secret Manager) and the command is pointed at the mount
// (image/process-argv.ts). Its database host is recorded so the plan can say what to change.
import path from "node:path";
import { parse as parseYaml } from "yaml";
import type { SecretFile } from "../inventory/schema.js";
import { portOf } from "./command.js";
import { parseIni, type IniDialect, type Sections } from "./ini-settings.js";
import { flagValue } from "./process-rules.js";
import { javaSettings, javaSettingsFileOf } from "./java-settings.js";

/** Flags that name a settings file: the one list every reader of such a file finds it by. */
const CONFIG_FLAGS = ["--config", "-c", "--config-file", "--configfile", "--conf"];
/** Formats of plain settings (not code such as gunicorn.conf.py or puma.rb, which the repository holds). */
const SETTINGS_EXT = /\.(ini|toml|ya?ml|json|conf|cfg)$/i;
/** A key that holds a secret's value (a user name alone does not). */
const SECRET_KEY = /(PASS(WORD|WD)?|SECRET|TOKEN|PRIVATE|CREDENTIAL|(^|_)(API_?)?KEY$)/i;
/**
 * A value that is not the secret itself: empty, a reference to the environment, a placeholder
 * (`<password>`), but not the ssh read's `<redacted:vm>`, which stands for a value that was there.
 */
const NOT_A_VALUE = /^(|~|null|none|false|changeme|\$\{.*\}|%env\(.*\)%|<(?!redacted:[a-z]+>$).*>)$/i;
/** Sections (INI, TOML) or top-level keys (YAML) that hold the database connection. */
export const DATABASE_SECTION = /^(database|db|postgres(ql)?|mysql|datasource)$/i;
/** Connection keys with the database's prefix (`db_host`, `db_user`, `database_password`). */
const DB_PREFIXED_KEY = /^(db|database)_(host|port|user|username|password|name)$/i;
/** A value that sets nothing (Python configparser files write False or None for "not set"). */
const UNSET = /^(false|none|null)$/i;
export const HOST_VALUE = /^[A-Za-z0-9._:[\]/-]{1,200}$/;
/** Sections that set the app's own listener (Gitea's [server] HTTP_ADDR and HTTP_PORT). */
export const SERVER_SECTION = /^(server|http|web|listen)$/i;
export const ADDR_KEY = /^(HTTP_)?(ADDR|ADDRESS|HOST|BIND|LISTEN_ADDR(ESS)?)$/i;
export const PORT_KEY = /^(HTTP_)?PORT$/i;
/** A key of a port a process listens on (`http_port`, `gevent_port`), and one of another server's. */
export const OWN_PORT_KEY = /^([a-z]+[_.-])*port$/i;
export const CLIENT_PORT_KEY = /^(db|database|pg|postgres|mysql|redis|smtp|mail|email|ldap|cache|broker|amqp)[_.-]/i;

/** The settings file a command's words name with --config, -c… (as written: relative or absolute). */
export function settingsFileIn(words: readonly string[]): string | undefined {
  return flagValue([...words], CONFIG_FLAGS);
}

/** The absolute settings file a command names with --config, -c…, when it is one of plain settings. */
export function settingsFileOf(command: string | undefined): string | undefined {
  const file = settingsFileIn((command ?? "").split(/\s+/));
  return file?.startsWith("/") && SETTINGS_EXT.test(file) ? path.posix.normalize(file) : undefined;
}

/**
 * Whose INI rules a settings file follows: TOML by its name, else the reader of the program that
 * names it (a Go binary: go-ini, Gitea's app.ini; PHP: parse_ini_file; Python: configparser), else
 * app.ini is the Gitea family's and any other INI Python's configparser, the strictest (no inline
 * comments: a value is never cut short).
 */
export function iniDialect(file: string, runtime?: string): IniDialect {
  if (/\.toml$/i.test(file)) return "toml";
  if (runtime === "go") return "go-ini";
  if (runtime === "php") return "php";
  if (runtime === "python") return "configparser";
  return /(^|\/)app\.ini$/i.test(file) ? "go-ini" : "configparser";
}

/**
 * A settings file's sections, one parser per format: INI (and .conf/.cfg) and TOML's `[section]`
 * with `key = value` lines (parseIni, keys as written, values cut where the file's reader cuts
 * them: iniDialect), YAML and JSON with the `yaml` package (its top-level maps are the sections,
 * top-level scalars are in ""). Only scalar values are kept.
 */
export function readSettings(text: string, file = "", runtime?: string): Sections {
  if (!/\.(ya?ml|json)$/i.test(file) && (/\.(ini|toml|conf|cfg)$/i.test(file) || /^\s*\[[^\]]+\]\s*$/m.test(text)))
    return parseIni(text, { keepCase: true, dialect: iniDialect(file, runtime) });
  const sections: Sections = new Map([["", new Map()]]);
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch {
    return sections;
  }
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) return sections;
  const scalar = (v: unknown) =>
    typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? String(v) : v === null ? "" : undefined;
  for (const [key, value] of Object.entries(doc as Record<string, unknown>)) {
    if (value && typeof value === "object" && !Array.isArray(value)) {
      const section = new Map<string, string>();
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        const s = scalar(v);
        if (s !== undefined) section.set(k, s);
      }
      sections.set(key, section);
    } else {
      const s = scalar(value);
      if (s !== undefined) sections.get("")!.set(key, s);
    }
  }
  return sections;
}

/** A key whose value is the server's own `host:port` (listmonk's [app] address, a [server] listen_addr). */
const LISTEN_KEY = /^(http_?)?(listen_?)?(addr|address|bind(_?addr(ess)?)?)$|^listen$/i;
const HOST_PORT = /^(\[[0-9a-f:]*\]|[\w.-]*):(\d{1,5})$/i;

/**
 * The address a settings file the command names gives the server as one `host:port` value, in any
 * section (listmonk's config.toml `[app] address = "localhost:9000"`), with its section and key:
 * of several, the one `proxied` names, else the first. A bare host or port is not taken: it may be
 * another server's (a database's `host`).
 */
export function settingsFileListen(
  text: string,
  file = "",
  runtime?: string,
  proxied?: ReadonlySet<number>,
): { listen: string; section: string; key: string; value: string } | undefined {
  const found: { listen: string; section: string; key: string; value: string }[] = [];
  for (const [section, values] of readSettings(text, file, runtime)) {
    if (DATABASE_SECTION.test(section)) continue;
    for (const [key, raw] of values) {
      const value = raw.trim();
      const m = LISTEN_KEY.test(key) ? HOST_PORT.exec(value) : null;
      const port = Number(m?.[2]);
      if (!m || port < 1 || port > 65535) continue;
      const host =
        !m[1] || /^(\[::\]|0\.0\.0\.0|\*)$/.test(m[1]) ? "0.0.0.0" : /^localhost$/i.test(m[1]) ? "127.0.0.1" : m[1];
      found.push({ listen: `${host}:${port}`, section, key, value });
    }
  }
  return found.find((f) => proxied?.has(portOf(f.listen))) ?? found[0];
}

export interface SettingsSecrets {
  /** `section KEY` names of the settings that hold a secret (never their values). */
  secrets: string[];
  database?: { section: string; host?: string; urlKey?: string };
  /** The app's own listener as the file sets it: Cloud Run needs 0.0.0.0 and the port it sends to. */
  server?: { section: string; addrKey?: string; addr?: string; portKey?: string; port?: number };
}

/**
 * The secrets and the database section of a settings file (readSettings), and where the file sets
 * the app's listener: the keys from the file, the values from `listen`, the address the service
 * was found listening on (ini-settings.ts read it from the same file), when given.
 */
export function settingsSecrets(text: string, file = "", listen?: string, runtime?: string): SettingsSecrets {
  const secrets: string[] = [];
  let database: SettingsSecrets["database"];
  let server: SettingsSecrets["server"];
  for (const [section, values] of readSettings(text, file, runtime)) {
    if (DATABASE_SECTION.test(section)) database ??= { section };
    for (const [key, value] of values) {
      if (SECRET_KEY.test(key) && !NOT_A_VALUE.test(value)) secrets.push(section ? `[${section}] ${key}` : key);
      if (database?.section === section && /^host$/i.test(key) && HOST_VALUE.test(value)) database.host ??= value;
    }
    if (server || !SERVER_SECTION.test(section)) continue;
    const addrKey = [...values.keys()].find((k) => ADDR_KEY.test(k));
    const portKey = [...values.keys()].find((k) => PORT_KEY.test(k));
    if (!addrKey && !portKey) continue;
    const at = listen ? listen.lastIndexOf(":") : -1;
    const addr = at > 0 ? listen!.slice(0, at) : values.get(addrKey ?? "");
    const port = Number(at > 0 ? listen!.slice(at + 1) : values.get(portKey ?? ""));
    server = {
      section,
      ...(addrKey && addr && HOST_VALUE.test(addr) ? { addrKey, addr } : {}),
      ...(portKey && Number.isInteger(port) && port > 0 && port < 65536 ? { portKey, port } : {}),
    };
  }
  // No database section: the section whose keys name the connection with a prefix (Odoo's
  // [options] db_host, db_user, db_password; `db_host = False` is Odoo's "no host": the local socket).
  if (!database)
    for (const [section, values] of readSettings(text, file, runtime)) {
      const keys = [...values.keys()].filter((k) => DB_PREFIXED_KEY.test(k));
      if (keys.length < 2) continue;
      const hostKey = keys.find((k) => /host$/i.test(k));
      const host = hostKey ? values.get(hostKey)!.trim() : "";
      database = { section, ...(HOST_VALUE.test(host) && !UNSET.test(host) ? { host } : {}) };
      break;
    }
  // No server section: the key, in any section, whose bare port is the one the process listens on
  // (Odoo's [options] http_port = 8069; settings-data-dir.ts read its listeners from the same keys).
  const listenPort = listen ? Number(listen.slice(listen.lastIndexOf(":") + 1)) : undefined;
  if (!server && listenPort)
    for (const [section, values] of readSettings(text, file, runtime)) {
      if (server || DATABASE_SECTION.test(section)) continue;
      const portKey = [...values.keys()].find(
        (k) => OWN_PORT_KEY.test(k) && !CLIENT_PORT_KEY.test(k) && values.get(k)!.trim() === String(listenPort),
      );
      if (portKey) server = { section, portKey, port: listenPort };
    }
  // One `host:port` value sets both (listmonk's [app] address): the same key is the address and the port.
  const combined = server ? undefined : settingsFileListen(text, file, runtime);
  const at = listen ? listen.lastIndexOf(":") : -1;
  if (combined && (at < 0 || combined.listen.endsWith(listen!.slice(at)))) {
    const port = portOf(combined.listen);
    server = { section: combined.section, addrKey: combined.key, addr: combined.value, portKey: combined.key, port };
  }
  return { secrets, ...(database ? { database } : {}), ...(server ? { server } : {}) };
}

/**
 * Each process's settings file outside the app's folders that holds a secret, as a secret file of
 * the processes that name it. `read` gives the file's text on the VM.
 */
export async function settingsSecretFiles(
  services: { name: string; command?: string; listen?: string[]; runtime?: string; workingDir?: string }[],
  appDirs: string[],
  read: (file: string) => Promise<string | undefined>,
): Promise<{ file: SecretFile; secrets: string[] }[]> {
  const found = new Map<string, { file: SecretFile; secrets: string[] }>();
  for (const s of services) {
    // A JVM app's properties file (java-settings.ts) holds passwords wherever it sits: the image,
    // built from the repository, must not carry the VM's copy even from the app's own folder.
    const java = settingsFileOf(s.command) ? undefined : javaSettingsFileOf(s.command, s.workingDir);
    const file = settingsFileOf(s.command) ?? java;
    if (!file || !/^\/[A-Za-z0-9._@+/-]+$/.test(file)) continue;
    if (!java && appDirs.some((d) => file.startsWith(`${d.replace(/\/+$/, "")}/`))) continue;
    const seen = found.get(file);
    if (seen) {
      seen.file.services = [...(seen.file.services ?? []), s.name];
      continue;
    }
    const text = await read(file);
    // The listener is the service's, as detected from the same file (ini-settings.ts), not read again.
    const facts: SettingsSecrets | undefined = text
      ? java
        ? javaSettings(text)
        : settingsSecrets(text, file, s.listen?.[0], s.runtime)
      : undefined;
    if (!facts?.secrets.length) continue;
    found.set(file, {
      file: {
        path: file,
        services: [s.name],
        ...(facts.database ? { database: facts.database } : {}),
        ...(facts.server ? { server: facts.server } : {}),
      },
      secrets: facts.secrets,
    });
  }
  return [...found.values()];
}

/** A URL that carries a password (`postgres://user:pass@host/db`): the whole value is a secret. */
const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/:@\s]*:[^@\s]+@/i;
/** A JSON section's key that holds the database connection as a URL (Mattermost's SqlSettings.DataSource). */
const DSN_KEY = /^(data_?source|dsn|(database_?|db_?)?url|connection_?string)$/i;
const DSN_SECTION = /^(sql|database|db|datasource)(_?settings)?$/i;

/**
 * A JSON settings file the app reads from its own folder (json-settings.ts: Mattermost's
 * config/config.json, nconf's config.production.json), as flattened `Section__Key` values, when it
 * holds a secret: a secret key's value, or a URL with a password. Its database section is the one
 * whose connection URL names the host. The file is not in the repository (it lives on the VM beside
 * the app): like a settings file a command names, it becomes a secret file of the processes run
 * from that folder, and the app reads its database there, not from a DATABASE_URL.
 */
export function jsonSettingsSecrets(values: Record<string, string>): Pick<SettingsSecrets, "secrets" | "database"> {
  const secrets: string[] = [];
  let database: SettingsSecrets["database"];
  for (const [key, value] of Object.entries(values)) {
    const parts = key.split("__");
    const last = parts[parts.length - 1]!;
    const section = parts.length > 1 ? parts[0]! : "";
    const name = section ? `[${section}] ${parts.slice(1).join(".")}` : last;
    if ((SECRET_KEY.test(last) && !NOT_A_VALUE.test(value)) || URL_WITH_PASSWORD.test(value)) secrets.push(name);
    if (
      !database &&
      section &&
      DSN_SECTION.test(section) &&
      DSN_KEY.test(last) &&
      /^[a-z][a-z0-9+.-]*:\/\//i.test(value)
    ) {
      const host = /^[^:]+:\/\/(?:[^@/]*@)?([^/?#]+)/.exec(value)?.[1];
      database = { section, ...(host && HOST_VALUE.test(host) ? { host } : {}) };
    }
  }
  return { secrets, ...(database ? { database } : {}) };
}
