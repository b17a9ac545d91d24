// A file in the app's folder that holds a secret and is not in the repository: wallabag makes
// data/site-credentials-secret-key.txt at first use (the key that encrypts stored site
// credentials, CryptoProxy), Rails' `rails new` writes config/master.key and git ignores it,
// Laravel Passport's storage/oauth-private.key, LexikJWT's config/jwt/private.pem. An image built
// from the repository lacks it, so each instance would make its own key (or none): every instance
// needs the VM's file. It becomes a Secret Manager secret mounted as a file (design/rules/secret-files.ts).
import path from "node:path";
import type { SecretFile, Storage } from "../inventory/schema.js";
import { appSettingsFacts } from "./app-settings-facts.js";

/** A name that says key, secret, credentials or private, as a whole word of it. */
const SECRET_NAME = /(^|[-_.])(secrets?|keys?|credentials?|private|master)([-_.]|$)/i;
/** Files that hold a key's bytes; JSON only under a secret's or credentials' name (not i18n keys.json). */
const KEY_EXTENSIONS = /^(|\.txt|\.key|\.pem|\.der|\.bin|\.p12|\.pfx|\.jwk)$/i;
const JSON_SECRET = /(^|[-_.])(secrets?|credentials?|private)([-_.]|$)/i;
/** Samples, encrypted files meant for git (Rails' credentials.yml.enc) and public halves. */
const NOT_SECRET = /(^|[-_.])(example|sample|dist|template|tpl|test|public|pub|enc)([-_.]|$)/i;
/** Folders whose files are not the deployment's own: dependencies, tests, docs, build output. */
const OTHER_FOLDERS = /(^|\/)(vendor|node_modules|tests?|spec|fixtures?|docs?|examples?|build|dist|public|web)\//;
/**
 * A hidden file named for the key alone: Django apps that make their SECRET_KEY at first start and
 * keep it in their data folder (pretix's settings.py writes DATA_DIR/.secret). Other dotfiles
 * (.env, .htpasswd, .gitignore) are not key files.
 */
const DOT_SECRET = /^\.(secret|secret[-_]key|django[-_]secret([-_]key)?)(\.txt)?$/i;
/** Only a file named for one key: a long name is a document about keys, not one. */
const MAX_NAME = 64;

/** Whether one file of the app's folder (`rel`, relative to it) holds a secret by its name. */
export function isSecretFileName(rel: string): boolean {
  const base = path.posix.basename(rel);
  const ext = path.posix.extname(base);
  const stem = base.slice(0, base.length - ext.length);
  if (DOT_SECRET.test(base) && !OTHER_FOLDERS.test(rel)) return true;
  if (base.length > MAX_NAME || base.startsWith(".") || OTHER_FOLDERS.test(rel) || NOT_SECRET.test(base)) return false;
  if (ext.toLowerCase() === ".json") return JSON_SECRET.test(stem);
  return KEY_EXTENSIONS.test(ext) && SECRET_NAME.test(stem);
}

/**
 * The secret files among the app folder's files on the VM (absolute paths), outside the folders of
 * user files. `inRepository`: whether the repository at hand (a checkout apart from the VM) holds
 * the same file, tracked, so the image has it.
 */
export function detectSecretFiles(
  appDir: string,
  files: string[],
  storage: Storage[],
  inRepository: (rel: string) => boolean = () => false,
): SecretFile[] {
  const root = appDir.replace(/\/+$/, "");
  const found: SecretFile[] = [];
  for (const file of files) {
    if (!file.startsWith(`${root}/`)) continue;
    const rel = file.slice(root.length + 1);
    if (!isSecretFileName(rel) || inRepository(rel)) continue;
    if (storage.some((s) => file.startsWith(`${s.path.replace(/\/+$/, "")}/`))) continue;
    if (!/^\/[A-Za-z0-9._@+/-]+$/.test(file)) continue;
    found.push({ path: file });
  }
  return found.slice(0, 50);
}

