// Apache sites beyond sites-enabled: written in apache2.conf / httpd.conf or pulled in by Include,
// apps served under an Alias, one Apache with both a PHP site and a proxy site, and nginx in front
// of Apache. Each VM is read from disk and over ssh (the read script follows the same Includes).
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { detectRepo } from "../../src/detect/detect-repo.js";
import { buildInitPlan } from "../../src/init/init-plan.js";
import { withDetectedFacts } from "../../src/init/provenance.js";
import { resolveAnswers } from "../../src/init/resolve.js";
import { parseInventory } from "../../src/inventory/load.js";
import { TempTrees } from "../helpers/file-tree.js";
import { collectFromTree } from "../helpers/host-reads.js";

const trees = new TempTrees("im-apache-sites-");
afterAll(() => trees.removeAll());
const NEXTCLOUD_VM = path.resolve(import.meta.dirname, "../fixtures/apache-nextcloud/vm");

const WANTS = "etc/systemd/system/multi-user.target.wants";
const DEBIAN = {
  [`${WANTS}/apache2.service`]: "[Service]\nType=forking\nExecStart=/usr/sbin/apachectl start\n",
  "etc/apache2/mods-enabled/php8.2.load": "LoadModule php_module /usr/lib/apache2/modules/libphp8.2.so\n",
};
const RHEL = {
  [`${WANTS}/httpd.service`]: "[Service]\nType=notify\nExecStart=/usr/sbin/httpd $OPTIONS -DFOREGROUND\n",
  "etc/httpd/conf.modules.d/15-php.conf":
    "<IfModule prefork.c>\n  LoadModule php_module modules/libphp.so\n</IfModule>\n",
};
const DEBIAN_MAIN =
  "IncludeOptional mods-enabled/*.load\nInclude ports.conf\n<Directory /var/www/>\n  Require all granted\n</Directory>\nIncludeOptional conf-enabled/*.conf\nIncludeOptional sites-enabled/*.conf\n";
const laravel = (dir: string) => ({
  [`${dir}/composer.json`]: '{"require":{"php":"^8.2","laravel/framework":"^11.0"}}',
  [`${dir}/artisan`]: "#!/usr/bin/env php\n<?php\n",
  [`${dir}/public/index.php`]: "<?php\n",
});

async function detect(hostRoot: string) {
  return detectRepo(await trees.make({}), {
    readRemote: async () => undefined,
    host: { root: hostRoot, readListeners: async () => "" },
  });
}

/** The VM read from disk, after checking that an ssh read of it gives the same services and notices. */
async function detectBothWays(vm: string) {
  const fromDisk = await detect(vm);
  const collected = await collectFromTree(vm);
  try {
    const overSsh = await detect(collected.root);
    expect(overSsh.services).toEqual(fromDisk.services);
    expect(overSsh.warnings).toEqual(fromDisk.warnings);
  } finally {
    await collected.cleanup();
  }
  return fromDisk;
}

/** init's inventory from these facts, as the loader reads it back (it rejects duplicate names). */
async function inventoryOf(facts: Awaited<ReturnType<typeof detect>>) {
  const { answers, origins } = resolveAnswers(
    { "target.project": "shop-prod", "target.github": "acme/shop" },
    facts,
    true,
  );
  const text = buildInitPlan(withDetectedFacts(answers, origins, facts), { toolVersion: "0.0.0" }).inventoryText;
  return parseInventory(text, "infra-migrate.inventory.yaml").inventory;
}

const summary = (facts: Awaited<ReturnType<typeof detect>>) =>
  facts.services.map((s) => [s.name, s.role, s.software, s.source, s.dependsOn]);

