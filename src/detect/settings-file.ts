// A settings file a process names on its command line (`gitea web --config /etc/gitea/app.ini`,
// `-c /etc/app/config.yml`, `--config /etc/x.toml`) outside the app's folder: an image built from
// the repository lacks it, so the container starts with no settings. When it holds secrets (a
// database password, tokens) it must not be baked into an image either: it becomes a secret file
// (inventory `secretFiles`, mounted from Secret Manager) and the command is pointed at the mount
// (image/process-argv.ts). Its database host is recorded so the plan can say what to change.
import path from "node:path";
import type { SecretFile } from "../inventory/schema.js";
import { flagValue } from "./process-rules.js";

/** Flags that name a settings file. */
const CONFIG_FLAGS = ["--config", "-c", "--config-file", "--configfile", "--conf"];
/** Formats of plain settings (not code such as gunicorn.conf.py or puma.rb, which the repository holds). */
const SETTINGS_EXT = /\.(ini|toml|ya?ml|json|conf|cfg)$/i;
/** A key that holds a secret's value (a user name alone does not). */
const SECRET_KEY = /(PASS(WORD|WD)?|SECRET|TOKEN|PRIVATE|CREDENTIAL|(^|_)(API_?)?KEY$)/i;
/** A value that is not the secret itself: empty, a reference to the environment, a placeholder. */
const NOT_A_VALUE = /^(|~|null|none|changeme|\$\{.*\}|%env\(.*\)%|<.*>)$/i;
/** Sections (INI, TOML) or top-level keys (YAML) that hold the database connection. */
const DATABASE_SECTION = /^(database|db|postgres(ql)?|mysql|datasource)$/i;
const HOST_VALUE = /^[A-Za-z0-9._:[\]/-]{1,200}$/;
/** Sections that set the app's own listener (Gitea's [server] HTTP_ADDR and HTTP_PORT). */
const SERVER_SECTION = /^(server|http|web|listen)$/i;
const ADDR_KEY = /^(HTTP_)?(ADDR|ADDRESS|HOST|BIND|LISTEN_ADDR(ESS)?)$/i;
const PORT_KEY = /^(HTTP_)?PORT$/i;

/** The absolute settings file a command names with --config, -c…, when it is one of plain settings. */
export function settingsFileOf(command: string | undefined): string | undefined {
  const file = flagValue((command ?? "").split(/\s+/), CONFIG_FLAGS);
  return file?.startsWith("/") && SETTINGS_EXT.test(file) ? path.posix.normalize(file) : undefined;
}

export interface SettingsSecrets {
  /** `section KEY` names of the settings that hold a secret (never their values). */
  secrets: string[];
  database?: { section: string; host?: string };
  /** The app's own listener as the file sets it: Cloud Run needs 0.0.0.0 and the port it sends to. */
  server?: { section: string; addrKey?: string; addr?: string; portKey?: string; port?: number };
}

/**
 * The secrets and the database section of an INI, TOML or YAML settings file: `[section]` headers
 * or unindented `name:` keys open a section, `KEY = value` and `key: value` lines set a value.
 */
export function settingsSecrets(text: string): SettingsSecrets {
  const secrets: string[] = [];
  let section = "";
  let database: SettingsSecrets["database"];
  let server: SettingsSecrets["server"];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\s+$/, "");
    if (!line.trim() || /^\s*[#;]/.test(line)) continue;
    const header = /^\s*\[+([^\]]+)\]+$/.exec(line) ?? /^([A-Za-z_][\w.-]*):$/.exec(line);
    if (header) {
      section = header[1]!.trim();
      if (DATABASE_SECTION.test(section)) database ??= { section };
      continue;
    }
    const pair = /^\s*"?([A-Za-z_][\w.-]*)"?\s*[=:]\s*(.*)$/.exec(line);
    if (!pair) continue;
    const key = pair[1]!;
    const value = pair[2]!
      .replace(/\s+[#;].*$/, "")
      .replace(/^(["'`])(.*)\1$/, "$2")
      .trim();
    if (SECRET_KEY.test(key) && !NOT_A_VALUE.test(value)) secrets.push(section ? `[${section}] ${key}` : key);
    if (database && section === database.section && /^host$/i.test(key) && HOST_VALUE.test(value))
      database.host ??= value;
    if (SERVER_SECTION.test(section) && (server === undefined || server.section === section)) {
      if (ADDR_KEY.test(key) && HOST_VALUE.test(value)) server = { section, ...server, addrKey: key, addr: value };
      if (PORT_KEY.test(key) && /^\d{1,5}$/.test(value))
        server = { section, ...server, portKey: key, port: Number(value) };
    }
  }
  return { secrets, ...(database ? { database } : {}), ...(server ? { server } : {}) };
}

/**
 * Each process's settings file outside the app's folders that holds a secret, as a secret file of
 * the processes that name it. `read` gives the file's text on the VM.
 */
export async function settingsSecretFiles(
  services: { name: string; command?: string }[],
  appDirs: string[],
  read: (file: string) => Promise<string | undefined>,
): Promise<{ file: SecretFile; secrets: string[] }[]> {
  const found = new Map<string, { file: SecretFile; secrets: string[] }>();
  for (const s of services) {
    const file = settingsFileOf(s.command);
    if (!file || !/^\/[A-Za-z0-9._@+/-]+$/.test(file)) continue;
    if (appDirs.some((d) => file.startsWith(`${d.replace(/\/+$/, "")}/`))) continue;
    const seen = found.get(file);
    if (seen) {
      seen.file.services = [...(seen.file.services ?? []), s.name];
      continue;
    }
    const text = await read(file);
    const facts = text ? settingsSecrets(text) : undefined;
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
