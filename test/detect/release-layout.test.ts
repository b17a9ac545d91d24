// Apps an installer lays out (ghost-cli; Capistrano and Deployer alike): the unit in /lib, the code
// behind `current`, the settings in a JSON file nconf reads from the working directory, two nginx
// sites for one process. Each rule alone as a table, then detectRepo on small VM trees.
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { detectRepo } from "../../src/detect/detect-repo.js";
import { runsAppFolder } from "../../src/detect/file-findings.js";
import { flattenSettings, settingsFolders, settingsListen } from "../../src/detect/json-settings.js";
import { parseMaskedJson } from "../../src/detect/masked-json.js";
import { parseNginxConfig } from "../../src/detect/nginx.js";
import { parsePackageJson } from "../../src/detect/node-deps.js";
import { currentRelease } from "../../src/detect/release-dir.js";
import { parseSystemdUnit } from "../../src/detect/systemd.js";
import { TempTrees } from "../helpers/file-tree.js";

const trees = new TempTrees("im-release-");
afterAll(() => trees.removeAll());
const tree = (files: Record<string, string>, links: Record<string, string> = {}) => trees.make(files, links);
const unit = (exec: string, dir?: string) =>
  parseSystemdUnit(`[Service]\n${dir ? `WorkingDirectory=${dir}\n` : ""}ExecStart=${exec}\n`, "x.service")!;

describe("runsAppFolder: an installer's unit for the app, wherever its file lies", () => {
  it.each([
    ["/usr/bin/node /usr/bin/ghost run", "/var/www/ghost", true],
    ["/usr/bin/python3 manage.py runserver", "/srv/app", true],
    ["/usr/bin/php8.2 artisan queue:work", "/opt/shop", true],
    ["/usr/bin/java -jar app.jar", "/home/app", true],
    // Distribution daemons: a binary, or an interpreter with no app folder or a system one.
    ["/usr/sbin/mysqld", "/var/lib/mysql", false],
    ["/usr/bin/python3 /usr/share/unattended-upgrades/unattended-upgrade-shutdown", undefined, false],
    ["/usr/bin/python3 /usr/bin/fail2ban-server -xf start", "/", false],
    ["/usr/bin/node /usr/lib/node_modules/x/cli.js", "/usr/lib/node_modules/x", false],
  ])("%s in %s → %s", (exec, dir, expected) => {
    expect(runsAppFolder(unit(exec, dir))).toBe(expected);
  });
});

describe("JSON settings (nconf's config.<env>.json)", () => {
  const ghost = JSON.stringify({
    url: "https://blog.example.com",
    server: { port: 2368, host: "127.0.0.1" },
    database: { client: "mysql", connection: { host: "localhost", password: "x" } },
    logging: { transports: ["file", "stdout"] },
    paths: { contentPath: "/var/www/ghost/content/" },
    empty: {},
  });

  it("joins nested keys with __, keeps arrays and empty objects as JSON text", () => {
    expect(flattenSettings(ghost)).toEqual({
      url: "https://blog.example.com",
      server__port: "2368",
      server__host: "127.0.0.1",
      database__client: "mysql",
      database__connection__host: "localhost",
      database__connection__password: "x",
      logging__transports: '["file","stdout"]',
      paths__contentPath: "/var/www/ghost/content/",
      empty: "{}",
    });
  });

  it.each([
    ["[1, 2]", undefined],
    ["not json", undefined],
    ['{"a-b": {"c": 1}}', {}],
  ])("%s → %j", (text, expected) => {
    expect(flattenSettings(text)).toEqual(expected);
  });

  it.each([
    [{ server__port: "2368", server__host: "127.0.0.1" }, "127.0.0.1:2368"],
    [{ server__port: "2368", server__host: "::" }, "0.0.0.0:2368"],
    [{ port: "3000" }, "127.0.0.1:3000"],
    [{ server__port: "70000" }, undefined],
    [{ server__host: "0.0.0.0" }, undefined],
  ])("listens per %j on %s", (values, listen) => {
    expect(settingsListen(values)).toBe(listen);
  });

  it.each([
    [
      { paths__contentPath: "/var/www/ghost/content/" },
      [{ key: "paths__contentPath", path: "/var/www/ghost/content", absolute: true }],
    ],
    [{ storage__uploadDir: "/srv/uploads" }, [{ key: "storage__uploadDir", path: "/srv/uploads", absolute: true }]],
    [{ paths__contentPath: "content/" }, []],
    [{ logging__path: "/var/log/app" }, []],
  ])("names user folders %j → %j", (values, folders) => {
    expect(settingsFolders(values)).toEqual(folders);
  });

  // Mattermost's config/config.json: FileSettings.Directory, relative to the app's folder, while
  // its DriverName is "local"; the plugin folder is code, not user files.
  it.each<[Record<string, string>, { key: string; path: string; absolute: boolean }[]]>([
    [
      { FileSettings__DriverName: "local", FileSettings__Directory: "./data/" },
      [{ key: "FileSettings__Directory", path: "/opt/mattermost/data", absolute: false }],
    ],
    [{ FileSettings__DriverName: "amazons3", FileSettings__Directory: "./data/" }, []],
    [{ PluginSettings__Directory: "./plugins" }, []],
    [{ FileSettings__Directory: "../elsewhere" }, []],
    [
      { storage__uploadDir: "uploads" },
      [{ key: "storage__uploadDir", path: "/opt/mattermost/uploads", absolute: false }],
    ],
  ])("names user folders %j relative to /opt/mattermost → %j", (values, folders) => {
    expect(settingsFolders(values, "/opt/mattermost")).toEqual(folders);
  });
});

