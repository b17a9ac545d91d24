// An app binary's INI settings file named on its command line (`gitea web --config
// /etc/gitea/app.ini`; Gogs and Forgejo read the same app.ini): where it listens, the non-HTTP
// listener it starts itself (a built-in SSH server for git: raw TCP), where it keeps sessions, and
// the data folders it writes. https://docs.gitea.com/administration/config-cheat-sheet
import path from "node:path";
import type { SessionStore, Storage } from "../inventory/schema.js";
import { toListen } from "./process-rules.js";
import type { InPlace } from "./storage-in-place.js";

export interface IniFacts {
  /** The HTTP listener first, then any other the process opens. */
  listen: string[];
  /** A listener that is not HTTP (the built-in SSH server). */
  rawTcp?: string;
  sessionStore?: SessionStore;
  folders: Storage[];
  /** Why one process only may run (its queues are LevelDB files on this disk). */
  singleInstance?: string;
}

export type Sections = Map<string, Map<string, string>>;

/**
 * Whose rules a `key = value` file follows, which decide where a value ends:
 *   go-ini (Gitea, Gogs, Forgejo's app.ini): a `#` or `;` anywhere starts a comment unless the
 *     value is quoted with backticks or `"""` (docs.gitea.com config cheat sheet; go-ini's default);
 *   toml: a `#` outside a quoted string (toml.io/en/v1.0.0#comment);
 *   php (parse_ini_file): a `;` outside double quotes (`#` comments are gone since PHP 7.0);
 *   configparser (Python's default): no inline comments at all, a whole line only
 *     (docs.python.org/3/library/configparser.html, inline_comment_prefixes=None), `:` or `=`.
 */
export type IniDialect = "go-ini" | "toml" | "php" | "configparser";

