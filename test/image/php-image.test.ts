// PHP images, case by case: Laravel, Symfony and plain PHP repositories (small repos written to a
// temp folder), what composer.json and composer.lock require, assets the app builds or commits, and
// the cases that keep a notice. Every Dockerfile written passes the static build check with the
// commands the deploy gives its processes, and serves HTTP on $PORT through Apache.
import { afterAll, describe, expect, it } from "vitest";
import { checkImageBuild } from "../../src/image/build-check.js";
import { phpImage } from "../../src/image/php-image.js";
import { openRepo } from "../../src/image/repo.js";
import type { Service } from "../../src/inventory/schema.js";
import { lintDockerfile } from "../../src/validate/dockerfile.js";
import { TempTrees } from "../helpers/file-tree.js";

const trees = new TempTrees("php-image-");
afterAll(() => trees.removeAll());
const repoOf = (files: Record<string, string>) => openRepo(trees.makeSync(files));

const composer = (require: Record<string, string>, extra: object = {}) =>
  JSON.stringify({ require: { php: "^8.2", ...require }, ...extra });
const svc = (name: string, role: Service["role"], command?: string): Service =>
  ({
    name,
    role,
    software: "php",
    runtime: "php",
    dependsOn: [],
    env: [],
    listen: [],
    ...(command ? { command } : {}),
  }) as unknown as Service;

const LARAVEL = {
  "composer.json": composer({ "laravel/framework": "^11.0", "laravel/horizon": "^5.0", "ext-intl": "*" }),
  "composer.lock": JSON.stringify({
    packages: [
      { name: "laravel/horizon", require: { "ext-pcntl": "*", "ext-posix": "*" } },
      { name: "intervention/image", require: { "ext-gd": "*" } },
    ],
    platform: { php: "^8.2", "ext-intl": "*" },
  }),
  artisan: "<?php\n",
  "public/index.php": "<?php\n",
  "config/database.php": "<?php return ['redis' => ['client' => env('REDIS_CLIENT', 'phpredis')]];\n",
  "package.json": JSON.stringify({ scripts: { build: "vite build" } }),
  "package-lock.json": "{}",
};

const web = svc("web", "web", "/usr/sbin/php-fpm8.2 --nodaemonize --fpm-config /etc/php/8.2/fpm/php-fpm.conf");

function build(repo: ReturnType<typeof openRepo>, processes: Service[], databaseEngine?: string) {
  return phpImage({
    repo,
    appName: "shop",
    runtime: "php",
    dockerfile: "Dockerfile",
    root: "/var/www/shop",
    processes,
    ...(databaseEngine ? { databaseEngine } : {}),
  });
}

function expectBuilds(image: ReturnType<typeof phpImage>, repo: ReturnType<typeof openRepo>) {
  expect(image.notice).toBeUndefined();
  const commands = Object.entries(image.argv).map(([name, a]) => {
    expect(a.ok, name).toBe(true);
    return { name, argv: a.ok ? a.argv : [] };
  });
  expect(checkImageBuild(image.content!, repo, commands)).toEqual([]);
  expect(lintDockerfile(image.content!)).toEqual([]);
  expect(image.content).toMatch(/^USER www-data$/m);
  expect(image.content).toMatch(/Listen \$\{PORT\}/);
  expect(image.content).toMatch(/^CMD \["apache2-foreground"\]$/m);
  // No secrets in the image: the build context leaves .env out, and nothing here copies one in.
  expect(image.content).not.toMatch(/COPY \S*\.env/);
}