describe("Apache sites outside sites-enabled", () => {
  it("Debian: a VirtualHost written in apache2.conf itself", async () => {
    const vm = await trees.make({
      ...DEBIAN,
      ...laravel("srv/shop"),
      "etc/apache2/apache2.conf": `${DEBIAN_MAIN}<VirtualHost *:80>\n  DocumentRoot /srv/shop/public\n</VirtualHost>\n`,
    });
    const facts = await detectBothWays(vm);
    expect(summary(facts)).toEqual([["apache2", "web", "apache2", "/etc/apache2/apache2.conf", []]]);
    expect(facts.services[0]).toMatchObject({ framework: "laravel", line: 9 });
  });

  it("RHEL: httpd.conf's own DocumentRoot, and a site a custom Include pulls in from /opt", async () => {
    const vm = await trees.make({
      ...RHEL,
      "etc/httpd/conf/httpd.conf":
        'ServerRoot "/etc/httpd"\nListen 80\nInclude conf.modules.d/*.conf\nDocumentRoot "/var/www/html"\nIncludeOptional conf.d/*.conf\nInclude /opt/vhosts/*.conf\n',
      "etc/httpd/conf.d/welcome.conf": '<LocationMatch "^/+$">\n  Options -Indexes\n</LocationMatch>\n',
      "var/www/html/index.php": "<?php phpinfo();\n",
      "srv/shop/.env": "APP_KEY=base64:abc\nDB_HOST=127.0.0.1\n",
      "opt/vhosts/shop.conf":
        "<VirtualHost *:80>\n  ServerName shop.example.org\n  DocumentRoot /srv/shop/public\n</VirtualHost>\n",
      ...laravel("srv/shop"),
    });
    const facts = await detectBothWays(vm);
    // One Apache, two apps: a service each, named after its folder.
    expect(summary(facts)).toEqual([
      ["httpd-html", "web", "httpd", "/etc/httpd/conf/httpd.conf", []],
      ["httpd-shop", "web", "httpd", "/opt/vhosts/shop.conf", []],
    ]);
    expect(facts.services.map((s) => s.systemdUnit)).toEqual(["httpd.service", "httpd.service"]);
    // Each app is itself: the plain page is not Laravel, and only the shop takes the shop's .env.
    expect(facts.services.map((s) => [s.framework, s.envFile])).toEqual([
      [undefined, undefined],
      ["laravel", "/srv/shop/.env"],
    ]);
    expect(facts.evidence).toContainEqual({
      file: "/opt/vhosts/shop.conf",
      found: expect.stringContaining("one Apache serves 2 apps, each a service named after its folder"),
    });
    expect((await inventoryOf(facts)).services.map((s) => s.name)).toEqual(["httpd-html", "httpd-shop"]);
  });
});

describe("an app served under an Alias", () => {
  it("Alias and a simple AliasMatch to a PHP app: served, with the URL path said; other patterns are not guessed", async () => {
    const vm = await trees.make({
      ...DEBIAN,
      ...laravel("srv/shop"),
      "srv/wiki/index.php": "<?php\n",
      "srv/odd/index.php": "<?php\n",
      "etc/apache2/conf-enabled/apps.conf":
        "Alias /shop /srv/shop/public\nAliasMatch ^/wiki(/.*)?$ /srv/wiki$1\nAliasMatch ^/odd/(\\d+)$ /srv/odd/$1.php\n",
    });
    const facts = await detectBothWays(vm);
    expect(summary(facts)).toEqual([
      ["apache2-shop", "web", "apache2", "/etc/apache2/conf-enabled/apps.conf", []],
      ["apache2-wiki", "web", "apache2", "/etc/apache2/conf-enabled/apps.conf", []],
    ]);
    expect(facts.services.map((s) => [s.line, s.urlPath])).toEqual([
      [1, "/shop"],
      [2, "/wiki"],
    ]);
    expect(facts.warnings).toEqual([
      expect.stringMatching(
        /^Apache serves the PHP app in \/srv\/shop under \/shop \(\/etc\/apache2\/conf-enabled\/apps.conf:1\), and Cloud Run serves a service at \/: .*\/shop\/\*/,
      ),
      expect.stringContaining("/srv/wiki under /wiki"),
    ]);
  });

  it("Nextcloud's documented directory install on Debian's stock Apache (fixture notes cite the manual)", async () => {
    const facts = await detectBothWays(NEXTCLOUD_VM);
    expect(summary(facts)).toEqual([["apache2", "web", "apache2", "/etc/apache2/sites-enabled/nextcloud.conf", []]]);
    expect(facts.services[0]).toMatchObject({ runtime: "php", command: "/usr/sbin/apachectl start", line: 1 });
    expect(facts.warnings).toEqual([
      expect.stringContaining(
        "Nextcloud reads that path from config/config.php ('overwrite.cli.url' and 'htaccess.RewriteBase' => '/nextcloud')",
      ),
    ]);
    // The inventory keeps the path, for the design to say where the app is mapped.
    expect((await inventoryOf(facts)).services[0]).toMatchObject({ name: "apache2", urlPath: "/nextcloud" });
    // phpMyAdmin from Debian's package (conf-enabled → conf-available → /etc/phpmyadmin): said, not migrated.
    expect(facts.evidence).toContainEqual({
      file: "/etc/apache2/conf-enabled/phpmyadmin.conf",
      found: expect.stringContaining("/usr/share/phpmyadmin at /phpmyadmin, a distribution package's files"),
    });
  });
});

