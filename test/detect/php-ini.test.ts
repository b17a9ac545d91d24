// PHP's limits on the VM: php.ini, its conf.d files in name order, the PHP-FPM pool's php_value /
// php_admin_value, and Apache's php_value for mod_php, read on small VM trees (Debian and RHEL
// layouts), from disk and over ssh alike.
import { mkdir, readFile, symlink } from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseApacheDirectives } from "../../src/detect/apache-config.js";
import { detectRepo } from "../../src/detect/detect-repo.js";
import { apachePhpValues } from "../../src/detect/php-apache.js";
import {
  fastcgiTargets,
  parseFpmPools,
  parsePhpIni,
  phpIniExtensions,
  sameFastcgiAddress,
  sessionSaveHandler,
} from "../../src/detect/php-ini-parse.js";
import { readPhpLimits } from "../../src/detect/php-ini.js";
import type { ServiceFinding } from "../../src/detect/types.js";
import { TempTrees } from "../helpers/file-tree.js";
import { collectFromTree } from "../helpers/host-reads.js";

const trees = new TempTrees("im-php-ini-");
afterAll(() => trees.removeAll());

describe("parsePhpIni", () => {
  it.each([
    ["upload_max_filesize = 64M", { uploadMaxFilesize: "64M" }],
    ["upload_max_filesize=64m ; raised for attachments", { uploadMaxFilesize: "64M" }],
    ['post_max_size = "100M"', { postMaxSize: "100M" }],
    ["memory_limit = -1", { memoryLimit: "-1" }],
    ["max_execution_time = 600\nmax_input_vars = 5000", { maxExecutionTime: 600, maxInputVars: 5000 }],
    // Later lines win; commented lines and other directives are not read.
    ["upload_max_filesize = 2M\n;upload_max_filesize = 99M\nupload_max_filesize = 20M", { uploadMaxFilesize: "20M" }],
    ["display_errors = Off\nopcache.memory_consumption = 128", {}],
    // [PATH=…] and [HOST=…] apply to one folder or host only; [PHP] and others are ignored.
    [
      "[PHP]\nmemory_limit = 256M\n[PATH=/var/www/legacy]\nmemory_limit = 1G\n[opcache]\nmax_execution_time = 60",
      {
        memoryLimit: "256M",
        maxExecutionTime: 60,
      },
    ],
    // The process's environment and values PHP misreads are not guessed at.
    ["memory_limit = ${PHP_MEMORY_LIMIT}\nupload_max_filesize = 64MB", {}],
  ])("%j", (text, values) => {
    expect(parsePhpIni(text)).toEqual(values);
  });
});

describe("fastcgiTargets and sameFastcgiAddress", () => {
  it("reads nginx's fastcgi_pass and Apache's proxy:fcgi targets", () => {
    const nginx =
      "location ~ \\.php$ {\n  fastcgi_pass unix:/run/php/php8.2-fpm.sock;\n}\n# fastcgi_pass 127.0.0.1:9999;\n";
    expect(fastcgiTargets(nginx)).toEqual(["/run/php/php8.2-fpm.sock"]);
    expect(fastcgiTargets("    fastcgi_pass 127.0.0.1:9000;\n")).toEqual(["127.0.0.1:9000"]);
    const apache =
      '<FilesMatch \\.php$>\n  SetHandler "proxy:unix:/run/php-fpm/www.sock|fcgi://localhost"\n</FilesMatch>\n';
    expect(fastcgiTargets(apache)).toEqual(["/run/php-fpm/www.sock"]);
    expect(fastcgiTargets('ProxyPassMatch ^/(.*\\.php)$ "proxy:fcgi://127.0.0.1:9000/var/www/$1"')).toEqual([
      "127.0.0.1:9000",
    ]);
  });

  it.each([
    ["/run/php/php8.2-fpm.sock", "/run/php/php8.2-fpm.sock", true],
    ["/run/php/shop.sock", "/run/php/php8.2-fpm.sock", false],
    ["9000", "127.0.0.1:9000", true],
    ["127.0.0.1:9000", "localhost:9000", true],
    ["[::]:9001", "127.0.0.1:9000", false],
    ["/run/php/x.sock", "127.0.0.1:9000", false],
  ])("%s and %s: %s", (listen, target, same) => {
    expect(sameFastcgiAddress(listen, target)).toBe(same);
  });
});

