// Apache with mod_php (the classic LAMP server) serves the PHP app itself: each enabled site whose
// DocumentRoot holds a PHP app is the app's web process; a site that only forwards is a reverse
// proxy; without PHP inside Apache (no module, or php-fpm beside it) Apache gives no web process.
import { cp, mkdtemp, rm, unlink, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { appRootOf, parseApacheSite } from "../../src/detect/apache.js";
import { detectRepo } from "../../src/detect/detect-repo.js";
import { TempTrees } from "../helpers/file-tree.js";
import { collectFromTree } from "../helpers/host-reads.js";

const trees = new TempTrees("im-apache-");
const temps: string[] = [];
afterAll(async () => {
  await trees.removeAll();
  await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true })));
});
const BOOKSTACK_VM = path.resolve(import.meta.dirname, "../fixtures/real/bookstack/vm");

const WANTS = "etc/systemd/system/multi-user.target.wants";
const DEBIAN_UNIT =
  "[Unit]\nDescription=The Apache HTTP Server\n\n[Service]\nType=forking\nExecStart=/usr/sbin/apachectl start\n";
const RHEL_UNIT =
  "[Unit]\nDescription=The Apache HTTP Server\n\n[Service]\nType=notify\nExecStart=/usr/sbin/httpd $OPTIONS -DFOREGROUND\n";
const LARAVEL_SITE = [
  "<VirtualHost *:80>",
  "    ServerName shop.example.org",
  "    # DocumentRoot /var/www/old",
  "    DocumentRoot /var/www/shop/public",
  "    <Directory /var/www/shop/public>",
  "        AllowOverride All",
  "    </Directory>",
  "</VirtualHost>",
  "",
].join("\n");
const LARAVEL_APP = {
  "var/www/shop/composer.json": '{"require":{"php":"^8.2","laravel/framework":"^11.0"}}',
  "var/www/shop/artisan": "#!/usr/bin/env php\n<?php\n",
  "var/www/shop/public/index.php": "<?php\n",
  "var/www/shop/.env": "APP_KEY=base64:abc\nDB_HOST=127.0.0.1\nDB_PASSWORD=secret\n",
};
const debianLaravel = {
  [`${WANTS}/apache2.service`]: DEBIAN_UNIT,
  "etc/apache2/mods-enabled/php8.2.load": "LoadModule php_module /usr/lib/apache2/modules/libphp8.2.so\n",
  "etc/apache2/mods-enabled/rewrite.load": "LoadModule rewrite_module /usr/lib/apache2/modules/mod_rewrite.so\n",
  "etc/apache2/sites-enabled/shop.conf": LARAVEL_SITE,
  ...LARAVEL_APP,
};

async function detect(hostRoot: string, listeners?: string) {
  const repo = await trees.make({});
  return detectRepo(repo, {
    readRemote: async () => undefined,
    host: { root: hostRoot, readListeners: async () => listeners },
  });
}

describe("parseApacheSite", () => {
  it("reads the VirtualHost addresses, the DocumentRoot (not a commented one) and ProxyPass ports", () => {
    const site = parseApacheSite(
      `${LARAVEL_SITE}<VirtualHost 10.0.0.5:8443 [::]:443>\n  ProxyPass /api http://127.0.0.1:8000/\n  ProxyPassMatch ^/ws ws://localhost:6001\n</VirtualHost>\n`,
    );
    expect(site).toEqual({
      roots: ["/var/www/shop/public"],
      aliases: [],
      listen: ["0.0.0.0:443", "0.0.0.0:80", "10.0.0.5:8443"],
      proxiesToPorts: [6001, 8000],
      routes: [{ path: "/api", port: 8000, rewrite: "/" }],
    });
    // A site without DocumentRoot: its <Directory> paths; quotes and trailing slashes dropped.
    expect(parseApacheSite('<Directory "/srv/wiki/">\n</Directory>\n').roots).toEqual(["/srv/wiki"]);
    expect(appRootOf("/var/www/shop/public")).toBe("/var/www/shop");
    expect(appRootOf("/srv/wiki")).toBe("/srv/wiki");
  });
});