describe("one Apache, several kinds of site", () => {
  it("a PHP site and a proxy-only site: two services with their own names, and the inventory loads", async () => {
    const vm = await trees.make({
      ...DEBIAN,
      ...laravel("var/www/shop"),
      "etc/apache2/sites-enabled/shop.conf":
        "<VirtualHost *:80>\n  DocumentRoot /var/www/shop/public\n</VirtualHost>\n",
      "etc/apache2/sites-enabled/api.conf":
        "<VirtualHost *:80>\n  ServerName api.example.org\n  ProxyPass / http://127.0.0.1:8000/\n</VirtualHost>\n<VirtualHost *:443>\n  ProxyPass / http://127.0.0.1:8000/\n</VirtualHost>\n",
      "etc/systemd/system/api.service":
        "[Service]\nWorkingDirectory=/srv/api\nExecStart=/srv/api/.venv/bin/gunicorn -b 127.0.0.1:8000 app:app\n",
      "srv/api/requirements.txt": "flask==3.0.0\ngunicorn==22.0.0\n",
    });
    const facts = await detectBothWays(vm);
    expect(summary(facts)).toEqual([
      ["apache2-proxy", "reverse-proxy", "apache2", "/etc/apache2/sites-enabled/api.conf", ["api"]],
      ["api", "web", "gunicorn", "/etc/systemd/system/api.service", []],
      ["apache2", "web", "apache2", "/etc/apache2/sites-enabled/shop.conf", []],
    ]);
    expect(facts.services[0]!.listen).toEqual(["0.0.0.0:443", "0.0.0.0:80"]);
    expect((await inventoryOf(facts)).services.map((s) => s.name).sort()).toEqual(["apache2", "apache2-proxy", "api"]);
  });

  it("nginx in front of Apache on 127.0.0.1:8080: nginx depends on the Apache app like on any upstream", async () => {
    const vm = await trees.make({
      ...DEBIAN,
      ...laravel("var/www/shop"),
      [`${WANTS}/nginx.service`]: "[Service]\nExecStart=/usr/sbin/nginx -g 'daemon on; master_process on;'\n",
      "etc/nginx/sites-enabled/front.conf":
        "server {\n  listen 80;\n  location /api/ { proxy_pass http://127.0.0.1:8000; }\n  location / { proxy_pass http://127.0.0.1:8080; }\n}\n",
      "etc/apache2/apache2.conf": DEBIAN_MAIN,
      // apache2.conf's <Directory /var/www/> is an access rule, not a site serving this page.
      "var/www/index.php": "<?php // an old test page\n",
      "etc/apache2/ports.conf": "Listen 127.0.0.1:8080\n",
      "etc/apache2/sites-enabled/shop.conf":
        "<VirtualHost *:8080>\n  DocumentRoot /var/www/shop/public\n</VirtualHost>\n",
      "etc/systemd/system/api.service":
        "[Service]\nWorkingDirectory=/srv/api\nExecStart=/srv/api/.venv/bin/gunicorn -b 127.0.0.1:8000 app:app\n",
      "srv/api/requirements.txt": "flask==3.0.0\ngunicorn==22.0.0\n",
    });
    const facts = await detectBothWays(vm);
    expect(summary(facts)).toEqual([
      ["nginx", "reverse-proxy", "nginx", `/${WANTS}/nginx.service`, ["api", "apache2"]],
      ["api", "web", "gunicorn", "/etc/systemd/system/api.service", []],
      ["apache2", "web", "apache2", "/etc/apache2/sites-enabled/shop.conf", []],
    ]);
    // Listen 127.0.0.1:8080 binds the *:8080 site: Apache is not reachable around nginx.
    expect(facts.services[2]!.listen).toEqual(["127.0.0.1:8080"]);
    expect((await inventoryOf(facts)).services.map((s) => s.name).sort()).toEqual(["apache2", "api", "nginx"]);
  });
});