describe("parseFpmPools", () => {
  it("reads each pool's php_value and php_admin_value; [global] is no pool", () => {
    const text = [
      "[global]",
      "php_admin_value[memory_limit] = 1G",
      "[www]",
      "listen = /run/php/php8.2-fpm.sock",
      "php_value[upload_max_filesize] = 32M",
      "php_admin_value[post_max_size] = 40M",
      ";php_admin_value[memory_limit] = 2G",
      "[media]",
      "php_admin_value[ memory_limit ] = 512M",
    ].join("\n");
    expect(parseFpmPools(text)).toEqual([
      { name: "www", listen: "/run/php/php8.2-fpm.sock", values: { uploadMaxFilesize: "32M", postMaxSize: "40M" } },
      { name: "media", values: { memoryLimit: "512M" } },
    ]);
  });
});

describe("apachePhpValues", () => {
  const SITE = "/etc/apache2/sites-enabled/wiki.conf";
  const config = (files: Record<string, string>) => ({
    serverRoot: "etc/apache2",
    files: [],
    directives: Object.entries(files).flatMap(([shown, text]) => parseApacheDirectives(text, shown)),
  });

  it("takes what reaches the app: server level, its own site, a <Directory> holding or inside its folder", () => {
    const read = apachePhpValues(
      config({
        "/etc/apache2/conf-enabled/php-limits.conf": "php_value memory_limit 256M\nphp_value max_input_vars 3000\n",
        [SITE]: [
          "<VirtualHost *:80>",
          "  DocumentRoot /var/www/wiki/public",
          "  <IfModule mod_php.c>",
          "    php_value upload_max_filesize 128M",
          '    php_admin_value post_max_size "130M"',
          "  </IfModule>",
          "  <IfModule !mod_php.c>",
          "    php_value upload_max_filesize 1M",
          "  </IfModule>",
          "  <Directory /var/www/wiki/public>",
          "    php_value max_execution_time 300",
          "  </Directory>",
          "  <Directory /var/www/other>",
          "    php_value memory_limit 2G",
          "  </Directory>",
          "  # php_value memory_limit 4G",
          "  php_flag display_errors off",
          "</VirtualHost>",
        ].join("\n"),
        "/etc/apache2/sites-enabled/blog.conf": "<VirtualHost *:80>\n  php_value post_max_size 1G\n</VirtualHost>\n",
      }),
      SITE,
      "/var/www/wiki",
    );
    expect(read.values).toEqual({
      memoryLimit: "256M",
      maxInputVars: 3000,
      uploadMaxFilesize: "128M",
      postMaxSize: "130M",
      maxExecutionTime: 300,
    });
    expect(read.files).toEqual(["/etc/apache2/conf-enabled/php-limits.conf", SITE]);
  });
});

const WANTS = "etc/systemd/system/multi-user.target.wants";
const FPM_UNIT =
  "[Service]\nType=notify\nExecStart=/usr/sbin/php-fpm8.2 --nodaemonize --fpm-config /etc/php/8.2/fpm/php-fpm.conf\n";
const PRODUCTION_INI =
  "[PHP]\nmax_execution_time = 30\nmemory_limit = 128M\npost_max_size = 8M\nupload_max_filesize = 2M\n";

async function detect(hostRoot: string) {
  const repo = await trees.make({});
  return detectRepo(repo, {
    readRemote: async () => undefined,
    host: { root: hostRoot, readListeners: async () => undefined },
  });
}

/** The facts from the tree on disk and from an ssh read of it: they must be the same. */
async function bothWays(vm: string) {
  const collected = await collectFromTree(vm);
  try {
    const fromDisk = await detect(vm);
    expect(collected.warnings).toEqual([]);
    expect((await detect(collected.root)).services).toEqual(fromDisk.services);
    return fromDisk;
  } finally {
    await collected.cleanup();
  }
}

const phpIniOf = (facts: Awaited<ReturnType<typeof detect>>, software: string) =>
  facts.services.find((s) => s.software === software)?.phpIni;