describe("parseApacheSite: ProxyPass lines as routes", () => {
  it.each([
    ["ProxyPass /cable ws://127.0.0.1:3000/cable", [{ path: "/cable", port: 3000 }]],
    ["ProxyPass / http://127.0.0.1:3000/", [{ path: "/", port: 3000 }]],
    ['ProxyPass "/flower/" "http://127.0.0.1:5555/"', [{ path: "/flower/", port: 5555, rewrite: "/" }]],
    // Apache passes /app/x on as /x (the URL has no path): rewriting /app to / would give //x.
    ["ProxyPass /app http://127.0.0.1:3000", []],
    ["ProxyPass /static !", []],
    ["ProxyPassMatch ^/(.*\\.php)$ fcgi://127.0.0.1:9000/var/www/$1", []],
  ])("%s", (line, routes) => {
    expect(parseApacheSite(`<VirtualHost *:80>\n  ${line}\n</VirtualHost>\n`).routes).toEqual(routes);
  });
});

describe("parseApacheSite: addresses, aliases, the main file", () => {
  const listens = ["127.0.0.1:8080", "0.0.0.0:80"];
  it.each([
    ["a *:8080 site answers where Listen binds 8080", "<VirtualHost *:8080>\n</VirtualHost>", ["127.0.0.1:8080"]],
    ["a port no Listen names keeps the wildcard", "<VirtualHost *:9000>\n</VirtualHost>", ["0.0.0.0:9000"]],
    ["<VirtualHost *> answers on every Listen address", "<VirtualHost *>\n</VirtualHost>", listens.slice().sort()],
    ["a file without <VirtualHost> is the main server", "DocumentRoot /srv/www\n", listens.slice().sort()],
  ])("%s", (_name, text, listen) => {
    expect(parseApacheSite(text, { listens }).listen).toEqual(listen);
  });

  it("Alias and simple AliasMatch targets; other patterns are not guessed; <Directory> beside an Alias is not a root", () => {
    const site = parseApacheSite(
      'Alias /wiki/ "/srv/wiki/"\nAliasMatch ^/shop(/.*)?$ /srv/shop/public$1\nAliasMatch ^/img/(\\d+)\\.png$ /srv/img/$1.png\n<Directory /srv/wiki>\n</Directory>\n',
    );
    expect(site.aliases).toEqual([
      { url: "/wiki", path: "/srv/wiki", line: 1 },
      { url: "/shop", path: "/srv/shop/public", line: 2 },
    ]);
    expect(site.roots).toEqual([]);
  });

  it("the main file's <Directory> blocks are the distribution's access rules, not sites; its DocumentRoot is", () => {
    const main = "<Directory /var/www/>\n  Require all granted\n</Directory>\n";
    expect(parseApacheSite(main).roots).toEqual(["/var/www"]);
    expect(parseApacheSite(main, { main: true }).roots).toEqual([]);
    expect(parseApacheSite(`DocumentRoot "/var/www/html"\n${main}`, { main: true }).roots).toEqual(["/var/www/html"]);
  });
});

