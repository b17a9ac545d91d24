// The Dockerfile for a PHP app: Apache with mod_php from the official php image, the PHP release
// composer.json declares, the extensions it requires, composer install --no-dev with an optimised
// autoloader, the app's own asset build (Node.js, in a stage of its own) when it builds its assets,
// opcache on, and www-data as the runtime user that may write only the framework's cache folders.
//
// Why Apache: on the VM nginx speaks HTTP and hands PHP to PHP-FPM over FastCGI; Cloud Run sends
// HTTP to one port, and PHP-FPM cannot answer it. php:*-apache answers HTTP itself in one process
// (no nginx, no supervisor), is the base of Google's Cloud Run PHP sample (github.com/
// GoogleCloudPlatform/php-docs-samples run/helloworld: `Listen ${PORT}`, opcache, php.ini for
// Cloud Run) and the php image's README documents the DocumentRoot change and running as a
// non-root user on a port above 1024. FrankenPHP would do too, but is a third-party image on a
// thread-safe PHP build; the official image is the smaller step from a VM's PHP.
import path from "node:path";
import { APP_DIR } from "./app-root.js";
import { renderTemplateSync } from "../render/templates.js";
import type { ImageInput, RuntimeImage } from "./image-types.js";
import { PHP_INI_KEYS, type PhpIni } from "../inventory/php-limits.js";
import { nodeManager, packageJson } from "./node-image.js";
import { phpApp } from "./php-app.js";
import type { ProcessArgv } from "./process-argv.js";
import { compareVersions, declaredVersion, supportedVersion, versionNote } from "./runtime-versions.js";
import { planProcesses } from "./workdir.js";

/** A VM's PHP web front: PHP-FPM, Apache, or PHP's development servers. The image's Apache replaces them. */
const SERVED_BY_IMAGE = /(^|\/)(php-fpm[\d.]*|apache2|httpd|apache2?ctl)$|^php[\d.]*$/;

function servedByImage(command: string | undefined): boolean {
  const words = (command ?? "").trim().split(/\s+/);
  const program = words[0] ?? "";
  if (!command?.trim()) return true;
  if (!SERVED_BY_IMAGE.test(program)) return false;
  // `php artisan serve` and `php -S`: development servers; another `php …` is the app's own program.
  if (/^php[\d.]*$/.test(program.split("/").pop()!)) return words.includes("serve") || words.includes("-S");
  return true;
}

const WRITABLE: Record<string, string[]> = {
  // Laravel writes compiled views, sessions, the file cache and logs here (storage:link targets app/public).
  laravel: [
    "storage/app/public",
    "storage/framework/cache/data",
    "storage/framework/sessions",
    "storage/framework/views",
    "storage/logs",
    "bootstrap/cache",
  ],
  // Symfony writes its compiled container, caches, logs and (file) sessions under var/ (var/log,
  // or var/logs and var/sessions in the Symfony 3 layout): "the var/ directory must be writable".
  // https://symfony.com/doc/current/setup/file_permissions.html
  symfony: ["var"],
  plain: [],
};

/**
 * The VM's PHP limits as Apache php_value lines (https://php.net/configuration.changes), each a
 * quoted printf argument. The inventory's schema allows only digits with K/M/G, so no value can
 * leave its quotes.
 */
export function phpValueLines(ini: PhpIni): string {
  return Object.entries(PHP_INI_KEYS)
    .filter(([key]) => ini[key as keyof PhpIni] !== undefined)
    .map(([key, directive]) => `'php_value ${directive} ${ini[key as keyof PhpIni]}'`)
    .join(" ");
}