describe("PHP's limits on the VM", () => {
  it("Debian PHP-FPM: php.ini, then conf.d in name order (links to mods-available), then the pool", async () => {
    const vm = await trees.make({
      [`${WANTS}/php8.2-fpm.service`]: FPM_UNIT,
      "etc/php/8.2/fpm/php.ini": PRODUCTION_INI,
      "etc/php/8.2/mods-available/uploads.ini": "upload_max_filesize = 50M\npost_max_size = 50M\n",
      "etc/php/8.2/fpm/conf.d/99-app.ini": "post_max_size = 60M\nmemory_limit = 256M\n",
      "etc/php/8.2/mods-available/apcu.ini": "; priority=20\nextension=apcu.so\napc.enable_cli=1\n",
      "etc/php/8.2/fpm/pool.d/www.conf": "[www]\nuser = www-data\nphp_admin_value[max_execution_time] = 120\n",
      // The CLI's php.ini is not the web process's.
      "etc/php/8.2/cli/php.ini": "memory_limit = -1\n",
      // Another release's tree is not the running one.
      "etc/php/7.4/fpm/php.ini": "upload_max_filesize = 1G\n",
    });
    await symlink("/etc/php/8.2/mods-available/uploads.ini", path.join(vm, "etc/php/8.2/fpm/conf.d/20-uploads.ini"));
    await symlink("/etc/php/8.2/mods-available/apcu.ini", path.join(vm, "etc/php/8.2/fpm/conf.d/20-apcu.ini"));
    const facts = await bothWays(vm);
    expect(phpIniOf(facts, "php-fpm")).toEqual({
      uploadMaxFilesize: "50M",
      postMaxSize: "60M",
      memoryLimit: "256M",
      maxExecutionTime: 120,
      maxInputVars: 1000,
      // The extensions PHP loads for the app (the image loads them too), over ssh as on disk.
      extensions: ["apcu"],
      // mods-available/apcu.ini, shared with the CLI, turns APCu on there: the image's CLI jobs get it.
      apcEnableCli: true,
    });
    expect(facts.evidence).toContainEqual({
      file: "/etc/php/8.2/fpm/pool.d/www.conf",
      found:
        "PHP limits of php8-2-fpm: upload_max_filesize 50M, post_max_size 60M, memory_limit 256M, max_execution_time 120, max_input_vars 1000 " +
        "(set in /etc/php/8.2/fpm/php.ini, /etc/php/8.2/fpm/conf.d/20-uploads.ini, /etc/php/8.2/fpm/conf.d/99-app.ini, /etc/php/8.2/fpm/pool.d/www.conf; uploads up to 50 MiB)",
    });
  });

  it("APCu in PHP's CLI: the CLI's own conf.d has the last word, and it needs APCu loaded", async () => {
    const vm = await trees.make({
      [`${WANTS}/php8.2-fpm.service`]: FPM_UNIT,
      "etc/php/8.2/fpm/php.ini": PRODUCTION_INI,
      "etc/php/8.2/fpm/conf.d/20-apcu.ini": "extension=apcu.so\napc.enable_cli=1\n",
      "etc/php/8.2/cli/conf.d/99-off.ini": "apc.enable_cli = Off\n",
    });
    expect(phpIniOf(await bothWays(vm), "php-fpm")?.apcEnableCli).toBeUndefined();
    const on = await trees.make({
      [`${WANTS}/php8.2-fpm.service`]: FPM_UNIT,
      "etc/php/8.2/fpm/php.ini": PRODUCTION_INI,
      "etc/php/8.2/fpm/conf.d/20-apcu.ini": "extension=apcu.so\n",
      "etc/php/8.2/cli/conf.d/20-apcu.ini": "extension=apcu.so\napc.enable_cli = On ; for occ\n",
    });
    expect(phpIniOf(await bothWays(on), "php-fpm")?.apcEnableCli).toBe(true);
  });

  it.each([
    ["extension=apcu.so\nzend_extension=opcache\n", ["apcu", "opcache"]],
    // Quoted, a full path, Windows' php_*.dll, a trailing comment; commented lines load nothing.
    [
      'extension = "redis.so"\nextension=/usr/lib/php/20220829/igbinary.so ; for redis\nextension=php_intl.dll\n;extension=imagick\n',
      ["redis", "igbinary", "intl"],
    ],
    // Not an extension line: a setting that merely mentions one.
    ["apc.enable_cli=1\nextension_dir = /usr/lib/php\n", []],
  ])("%j loads %j", (text, names) => {
    expect(phpIniExtensions(text)).toEqual(names);
  });

  it("the ssh read sends only section headers, the limit lines and a pool's env names of PHP's files", async () => {
    const vm = await trees.make({
      "etc/php/8.2/fpm/php.ini": `${PRODUCTION_INI}mysqli.default_pw = hunter2\nsession.save_path = "tcp://10.0.0.9:6379?auth=s3cret"\n`,
      "etc/php/8.2/fpm/pool.d/www.conf": "[www]\nenv[DB_PASSWORD] = hunter2\nphp_admin_value[memory_limit] = 1G\n",
    });
    const collected = await collectFromTree(vm);
    try {
      const read = (f: string) => readFile(path.join(collected.root, f), "utf8");
      expect(await read("etc/php/8.2/fpm/php.ini")).toBe(PRODUCTION_INI);
      // A pool's env[] (fpm-env.ts) comes as its name; a password's value stays on the VM.
      expect(await read("etc/php/8.2/fpm/pool.d/www.conf")).toBe(
        '[www]\nenv[DB_PASSWORD] = "<redacted:vm>"\nphp_admin_value[memory_limit] = 1G\n',
      );
    } finally {
      await collected.cleanup();
    }
  });

  it("PHP's defaults apply to what php.ini leaves unset; with no PHP configuration nothing is said", async () => {
    const vm = await trees.make({ [`${WANTS}/php8.2-fpm.service`]: FPM_UNIT, "etc/php/8.2/fpm/php.ini": "[PHP]\n" });
    expect(phpIniOf(await detect(vm), "php-fpm")).toEqual({
      uploadMaxFilesize: "2M",
      postMaxSize: "8M",
      memoryLimit: "128M",
      maxExecutionTime: 30,
      maxInputVars: 1000,
    });
    const bare = await trees.make({ [`${WANTS}/php8.2-fpm.service`]: FPM_UNIT });
    expect(phpIniOf(await detect(bare), "php-fpm")).toBeUndefined();
  });

  it("several pools: the one nginx passes PHP to, else the one allowing the largest uploads, said as evidence", async () => {
    const site = (socket: string) =>
      `server {\n  listen 80;\n  root /var/www/shop/public;\n  client_max_body_size 100M;\n  location ~ \\.php$ {\n    fastcgi_pass unix:${socket};\n  }\n}\n`;
    const pools = {
      [`${WANTS}/php8.2-fpm.service`]: FPM_UNIT,
      "etc/php/8.2/fpm/php.ini": PRODUCTION_INI,
      "etc/php/8.2/fpm/pool.d/www.conf": "[www]\nlisten = /run/php/php8.2-fpm.sock\n",
      "etc/php/8.2/fpm/pool.d/shop.conf":
        "[shop]\nlisten = /run/php/shop.sock\nphp_admin_value[upload_max_filesize] = 64M\nphp_admin_value[post_max_size] = 64M\n",
    };
    const toShop = await bothWays(
      await trees.make({ ...pools, "etc/nginx/sites-enabled/shop": site("/run/php/shop.sock") }),
    );
    expect(phpIniOf(toShop, "php-fpm")).toMatchObject({ uploadMaxFilesize: "64M", postMaxSize: "64M" });
    expect(toShop.evidence.map((e) => e.found)).toContain(
      "2 PHP-FPM pools (shop, www): the web server passes PHP to [shop] (/run/php/shop.sock)",
    );
    // nginx passes PHP to www, which sets nothing: php.ini's 2M applies, not the other pool's 64M.
    const toWww = await bothWays(
      await trees.make({ ...pools, "etc/nginx/sites-enabled/shop": site("/run/php/php8.2-fpm.sock") }),
    );
    expect(phpIniOf(toWww, "php-fpm")).toMatchObject({ uploadMaxFilesize: "2M", postMaxSize: "8M" });
    expect(toWww.evidence.map((e) => e.found)).toContain(
      "2 PHP-FPM pools (shop, www): the web server passes PHP to [www] (/run/php/php8.2-fpm.sock), which sets no limit of its own",
    );
    const unnamed = await bothWays(await trees.make(pools));
    expect(phpIniOf(unnamed, "php-fpm")).toMatchObject({ uploadMaxFilesize: "64M", postMaxSize: "64M" });
    expect(unnamed.evidence.map((e) => e.found)).toContain(
      "2 PHP-FPM pools (shop, www), none named by the web server's fastcgi_pass: the values of [shop] are taken, the pool allowing the largest uploads",
    );
  });

  it("RHEL php-fpm: /etc/php.ini, /etc/php.d and /etc/php-fpm.d", async () => {
    const vm = await trees.make({
      [`${WANTS}/php-fpm.service`]: "[Service]\nType=notify\nExecStart=/usr/sbin/php-fpm --nodaemonize\n",
      "etc/php.ini": PRODUCTION_INI,
      "etc/php.d/10-opcache.ini": "zend_extension=opcache\n",
      "etc/php-fpm.d/www.conf": "[www]\nphp_value[upload_max_filesize] = 16M\nphp_value[post_max_size] = 20M\n",
    });
    expect(phpIniOf(await bothWays(vm), "php-fpm")).toMatchObject({ uploadMaxFilesize: "16M", postMaxSize: "20M" });
  });

  it.each([
    {
      name: "Remi's collection beside RHEL's own PHP: php83-php-fpm.service reads /etc/opt/remi/php83",
      files: {
        [`${WANTS}/php83-php-fpm.service`]:
          "[Service]\nType=notify\nExecStart=/opt/remi/php83/root/usr/sbin/php-fpm --nodaemonize\n",
        "etc/php.ini": "upload_max_filesize = 1M\n",
        "etc/opt/remi/php83/php.ini": PRODUCTION_INI,
        "etc/opt/remi/php83/php.d/90-app.ini": "post_max_size = 80M\n",
        "etc/opt/remi/php83/php-fpm.d/www.conf": "[www]\nphp_admin_value[upload_max_filesize] = 64M\n",
        "etc/opt/remi/php81/php.ini": "upload_max_filesize = 2G\n",
      },
      software: "php-fpm",
      ini: { uploadMaxFilesize: "64M", postMaxSize: "80M", memoryLimit: "128M" },
    },
    {
      name: "Alpine: supervisord runs php-fpm83, which reads /etc/php83",
      files: {
        "etc/supervisord.d/php.ini": "[program:php-fpm]\ncommand=/usr/sbin/php-fpm83 -F\n",
        "etc/php83/php.ini": PRODUCTION_INI,
        "etc/php83/conf.d/50-app.ini": "memory_limit = 512M\n",
        "etc/php83/php-fpm.d/www.conf":
          "[www]\nphp_admin_value[upload_max_filesize] = 20M\nphp_admin_value[post_max_size] = 24M\n",
        "etc/php82/php.ini": "upload_max_filesize = 2G\n",
      },
      software: "php-fpm",
      ini: { uploadMaxFilesize: "20M", postMaxSize: "24M", memoryLimit: "512M" },
    },
  ] as { name: string; files: Record<string, string>; software: string; ini: object }[])(
    "$name",
    async ({ files, software, ini }) => {
      expect(phpIniOf(await bothWays(await trees.make(files)), software)).toMatchObject(ini);
    },
  );

  it("Apache with mod_php: the apache2 SAPI's php.ini, then the site's php_value", async () => {
    const site = [
      "<VirtualHost *:80>",
      "  DocumentRoot /var/www/wiki",
      "  php_value upload_max_filesize 100M",
      "  php_value post_max_size 100M",
      "</VirtualHost>",
    ].join("\n");
    const vm = await trees.make({
      [`${WANTS}/apache2.service`]: "[Service]\nType=forking\nExecStart=/usr/sbin/apachectl start\n",
      "etc/apache2/mods-enabled/php8.2.load": "LoadModule php_module /usr/lib/apache2/modules/libphp8.2.so\n",
      "etc/apache2/sites-enabled/wiki.conf": site,
      "etc/php/8.2/apache2/php.ini": PRODUCTION_INI.replace("memory_limit = 128M", "memory_limit = 512M"),
      "etc/php/8.2/fpm/php.ini": "upload_max_filesize = 1M\n",
      "var/www/wiki/index.php": "<?php\n",
    });
    await mkdir(path.join(vm, "etc/php/8.2/apache2/conf.d"), { recursive: true });
    expect(phpIniOf(await bothWays(vm), "apache2")).toEqual({
      uploadMaxFilesize: "100M",
      postMaxSize: "100M",
      memoryLimit: "512M",
      maxExecutionTime: 30,
      maxInputVars: 1000,
    });
  });
});

