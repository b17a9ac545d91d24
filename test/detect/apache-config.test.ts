// Apache's configuration as httpd reads it: directives with their sections, Includes followed where
// they stand (globs relative to ServerRoot, folders, links), a loop stopped, and a copy without
// the main file read as the distribution's stock file includes it.
import { symlink } from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { includePattern, parseApacheDirectives, readApacheConfig } from "../../src/detect/apache-config.js";
import { TempTrees } from "../helpers/file-tree.js";

const trees = new TempTrees("im-apache-config-");
afterAll(() => trees.removeAll());

const names = (config: Awaited<ReturnType<typeof readApacheConfig>>) => config!.files.map((f) => f.file);

describe("parseApacheDirectives", () => {
  it("keeps each directive's line and sections; comments, quotes and continued lines as httpd reads them", () => {
    const directives = parseApacheDirectives(
      [
        "# DocumentRoot /commented",
        "Listen 8080",
        "<VirtualHost *:8080>",
        '  DocumentRoot "/srv/my app/public"',
        "  <Directory /srv/app>",
        "    php_value upload_max_filesize \\",
        "      64M",
        "  </Directory>",
        "</VirtualHost>",
        "ServerName after.example.org",
      ].join("\n"),
      "/etc/apache2/sites-enabled/app.conf",
    );
    expect(directives.map((d) => [d.name, d.args, d.line, d.sections.map((s) => s.name)])).toEqual([
      ["listen", ["8080"], 2, []],
      ["documentroot", ["/srv/my app/public"], 4, ["virtualhost"]],
      ["php_value", ["upload_max_filesize", "64M"], 6, ["virtualhost", "directory"]],
      ["servername", ["after.example.org"], 10, []],
    ]);
    expect(directives[1]!.sections[0]).toMatchObject({ args: ["*:8080"], line: 3 });
    expect(directives[1]!.sections[0]).toBe(directives[2]!.sections[0]);
  });

  it("an Include's argument as a host-root-relative pattern; ${VAR} and escapes are not followed", () => {
    expect(includePattern("sites-enabled/*.conf", "etc/apache2")).toBe("etc/apache2/sites-enabled/*.conf");
    expect(includePattern("/opt/vhosts/", "etc/httpd")).toBe("opt/vhosts");
    expect(includePattern("${APACHE_CONFDIR}/x.conf", "etc/apache2")).toBeUndefined();
    expect(includePattern("../../../../x.conf", "etc/apache2")).toBeUndefined();
  });
});

describe("readApacheConfig", () => {
  it("Debian: apache2.conf's Includes in order, links followed, sections kept into an included file", async () => {
    const root = await trees.make({
      "etc/apache2/apache2.conf":
        "IncludeOptional mods-enabled/*.load\nInclude ports.conf\nIncludeOptional conf-enabled/*.conf\nIncludeOptional sites-enabled/*.conf\nIncludeOptional missing/*.conf\n",
      "etc/apache2/ports.conf": "Listen 80\n",
      "etc/apache2/mods-enabled/php8.2.load": "LoadModule php_module libphp8.2.so\n",
      "etc/apache2/conf-enabled/.hidden.conf": "DocumentRoot /nowhere\n",
      "etc/apache2/sites-available/b.conf":
        "<VirtualHost *:80>\n  Include /etc/apache2/snippets/app.conf\n</VirtualHost>\n",
      "etc/apache2/sites-enabled/a.conf":
        "<VirtualHost *:81>\n  Include /etc/apache2/snippets/app.conf\n</VirtualHost>\n",
      "etc/apache2/snippets/app.conf": "DocumentRoot /srv/app/public\n",
    });
    await symlink("../sites-available/b.conf", path.join(root, "etc/apache2/sites-enabled/b.conf"));
    const config = await readApacheConfig(root);
    expect(config!.serverRoot).toBe("etc/apache2");
    expect(names(config)).toEqual([
      "etc/apache2/apache2.conf",
      "etc/apache2/mods-enabled/php8.2.load",
      "etc/apache2/ports.conf",
      "etc/apache2/sites-enabled/a.conf",
      "etc/apache2/snippets/app.conf",
      "etc/apache2/sites-enabled/b.conf",
    ]);
    // The snippet both sites include is read for each, inside each one's <VirtualHost>.
    const roots = config!.directives.filter((d) => d.name === "documentroot");
    expect(roots.map((d) => [d.file, d.line, d.sections[0]!.args])).toEqual([
      ["/etc/apache2/snippets/app.conf", 1, ["*:81"]],
      ["/etc/apache2/snippets/app.conf", 1, ["*:80"]],
    ]);
  });

  it("RHEL: ServerRoot from httpd.conf, a folder Include, and two files that include each other stop", async () => {
    const root = await trees.make({
      "etc/httpd/conf/httpd.conf": 'ServerRoot "/etc/httpd"\nInclude conf.modules.d/*.conf\nIncludeOptional vhosts/\n',
      "etc/httpd/conf.modules.d/15-php.conf": "LoadModule php_module modules/libphp.so\n",
      "etc/httpd/vhosts/a.conf": "Include vhosts/b.conf\nDocumentRoot /srv/a\n",
      "etc/httpd/vhosts/b.conf": "Include vhosts/a.conf\nDocumentRoot /srv/b\n",
    });
    const config = await readApacheConfig(root);
    expect(config!.serverRoot).toBe("etc/httpd");
    expect(names(config)).toEqual([
      "etc/httpd/conf/httpd.conf",
      "etc/httpd/conf.modules.d/15-php.conf",
      "etc/httpd/vhosts/a.conf",
      "etc/httpd/vhosts/b.conf",
    ]);
    // a → b → (a: already being read) and b → a → (b): each path ends, nothing is read forever.
    expect(config!.directives.filter((d) => d.name === "documentroot").map((d) => d.args[0])).toEqual([
      "/srv/b",
      "/srv/a",
      "/srv/a",
      "/srv/b",
    ]);
  });

  it("a copy without the main file: the stock Includes of the layout there; nothing when neither is there", async () => {
    const debian = await trees.make({
      "etc/apache2/sites-enabled/shop.conf": "DocumentRoot /var/www/shop/public\n",
      "etc/apache2/mods-enabled/php8.2.load": "LoadModule php_module libphp8.2.so\n",
    });
    expect(names(await readApacheConfig(debian))).toEqual([
      "etc/apache2/mods-enabled/php8.2.load",
      "etc/apache2/sites-enabled/shop.conf",
    ]);
    const rhel = await trees.make({ "etc/httpd/conf.d/wiki.conf": "DocumentRoot /srv/wiki\n" });
    expect(names(await readApacheConfig(rhel))).toEqual(["etc/httpd/conf.d/wiki.conf"]);
    expect(await readApacheConfig(await trees.make({ "etc/nginx/nginx.conf": "events {}\n" }))).toBeUndefined();
  });
});
