// Where an app configured by a file reads its database settings, when the VM's environment has
// none: the names its own config files read (paperless.conf's PAPERLESS_DB*, Laravel's
// config/database.php env('DB_HOST'), Rails' database.yml ENV['…']), so the deploy sets those
// names (a dotenv-style loader keeps a variable the environment already has: python-dotenv's
// load_dotenv, Laravel's immutable Dotenv), or, for settings written into a Python file as
// literals (NetBox's configuration.py DATABASE(S) dict), the exact edit that reads them from the
// environment. Without this the design hands such an app a DATABASE_URL it never reads.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { databaseSettingRole } from "../../../contracts/database-settings.js";

export interface ConfigFileDatabase {
  /** The file, relative to the repository, that holds the settings today. */
  file: string;
  /** Database setting names the app reads from the environment (after the edit, for `python-dict`). */
  names: string[];
  kind: "env" | "python-dict" | "php-define";
  /** For `python-dict`: the dict to edit, DATABASES['default'] (Django) or DATABASE (older NetBox). */
  dict?: string;
}

/** Env-style files an app loads (or documents) at its root; test and CI variants are not production's. */
const ENV_FILE =
  /^(\.env|\.env\.(example|sample|dist|production|prod)|[a-z0-9_-]+\.(env|conf)(\.example|\.sample|\.dist)?)$/i;