// Nextcloud ships its limits in .htaccess (`php_value upload_max_filesize 511M` inside
// <IfModule mod_php.c>); Apache reads them after its own configuration where AllowOverride allows
// Options or All (php.net/configuration.changes), never over a php_admin_value.
describe("the app's .htaccess with mod_php", () => {
  const NEXTCLOUD_HTACCESS = [
    "<IfModule mod_php.c>",
    "  php_value upload_max_filesize 511M",
    "  php_value post_max_size 511M",
    "  php_value memory_limit 512M",
    "  php_value mbstring.func_overload 0",
    "  <IfModule mod_env.c>",
    "    SetEnv htaccessWorking true",
    "  </IfModule>",
    "</IfModule>",
    "<IfModule mod_rewrite.c>",
    "  RewriteEngine on",
    "  RewriteRule ^/\\.well-known/carddav /remote.php/dav/ [R=301,L]",
    "</IfModule>",
    "",
  ].join("\n");
  const vm = (site: string, extra: Record<string, string> = {}) => ({
    [`${WANTS}/apache2.service`]: "[Service]\nType=forking\nExecStart=/usr/sbin/apachectl start\n",
    "etc/apache2/apache2.conf":
      "IncludeOptional mods-enabled/*.load\n<Directory />\n  AllowOverride None\n</Directory>\n<Directory /var/www/>\n  AllowOverride None\n</Directory>\nIncludeOptional sites-enabled/*.conf\n",
    "etc/apache2/mods-enabled/php8.2.load": "LoadModule php_module /usr/lib/apache2/modules/libphp8.2.so\n",
    "etc/apache2/sites-enabled/cloud.conf": site,
    "etc/php/8.2/apache2/php.ini": PRODUCTION_INI,
    "var/www/nextcloud/index.php": "<?php\n",
    "var/www/nextcloud/.htaccess": NEXTCLOUD_HTACCESS,
    ...extra,
  });
  const site = (directory: string, more = "") =>
    `<VirtualHost *:80>\n  DocumentRoot /var/www/nextcloud\n${more}  <Directory /var/www/nextcloud/>\n${directory}  </Directory>\n</VirtualHost>\n`;

  it.each([
    {
      name: "AllowOverride All (Nextcloud's documented site): the .htaccess limits apply",
      files: vm(site("    AllowOverride All\n")),
      ini: { uploadMaxFilesize: "511M", postMaxSize: "511M", memoryLimit: "512M" },
    },
    {
      name: "AllowOverride None (Debian's /var/www default, no site override): php.ini's",
      files: vm(site("    Require all granted\n")),
      ini: { uploadMaxFilesize: "2M", postMaxSize: "8M", memoryLimit: "128M" },
    },
    {
      name: "AllowOverride FileInfo only: php_value is not allowed",
      files: vm(site("    AllowOverride FileInfo\n")),
      ini: { uploadMaxFilesize: "2M", postMaxSize: "8M" },
    },
    {
      name: "AllowOverride FileInfo Options=Indexes: allowed (Options in any form)",
      files: vm(site("    AllowOverride FileInfo Options=Indexes\n")),
      ini: { uploadMaxFilesize: "511M", postMaxSize: "511M" },
    },
    {
      name: "php_admin_value in the site locks memory_limit; the uploads follow .htaccess",
      files: vm(site("    AllowOverride All\n", "  php_admin_value memory_limit 256M\n")),
      ini: { uploadMaxFilesize: "511M", memoryLimit: "256M" },
    },
    {
      name: "<IfModule mod_php7.c> is not read under PHP 8's module (mod_php.c)",
      files: vm(site("    AllowOverride All\n"), {
        "var/www/nextcloud/.htaccess": NEXTCLOUD_HTACCESS.replace("mod_php.c", "mod_php7.c"),
      }),
      ini: { uploadMaxFilesize: "2M", memoryLimit: "128M" },
    },
    {
      name: "a Laravel app: the app folder's .htaccess, then public/'s (the later folder wins)",
      files: {
        ...vm(
          "<VirtualHost *:80>\n  DocumentRoot /var/www/nextcloud/public\n  <Directory /var/www/nextcloud>\n    AllowOverride All\n  </Directory>\n</VirtualHost>\n",
        ),
        "var/www/nextcloud/public/index.php": "<?php\n",
        "var/www/nextcloud/public/.htaccess": "php_value upload_max_filesize 40M\nphp_flag display_errors off\n",
      },
      ini: { uploadMaxFilesize: "40M", postMaxSize: "511M" },
    },
  ])("$name", async ({ files, ini }) => {
    expect(phpIniOf(await bothWays(await trees.make(files)), "apache2")).toMatchObject(ini);
  });

  it("the ssh read sends of .htaccess only its <IfModule> lines and the limit lines", async () => {
    const collected = await collectFromTree(await trees.make(vm(site("AllowOverride All\n"))));
    try {
      expect(await readFile(path.join(collected.root, "var/www/nextcloud/.htaccess"), "utf8")).toBe(
        "<IfModule mod_php.c>\n  php_value upload_max_filesize 511M\n  php_value post_max_size 511M\n  php_value memory_limit 512M\n  <IfModule mod_env.c>\n  </IfModule>\n</IfModule>\n<IfModule mod_rewrite.c>\n</IfModule>\n",
      );
    } finally {
      await collected.cleanup();
    }
  });
});

