// What a settings file the process names (`odoo --config /etc/odoo/odoo.conf`) says beyond a
// `host:port` value (settings-file.ts settingsFileListen): the bare ports it serves on, one key
// each (Odoo's [options] http_port = 8069 and gevent_port = 8072, its HTTP workers and its
// websocket worker), and the data folder it keeps its state in (Odoo's data_dir), whose subfolders
// on the VM say what is in it: user files (Odoo's filestore/, the attachments), session files
// (sessions/), code installed at run time (addons/), or what the app makes again (logs, caches).
// https://www.odoo.com/documentation/18.0/administration/on_premise/deploy.html ("LiveChat")
import path from "node:path";
import type { SessionStore, Storage } from "../inventory/schema.js";
import { CLIENT_PORT_KEY, DATABASE_SECTION, OWN_PORT_KEY as PORT_KEY, readSettings } from "./settings-file.js";
import { CODE_LIKE, NOT_USER_FILES } from "./storage-split.js";

/** A key whose value is the app's data folder (Odoo's data_dir, pretix's datadir). */
const DATA_DIR_KEY = /^(data[_-]?dir|data[_-]?path|data[_-]?root)$/i;
const FOLDER = /^\/[A-Za-z0-9._@+/-]{1,400}$/;
const SESSIONS = /^sessions?$/;

/**
 * The ports a settings file gives the process as bare numbers under a port key, that `proxied`
 * (the ports the VM's proxy sends to) names: a port no proxy reaches may be another server's.
 */
export function settingsFilePorts(
  text: string,
  file: string,
  runtime: string | undefined,
  proxied: ReadonlySet<number>,
) {
  const out: { port: number; section: string; key: string }[] = [];
  for (const [section, values] of readSettings(text, file, runtime)) {
    if (DATABASE_SECTION.test(section)) continue;
    for (const [key, raw] of values) {
      if (!PORT_KEY.test(key) || CLIENT_PORT_KEY.test(key) || !/^\d{1,5}$/.test(raw.trim())) continue;
      const port = Number(raw.trim());
      if (proxied.has(port) && !out.some((o) => o.port === port)) out.push({ port, section, key });
    }
  }
  return out;
}

/** The data folder a settings file names (an absolute path under a data-folder key), with its key. */
export function settingsDataDir(
  text: string,
  file: string,
  runtime?: string,
): { key: string; path: string } | undefined {
  for (const [, values] of readSettings(text, file, runtime))
    for (const [key, raw] of values) {
      const value = raw.trim().replace(/\/+$/, "");
      if (DATA_DIR_KEY.test(key) && FOLDER.test(value)) return { key, path: path.posix.normalize(value) };
    }
  return undefined;
}

/** A key that starts cron workers inside the process (Odoo's max_cron_threads), with a count. */
const CRON_WORKERS_KEY = /^(max_)?cron_?(threads|workers|processes)$/i;

/**
 * Why the process runs scheduled jobs inside itself, when its settings file starts cron workers
 * there (Odoo's `max_cron_threads = 1`: the multi-processing server forks that many cron workers
 * beside its HTTP workers, which run the scheduled actions): no crontab or timer on the VM runs them.
 */
export function settingsCronWorkers(text: string, file: string, runtime?: string): string | undefined {
  for (const [section, values] of readSettings(text, file, runtime))
    for (const [key, raw] of values) {
      const count = Number(raw.trim());
      if (CRON_WORKERS_KEY.test(key) && Number.isInteger(count) && count > 0)
        return `${path.posix.basename(file)}'s ${section ? `[${section}] ` : ""}${key} = ${count}: its scheduled jobs run on cron workers inside this process, not from a crontab or a timer`;
    }
  return undefined;
}

export interface DataDirFacts {
  /** Its folders of user files: each subfolder that is none of the others, or the folder itself. */
  folders: Storage[];
  /** Sessions kept as files in its sessions/ subfolder. */
  sessionStore?: SessionStore;
}

/**
 * The data folder sorted by its subfolders on the VM (`subfolders`: their names, undefined when it
 * could not be read): sessions/ holds session files, code-like names (addons/) code installed at
 * run time, logs and caches what the app makes again; every other subfolder holds user files.
 * With no subfolder read, the whole folder is taken as user files.
 */
export function dataDirFacts(
  dir: { key: string; path: string },
  file: string,
  subfolders: string[] | undefined,
): DataDirFacts {
  const purpose = (sub?: string) => `${sub ? `${sub}/ in ` : ""}${dir.key} in ${path.posix.basename(file)}`;
  const names = (subfolders ?? []).filter((n) => /^[A-Za-z0-9._@+-]{1,100}$/.test(n) && !n.startsWith("."));
  const sessions = names.some((n) => SESSIONS.test(n));
  const user = names.filter((n) => !SESSIONS.test(n) && !CODE_LIKE.test(n) && !NOT_USER_FILES.test(n));
  const folders: Storage[] = names.length
    ? user.map((n) => ({
        path: `${dir.path}/${n}`,
        purpose: purpose(n),
        absoluteSetting: true as const,
        dataDir: dir.path,
      }))
    : [{ path: dir.path, purpose: purpose(), absoluteSetting: true as const }];
  return { folders, ...(sessions ? { sessionStore: "file" as const } : {}) };
}