const TEST_FILE = /test|ci\b|dev/i;
/** `NAME=` lines, also commented-out ones (an example file documents the names it reads). */
const ENV_LINE = /^\s*#?\s*(?:export\s+)?([A-Z][A-Z0-9_]*)=/gm;
/** Settings code that reads the environment by name, per framework. */
const READERS: Array<[string, RegExp]> = [
  ["config/database.php", /\benv\(\s*['"]([A-Z][A-Z0-9_]*)['"]/g],
  ["config/database.yml", /\bENV(?:\[|\.fetch\(\s*)\s*['"]([A-Z][A-Z0-9_]*)['"]/g],
];
/**
 * A Node app's own config modules (`config/*.js` at the root or in lib/, src/, server/, app/, or a
 * root config.js) reading `process.env.NAME` or `process.env['NAME']`: HedgeDoc's
 * lib/config/environment.js (CMD_DB_URL…), whose settings otherwise live in a git-ignored
 * config.json the image never has. Examples, samples and tests are not the production reader.
 */
const NODE_CONFIG_DIRS = ["config", "lib/config", "src/config", "server/config", "app/config"];
const NODE_CONFIG_FILE = /^[\w.-]+\.(c|m)?[jt]s$/;
const NODE_NOT_PRODUCTION = /(^|[-_.])(example|sample|test|spec|dev|development)([-_.]|$)/i;
const PROCESS_ENV = /\bprocess\.env(?:\.|\[\s*['"])([A-Z][A-Z0-9_]*)/g;

function nodeConfigFiles(repoDir: string): string[] {
  const files = ["config.js", "config.ts"].filter((f) => existsSync(path.join(repoDir, f)));
  for (const dir of NODE_CONFIG_DIRS) {
    let entries: string[];
    try {
      entries = readdirSync(path.join(repoDir, dir)).sort();
    } catch {
      continue;
    }
    for (const e of entries)
      if (NODE_CONFIG_FILE.test(e) && !NODE_NOT_PRODUCTION.test(e) && statSync(path.join(repoDir, dir, e)).isFile())
        files.push(`${dir}/${e}`);
  }
  return files;
}

/**
 * A PHP config file that defines the database settings as constants (WordPress's wp-config.php, or
 * the wp-config-sample.php it is made from: `define( 'DB_NAME', 'database_name_here' );`): a
 * *config*.php at the repository's root, or any PHP file in config/. A define whose value reads the environment (getenv('X'), the
 * official image's getenv_docker('X', …), Bedrock's `Config::define('DB_NAME', env('DB_NAME'))`,
 * $_ENV['X']) names that variable; a literal is the VM's value, to be edited into such a read.
 * https://developer.wordpress.org/advanced-administration/wordpress/wp-config/ (database settings)
 */
const PHP_CONFIG_FILE = /config[\w.-]*\.php$/i;
const PHP_DEFINE = /\bdefine\(\s*['"]([A-Z][A-Z0-9_]*)['"]\s*,\s*([^;]*)\)\s*;/g;
const PHP_ENV_READ =
  /(?:\bgetenv(?:_docker)?|\benv)\(\s*['"]([A-Z][A-Z0-9_]*)['"]|\$_(?:ENV|SERVER)\[\s*['"]([A-Z][A-Z0-9_]*)['"]/;

function phpDefines(repoDir: string): ConfigFileDatabase | undefined {
  const files = ["", "config"].flatMap((dir) => {
    let entries: string[];
    try {
      entries = readdirSync(path.join(repoDir, dir)).sort();
    } catch {
      return [];
    }
    return entries
      .filter((e) => (dir ? /\.php$/ : PHP_CONFIG_FILE).test(e) && statSync(path.join(repoDir, dir, e)).isFile())
      .map((e) => path.posix.join(dir, e));
  });
  for (const file of files) {
    const defines = [...readFileSync(path.join(repoDir, file), "utf8").matchAll(PHP_DEFINE)]
      .map((m) => ({ constant: m[1]!, value: m[2]! }))
      .filter((x) => databaseSettingRole(x.constant));
    if (defines.length === 0) continue;
    const read = defines.flatMap((x) => {
      const m = PHP_ENV_READ.exec(x.value);
      const name = m?.[1] ?? m?.[2];
      return name && databaseSettingRole(name) ? [name] : [];
    });
    if (read.length) return { file, names: [...new Set(read)].sort(), kind: "env" };
    return { file, names: [...new Set(defines.map((x) => x.constant))].sort(), kind: "php-define" };
  }
  return undefined;
}

/**
 * Where a framework documents its database settings, when no file of the repository says (none at
 * hand, or a WordPress site's repository holding only wp-content):
 * WordPress defines DB_NAME, DB_USER, DB_PASSWORD and DB_HOST in wp-config.php (the link above).
 */
const FRAMEWORK_CONFIGS: Array<[RegExp, ConfigFileDatabase]> = [
  [
    /^wordpress$/i,
    { file: "wp-config.php", names: ["DB_HOST", "DB_NAME", "DB_PASSWORD", "DB_USER"], kind: "php-define" },
  ],
];

/** The documented config of a framework the inventory's app processes name (FRAMEWORK_CONFIGS). */
export function frameworkConfigDatabase(frameworks: readonly (string | undefined)[]): ConfigFileDatabase | undefined {
  const hit = FRAMEWORK_CONFIGS.find(([re]) => frameworks.some((f) => f && re.test(f)));
  return hit ? { ...hit[1], names: [...hit[1].names] } : undefined;
}

/** Django's DATABASES (NetBox 4: DATABASES, older: DATABASE) written as a literal dict. */
const PY_DICT = /^(DATABASES?)\s*=\s*\{/m;
const PY_CONFIG = /^(configuration|local_settings|settings_local)\.py$/;

const dbNames = (text: string, pattern: RegExp): string[] =>
  [...new Set([...text.matchAll(pattern)].map((m) => m[1]!))].filter((n) => databaseSettingRole(n)).sort();

/** Python config files up to three folders down (netbox/netbox/configuration.py), skipping virtualenvs. */
function pythonConfigs(repoDir: string, rel = "", depth = 0): string[] {
  if (depth > 3) return [];
  let entries: string[];
  try {
    entries = readdirSync(path.join(repoDir, rel));
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries.sort()) {
    const p = path.join(rel, e);
    if (/^(\.|node_modules$|venv$|\.venv$|site-packages$|vendor$)/.test(e)) continue;
    const full = path.join(repoDir, p);
    if (PY_CONFIG.test(e)) out.push(p);
    else if (statSync(full, { throwIfNoEntry: false })?.isDirectory())
      out.push(...pythonConfigs(repoDir, p, depth + 1));
  }
  return out;
}

export function configFileDatabase(repoDir: string | undefined): ConfigFileDatabase | undefined {
  if (!repoDir || !existsSync(repoDir)) return undefined;
  const read = (f: string) => readFileSync(path.join(repoDir, f), "utf8");
  for (const [file, pattern] of READERS) {
    const names = existsSync(path.join(repoDir, file)) ? dbNames(read(file), pattern) : [];
    if (names.length) return { file, names, kind: "env" };
  }
  // A Node config module: a file that reads a whole URL is the one to follow (HedgeDoc's
  // environment.js, CMD_DB_URL, before its legacy reader of DATABASE_URL in oldEnvironment.js).
  const node = nodeConfigFiles(repoDir)
    .map((file) => ({ file, names: dbNames(read(file), PROCESS_ENV) }))
    .filter((f) => f.names.length);
  const nodeFile = node.find((f) => f.names.some((n) => databaseSettingRole(n) === "url")) ?? node[0];
  if (nodeFile) return { ...nodeFile, kind: "env" };
  const php = phpDefines(repoDir);
  if (php) return php;
  const envFiles = readdirSync(repoDir)
    .filter((f) => ENV_FILE.test(f) && !TEST_FILE.test(f) && statSync(path.join(repoDir, f)).isFile())
    .sort();
  const fromEnv = [...new Set(envFiles.flatMap((f) => dbNames(read(f), ENV_LINE)))].sort();
  if (fromEnv.length)
    return { file: envFiles.find((f) => dbNames(read(f), ENV_LINE).length)!, names: fromEnv, kind: "env" };
  // NetBox ships configuration_example.py; the VM's configuration.py is the one it runs.
  const py = pythonConfigs(repoDir).find((f) => PY_DICT.test(read(f)) && !/os\.environ|getenv/.test(read(f)));
  if (py) {
    const dict = PY_DICT.exec(read(py))![1] === "DATABASES" ? "DATABASES['default']" : "DATABASE";
    return { file: py, names: [...PY_DICT_NAMES], kind: "python-dict", dict };
  }
  return undefined;
}

/** The names netbox-docker's configuration.py reads (DB_NAME, DB_USER…): a known convention, no new one. */
export const PY_DICT_NAMES = ["DB_HOST", "DB_NAME", "DB_PASSWORD", "DB_PORT", "DB_USER"] as const;

/**
 * The secret file (inventory `secretFiles`) that is this config file on the VM: a settings file the
 * repository's .gitignore leaves out and that sets credentials (NetBox's .gitignore lists
 * /netbox/netbox/configuration.py, which holds SECRET_KEY and the database password). Such a file
 * reaches Cloud Run from Secret Manager, mounted over the app's path, never in the image.
 */
export function configSecretFile<T extends { path: string }>(
  cfg: ConfigFileDatabase,
  files: readonly T[],
): T | undefined {
  const rel = cfg.file.split(path.sep).join("/");
  return files.find((f) => f.path.endsWith(`/${rel}`));
}

/**
 * The edit that makes a Python file's literal DATABASE(S) dict read the environment (under 600
 * characters). When the file is a secret file (`secret`), the edit goes into
 * the version stored in Secret Manager, the copy every instance mounts; otherwise into the file the
 * image is built with.
 */
export function pythonDictEdit(cfg: ConfigFileDatabase, engine: "mysql" | "postgres", secret = false): string {
  const backend = engine === "mysql" ? "django.db.backends.mysql" : "django.db.backends.postgresql";
  const where = secret
    ? `in the copy of ${cfg.file} in Secret Manager (the VM's copy, a secret file mounted on every instance, never in the image)`
    : `in ${cfg.file}`;
  const carry = secret ? "" : ", and make sure the image carries that file (one kept out of git is not built)";
  return `${where}, add \`import os\` and give ${cfg.dict ?? "DATABASES['default']"} \`'ENGINE': '${backend}', 'NAME': os.environ['DB_NAME'], 'USER': os.environ['DB_USER'], 'PASSWORD': os.environ['DB_PASSWORD'], 'HOST': os.environ['DB_HOST'], 'PORT': os.environ.get('DB_PORT', '')\` (other keys stay)${carry}. The deploy sets DB_HOST and DB_PORT; scripts/setup-database.sh stores DB_NAME, DB_USER, DB_PASSWORD. Without the edit the app keeps the VM's database.`;
}

/**
 * The edit that makes a PHP file's literal defines read the environment: each constant from the
 * variable of the same name, which the deploy (host, port) and setup-database.sh (the rest) set.
 */
export function phpDefineEdit(cfg: ConfigFileDatabase, secret = false): string {
  const where = secret
    ? `in the copy of ${cfg.file} in Secret Manager (the VM's copy, a secret file mounted on every instance, never in the image)`
    : `in ${cfg.file}`;
  const carry = secret ? "" : " Make sure the image carries that file (one kept out of git is not built).";
  const first = cfg.names[0]!;
  return `${where}, define each of ${cfg.names.join(", ")} from the environment instead of its literal (the VM's database): \`define( '${first}', getenv( '${first}' ) );\` and likewise for the others. The deploy sets the host and port; scripts/setup-database.sh stores the user, password and database name. Without the edit the app keeps the VM's database.${carry}`;
}

const SPLIT_ROLES = ["user", "password", "name"] as const;

/**
 * The user, password or database-name settings a process leaves unset while it sets the others
 * (paperless.conf sets PAPERLESS_DBPASS and leaves PAPERLESS_DBUSER/DBNAME at their defaults):
 * on Cloud SQL the user and database setup-database.sh creates have their own names, so each
 * missing one must be set too. `documented`: the names the app's config file lists for them.
 */
export function missingSplitSettings(
  names: readonly string[],
  documented: readonly string[] = [],
): { roles: string[]; names: string[] } {
  const roles = new Set(names.map((n) => databaseSettingRole(n.toUpperCase())));
  if (roles.has("url") || !SPLIT_ROLES.some((r) => roles.has(r))) return { roles: [], names: [] };
  const missing = SPLIT_ROLES.filter((r) => !roles.has(r));
  return { roles: missing, names: documented.filter((n) => missing.includes(databaseSettingRole(n) as never)) };
}