describe("session.save_handler: where plain PHP keeps its sessions", () => {
  const FPM = {
    name: "php8-2-fpm",
    role: "web",
    software: "php-fpm",
    command: "/usr/sbin/php-fpm8.2 --nodaemonize --fpm-config /etc/php/8.2/fpm/php-fpm.conf",
    listen: [],
    source: "",
  } as unknown as ServiceFinding;
  it.each([
    ["php.ini", "[Session]\nsession.save_handler = files\n", "files"],
    ["quoted, a later line wins", 'session.save_handler = files\nsession.save_handler = "redis"\n', "redis"],
    ["a pool's php_admin_value", "[www]\nphp_admin_value[session.save_handler] = memcached\n", "memcached"],
    ["a pool's php_value", "[www]\nphp_value[session.save_handler]=redis\n", "redis"],
    ["commented out", ";session.save_handler = redis\n", undefined],
    ["session.save_path only", 'session.save_path = "/var/lib/php/sessions"\n', undefined],
  ])("%s", (_name, text, want) => {
    expect(sessionSaveHandler(text)).toBe(want);
  });

  it("the VM's handler is read with PHP's limits, over the disk and over ssh (PHP's default files when php.ini says none)", async () => {
    const redis = await trees.make({
      [`${WANTS}/php8.2-fpm.service`]: FPM_UNIT,
      "etc/php/8.2/fpm/php.ini": '[PHP]\nmemory_limit = 256M\n[Session]\nsession.save_path = "/var/lib/php/sessions"\n',
      "etc/php/8.2/fpm/pool.d/www.conf": "[www]\nphp_admin_value[session.save_handler] = redis\n",
    });
    const onDisk = await readPhpLimits(redis, FPM);
    expect(onDisk?.sessionHandler).toBe("redis");
    const defaults = await trees.make({ "etc/php/8.2/fpm/php.ini": "[PHP]\n" });
    const plain = await readPhpLimits(defaults, FPM);
    expect(plain?.sessionHandler).toBe("files");
    // Over ssh, the directive's line is sent (and session.save_path's value is not).
    const collected = await collectFromTree(redis);
    try {
      expect(await readFile(path.join(collected.root, "etc/php/8.2/fpm/pool.d/www.conf"), "utf8")).toBe(
        "[www]\nphp_admin_value[session.save_handler] = redis\n",
      );
      expect(await readFile(path.join(collected.root, "etc/php/8.2/fpm/php.ini"), "utf8")).not.toContain("sessions");
    } finally {
      await collected.cleanup();
    }
  });
});
