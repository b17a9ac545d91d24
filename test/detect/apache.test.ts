// Apache with mod_php (the classic LAMP server) serves the PHP app itself: each enabled site whose
// DocumentRoot holds a PHP app is the app's web process; a site that only forwards is a reverse
// proxy; without PHP inside Apache (no module, or php-fpm beside it) Apache gives no web process.
import { cp, mkdtemp, rm, unlink, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { appRootOf, parseApacheSite } from "../../src/detect/apache.js";
import { detectRepo } from "../../src/detect/detect-repo.js";
import { collectOverSsh } from "../../src/detect/ssh-host.js";
import { TempTrees } from "../helpers/file-tree.js";

const trees = new TempTrees("im-apache-");
const temps: string[] = [];
afterAll(async () => {
  await trees.removeAll();
  await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true })));
});
const FAKE_BIN = path.resolve(import.meta.dirname, "../helpers/fake-bin");
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
    });
    // A site without DocumentRoot: its <Directory> paths; quotes and trailing slashes dropped.
    expect(parseApacheSite('<Directory "/srv/wiki/">\n</Directory>\n').roots).toEqual(["/srv/wiki"]);
    expect(appRootOf("/var/www/shop/public")).toBe("/var/www/shop");
    expect(appRootOf("/srv/wiki")).toBe("/srv/wiki");
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
    const collected = await collectOverSsh(
      { destination: "deploy@app-vm-01" },
      { env: { PATH: `${FAKE_BIN}:${process.env.PATH}`, FAKE_SSH_ROOT: vm } },
    );
    try {
      expect((await detect(vm)).services.map((s) => s.maxRequestBodyMiB)).toEqual([200]);
      expect((await detect(collected.root)).services.map((s) => s.maxRequestBodyMiB)).toEqual([200]);
    } finally {
      await collected.cleanup();
    }
  });

  it("the ssh read sees the same Apache, modules and app folder as the disk read", async () => {
    const vm = await trees.make(debianLaravel);
    const collected = await collectOverSsh(
      { destination: "deploy@app-vm-01" },
      { env: { PATH: `${FAKE_BIN}:${process.env.PATH}`, FAKE_SSH_ROOT: vm } },
    );
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