/** Settings and code files a deployment keeps beside the app: where a VM-only file holds credentials. */
const SETTINGS_EXT = /\.(ya?ml|rb|py|php|ini|cfg|conf|toml|json|xml|properties|js|cjs|mjs)$/i;
/**
 * A credential set in the file itself: a key naming a password, secret, token or private key, given
 * a value that is not empty and not read from the environment (`<%= ENV[...] %>`, `os.environ`,
 * `getenv(...)`, `${VAR}`, `process.env`). YAML (`password: "x"`), Ruby and Python assignments
 * (`config.secret_key_base = 'x'`, `SECRET_KEY = "x"`), PHP (`'password' => 'x'`, `$CFG->dbpass = 'x'`), INI.
 */
const CREDENTIAL =
  /(?:^|[\s.>:[{(,])["']?([\w-]*?(?:pass(?:word|wd)?|secret(?:_?key(?:_base)?)?|api_?key|access_?key|auth_?token|token|private_?key))["']?\s*\]?\s*(?:=>|=|:)\s*("[^"]*"|'[^']*'|<%.*?%>|[^\s,;\]})]+(?:\([^)]*\))?)?/gi;
const FROM_ENVIRONMENT = /ENV\s*[[.(]|<%|os\.environ|os\.getenv|getenv\s*\(|\$\{|process\.env|\benv\s*\(|%env\(/i;
const EMPTY_VALUE = /^(["']{2}|~|null|nil|none|false|true|\[\]|\{\}|[-\d.]+)?$/i;
/** Files whose bare words are values (`password: hunter2`); in code a bare word names a variable. */
const DATA_EXT = /\.(ya?ml|ini|cfg|conf|toml|properties)$/i;

/** Whether a settings file's text sets a credential of its own (not one taken from the environment). */
export function setsCredential(text: string, file: string): boolean {
  const data = DATA_EXT.test(file);
  return text.split(/\r?\n/).some((line) => {
    if (/^\s*(#|\/\/|;|\*|--)/.test(line)) return false;
    return [...line.matchAll(CREDENTIAL)].some((m) => {
      const value = (m[2] ?? "").trim();
      if (EMPTY_VALUE.test(value) || FROM_ENVIRONMENT.test(value)) return false;
      // Code: a variable or a call (`get_random_secret_key()`) is not a value written in the file.
      return data || /^["'`]/.test(value);
    });
  });
}

/**
 * The app folder's settings files that git ignores and that set credentials of their own: Rails'
 * config/database.yml (the database password) and a generated config/initializers/secret_token.rb,
 * Django's local_settings.py, a PHP config.php. A checkout (the pipeline's build) never has them, so
 * every instance needs the VM's copy, mounted from Secret Manager. `ignored` is the repository's
 * .gitignore as a matcher of paths relative to the app folder; `read` gives a file's text. Each
 * file carries the database entry and the listener it sets (app-settings-facts.ts), which the plan
 * says how to change.
 */
export async function ignoredSettingsWithCredentials(
  appDir: string,
  files: string[],
  storage: Storage[],
  ignored: (rel: string) => boolean,
  read: (file: string) => Promise<string | undefined>,
): Promise<SecretFile[]> {
  const root = appDir.replace(/\/+$/, "");
  const found: SecretFile[] = [];
  for (const file of files) {
    if (!file.startsWith(`${root}/`) || found.length >= 20) continue;
    const rel = file.slice(root.length + 1);
    const base = path.posix.basename(rel);
    if (!SETTINGS_EXT.test(base) || base.startsWith(".") || NOT_SECRET.test(base) || OTHER_FOLDERS.test(rel)) continue;
    if (!/^\/[A-Za-z0-9._@+/-]+$/.test(file) || !ignored(rel)) continue;
    if (storage.some((s) => file.startsWith(`${s.path.replace(/\/+$/, "")}/`))) continue;
    const text = await read(file);
    if (text !== undefined && text.length <= 256 * 1024 && setsCredential(text, base))
      found.push({ path: file, ...appSettingsFacts(text, base) });
  }
  return found;
}