describe("JSON read over ssh: the script's masks are strings again", () => {
  it.each([
    ['{"password": <redacted:vm>, "port": 3306}', { password: "<redacted:vm>", port: 3306 }],
    ['{"deps": {"jsonwebtoken": <redacted:vm>}}', { deps: { jsonwebtoken: "<redacted:vm>" } }],
    ['{"a": [<redacted:vm>, <redacted:vm>]}', { a: ["<redacted:vm>", "<redacted:vm>"] }],
    ['{"a": "<redacted:vm>"}', { a: "<redacted:vm>" }],
    // A password masked inside a string (a database URL) stays that string's text.
    [
      '{"DataSource": "postgres://mmuser:<redacted:vm>@localhost:5432/mattermost", "SMTPPassword": <redacted:vm>}',
      { DataSource: "postgres://mmuser:<redacted:vm>@localhost:5432/mattermost", SMTPPassword: "<redacted:vm>" },
    ],
    ["{broken", undefined],
  ])("%s", (text, value) => {
    expect(parseMaskedJson(text)).toEqual(value);
  });

  it("a package.json whose token-named dependency was masked still lists its packages", () => {
    const parsed = parsePackageJson(
      '{"name": "ghost", "dependencies": {"express": "4.21.1", "jsonwebtoken": <redacted:vm>}}',
    );
    expect([...parsed!.packages.keys()].sort()).toEqual(["express", "jsonwebtoken"]);
  });
});

describe("nginx: a site passes websockets on only with the Upgrade header", () => {
  const site = (location: string) => `server {\n  listen 443 ssl;\n  location / {\n${location}\n  }\n}\n`;
  it.each([
    ["  proxy_pass http://127.0.0.1:2368;", undefined],
    [
      '  proxy_pass http://127.0.0.1:3000;\n  proxy_set_header Upgrade $http_upgrade;\n  proxy_set_header Connection "upgrade";',
      [3000],
    ],
    ["  # proxy_set_header Upgrade $http_upgrade;\n  proxy_pass http://127.0.0.1:3000;", undefined],
  ])("%s → %j", (location, ports) => {
    expect(parseNginxConfig(site(location), "site")?.websocketPorts).toEqual(ports);
  });
});

describe("nginx: the Upgrade header counts per location", () => {
  // n8n's site: `/` (the editor's push connection) upgrades, `/webhook/` to the webhook processor does not.
  const n8n = `server {
  listen 443 ssl;
  location /webhook/ {
    proxy_pass http://127.0.0.1:5679;
    proxy_set_header Host $host;
  }
  location / {
    proxy_pass http://127.0.0.1:5678;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection "upgrade";
  }
}
`;
  // A location with no proxy_set_header of its own inherits the server's; one with its own does not.
  const inherited = `server {
  proxy_set_header Upgrade $http_upgrade;
  proxy_set_header Connection "upgrade";
  location /cable { proxy_pass http://127.0.0.1:3000; }
  location /api/ { proxy_pass http://127.0.0.1:4000; proxy_set_header Host $host; }
}
`;
  it.each([
    ["n8n's site", n8n, [5678]],
    ["server-level headers", inherited, [3000]],
  ])("%s", (_name, text, ports) => {
    const site = parseNginxConfig(text, "site");
    expect(site?.websocketPorts).toEqual(ports);
    expect(site?.proxiesToPorts?.length).toBe(2);
  });
});