describe("Apache on the VM", () => {
  it("Debian apache2 + mod_php serving a Laravel app: the app's web process, not a proxy", async () => {
    const facts = await detect(await trees.make(debianLaravel));
    expect(facts.services).toEqual([
      expect.objectContaining({
        name: "apache2",
        role: "web",
        software: "apache2",
        systemdUnit: "apache2.service",
        command: "/usr/sbin/apachectl start",
        runtime: "php",
        framework: "laravel",
        protocols: ["http"],
        envFile: "/var/www/shop/.env",
        env: ["APP_KEY", "DB_HOST", "DB_PASSWORD"],
      }),
    ]);
  });

  it("LimitRequestBody in the site is the web process's upload limit, over ssh too", async () => {
    const site = LARAVEL_SITE.replace("    <Directory", "    LimitRequestBody 209715200\n    <Directory");
    const vm = await trees.make({ ...debianLaravel, "etc/apache2/sites-enabled/shop.conf": site });
    const collected = await collectFromTree(vm);
    try {
      expect((await detect(vm)).services.map((s) => s.maxRequestBodyMiB)).toEqual([200]);
      expect((await detect(collected.root)).services.map((s) => s.maxRequestBodyMiB)).toEqual([200]);
    } finally {
      await collected.cleanup();
    }
  });

  it("the ssh read sees the same Apache, modules and app folder as the disk read", async () => {
    const vm = await trees.make(debianLaravel);
    const collected = await collectFromTree(vm);
    try {
      const overSsh = await detect(collected.root);
      expect(overSsh.services).toEqual((await detect(vm)).services);
      expect(overSsh.services.map((s) => s.framework)).toEqual(["laravel"]);
    } finally {
      await collected.cleanup();
    }
  });

  it("RHEL httpd + php (a plain PHP app, no composer.json); Apache known by its process alone", async () => {
    const vm = await trees.make({
      "etc/httpd/conf.modules.d/00-base.conf": "LoadModule alias_module modules/mod_alias.so\n",
      "etc/httpd/conf.modules.d/15-php.conf":
        "<IfModule prefork.c>\n  LoadModule php_module modules/libphp.so\n</IfModule>\n",
      "etc/httpd/conf.d/wiki.conf": '<VirtualHost *:80>\n  DocumentRoot "/srv/wiki/"\n</VirtualHost>\n',
      "srv/wiki/index.php": "<?php\n",
    });
    // The files alone, with neither httpd.service nor an httpd process: Apache does not run.
    expect((await detect(vm)).services).toEqual([]);
    const withUnit = await trees.make({ [`${WANTS}/httpd.service`]: RHEL_UNIT });
    await cp(vm, withUnit, { recursive: true });
    expect((await detect(withUnit)).services).toEqual([
      expect.objectContaining({ name: "httpd", role: "web", software: "httpd", runtime: "php" }),
    ]);
    const byProcess = await detect(vm, 'LISTEN 0 511 *:80 *:* users:(("httpd",pid=900,fd=4))');
    expect(byProcess.services).toEqual([
      expect.objectContaining({ name: "httpd", role: "web", command: "/usr/sbin/httpd -DFOREGROUND", runtime: "php" }),
    ]);
  });

  it("a site that only proxies to the app server stays a reverse proxy in front of it", async () => {
    const vm = await trees.make({
      [`${WANTS}/apache2.service`]: DEBIAN_UNIT,
      "etc/apache2/mods-enabled/proxy_http.load": "LoadModule proxy_http_module mod_proxy_http.so\n",
      "etc/apache2/sites-enabled/api.conf":
        "<VirtualHost *:443>\n  ServerName api.example.org\n  ProxyPass / http://127.0.0.1:8000/\n  ProxyPassReverse / http://127.0.0.1:8000/\n</VirtualHost>\n",
      "etc/systemd/system/api.service":
        "[Service]\nWorkingDirectory=/srv/api\nExecStart=/srv/api/.venv/bin/gunicorn -b 127.0.0.1:8000 app:app\n",
      "srv/api/requirements.txt": "flask==3.0.0\ngunicorn==22.0.0\n",
    });
    const services = (await detect(vm)).services;
    expect(services.map((s) => [s.name, s.role, s.software])).toEqual([
      ["apache2", "reverse-proxy", "apache2"],
      ["api", "web", "gunicorn"],
    ]);
    expect(services[0]).toMatchObject({ listen: ["0.0.0.0:443"], dependsOn: ["api"] });
  });

  it.each([
    ["without mod_ssl, Debian's ports.conf binds 80 only", {}, ["0.0.0.0:80"]],
    [
      "with mod_ssl loaded, 443 too",
      { "etc/apache2/mods-enabled/ssl.load": "LoadModule ssl_module /usr/lib/apache2/modules/mod_ssl.so\n" },
      ["0.0.0.0:443", "0.0.0.0:80"],
    ],
  ])("Listen inside <IfModule ssl_module>: %s", async (_name, extra, listen) => {
    const vm = await trees.make({
      [`${WANTS}/apache2.service`]: DEBIAN_UNIT,
      "etc/apache2/apache2.conf":
        "IncludeOptional mods-enabled/*.load\nInclude ports.conf\nIncludeOptional sites-enabled/*.conf\n",
      "etc/apache2/ports.conf":
        "Listen 80\n\n<IfModule ssl_module>\n\tListen 443\n</IfModule>\n\n<IfModule mod_gnutls.c>\n\tListen 443\n</IfModule>\n",
      "etc/apache2/mods-enabled/proxy_http.load": "LoadModule proxy_http_module mod_proxy_http.so\n",
      "etc/apache2/sites-enabled/api.conf": "<VirtualHost *>\n  ProxyPass / http://127.0.0.1:8000/\n</VirtualHost>\n",
      ...extra,
    });
    expect((await detect(vm)).services[0]).toMatchObject({ role: "reverse-proxy", listen });
  });

  it("Apache without PHP inside (no module, or php-fpm beside it) gives no web process of its own", async () => {
    const { ["etc/apache2/mods-enabled/php8.2.load"]: _php, ...noModule } = debianLaravel;
    expect((await detect(await trees.make(noModule))).services).toEqual([]);
    const withFpm = await trees.make({
      ...debianLaravel,
      [`${WANTS}/php8.2-fpm.service`]: "[Service]\nExecStart=/usr/sbin/php-fpm8.2 --nodaemonize\n",
    });
    expect((await detect(withFpm)).services.map((s) => [s.name, s.role, s.software])).toEqual([
      ["php8-2-fpm", "web", "php-fpm"],
    ]);
  });

  it("BookStack's VM switched from nginx + php-fpm to Apache + mod_php keeps its web process", async () => {
    const temp = await mkdtemp(path.join(tmpdir(), "im-apache-bookstack-"));
    temps.push(temp);
    const vm = path.join(temp, "vm");
    await cp(BOOKSTACK_VM, vm, { recursive: true, verbatimSymlinks: true });
    await rm(path.join(vm, "etc/nginx"), { recursive: true });
    for (const unit of ["nginx.service", "php8.2-fpm.service"]) await unlink(path.join(vm, WANTS, unit));
    await writeFile(path.join(vm, WANTS, "apache2.service"), DEBIAN_UNIT);
    for (const dir of ["etc/apache2/mods-enabled", "etc/apache2/sites-enabled"])
      await mkdir(path.join(vm, dir), { recursive: true });
    await writeFile(path.join(vm, "etc/apache2/mods-enabled/php8.2.load"), "LoadModule php_module libphp8.2.so\n");
    await writeFile(
      path.join(vm, "etc/apache2/sites-enabled/bookstack.conf"),
      "<VirtualHost *:80>\n  DocumentRoot /var/www/bookstack/public\n</VirtualHost>\n",
    );
    const facts = await detectRepo(path.join(vm, "var/www/bookstack"), {
      readRemote: async () => undefined,
      host: { root: vm, readListeners: async () => undefined },
    });
    expect(facts.services.map((s) => [s.name, s.role, s.runtime, s.framework])).toEqual([
      ["apache2", "web", "php", "laravel"],
      ["bookstack-queue", "worker", "php", "laravel-queue"],
      ["mariadb", "database", undefined, undefined],
    ]);
    expect(facts.services[0]!.env).toContain("APP_KEY");
  });
});