/** The value of a `key = value` line (the text after the delimiter), by the dialect's rules. */
export function iniValue(raw: string, dialect: IniDialect): string {
  const v = raw.trim();
  if (dialect === "configparser") return v;
  if (dialect === "go-ini") {
    const quoted = /^`([^`]*)`|^"""(.*?)"""/.exec(v);
    if (quoted) return quoted[1] ?? quoted[2]!;
    return v
      .replace(/[#;].*$/, "")
      .trim()
      .replace(/^(["'])(.*)\1$/, "$2");
  }
  if (dialect === "toml") {
    const quoted = /^"((?:[^"\\]|\\.)*)"|^'([^']*)'/.exec(v);
    if (quoted) return quoted[1] ?? quoted[2]!;
    return v.replace(/#.*$/, "").trim();
  }
  // PHP: double quotes keep a `;`; outside them it starts a comment.
  const quoted = /^"([^"]*)"/.exec(v);
  if (quoted) return quoted[1]!;
  return v
    .replace(/;.*$/, "")
    .trim()
    .replace(/^'(.*)'$/, "$1");
}

/**
 * `[section]` and `KEY = value` lines (INI, and TOML's plain tables); keys before the first section
 * are in "". Section names are lower case; keys upper case (Gitea's) unless `keepCase`. Values end
 * where the dialect says (go-ini unless told).
 */
export function parseIni(text: string, options: { keepCase?: boolean; dialect?: IniDialect } = {}): Sections {
  const dialect = options.dialect ?? "go-ini";
  const sections: Sections = new Map([["", new Map()]]);
  let current = sections.get("")!;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith(";") || line.startsWith("#")) continue;
    // A header may be followed by a comment; `[[table]]` (a TOML array of tables) is not a section.
    const header = /^\[([^\]]+)\]\s*([#;].*)?$/.exec(line);
    if (header) {
      const name = header[1]!.trim().toLowerCase();
      current = sections.get(name) ?? new Map();
      sections.set(name, current);
      continue;
    }
    const pair = (dialect === "configparser" ? /^([\w.-]+)\s*[=:]\s*(.*)$/ : /^([\w.-]+)\s*=\s*(.*)$/).exec(line);
    if (!pair) continue;
    current.set(options.keepCase ? pair[1]! : pair[1]!.toUpperCase(), iniValue(pair[2]!, dialect));
  }
  return sections;
}

const TRUE = /^(true|1|yes|on)$/i;
/** [session] PROVIDER → where sessions live (file and memory stay in one instance). */
const SESSION_PROVIDERS: Record<string, SessionStore> = {
  file: "file",
  memory: "memory",
  redis: "redis",
  memcache: "memcached",
  db: "database",
  mysql: "database",
  postgres: "database",
  couchbase: "database",
};
/** Sections whose absolute PATH/ROOT (or *_UPLOAD_PATH) is a folder of the app's user data. */
const DATA_SECTIONS: [string, RegExp][] = [
  ["repository", /^ROOT$/],
  ["lfs", /^PATH$/],
  ["attachment", /^PATH$/],
  ["picture", /^(AVATAR|REPOSITORY_AVATAR)_UPLOAD_PATH$/],
  ["packages", /^PATH$/],
];

function host(value: string | undefined): string {
  return !value || value === "::" || value === "[::]" || value === "*" ? "0.0.0.0" : value;
}

/** What a process's app.ini says, or undefined when the file has no [server] section. */
export function iniFacts(text: string): IniFacts | undefined {
  const ini = parseIni(text);
  const server = ini.get("server");
  if (!server) return undefined;
  const listen: string[] = [];
  const protocol = (server.get("PROTOCOL") ?? "http").toLowerCase();
  const httpPort = server.get("HTTP_PORT");
  // A unix socket (PROTOCOL = http+unix) has no port: nothing to listen on.
  const http = httpPort && !protocol.includes("unix") ? toListen(httpPort, host(server.get("HTTP_ADDR"))) : undefined;
  if (http) listen.push(http);
  let rawTcp: string | undefined;
  if (TRUE.test(server.get("START_SSH_SERVER") ?? "") && !TRUE.test(server.get("DISABLE_SSH") ?? "")) {
    const port = server.get("SSH_LISTEN_PORT") || server.get("SSH_PORT") || "22";
    rawTcp = toListen(port, host(server.get("SSH_LISTEN_HOST")));
    if (rawTcp) listen.push(rawTcp);
  }
  const provider = ini.get("session")?.get("PROVIDER")?.toLowerCase();
  const sessionStore = provider ? SESSION_PROVIDERS[provider] : undefined;
  return {
    listen,
    ...(rawTcp ? { rawTcp } : {}),
    ...(sessionStore ? { sessionStore } : {}),
    folders: dataFolders(ini),
    ...singleInstance(ini),
  };
}

/**
 * [queue] TYPE: `level` (the default) keeps the queues in LevelDB files under APP_DATA_PATH, which
 * one process holds open (LevelDB's LOCK file); `redis` shares them. The [cron.*] tasks run in the
 * same process (docs.gitea.com, "Config Cheat Sheet", [queue]).
 */
function singleInstance(ini: Sections): { singleInstance?: string } {
  const type = (ini.get("queue")?.get("TYPE") ?? "level").toLowerCase();
  if (!["level", "leveldb", "persistable-channel"].includes(type)) return {};
  return {
    singleInstance: `app.ini's [queue] TYPE is ${type}${ini.get("queue")?.has("TYPE") ? "" : " (the default)"}: its queues are LevelDB files under APP_DATA_PATH that one process holds open, and its [cron] tasks run inside the same process`,
  };
}

/** An absolute folder, or a relative one under `base` (Gitea makes relative paths absolute against APP_DATA_PATH). */
function absolute(value: string | undefined, base: string | undefined): string | undefined {
  if (!value) return undefined;
  if (value.startsWith("/")) return path.posix.normalize(value).replace(/\/+$/, "");
  return base ? path.posix.join(base, value).replace(/\/+$/, "") : undefined;
}

