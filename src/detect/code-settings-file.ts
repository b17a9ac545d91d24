// A settings file the app's own code reads from a fixed path under /etc, named on no command line:
// pretix's settings.py reads `/etc/pretix/pretix.cfg` (configparser), Sentry and Zulip theirs the
// same way. An image built from the repository lacks the VM's copy, so the container would start
// on the code's fallbacks (pretix: SQLite in its data folder, no Redis, tasks run inline). When it
// holds a secret or the database connection, it becomes a secret file of the app's processes,
// mounted at the same path (design/rules/secret-files.ts), whose database section the plan edits.
import type { SecretFile, StoreUse } from "../inventory/schema.js";
import { readSettings, settingsSecrets } from "./settings-file.js";

/** A quoted absolute path under /etc to a file of plain settings, as code writes it. */
const QUOTED_SETTINGS_PATH =
  /["'](\/etc\/[A-Za-z0-9._@+-]+(?:\/[A-Za-z0-9._@+-]+)*\.(?:ini|toml|ya?ml|json|conf|cfg))["']/g;
/** The system's own settings, which an app's code may mention but never reads as its own. */
const SYSTEM_FOLDERS =
  /^\/etc\/(nginx|apache2|httpd|ssl|ssh|systemd|supervisor|redis|postgresql|mysql|php|default|cron\.d|letsencrypt)\//;
/** Code files whose literals are read: the app's settings modules (app-context.ts keeps them). */
const CODE_FILE = /\.(py|rb|php|js|ts)$/;
/** The runtime that runs a code file, so only that runtime's processes are said to read it. */
const RUNTIME_OF: Record<string, string> = { py: "python", rb: "ruby", php: "php", js: "node", ts: "node" };

export interface CodeSettingsFile {
  file: SecretFile;
  /** The code file that names it (repository-relative). */
  namedIn: string;
  secrets: string[];
  /** What the file points at Redis for (its values, never written out). */
  redisUses: StoreUse[];
}

const REDIS_URL = /^rediss?:\/\//i;
const TRUE = /^(true|1|yes|on)$/i;

/**
 * The Redis uses a settings file's values name: a Redis URL under a broker key or section
 * (pretix's [celery] broker) is the task broker, under a result backend (its [celery] backend) the
 * results store, under a session or cache key the session store or cache; a `sessions = true`
 * switch in a [redis] section keeps sessions there (pretix's [redis] sessions=true).
 */
export function settingsRedisUses(text: string, file: string, runtime?: string): StoreUse[] {
  const uses = new Set<StoreUse>();
  for (const [section, values] of readSettings(text, file, runtime))
    for (const [key, value] of values) {
      const where = `${section} ${key}`.toLowerCase();
      if (/^redis$/i.test(section) && /^sessions?$/i.test(key) && TRUE.test(value.trim())) uses.add("sessions");
      if (!REDIS_URL.test(value.trim())) continue;
      if (/broker/.test(where)) uses.add("broker");
      else if (/result|(celery|task)\w* \w*backend/.test(where)) uses.add("results");
      else if (/session/.test(where)) uses.add("sessions");
      else if (/cache/.test(where)) uses.add("cache");
    }
  return [...uses];
}

/**
 * The settings of a file whose value is one of the VM's folders of user files or a folder holding
 * one (`datadir=/var/pretix/data`, whose media/ is the uploads folder), as written.
 */
export function folderSettings(
  text: string,
  file: string,
  runtime: string | undefined,
  storagePaths: string[],
): { section: string; key: string; value: string }[] {
  const out: { section: string; key: string; value: string }[] = [];
  for (const [section, values] of readSettings(text, file, runtime))
    for (const [key, raw] of values) {
      const value = raw.trim().replace(/\/+$/, "");
      if (!/^\/[A-Za-z0-9._@+/-]+$/.test(value)) continue;
      if (storagePaths.some((p) => p.replace(/\/+$/, "") === value || p.startsWith(`${value}/`)))
        out.push({ section, key, value });
    }
  return out.slice(0, 20);
}

/** The settings of a file that hold a Redis URL (pretix's [redis] location, [celery] broker). */
export function redisSettings(text: string, file: string, runtime?: string): { section: string; key: string }[] {
  const out: { section: string; key: string }[] = [];
  for (const [section, values] of readSettings(text, file, runtime))
    for (const [key, value] of values) if (REDIS_URL.test(value.trim())) out.push({ section, key });
  return out.slice(0, 20);
}

/** The absolute settings paths a code text names, in order, each once. */
export function settingsPathsInCode(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(QUOTED_SETTINGS_PATH)) {
    const file = m[1]!;
    if (!SYSTEM_FOLDERS.test(file) && !file.includes("..") && !found.includes(file)) found.push(file);
  }
  return found;
}

/**
 * The settings files the app's code reads at a fixed path that exist on the VM and hold a secret or
 * the database connection, as secret files of the processes of the code's runtime. `read` gives a
 * file's text on the VM (undefined when it is not there).
 */
export async function codeSettingsFiles(
  codeTexts: { file: string; text: string }[],
  services: { name: string; runtime?: string }[],
  read: (file: string) => Promise<string | undefined>,
  storagePaths: string[] = [],
): Promise<CodeSettingsFile[]> {
  const out: CodeSettingsFile[] = [];
  for (const { file: code, text } of codeTexts) {
    if (!CODE_FILE.test(code)) continue;
    const runtime = RUNTIME_OF[code.slice(code.lastIndexOf(".") + 1)]!;
    const readers = services.filter((s) => s.runtime === runtime).map((s) => s.name);
    if (readers.length === 0) continue;
    for (const path of settingsPathsInCode(text)) {
      if (out.some((f) => f.file.path === path)) continue;
      const settings = await read(path);
      if (!settings?.trim()) continue;
      const facts = settingsSecrets(settings, path, undefined, runtime);
      // A file of no secret and no database (a feature flag list) can ship as plain config instead.
      if (!facts.secrets.length && !facts.database) continue;
      const paths = folderSettings(settings, path, runtime, storagePaths);
      const redis = redisSettings(settings, path, runtime);
      out.push({
        file: {
          path,
          services: readers,
          ...(facts.database ? { database: facts.database } : {}),
          ...(paths.length ? { paths } : {}),
          ...(redis.length ? { redis } : {}),
        },
        namedIn: code,
        secrets: facts.secrets,
        redisUses: settingsRedisUses(settings, path, runtime),
      });
    }
  }
  return out;
}
