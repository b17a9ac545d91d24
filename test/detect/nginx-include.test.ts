// nginx's `include` spliced where it stands (nginx-include.ts) and the configuration read as nginx
// reads it (nginx-config.ts): relative paths from /etc/nginx, globs, nested files, a loop, a file
// that is not there, includes inside a location, upstreams of another file, nginx.conf's http{}
// level, and the file and line each part came from.
import { mkdir, symlink } from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readNginxConfig } from "../../src/detect/nginx-config.js";
import { includeStatements } from "../../src/detect/nginx-include.js";
import { parseNginxConfig } from "../../src/detect/nginx.js";
import { TempTrees } from "../helpers/file-tree.js";

const trees = new TempTrees("im-nginx-include-");
afterAll(() => trees.removeAll());

const SITE = "etc/nginx/sites-enabled/app";
const UPSTREAMS = "upstream app { server 127.0.0.1:8000; }\nupstream ws { server 127.0.0.1:8001; }\n";

/** The site `file` of a VM holding `files`, read as init reads it from the VM. */
async function readSite(files: Record<string, string>, file = SITE) {
  const root = await trees.make(files);
  const config = await readNginxConfig(root);
  const spliced = (await config.site(file))!;
  const finding = parseNginxConfig(spliced.text, `/${file}`, { upstreams: config.upstreams, origin: spliced.origin });
  return { root, config, spliced, finding, warnings: config.warnings() };
}

describe("includeStatements", () => {
  it("finds each include with the blocks around it; comments, quotes and look-alike names are not includes", () => {
    const text = [
      "# include commented.conf;",
      "server {",
      '    include "snippets/quoted.conf";',
      "    location / { include proxy_params; proxy_pass http://app; }",
      "    add_header Strict-Transport-Security 'max-age=63072000; includeSubDomains; preload';",
      "}",
      "include conf.d/*.conf; # trailing",
    ].join("\n");
    expect(includeStatements(text).map((s) => [s.arg, s.blocks, text.slice(s.start, s.end)])).toEqual([
      ["snippets/quoted.conf", ["server"], 'include "snippets/quoted.conf";'],
      ["proxy_params", ["server", "location"], "include proxy_params;"],
      ["conf.d/*.conf", [], "include conf.d/*.conf;"],
    ]);
  });
});

