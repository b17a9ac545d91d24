// What a PHP repository says about how it is built and served: its framework (Laravel's artisan,
// Symfony's bin/console), the document root its front controller sits in, and the PHP extensions
// it needs. composer install checks every `ext-*` the app and its locked packages require (its
// platform check), so an image missing one fails to build: they are read from composer.json and,
// for the packages installed without --dev, composer.lock.
import path from "node:path";
import { type AppRepo, readJson } from "./repo.js";

export type PhpFramework = "laravel" | "symfony" | "plain";

interface ComposerJson {
  require?: Record<string, string>;
  scripts?: Record<string, unknown>;
  config?: { platform?: Record<string, string> };
  /** Symfony's `extra.public-dir` moves the document root (Symfony 2–3 and wallabag: web/). */
  extra?: { "public-dir"?: unknown };
}

interface ComposerLock {
  packages?: Array<{ name: string; require?: Record<string, string> }>;
  platform?: Record<string, string> | unknown[];
}

export interface PhpApp {
  framework: PhpFramework;
  /** composer.json is there (dependencies are installed in a build stage). */
  composer: boolean;
  locked: boolean;
  /** The document root relative to the app folder ("public", or "" for the folder itself). */
  docroot?: string;
  /** Extensions to add to the php image, sorted; unknown ones are reported in `unknown`. */
  extensions: string[];
  unknown: string[];
  requires: Set<string>;
  /** composer.json's scripts (Symfony's post-install-cmd runs cache:clear and assets:install). */
  scripts: Record<string, unknown>;
}

/**
 * Extensions the official php image (Debian) already has compiled in (`php -m`), plus the ones
 * composer reports as part of PHP itself: nothing to install.
 */
const BUILT_IN = new Set(
  "core ctype curl date dom fileinfo filter hash iconv json libxml mbstring mysqlnd openssl pcre pdo pdo_sqlite phar posix random readline reflection session simplexml sodium spl sqlite3 standard tokenizer xml xmlreader xmlwriter zlib".split(
    " ",
  ),
);

/**
 * Extensions install-php-extensions builds on Debian (github.com/mlocati/docker-php-extension-installer,
 * the helper the php image's README points to for the system packages each one needs). A name
 * outside this list is not guessed at: the image is not written.
 */
const INSTALLABLE = new Set(
  "amqp apcu bcmath bz2 calendar decimal ds enchant event exif ffi gd gettext gmp grpc igbinary imagick imap intl ldap mailparse maxminddb memcache memcached mongodb msgpack mysqli oauth opcache opentelemetry pcntl pdo_dblib pdo_mysql pdo_odbc pdo_pgsql pgsql protobuf pspell rdkafka redis shmop snmp soap sockets solr ssh2 swoole sysvmsg sysvsem sysvshm tidy timezonedb uuid vips xsl yaml zip zstd".split(
    " ",
  ),
);

/** `ext-zend-opcache` → opcache, `ext-PDO_MySQL` → pdo_mysql. */
function extensionName(requirement: string): string {
  const name = requirement.slice(4).toLowerCase().replace(/-/g, "_");
  return name === "zend_opcache" ? "opcache" : name;
}

/** Every `ext-*` the app requires, directly or through a package composer installs for production. */
export function requiredExtensions(repo: AppRepo, dir: string): Set<string> {
  const at = (f: string) => path.posix.join(dir, f);
  const json = readJson<ComposerJson>(repo, at("composer.json"));
  const lock = readJson<ComposerLock>(repo, at("composer.lock"));
  const wanted = [
    ...Object.keys(json?.require ?? {}),
    ...(lock?.platform && !Array.isArray(lock.platform) ? Object.keys(lock.platform) : []),
    ...(lock?.packages ?? []).flatMap((p) => Object.keys(p.require ?? {})),
  ];
  return new Set(wanted.filter((r) => /^ext-/i.test(r)).map(extensionName));
}

/** The app's framework, document root and extensions, from the folder `dir` of the repository. */
export function phpApp(
  repo: AppRepo,
  dir: string,
  databaseEngine?: string,
  workers = false,
  vmExtensions: readonly string[] = [],
): PhpApp {
  const at = (f: string) => path.posix.join(dir, f);
  const json = readJson<ComposerJson>(repo, at("composer.json"));
  const requires = new Set(Object.keys(json?.require ?? {}).map((r) => r.toLowerCase()));
  const framework: PhpFramework =
    repo.exists(at("artisan")) && requires.has("laravel/framework")
      ? "laravel"
      : repo.exists(at("bin/console")) && requires.has("symfony/framework-bundle")
        ? "symfony"
        : "plain";
  // https://symfony.com/doc/current/configuration/override_dir_structure.html#override-the-public-directory
  const publicDir =
    typeof json?.extra?.["public-dir"] === "string" ? json.extra["public-dir"].replace(/^\.?\/+|\/+$/g, "") : "";
  const docroot =
    [publicDir, "public"].filter(Boolean).find((d) => repo.exists(at(`${d}/index.php`))) ??
    (repo.exists(at("index.php")) ? "" : undefined);
  const wanted = requiredExtensions(repo, dir);
  // The database driver is a runtime choice (DB_CONNECTION), never a composer requirement.
  if (databaseEngine === "mysql") wanted.add("pdo_mysql");
  if (databaseEngine === "postgres") wanted.add("pdo_pgsql");
  if (framework === "laravel") {
    // Laravel's default Redis client is the phpredis extension (config/database.php: REDIS_CLIENT).
    const database = repo.read(at("config/database.php")) ?? "";
    if (/REDIS_CLIENT['"]\s*,\s*['"]phpredis/.test(database)) wanted.add("redis");
  }
  // queue:work, horizon and messenger:consume need pcntl to stop a job at its timeout and to exit
  // cleanly on the SIGTERM Cloud Run sends before stopping an instance.
  if (workers && framework !== "plain") wanted.add("pcntl");
  wanted.add("opcache");
  // What the VM's PHP loaded for the app (services.*.phpIni.extensions): the app may use more than
  // composer.json requires (the cache backend its config names: APCu, phpredis). Only those the
  // image has a recipe for; another is left out, not guessed at.
  for (const e of vmExtensions) if (INSTALLABLE.has(e)) wanted.add(e);
  const extensions = [...wanted].filter((e) => !BUILT_IN.has(e)).sort();
  return {
    framework,
    composer: json !== undefined,
    locked: repo.exists(at("composer.lock")),
    ...(docroot !== undefined ? { docroot } : {}),
    extensions: extensions.filter((e) => INSTALLABLE.has(e)),
    unknown: extensions.filter((e) => !INSTALLABLE.has(e)),
    requires,
    scripts: json?.scripts ?? {},
  };
}