describe("currentRelease: the folder `current` leads to", () => {
  it.each([
    [
      "an absolute link, read inside the host root",
      { "var/www/app/current": "/var/www/app/versions/1.2.3" },
      "/var/www/app/versions/1.2.3",
    ],
    ["a relative link", { "var/www/app/current": "versions/1.2.3" }, "/var/www/app/versions/1.2.3"],
    ["a link to nothing", { "var/www/app/current": "/var/www/app/versions/9.9.9" }, undefined],
    ["no link", {}, undefined],
  ])("%s", async (_name, links, expected) => {
    const root = await tree({ "var/www/app/versions/1.2.3/package.json": "{}" }, links);
    expect(await currentRelease("/var/www/app", root)).toBe(expected);
  });

  it("a plain folder named current (a copy read over ssh) is the release itself", async () => {
    const root = await tree({ "var/www/app/current/package.json": "{}" });
    expect(await currentRelease("/var/www/app", root)).toBe("/var/www/app/current");
  });
});

describe("detectRepo on an installer's layout", () => {
  const GHOST_UNIT =
    '[Service]\nType=simple\nWorkingDirectory=/var/www/ghost\nUser=998\nEnvironment="NODE_ENV=production"\nExecStart=/usr/bin/node /usr/bin/ghost run\n';
  const settings = (extra = {}) =>
    JSON.stringify({
      url: "https://blog.example.com",
      server: { port: 2368, host: "127.0.0.1" },
      database: { client: "mysql", connection: { host: "localhost", password: "fake" } },
      paths: { contentPath: "/var/www/ghost/content" },
      ...extra,
    });
  const site = (listen: string, upgrade: boolean) =>
    `server {\n  listen ${listen};\n  location / {\n    proxy_pass http://127.0.0.1:2368;\n${upgrade ? "    proxy_set_header Upgrade $http_upgrade;\n" : ""}  }\n}\n`;
  async function vm(opts: { deps: Record<string, string>; upgrade?: boolean }) {
    return tree(
      {
        "lib/systemd/system/ghost_blog.service": GHOST_UNIT,
        "var/www/ghost/config.production.json": settings(),
        "var/www/ghost/content/images/README": "",
        "var/www/ghost/content/media/README": "",
        "var/www/ghost/versions/5.96.1/package.json": JSON.stringify({ name: "ghost", dependencies: opts.deps }),
        "etc/nginx/sites-available/blog.conf": site("80", opts.upgrade ?? false),
        "etc/nginx/sites-available/blog-ssl.conf": site("443 ssl", opts.upgrade ?? false),
      },
      {
        "etc/systemd/system/multi-user.target.wants/ghost_blog.service": "/lib/systemd/system/ghost_blog.service",
        "var/www/ghost/current": "/var/www/ghost/versions/5.96.1",
        "etc/nginx/sites-enabled/blog.conf": "/etc/nginx/sites-available/blog.conf",
        "etc/nginx/sites-enabled/blog-ssl.conf": "/etc/nginx/sites-available/blog-ssl.conf",
      },
    );
  }
  const detect = async (root: string) =>
    detectRepo(path.join(root, "var/www/ghost"), {
      host: { root, readListeners: async () => undefined },
      readRemote: async () => undefined,
    });

  it("finds the app in the /lib unit, its framework behind current, its port, folder and settings names", async () => {
    const facts = await detect(await vm({ deps: { express: "4.21.1", nconf: "0.12.1", ws: "8.18.0" } }));
    const app = facts.services.find((s) => s.systemdUnit === "ghost_blog.service");
    expect(app).toMatchObject({
      role: "web",
      runtime: "node",
      framework: "express",
      listen: ["127.0.0.1:2368"],
      protocols: ["http"],
    });
    expect(app!.env).toEqual(
      expect.arrayContaining([
        "NODE_ENV",
        "database__connection__password",
        "paths__contentPath",
        "server__port",
        "url",
      ]),
    );
    expect(facts.services.find((s) => s.software === "nginx")!.listen).toEqual(["0.0.0.0:80", "0.0.0.0:443"]);
    expect(facts.storage).toEqual([
      // Named by its absolute path: the mount keeps it, wherever the image runs Ghost.
      {
        path: "/var/www/ghost/content",
        purpose: "paths.contentPath in config.production.json",
        absoluteSetting: true,
      },
    ]);
    expect(facts.deployMethod).toBe("ssh-systemctl");
  });

  it.each([
    [
      "without nconf the JSON file's names are not environment names",
      { express: "4.21.1" },
      false,
      ["NODE_ENV"],
      ["http"],
    ],
    [
      "a site that upgrades: ws is a websocket server",
      { express: "4.21.1", ws: "8.18.0" },
      true,
      ["NODE_ENV"],
      ["http", "websocket"],
    ],
  ])("%s", async (_name, deps, upgrade, env, protocols) => {
    const facts = await detect(await vm({ deps, upgrade }));
    const app = facts.services.find((s) => s.systemdUnit === "ghost_blog.service");
    expect(app!.env).toEqual(env);
    expect(app!.protocols).toEqual(protocols);
  });
});