describe("a site's includes, spliced where they stand", () => {
  it.each<{ name: string; files: Record<string, string>; want: object }>([
    {
      name: "a relative path starts at /etc/nginx, whatever file it stands in",
      files: {
        [SITE]: `${UPSTREAMS}server {\n  listen 80;\n  include snippets/app.conf;\n  location / { proxy_pass http://app; }\n}\n`,
        "etc/nginx/snippets/app.conf":
          "location /ws/ { proxy_pass http://ws; proxy_set_header Upgrade $http_upgrade; }\n",
      },
      want: {
        routesToPorts: [
          { path: "/ws/", port: 8001 },
          { path: "/", port: 8000 },
        ],
        websocketPorts: [8001],
      },
    },
    {
      name: "a glob: its files in name order, hidden files left out",
      files: {
        [SITE]: `${UPSTREAMS}server {\n  listen 80;\n  include /etc/nginx/conf.d/app/*.conf;\n}\n`,
        "etc/nginx/conf.d/app/20-root.conf": "location / { proxy_pass http://app; }\n",
        "etc/nginx/conf.d/app/10-api.conf": "location /api/ { proxy_pass http://ws; }\n",
        "etc/nginx/conf.d/app/.30-old.conf": "location /old/ { proxy_pass http://app; }\n",
      },
      want: {
        routesToPorts: [
          { path: "/api/", port: 8001 },
          { path: "/", port: 8000 },
        ],
      },
    },
    {
      name: "nested: a snippet's own include (the admin guard) counts in the location that includes the snippet",
      files: {
        [SITE]: `${UPSTREAMS}server {\n  listen 80;\n  include snippets/app.conf;\n}\n`,
        "etc/nginx/snippets/app.conf":
          "location / { proxy_pass http://app; }\nlocation /admin/ { include snippets/office.conf; proxy_pass http://app; }\n",
        "etc/nginx/snippets/office.conf": "allow 10.20.0.0/16;\ndeny all;\n",
      },
      want: {
        routesToPorts: [
          { path: "/", port: 8000 },
          { path: "/admin/", port: 8000, allowFrom: ["10.20.0.0/16"] },
        ],
      },
    },
    {
      name: "a loop stops where a file would include itself again",
      files: {
        [SITE]: `${UPSTREAMS}server {\n  listen 80;\n  include snippets/a.conf;\n}\n`,
        "etc/nginx/snippets/a.conf": "location /a/ { proxy_pass http://app; }\ninclude snippets/b.conf;\n",
        "etc/nginx/snippets/b.conf": "location /b/ { proxy_pass http://ws; }\ninclude snippets/a.conf;\n",
      },
      want: {
        routesToPorts: [
          { path: "/a/", port: 8000 },
          { path: "/b/", port: 8001 },
        ],
      },
    },
    {
      name: "inside a location: the login and the upload limit of a snippet are that location's",
      files: {
        [SITE]: `${UPSTREAMS}server {\n  listen 80;\n  location / { proxy_pass http://app; }\n  location /upload/ { include snippets/upload.conf; proxy_pass http://app; }\n}\n`,
        "etc/nginx/snippets/upload.conf": 'client_max_body_size 200m;\nauth_basic "uploads";\n',
      },
      want: {
        routesToPorts: [
          { path: "/", port: 8000 },
          { path: "/upload/", port: 8000, guarded: true },
        ],
        maxRequestBodyMiB: 200,
      },
    },
    {
      name: "an upstream defined in another file of the http{} level (conf.d) resolves the site's proxy_pass",
      files: {
        [SITE]: "server {\n  listen 80;\n  location / { proxy_pass http://app; }\n}\n",
        "etc/nginx/conf.d/upstreams.conf": UPSTREAMS,
      },
      want: { proxiesToPorts: [8000], routesToPorts: [{ path: "/", port: 8000 }] },
    },
  ])("$name", async ({ files, want }) => {
    const { finding, warnings } = await readSite(files);
    expect(finding).toMatchObject(want);
    expect(warnings).toEqual([]);
  });

  it.each([
    {
      name: "a file that is not there is said, with the line that names it",
      include: "include snippets/gone.conf;",
      warnings: [
        "/etc/nginx/sites-enabled/app:5 includes /etc/nginx/snippets/gone.conf, which was not read: what it sets is missing",
      ],
    },
    {
      name: "a glob that matches nothing is nginx's own way of including nothing",
      include: "include snippets/*.conf;",
      warnings: [],
    },
    {
      name: "a file the nginx or certbot package installs sets nothing read here",
      include: "include proxy_params; include /etc/letsencrypt/options-ssl-nginx.conf;",
      warnings: [],
    },
  ])("$name", async ({ include, warnings }) => {
    const site = `${UPSTREAMS}server {\n  listen 80;\n  ${include}\n  location / { proxy_pass http://app; }\n}\n`;
    const read = await readSite({ [SITE]: site });
    expect(read.warnings).toEqual(warnings);
    expect(read.finding?.proxiesToPorts).toEqual([8000]);
  });

  it("a runaway glob stops, said once", async () => {
    const files: Record<string, string> = { [SITE]: "server {\n  listen 80;\n  include conf.d/many/*.conf;\n}\n" };
    for (let i = 0; i < 450; i++) files[`etc/nginx/conf.d/many/${String(i).padStart(3, "0")}.conf`] = "gzip on;\n";
    const { warnings } = await readSite(files);
    expect(warnings).toEqual([
      "/etc/nginx/sites-enabled/app:3: more nginx includes than any site needs; the rest were not read",
    ]);
  });

  it("the source and line of a site are those of its first listen, in the file that holds it", async () => {
    const after = await readSite({
      [SITE]: `${UPSTREAMS}server {\n  include snippets/a.conf;\n  listen 8080;\n}\n`,
      "etc/nginx/snippets/a.conf": "gzip on;\ngzip_types text/plain;\n",
    });
    expect(after.finding).toMatchObject({ source: `/${SITE}`, line: 5 });
    const inside = await readSite({
      [SITE]: `${UPSTREAMS}server {\n  server_name a.example.com;\n  include snippets/listen.conf;\n}\n`,
      "etc/nginx/snippets/listen.conf": "# the TLS ports\nlisten 443 ssl;\n",
    });
    expect(inside.finding).toMatchObject({
      source: "/etc/nginx/snippets/listen.conf",
      line: 2,
      listen: ["0.0.0.0:443"],
    });
  });
});

