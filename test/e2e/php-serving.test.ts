// PHP serving as real VMs set it up, through the BUILT bin: `init --from-host` on a hand-made VM
// tree, then `run --provider offline`, which validates every generated file (shellcheck,
// actionlint, gcloud parse, Dockerfile checks…) before writing any. Two shapes: RHEL's Apache
// handing PHP to PHP-FPM through conf.d/php.conf (Apache is the front, its LimitRequestBody the
// upload limit), and Debian's Apache with mod_php and Nextcloud's .htaccess limits (memory_limit
// 512M sizes the Cloud Run instance).
import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { loadInventory } from "../../src/inventory/load.js";
import { TempTrees } from "../helpers/file-tree.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const BIN = path.join(ROOT, "bin/infra-migrate.js");
const ENV = { CI: "true", FORCE_COLOR: "0", NO_COLOR: "1", GEMINI_API_KEY: "", GOOGLE_API_KEY: "" };
const WANTS = "etc/systemd/system/multi-user.target.wants";
const trees = new TempTrees("im-php-serving-");
const outs: string[] = [];
afterAll(async () => {
  await trees.removeAll();
  await Promise.all(outs.map((d) => rm(d, { recursive: true, force: true })));
});

const LARAVEL = {
  "composer.json": '{"name":"acme/shop","require":{"php":"^8.2","laravel/framework":"^11.0"}}',
  artisan: "#!/usr/bin/env php\n<?php\n",
  "public/index.php": "<?php\n",
  ".env": "APP_KEY=base64:abc\nDB_CONNECTION=mysql\nDB_HOST=127.0.0.1\nDB_PASSWORD=secret\n",
};
const at = (dir: string, files: Record<string, string>) =>
  Object.fromEntries(Object.entries(files).map(([f, text]) => [`${dir}/${f}`, text]));

const CASES = [
  {
    name: "RHEL httpd handing PHP to php-fpm (conf.d/php.conf), a 200 MiB LimitRequestBody",
    app: "var/www/shop",
    files: {
      [`${WANTS}/httpd.service`]: "[Service]\nType=notify\nExecStart=/usr/sbin/httpd $OPTIONS -DFOREGROUND\n",
      [`${WANTS}/php-fpm.service`]: "[Service]\nType=notify\nExecStart=/usr/sbin/php-fpm --nodaemonize\n",
      [`${WANTS}/mariadb.service`]: "[Service]\nExecStart=/usr/libexec/mariadbd --basedir=/usr\n",
      "etc/httpd/conf/httpd.conf":
        'ServerRoot "/etc/httpd"\nListen 80\nInclude conf.modules.d/*.conf\nIncludeOptional conf.d/*.conf\n',
      "etc/httpd/conf.modules.d/00-proxy.conf":
        "LoadModule proxy_module modules/mod_proxy.so\nLoadModule proxy_fcgi_module modules/mod_proxy_fcgi.so\n",
      "etc/httpd/conf.d/php.conf":
        '<IfModule !mod_php.c>\n  <FilesMatch \\.(php|phar)$>\n    SetHandler "proxy:unix:/run/php-fpm/www.sock|fcgi://localhost"\n  </FilesMatch>\n</IfModule>\n',
      "etc/httpd/conf.d/shop.conf":
        "<VirtualHost *:80>\n  DocumentRoot /var/www/shop/public\n  LimitRequestBody 209715200\n</VirtualHost>\n",
      "etc/php.ini": "[PHP]\nupload_max_filesize = 100M\npost_max_size = 100M\nmemory_limit = 128M\n",
      "etc/php-fpm.d/www.conf": "[www]\nlisten = /run/php-fpm/www.sock\n",
      ...at("var/www/shop", LARAVEL),
    },
    front: { name: "httpd", role: "reverse-proxy", dependsOn: ["php-fpm"], maxRequestBodyMiB: 200 },
    web: "php-fpm",
    phpIni: { uploadMaxFilesize: "100M", memoryLimit: "128M" },
    sizing: { memory: "2Gi", concurrency: 14 },
  },
  {
    name: "Debian apache2 with mod_php and Nextcloud's .htaccess limits (AllowOverride All)",
    app: "var/www/cloud",
    files: {
      [`${WANTS}/apache2.service`]: "[Service]\nType=forking\nExecStart=/usr/sbin/apachectl start\n",
      [`${WANTS}/mariadb.service`]: "[Service]\nExecStart=/usr/sbin/mariadbd\n",
      "etc/apache2/mods-enabled/php8.2.load": "LoadModule php_module /usr/lib/apache2/modules/libphp8.2.so\n",
      "etc/apache2/sites-enabled/cloud.conf":
        "<VirtualHost *:80>\n  DocumentRoot /var/www/cloud/public\n  <Directory /var/www/cloud/>\n    AllowOverride All\n  </Directory>\n</VirtualHost>\n",
      "etc/php/8.2/apache2/php.ini": "[PHP]\nupload_max_filesize = 2M\nmemory_limit = 128M\n",
      ...at("var/www/cloud", {
        ...LARAVEL,
        ".htaccess":
          "<IfModule mod_php.c>\n  php_value upload_max_filesize 511M\n  php_value post_max_size 511M\n  php_value memory_limit 512M\n</IfModule>\n",
      }),
    },
    front: { name: "apache2", role: "web" },
    web: "apache2",
    phpIni: { uploadMaxFilesize: "511M", postMaxSize: "511M", memoryLimit: "512M" },
    sizing: { memory: "4Gi", concurrency: 7 },
  },
];

describe("PHP serving on a VM through init and run: the generated files pass validation", () => {
  it.each(CASES)(
    "$name",
    async ({ app, files, front, web, phpIni, sizing }) => {
      const vm = await trees.make(files);
      const out = await mkdtemp(path.join(tmpdir(), "im-php-serving-out-"));
      outs.push(out);
      // The repository is a checkout of the app beside the VM, as a person would have it.
      await cp(path.join(vm, app), out, { recursive: true });
      const init = await execa(
        "node",
        [
          BIN,
          "init",
          "--from-host",
          vm,
          "--from",
          out,
          "--yes",
          "--project",
          "shop-prod",
          "--github",
          "acme/shop",
          "--out",
          out,
        ],
        { env: ENV, reject: false, stdin: "ignore" },
      );
      expect(init.stderr).toBe("");
      expect(init.exitCode).toBe(0);
      const { inventory } = await loadInventory(path.join(out, "infra-migrate.inventory.yaml"));
      expect(inventory.services.find((s) => s.name === front.name)).toMatchObject(front);
      expect(inventory.services.find((s) => s.name === web)?.phpIni).toMatchObject(phpIni);

      const run = await execa(
        "node",
        [
          BIN,
          "run",
          "--provider",
          "offline",
          "--inventory",
          path.join(out, "infra-migrate.inventory.yaml"),
          "--out",
          out,
        ],
        { env: ENV, reject: false, stdin: "ignore", cwd: out },
      );
      // stderr says which phases were skipped (no AI here); a failed validation would exit non-zero.
      expect(run.exitCode, run.stderr).toBe(0);
      expect(run.stderr).not.toMatch(/failed|error/i);
      const mapping = JSON.parse(await readFile(path.join(out, "docs/migration/design/mapping.json"), "utf8"));
      const entry = mapping.mapping.find((e: { service: string }) => e.service === web);
      expect(entry.settings).toMatchObject(sizing);
      expect(await readFile(path.join(out, "docs/migration/audit/risk-report.md"), "utf8")).toMatch(
        /Uploads above 32 MiB fail on Cloud Run/,
      );
    },
    240_000,
  );
});