/**
 * What app.ini keeps in place, written under locks (storage-in-place.ts): the git repositories
 * ([repository] ROOT, by default APP_DATA_PATH/gitea-repositories), the LevelDB queues ([queue]
 * DATADIR, queues/), the bleve indexes ([indexer] ISSUE_INDEXER_PATH indexers/issues.bleve, and
 * the code index when REPO_INDEXER_ENABLED) and a SQLite database ([database] PATH).
 * https://docs.gitea.com/administration/config-cheat-sheet
 */
function inPlaceFolders(ini: Sections): { path: string; kind: InPlace["kind"]; purpose: string }[] {
  const data = absolute(ini.get("server")?.get("APP_DATA_PATH"), undefined);
  const out: { path: string; kind: InPlace["kind"]; purpose: string }[] = [];
  const add = (value: string | undefined, kind: InPlace["kind"], purpose: string) => {
    const folder = absolute(value, data);
    if (folder) out.push({ path: folder, kind, purpose });
  };
  add(
    ini.get("repository")?.get("ROOT") ?? "gitea-repositories",
    "git",
    "git repositories ([repository] ROOT in app.ini)",
  );
  const queue = ini.get("queue");
  if (singleInstance(ini).singleInstance)
    add(queue?.get("DATADIR") ?? "queues", "index", "LevelDB queues ([queue] in app.ini)");
  const indexer = ini.get("indexer");
  if (/^bleve$/i.test(indexer?.get("ISSUE_INDEXER_TYPE") ?? "bleve"))
    add(
      indexer?.get("ISSUE_INDEXER_PATH") ?? "indexers/issues.bleve",
      "index",
      "bleve issue index ([indexer] in app.ini)",
    );
  if (
    TRUE.test(indexer?.get("REPO_INDEXER_ENABLED") ?? "") &&
    /^bleve$/i.test(indexer?.get("REPO_INDEXER_TYPE") ?? "bleve")
  )
    add(
      indexer?.get("REPO_INDEXER_PATH") ?? "indexers/repos.bleve",
      "index",
      "bleve code index ([indexer] in app.ini)",
    );
  const database = ini.get("database");
  if (/^sqlite3?$/i.test(database?.get("DB_TYPE") ?? ""))
    add(database?.get("PATH") ?? "gitea.db", "sqlite", "SQLite database ([database] PATH in app.ini)");
  return out;
}

/** APP_DATA_PATH (repositories, LFS, attachments, avatars by default), then the folders set outside it. */
function dataFolders(ini: Sections): Storage[] {
  const folders: Storage[] = [];
  const add = (value: string | undefined, purpose: string) => {
    if (!value?.startsWith("/")) return;
    const folder = path.posix.normalize(value).replace(/\/+$/, "");
    if (folders.some((f) => folder === f.path || folder.startsWith(`${f.path}/`))) return;
    folders.push({ path: folder, purpose });
  };
  add(ini.get("server")?.get("APP_DATA_PATH"), "the app's data folder (APP_DATA_PATH in app.ini)");
  for (const [name, key] of DATA_SECTIONS) {
    const section = ini.get(name);
    // A section stored in a bucket (STORAGE_TYPE = minio, azureblob) keeps nothing on this disk.
    if (!section || /minio|azure/i.test(section.get("STORAGE_TYPE") ?? "")) continue;
    for (const [k, v] of section) if (key.test(k)) add(v, `${name} ${k} in app.ini`);
  }
  // Each folder written in place is marked in the data folder that holds it, or is a folder of its own.
  for (const p of inPlaceFolders(ini)) {
    const home = folders.find((f) => p.path === f.path || p.path.startsWith(`${f.path}/`));
    const entry = { path: home && home.path !== p.path ? p.path.slice(home.path.length + 1) : ".", kind: p.kind };
    if (home) home.inPlace = [...(home.inPlace ?? []), entry];
    else if (p.kind !== "sqlite") folders.push({ path: p.path, purpose: p.purpose, inPlace: [entry] });
  }
  return folders;
}