describe("phpImage", () => {
  it("Laravel: locked extensions, the database driver, phpredis, pcntl for workers, a Vite build, public/", () => {
    const repo = repoOf(LARAVEL);
    const image = build(
      repo,
      [
        web,
        svc("horizon", "worker", "/usr/bin/php /var/www/shop/artisan horizon"),
        svc("cron", "cron", "cd /var/www/shop && php artisan schedule:run >> /dev/null 2>&1"),
      ],
      "mysql",
    );
    expectBuilds(image, repo);
    const text = image.content!;
    expect(text).toMatch(/^FROM php:8\.3-apache-trixie AS base$/m);
    expect(text).toMatch(/^RUN install-php-extensions gd intl opcache pcntl pdo_mysql redis$/m);
    expect(text).toMatch(/COPY composer\.json composer\.json\nCOPY composer\.lock composer\.lock/);
    expect(text).toMatch(/composer install --working-dir=\. --no-dev --no-scripts --no-autoloader/);
    expect(text).toMatch(/composer dump-autoload --working-dir=\. --no-dev --optimize/);
    expect(text).toMatch(/^FROM node:\d+-trixie-slim AS assets$/m);
    expect(text).toMatch(/^RUN npm ci$/m);
    expect(text).toMatch(/^RUN npm run build$/m);
    expect(text).toMatch(/APACHE_DOCUMENT_ROOT=\/app\/public LOG_CHANNEL=stderr/);
    expect(text).toMatch(/opcache\.validate_timestamps = 0/);
    expect(text).toMatch(/FallbackResource \/index\.php/);
    expect(text).toMatch(/chown -R www-data:www-data .*\/app\/storage\/framework\/views .*\/app\/bootstrap\/cache/);
    expect(image.argv).toMatchObject({
      web: { ok: true, argv: ["apache2-foreground"] },
      horizon: { ok: true, argv: ["php", "artisan", "horizon"] },
      cron: { ok: true, argv: ["php", "artisan", "schedule:run"] },
    });
    expect(image.serves).toMatch(/Apache .* HTTP on \$PORT/);
  });

  it("the VM's PHP limits apply to web requests through Apache; without them the comment says what applies", () => {
    const repo = repoOf(LARAVEL);
    const limits = {
      uploadMaxFilesize: "64M",
      postMaxSize: "65M",
      memoryLimit: "256M",
      maxExecutionTime: 600,
      maxInputVars: 1000,
    };
    const withLimits = build(repo, [{ ...web, phpIni: limits }], "mysql");
    expectBuilds(withLimits, repo);
    expect(withLimits.content).toContain(
      "RUN printf '%s\\n' 'php_value upload_max_filesize 64M' 'php_value post_max_size 65M' 'php_value memory_limit 256M' " +
        "'php_value max_execution_time 600' 'php_value max_input_vars 1000' > /etc/apache2/conf-available/vm-php-limits.conf \\\n" +
        "  && a2enconf vm-php-limits\n",
    );
    expect(withLimits.content).toContain("# PHP's limits as the VM had them for web requests (services.web.phpIni)");
    // The CLI (workers, jobs) keeps the image's own php.ini lines.
    expect(withLimits.content).toContain("'memory_limit = -1' 'max_execution_time = 0'");
    const without = build(repo, [web], "mysql");
    expectBuilds(without, repo);
    expect(without.content).not.toContain("vm-php-limits");
    expect(without.content).toMatch(
      /The VM's PHP\n# limits were not read .*\n.*\n# upload_max_filesize 2M, post_max_size 8M/,
    );
    // Only the web process Apache replaces carries them; a worker's are not the image's.
    const worker = { ...svc("horizon", "worker", "/usr/bin/php /var/www/shop/artisan horizon"), phpIni: limits };
    expect(build(repo, [web, worker], "mysql").content).not.toContain("vm-php-limits");
  });

  it("Symfony: bin/console, var/ writable, an empty .env so the environment rules, messenger with pcntl", () => {
    const repo = repoOf({
      "composer.json": composer(
        { "symfony/framework-bundle": "^7.1", "symfony/runtime": "^7.1", "ext-ctype": "*" },
        { scripts: { "auto-scripts": { "cache:clear": "symfony-cmd" }, "post-install-cmd": ["@auto-scripts"] } },
      ),
      "composer.lock": JSON.stringify({ packages: [] }),
      "bin/console": "#!/usr/bin/env php\n",
      "public/index.php": "<?php\n",
    });
    const image = build(
      repo,
      [web, svc("consume", "worker", "/usr/bin/php8.2 /var/www/shop/bin/console messenger:consume async")],
      "postgres",
    );
    expectBuilds(image, repo);
    const text = image.content!;
    expect(text).toMatch(/install-php-extensions opcache pcntl pdo_pgsql$/m);
    expect(text).toMatch(/APP_ENV=prod APP_DEBUG=0/);
    expect(text).toMatch(
      /^RUN touch \.env \\\n {2}&& APP_ENV=prod APP_DEBUG=0 composer run-script --working-dir=\. --no-dev post-install-cmd$/m,
    );
    expect(text).toMatch(/mkdir -p \/app\/var && chown -R www-data:www-data \/app\/var$/m);
    expect(text).not.toMatch(/AS assets/);
    expect(image.argv.consume).toMatchObject({ ok: true, argv: ["php", "bin/console", "messenger:consume", "async"] });
  });

  it("Symfony with extra.public-dir (wallabag's web/): that folder is the document root, Encore's build:prod runs", () => {
    const repo = repoOf({
      "composer.json": composer(
        { "symfony/framework-bundle": "^5.4", "ext-tidy": "*" },
        { extra: { "public-dir": "web" }, scripts: { "post-install-cmd": ["bin/console cache:clear --no-warmup"] } },
      ),
      "composer.lock": JSON.stringify({ packages: [] }),
      "bin/console": "#!/usr/bin/env php\n",
      "web/index.php": "<?php\n",
      "web/app.php": "<?php return require __DIR__.'/index.php';\n",
      "package.json": JSON.stringify({ scripts: { "build:dev": "encore dev", "build:prod": "encore production" } }),
      "yarn.lock": "",
    });
    const image = build(
      repo,
      [web, svc("import", "worker", "/usr/bin/php /var/www/shop/bin/console app:import:worker")],
      "mysql",
    );
    expectBuilds(image, repo);
    const text = image.content!;
    expect(text).toMatch(/APACHE_DOCUMENT_ROOT=\/app\/web /);
    expect(text).toMatch(/^RUN yarn run build:prod$/m);
    expect(text).toMatch(/^COPY --from=assets \/app\/web \/app\/web$/m);
    expect(text).toMatch(/install-php-extensions opcache pcntl pdo_mysql tidy$/m);
  });

  it.each([
    // public-dir names a folder without a front controller: public/ still decides.
    [{ "public/index.php": "<?php\n" }, { "public-dir": "web" }, "/app/public"],
    [{ "web/index.php": "<?php\n" }, { "public-dir": "./web/" }, "/app/web"],
    [{ "web/index.php": "<?php\n", "index.php": "<?php\n" }, {}, "/app"],
  ])("document root of %j with extra %j: %s", (files, extra, root) => {
    const repo = repoOf({ "composer.json": composer({}, { extra }), ...files });
    const image = build(repo, [web]);
    expect(image.content).toMatch(new RegExp(`APACHE_DOCUMENT_ROOT=${root}( |$)`, "m"));
  });

  it("plain PHP at the repository root: no front controller fallback, app files hidden from the web", () => {
    const repo = repoOf({
      "composer.json": composer({ "ext-mbstring": "*" }),
      "composer.lock": JSON.stringify({ packages: [] }),
      "index.php": "<?php echo 'hi';\n",
    });
    const image = build(repo, [svc("web", "web", "php -S 127.0.0.1:8000")]);
    expectBuilds(image, repo);
    const text = image.content!;
    expect(text).toMatch(/APACHE_DOCUMENT_ROOT=\/app( |$)/m);
    expect(text).not.toMatch(/FallbackResource/);
    expect(text).toMatch(/RedirectMatch 404 .*vendor/);
    // mbstring is compiled into the php image; only opcache is added.
    expect(text).toMatch(/^RUN install-php-extensions opcache$/m);
  });

  it("without composer.lock: versions resolve at build time and the header says so; committed assets are not rebuilt", () => {
    const repo = repoOf({
      "composer.json": composer({ "laravel/framework": "^11.0" }, { config: { platform: { php: "8.4.1" } } }),
      artisan: "<?php\n",
      "public/index.php": "<?php\n",
      "public/build/manifest.json": "{}",
      "package.json": JSON.stringify({ scripts: { build: "vite build" } }),
    });
    const image = build(repo, [web]);
    expectBuilds(image, repo);
    expect(image.content).toMatch(/composer\.json \(no composer\.lock: versions resolve at build time\)/);
    expect(image.content).toMatch(/^FROM php:8\.4-apache-trixie AS base$/m);
    expect(image.content).toMatch(/PHP 8\.4 \(composer\.json config\.platform\.php\)/);
    expect(image.content).not.toMatch(/COPY composer\.lock/);
    expect(image.content).not.toMatch(/AS assets/);
  });

  it("runs the production asset build over a development one, and lets www-data write the VM's upload folders", () => {
    const repo = repoOf({
      "composer.json": composer({ "laravel/framework": "^10.0" }),
      artisan: "<?php\n",
      "public/index.php": "<?php\n",
      "package.json": JSON.stringify({ scripts: { build: "npm-run-all build:*:dev", production: "mix --production" } }),
      "yarn.lock": "",
    });
    const image = phpImage({
      repo,
      appName: "docs",
      runtime: "php",
      dockerfile: "Dockerfile",
      root: "/var/www/docs",
      processes: [web],
      uploads: ["/app/public/uploads", "/app/storage/uploads"],
    });
    expectBuilds(image, repo);
    expect(image.content).toMatch(/^RUN yarn run production$/m);
    expect(image.content).toMatch(/^RUN corepack enable$/m);
    expect(image.content).toMatch(
      /^RUN mkdir -p .*\/app\/bootstrap\/cache \/app\/public\/uploads \/app\/storage\/uploads && chown -R www-data:www-data /m,
    );
  });

  it.each([
    [
      "an extension without a recipe",
      { "composer.json": composer({ "ext-oci8": "*" }), "public/index.php": "<?php\n" },
      /requires ext-oci8, which the generated image has no recipe for/,
    ],
    [
      "no front controller",
      { "composer.json": composer({}) },
      /no front controller was found \(public\/index\.php, index\.php, or index\.php in composer\.json's extra\.public-dir\)/,
    ],
  ])("keeps a notice for %s", (_name, files, reason) => {
    const image = build(repoOf(files), [web]);
    expect(image.content).toBeUndefined();
    expect(image.notice).toMatch(/^No PHP Dockerfile is written: /);
    expect(image.notice).toMatch(reason);
  });
});

describe("the VM's PHP web front", () => {
  const repo = repoOf({ "composer.json": composer({}), "public/index.php": "<?php\n" });
  it.each([
    ["/usr/sbin/php-fpm8.3 --nodaemonize --fpm-config /etc/php/8.3/fpm/php-fpm.conf"],
    ["/usr/sbin/apachectl start"],
    ["/usr/sbin/apache2ctl -D FOREGROUND"],
    ["/usr/sbin/httpd -DFOREGROUND"],
    ["php artisan serve --host 127.0.0.1 --port 8000"],
  ])("%s is replaced by the image's Apache on $PORT", (command) => {
    const image = build(repo, [svc("web", "web", command)]);
    expect(image.argv.web).toMatchObject({ ok: true, argv: ["apache2-foreground"] });
    expect(image.cmd).toEqual(["apache2-foreground"]);
  });

  it("a websocket server of the app keeps its own command, bound to $PORT", () => {
    const reverb = {
      ...svc("ws", "web", "php /var/www/shop/artisan reverb:start"),
      protocols: ["websocket"],
    } as Service;
    const image = build(repo, [svc("web", "web", "/usr/sbin/php-fpm8.3 -F"), reverb]);
    expect(image.argv.ws).toMatchObject({
      ok: true,
      argv: ["php", "artisan", "reverb:start", "--host=0.0.0.0", "--port=8080"],
    });
  });
});

describe("the extensions the VM's PHP loaded", () => {
  it("are installed too, beside composer.json's, and an unknown one is left out, not a reason to skip the image", () => {
    const repo = repoOf({ "composer.json": composer({ "ext-gd": "*" }), "index.php": "<?php\n" });
    const fpm = {
      ...web,
      phpIni: { memoryLimit: "512M", extensions: ["apcu", "redis", "igbinary", "mbstring", "pdo", "someone_elses"] },
    } as unknown as Service;
    const image = build(repo, [fpm], "mysql");
    expect(image.notice).toBeUndefined();
    expect(image.content).toMatch(/RUN install-php-extensions apcu gd igbinary opcache pdo_mysql redis\n/);
    expect(image.content).not.toContain("someone_elses");
  });
});

describe("APCu in PHP's CLI (apc.enable_cli=1 on the VM)", () => {
  const repo = () => repoOf({ "composer.json": composer({}), "index.php": "<?php\n" });
  const fpm = { ...web, phpIni: { extensions: ["apcu"], apcEnableCli: true } } as unknown as Service;
  const cron = svc("cron", "cron", "php -f /var/www/cloud/cron.php");

  it("is set in the image when the app runs PHP CLI jobs", () => {
    const image = build(repo(), [fpm, cron], "mysql");
    expect(image.content).toContain(`RUN echo 'apc.enable_cli = 1' > "$PHP_INI_DIR/conf.d/apcu-cli.ini"`);
    expect(image.content).toContain("services.web.phpIni");
  });

  it("is not, with no CLI job or with the VM's CLI not enabling it", () => {
    expect(build(repo(), [fpm], "mysql").content).not.toContain("apc.enable_cli");
    const off = { ...web, phpIni: { extensions: ["apcu"] } } as unknown as Service;
    expect(build(repo(), [off, cron], "mysql").content).not.toContain("apc.enable_cli");
  });
});