// RHEL, Fedora and Rocky install php-fpm with /etc/httpd/conf.d/php.conf, which hands .php to the
// pool's socket when mod_php is not loaded (mod_proxy_fcgi); a site may name a TCP pool itself.
const RHEL_PHP_CONF = [
  '<Files ".user.ini">',
  "    Require all denied",
  "</Files>",
  "AddType text/html .php",
  "DirectoryIndex index.php",
  "<IfModule  mod_php.c>",
  "    <FilesMatch \\.(php|phar)$>",
  "        SetHandler application/x-httpd-php",
  "    </FilesMatch>",
  "</IfModule>",
  "<IfModule !mod_php5.c>",
  "  <IfModule !mod_php7.c>",
  "    <IfModule !mod_php.c>",
  '    SetEnvIfNoCase ^Authorization$ "(.+)" HTTP_AUTHORIZATION=$1',
  "    <FilesMatch \\.(php|phar)$>",
  '        SetHandler "proxy:unix:/run/php-fpm/www.sock|fcgi://localhost"',
  "    </FilesMatch>",
  "    </IfModule>",
  "  </IfModule>",
  "</IfModule>",
  "",
].join("\n");
const RHEL_FPM = {
  [`${WANTS}/httpd.service`]: RHEL_UNIT,
  [`${WANTS}/php-fpm.service`]: "[Service]\nType=notify\nExecStart=/usr/sbin/php-fpm --nodaemonize\n",
  "etc/httpd/conf/httpd.conf":
    'ServerRoot "/etc/httpd"\nListen 80\nInclude conf.modules.d/*.conf\nDocumentRoot "/var/www/html"\nIncludeOptional conf.d/*.conf\n',
  "etc/httpd/conf.modules.d/00-base.conf": "LoadModule alias_module modules/mod_alias.so\n",
  "etc/httpd/conf.modules.d/00-proxy.conf":
    "LoadModule proxy_module modules/mod_proxy.so\nLoadModule proxy_fcgi_module modules/mod_proxy_fcgi.so\n",
  "etc/httpd/conf.d/php.conf": RHEL_PHP_CONF,
  "etc/php.ini": "[PHP]\nupload_max_filesize = 200M\npost_max_size = 200M\n",
  "etc/php-fpm.d/www.conf": "[www]\nlisten = /run/php-fpm/www.sock\n",
  "var/www/html/index.php": "<?php\n",
};