export function phpImage(input: ImageInput): RuntimeImage {
  const { repo } = input;
  const placed = planProcesses(input, repo.foldersWith("composer.json"));
  const dir = placed.workdirRel;
  const at = (f: string) => (dir ? `${dir}/${f}` : f);
  const workers = input.processes.some((s) => s.role !== "web");
  const vmExtensions = input.processes.filter((s) => s.role === "web").flatMap((s) => s.phpIni?.extensions ?? []);
  const app = phpApp(repo, dir, input.databaseEngine, workers, vmExtensions);
  const withNotice = (why: string): RuntimeImage => ({
    ...placed.image,
    notice: `No PHP Dockerfile is written: ${why}`,
  });
  if (app.docroot === undefined)
    return withNotice(
      `no front controller was found (${at("public/index.php")}, ${at("index.php")}, or index.php in composer.json's extra.public-dir).`,
    );
  if (app.unknown.length)
    return withNotice(
      `the app requires ${app.unknown.map((e) => `ext-${e}`).join(", ")}, which the generated image has no recipe for.`,
    );
  const declared = declaredVersion("php", repo, dir);
  const version = supportedVersion("php", declared?.min, declared?.below);
  // PHP 8.5 builds opcache in; earlier releases add it as an extension.
  const extensions = app.extensions.filter((e) => e !== "opcache" || compareVersions(version, "8.5") < 0);
  const scripts = packageJson(repo, dir).scripts;
  // Laravel Mix names its production build `production` (and BookStack's `build` is a development
  // build); Vite's is `build`; Webpack Encore apps often split `build:dev` and `build:prod`
  // (wallabag's Makefile runs `yarn build:$(ENV)`).
  const buildScript = ["production", "build:production", "build:prod", "build"].find((n) => scripts[n]);
  // Assets already in the repository (Vite's manifest, Laravel Mix's, Encore's) are served as they are.
  const webRoot = app.docroot || "public";
  const committed = [
    `${webRoot}/build/manifest.json`,
    `${webRoot}/build/.vite/manifest.json`,
    `${webRoot}/mix-manifest.json`,
  ].some((f) => repo.exists(at(f)));
  const assets = repo.exists(at("package.json")) && buildScript !== undefined && !committed;
  const pm = assets ? nodeManager(repo, dir) : undefined;
  const node = assets ? supportedVersion("node", declaredVersion("node", repo, dir)?.min) : "";
  const appDir = placed.image.workdir;
  const argv: Record<string, ProcessArgv> = {};
  // Debian's versioned CLI (`/usr/bin/php8.2`) is `php` in the official image.
  for (const [name, a] of Object.entries(placed.image.argv))
    argv[name] =
      a.ok && /^php\d[\d.]*$/.test(a.argv[0]!)
        ? { ...a, argv: ["php", ...a.argv.slice(1)], dropped: [...a.dropped, `${a.argv[0]} → php`] }
        : a;
  const served = input.processes.filter(
    (s) => s.role === "web" && !(s.protocols ?? []).includes("websocket") && servedByImage(s.command),
  );
  for (const s of served)
    argv[s.name] = {
      ok: true,
      argv: ["apache2-foreground"],
      dropped: [`${s.command ?? s.software} (the image's Apache serves the app over HTTP on $PORT)`],
    };
  // The VM's PHP limits (php.ini, pool or site php_value) of the process the image's Apache replaces.
  const vmLimits = served.find((s) => s.phpIni);
  // APCu in PHP's CLI as the VM had it (apc.enable_cli=1), for the jobs and workers that run PHP's
  // CLI (cron.php, occ, artisan): an app caching in APCu fails there without it.
  const cliJobs = input.processes.some((s) => s.role !== "web" && /(^|\/)php[\d.]*(\s|$)/.test(s.command ?? ""));
  const apcuCli =
    cliJobs && extensions.includes("apcu") && input.processes.some((s) => s.role === "web" && s.phpIni?.apcEnableCli)
      ? input.processes.find((s) => s.role === "web" && s.phpIni?.apcEnableCli)!.name
      : "";
  const first = input.processes[0];
  const cmd =
    first && served.includes(first)
      ? ["apache2-foreground"]
      : placed.cmd?.map((w, i) => (i === 0 && /^php\d[\d.]*$/.test(w) ? "php" : w));
  if (!cmd) return withNotice("the first process's command cannot run as a plain container command.");
  const content = renderTemplateSync("image/Dockerfile.php.hbs", {
    app: input.appName,
    version,
    versionNote: versionNote(declared, version),
    frameworkLabel: { laravel: "Laravel", symfony: "Symfony", plain: "plain PHP" }[app.framework],
    composer: app.composer,
    composerFiles: app.locked ? [at("composer.json"), at("composer.lock")] : [at("composer.json")],
    composerLabel: app.composer
      ? app.locked
        ? at("composer.lock")
        : `${at("composer.json")} (no composer.lock: versions resolve at build time)`
      : "no composer.json",
    extensions: extensions.join(" "),
    assets,
    node,
    corepack:
      pm && pm.name !== "npm"
        ? Number(node) >= 25
          ? "npm install --global corepack && corepack enable"
          : "corepack enable"
        : "",
    install: pm?.install,
    build: buildScript && pm ? `${pm.run} ${buildScript}` : "",
    publicDir: at(webRoot),
    composerDir: dir || ".",
    vendorDir: at("vendor"),
    envFileRel: at(".env"),
    postInstall: Boolean(app.scripts["post-install-cmd"]),
    ...(app.framework === "laravel" && app.docroot === "public"
      ? {
          storageLink: path.posix.join(APP_DIR, at("storage/app/public")),
          publicStorage: path.posix.join(APP_DIR, at("public/storage")),
        }
      : {}),
    docroot: path.posix.join(appDir, app.docroot),
    frontController: app.framework !== "plain",
    guardFolder: app.docroot === "",
    laravel: app.framework === "laravel",
    symfony: app.framework === "symfony",
    // The framework's own folders and the user-file folders the VM keeps (uploads on local disk).
    writable: [
      ...new Set([...WRITABLE[app.framework]!.map((d) => path.posix.join(APP_DIR, at(d))), ...(input.uploads ?? [])]),
    ].join(" "),
    workdir: appDir,
    cmd: JSON.stringify(cmd),
    apcuCli,
    vmIni: vmLimits ? phpValueLines(vmLimits.phpIni!) : "",
    vmIniFrom: vmLimits ? `services.${vmLimits.name}.phpIni` : "",
  });
  return {
    ...placed.image,
    argv,
    cmd,
    content,
    version,
    versionNote: declared?.source ?? "none declared",
    packageManager: "composer",
    serves: `the image's Apache (mod_php) serves it over HTTP on $PORT (${app.docroot ? `${app.docroot}/` : "the app folder"} as the document root); PHP-FPM and nginx are not run`,
  };
}