describe("nginx.conf's http{} level", () => {
  const MAIN = [
    "include /etc/nginx/modules-enabled/*.conf;",
    "events { worker_connections 768; }",
    "http {",
    "    include /etc/nginx/conf.d/*.conf;",
    "    include /etc/nginx/sites-enabled/*;",
    "    include /srv/shop/deploy/nginx.conf;",
    "}",
    "stream { include /etc/nginx/streams/*.conf; }",
  ].join("\n");

  it("a site nginx.conf includes from the app's folder is a site; each site is read once; its upstreams serve all", async () => {
    const root = await trees.make({
      "etc/nginx/nginx.conf": MAIN,
      "etc/nginx/conf.d/limits.conf": "client_max_body_size 20m;\n",
      "etc/nginx/sites-available/shop": "server {\n  listen 80;\n  location / { proxy_pass http://shop; }\n}\n",
      "srv/shop/deploy/nginx.conf":
        "upstream shop { server 127.0.0.1:9000; }\nserver {\n  listen 8081;\n  location / { proxy_pass http://shop; }\n}\n",
      "etc/nginx/streams/db.conf": "upstream db { server 127.0.0.1:5432; }\n",
    });
    await mkdir(path.join(root, "etc/nginx/sites-enabled"));
    await symlink("/etc/nginx/sites-available/shop", path.join(root, "etc/nginx/sites-enabled/shop"));
    const config = await readNginxConfig(root);
    expect(config.extraSites).toEqual(["srv/shop/deploy/nginx.conf"]);
    expect(config.httpLimit).toBe(20);
    // The stream{} block's upstreams are TCP proxies, not the http{} level's.
    expect([...config.upstreams]).toEqual([["shop", [9000]]]);
    const shop = (await config.site("etc/nginx/sites-enabled/shop"))!;
    expect(parseNginxConfig(shop.text, "/etc/nginx/sites-enabled/shop", config)?.proxiesToPorts).toEqual([9000]);
    expect(config.warnings()).toEqual([]);
  });

  it("a copy without nginx.conf is read as the stock one includes conf.d/*.conf and sites-enabled/*", async () => {
    const root = await trees.make({
      "etc/nginx/conf.d/upstreams.conf": UPSTREAMS,
      "etc/nginx/conf.d/body.conf": "client_max_body_size 50m;\n",
      [SITE]: "server {\n  listen 80;\n  location / { proxy_pass http://ws; }\n}\n",
    });
    const config = await readNginxConfig(root);
    expect(config.httpLimit).toBe(50);
    expect(config.upstreams.get("ws")).toEqual([8001]);
    expect(config.extraSites).toEqual([]);
  });

  it("a VM without nginx reads nothing", async () => {
    const config = await readNginxConfig(await trees.make({ "etc/hostname": "vm\n" }));
    expect(config).toMatchObject({ upstreams: new Map(), extraSites: [] });
    expect(config.warnings()).toEqual([]);
  });
});