describe("Apache handing PHP to PHP-FPM (mod_proxy_fcgi) is the app's front", () => {
  const front = (facts: Awaited<ReturnType<typeof detect>>) =>
    facts.services.map((s) => ({
      name: s.name,
      role: s.role,
      software: s.software,
      listen: s.listen,
      dependsOn: s.dependsOn,
      ...(s.maxRequestBodyMiB !== undefined ? { maxRequestBodyMiB: s.maxRequestBodyMiB } : {}),
    }));
  const site = (body: string) => `<VirtualHost *:80>\n  DocumentRoot /srv/shop/public\n${body}</VirtualHost>\n`;
  const shop = { "srv/shop/public/index.php": "<?php\n", "srv/shop/composer.json": "{}" };

  it.each([
    {
      name: "RHEL's stock conf.d/php.conf: the socket of the www pool",
      files: RHEL_FPM,
      services: [
        { name: "httpd", role: "reverse-proxy", software: "httpd", listen: ["0.0.0.0:80"], dependsOn: ["php-fpm"] },
        { name: "php-fpm", role: "web", software: "php-fpm", listen: [], dependsOn: [] },
      ],
    },
    {
      name: "a site's own SetHandler to a TCP pool, with its LimitRequestBody",
      files: {
        ...RHEL_FPM,
        "etc/httpd/conf.d/php.conf": "",
        "etc/httpd/conf.d/shop.conf": site(
          '  LimitRequestBody 104857600\n  <FilesMatch \\.php$>\n    SetHandler "proxy:fcgi://127.0.0.1:9000"\n  </FilesMatch>\n',
        ),
        ...shop,
      },
      services: [
        {
          name: "httpd",
          role: "reverse-proxy",
          software: "httpd",
          listen: ["0.0.0.0:80"],
          dependsOn: ["php-fpm"],
          maxRequestBodyMiB: 100,
        },
        { name: "php-fpm", role: "web", software: "php-fpm", listen: [], dependsOn: [] },
      ],
    },
    {
      name: "ProxyPassMatch to fcgi:// beside a ProxyPass to a Node app: one front for both",
      files: {
        ...RHEL_FPM,
        "etc/httpd/conf.d/php.conf": "",
        "etc/httpd/conf.d/shop.conf": site(
          "  ProxyPassMatch ^/(.*\\.php)$ fcgi://127.0.0.1:9000/srv/shop/public/$1\n  ProxyPass /ws http://127.0.0.1:3000/\n",
        ),
        "etc/systemd/system/ws.service":
          "[Service]\nWorkingDirectory=/srv/ws\nEnvironment=PORT=3000\nExecStart=/usr/bin/node server.js\n",
        "srv/ws/package.json": '{"dependencies":{"express":"^4"}}',
        ...shop,
      },
      services: [
        {
          name: "httpd",
          role: "reverse-proxy",
          software: "httpd",
          listen: ["0.0.0.0:80"],
          dependsOn: ["ws", "php-fpm"],
        },
      ],
    },
  ])("$name", async ({ files, services }) => {
    const facts = await detect(await trees.make(files));
    const got = front(facts);
    if (services.length === 1) expect(got[0]).toEqual(services[0]);
    else expect(got).toEqual(services);
  });

  it("with mod_php loaded and no PHP-FPM, conf.d/php.conf's handler stays unused: Apache serves PHP itself", async () => {
    const { [`${WANTS}/php-fpm.service`]: _fpm, ...modPhp } = RHEL_FPM;
    const vm = await trees.make({
      ...modPhp,
      "etc/httpd/conf.modules.d/15-php.conf": "LoadModule php_module modules/libphp.so\n",
    });
    expect(front(await detect(vm))).toEqual([
      { name: "httpd", role: "web", software: "httpd", listen: [], dependsOn: [] },
    ]);
  });

  it("two PHP-FPM services: the one whose pool listens where the handler points", async () => {
    const vm = await trees.make({
      ...RHEL_FPM,
      [`${WANTS}/php83-php-fpm.service`]:
        "[Service]\nType=notify\nExecStart=/opt/remi/php83/root/usr/sbin/php-fpm --nodaemonize\n",
      "etc/opt/remi/php83/php-fpm.d/www.conf": "[www]\nlisten = /var/opt/remi/php83/run/php-fpm/www.sock\n",
      "etc/httpd/conf.d/php.conf": RHEL_PHP_CONF.replace(
        "/run/php-fpm/www.sock",
        "/var/opt/remi/php83/run/php-fpm/www.sock",
      ),
    });
    const facts = await detect(vm);
    expect(facts.services.find((s) => s.name === "httpd")?.dependsOn).toEqual(["php83-php-fpm"]);
    expect(facts.evidence.map((e) => e.found)).toContain(
      "reverse-proxy httpd (Apache), passes PHP to PHP-FPM over FastCGI at /var/opt/remi/php83/run/php-fpm/www.sock (/etc/httpd/conf.d/php.conf:16) (php83-php-fpm)",
    );
  });

  it("the ssh read sees the same front as the disk read", async () => {
    const vm = await trees.make(RHEL_FPM);
    const collected = await collectFromTree(vm);
    try {
      const overSsh = await detect(collected.root);
      expect(overSsh.services).toEqual((await detect(vm)).services);
      expect(overSsh.services.map((s) => s.role)).toEqual(["reverse-proxy", "web"]);
    } finally {
      await collected.cleanup();
    }
  });
});
