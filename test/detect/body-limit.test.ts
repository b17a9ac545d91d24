// How big an upload the VM's web front takes: nginx client_max_body_size (units, 0 = no limit, any
// level, the largest across sites) and Apache LimitRequestBody, carried onto the inventory's service.
import { afterAll, describe, expect, it } from "vitest";
import {
  apacheBodyLimit,
  largerLimit,
  nginxBodyLimit,
  nginxHttpBodyLimit,
  nginxSize,
  withHttpLevel,
} from "../../src/detect/body-limit.js";
import { parseApacheSite } from "../../src/detect/apache.js";
import { parseNginxConfig } from "../../src/detect/nginx.js";
import { detectRepo } from "../../src/detect/detect-repo.js";
import { TempTrees } from "../helpers/file-tree.js";
import { collectFromTree } from "../helpers/host-reads.js";

const trees = new TempTrees("im-body-limit-");
afterAll(() => trees.removeAll());

describe("nginxSize", () => {
  it.each([
    ["100m", 100],
    ["100M", 100],
    ["1g", 1024],
    ["2G", 2048],
    ["512k", 0.5],
    ["1048576", 1],
    ["1500000", 1.43],
    ["0", "unlimited"],
    ["0m", "unlimited"],
    ["10mb", undefined],
    ["$limit", undefined],
  ] as const)("%s → %s", (value, mib) => {
    expect(nginxSize(value)).toBe(mib);
  });
});

describe("nginxBodyLimit", () => {
  it.each([
    ["none set", "server { listen 80; }", undefined],
    ["server level", "server {\n  listen 80;\n  client_max_body_size 50M;\n}", 50],
    [
      "a location raises it: the largest counts",
      "server {\n  client_max_body_size 10m;\n  location /upload {\n    client_max_body_size 2g;\n  }\n}",
      2048,
    ],
    [
      "0 anywhere is no limit",
      "http { client_max_body_size 100m; server { location /api { client_max_body_size 0; } } }",
      "unlimited",
    ],
    ["commented out", "server {\n  # client_max_body_size 500m;\n  client_max_body_size 8m;\n}", 8],
  ] as const)("%s", (_name, text, mib) => {
    expect(nginxBodyLimit(text)).toBe(mib);
  });

  it("is the site finding's maxRequestBodyMiB", () => {
    const site =
      "server {\n  listen 80;\n  client_max_body_size 250m;\n  location / { proxy_pass http://127.0.0.1:8000; }\n}\n";
    expect(parseNginxConfig(site, "etc/nginx/sites-enabled/app")?.maxRequestBodyMiB).toBe(250);
    expect(parseNginxConfig("server { listen 80; }", "x")).not.toHaveProperty("maxRequestBodyMiB");
  });
});

describe("apacheBodyLimit", () => {
  it.each([
    ["bytes", "<VirtualHost *:80>\n  LimitRequestBody 104857600\n</VirtualHost>", 100],
    ["0 is no limit", "<Directory /var/www>\n  LimitRequestBody 0\n</Directory>", "unlimited"],
    [
      "the largest of several",
      "LimitRequestBody 1048576\n<Location /upload>\n LimitRequestBody 536870912\n</Location>",
      512,
    ],
    ["commented out", "# LimitRequestBody 0\n", undefined],
  ] as const)("%s", (_name, text, mib) => {
    expect(apacheBodyLimit(text)).toBe(mib);
    expect(parseApacheSite(text).bodyLimit).toBe(mib);
  });
});

describe("largerLimit", () => {
  it.each([
    [undefined, undefined, undefined],
    [10, undefined, 10],
    [undefined, "unlimited", "unlimited"],
    [10, 250, 250],
    [4096, "unlimited", "unlimited"],
  ] as const)("%s, %s → %s", (a, b, larger) => {
    expect(largerLimit(a, b)).toBe(larger);
  });
});

describe("a VM's nginx sites", () => {
  const site = (port: number, size: string) =>
    `server {\n  listen 80;\n  client_max_body_size ${size};\n  location / { proxy_pass http://127.0.0.1:${port}; }\n}\n`;

  it("give the proxy the largest limit of its sites", async () => {
    const vm = await trees.make({
      "etc/nginx/sites-enabled/app": site(8000, "20m"),
      "etc/nginx/sites-enabled/media": site(8001, "300m"),
      "etc/nginx/sites-enabled/admin":
        "server {\n  listen 8080;\n  location / { proxy_pass http://127.0.0.1:8000; }\n}\n",
    });
    const facts = await detectRepo(await trees.make({}), {
      readRemote: async () => undefined,
      host: { root: vm, readListeners: async () => undefined },
    });
    const proxy = facts.services.find((s) => s.role === "reverse-proxy");
    expect(proxy?.software).toBe("nginx");
    expect(proxy?.maxRequestBodyMiB).toBe(300);
  });
});

const NGINX_CONF = (size: string) =>
  `user www-data;\nevents { worker_connections 768; }\nhttp {\n  sendfile on;\n  client_max_body_size ${size};\n  include /etc/nginx/sites-enabled/*;\n}\n`;

describe("nginx.conf's http{} level", () => {
  it.each([
    ["http level", NGINX_CONF("500m"), 500],
    [
      "a server block in nginx.conf is not the http level",
      "http {\n  server {\n    listen 80;\n    client_max_body_size 1g;\n  }\n}\n",
      undefined,
    ],
    ["none", "http { sendfile on; }", undefined],
  ] as const)("%s", (_name, text, mib) => {
    expect(nginxHttpBodyLimit(text)).toBe(mib);
  });

  it.each([
    ["a site without its own: the http value", "server { listen 80; }", 500, 500],
    ["a server-level value overrides it", "server { listen 80; client_max_body_size 10m; }", 500, 10],
    ["a location's own value adds to it", "server { listen 80; location /up { client_max_body_size 2g; } }", 500, 2048],
    [
      "a location's smaller value: other locations keep the http value",
      "server { location /api { client_max_body_size 1m; } }",
      500,
      500,
    ],
    ["no http value", "server { listen 80; }", undefined, undefined],
  ] as const)("%s", (_name, site, http, mib) => {
    expect(withHttpLevel(site, http)).toBe(mib);
  });

  const vm = {
    "etc/nginx/nginx.conf": NGINX_CONF("0"),
    "etc/nginx/sites-enabled/app":
      "server {\n  listen 80;\n  client_max_body_size 10m;\n  location / { proxy_pass http://127.0.0.1:8000; }\n}\n",
  };
  it("applies to the VM's sites that set none, over ssh too", async () => {
    const sites = await trees.make({
      ...vm,
      "etc/nginx/sites-enabled/files":
        "server {\n  listen 8080;\n  location / { proxy_pass http://127.0.0.1:8001; }\n}\n",
    });
    const proxyOf = async (root: string) =>
      (
        await detectRepo(await trees.make({}), {
          readRemote: async () => undefined,
          host: { root, readListeners: async () => undefined },
        })
      ).services.find((s) => s.role === "reverse-proxy")?.maxRequestBodyMiB;
    expect(await proxyOf(sites)).toBe("unlimited");
    const collected = await collectFromTree(sites);
    try {
      expect(await proxyOf(collected.root)).toBe("unlimited");
    } finally {
      await collected.cleanup();
    }
    // Every site sets its own: the http value reaches none of them.
    expect(await proxyOf(await trees.make(vm))).toBe(10);
  });
});

describe("one nginx with a site per app", () => {
  it("links the proxy to every site's upstream, not only the first site's", async () => {
    const unit = (exec: string) => `[Service]\nExecStart=${exec}\n[Install]\nWantedBy=multi-user.target\n`;
    const vm = await trees.make({
      "etc/nginx/sites-enabled/shop": "server {\n  listen 80;\n  location / { proxy_pass http://127.0.0.1:8000; }\n}\n",
      "etc/nginx/sites-enabled/admin":
        "server {\n  listen 8080;\n  location / { proxy_pass http://127.0.0.1:3000; }\n}\n",
      "etc/systemd/system/shop.service": unit("/srv/shop/.venv/bin/gunicorn shop.wsgi --bind 127.0.0.1:8000"),
      "etc/systemd/system/admin.service": unit("/usr/bin/node /srv/admin/server.js").replace(
        "[Service]\n",
        "[Service]\nEnvironment=PORT=3000\n",
      ),
    });
    const facts = await detectRepo(await trees.make({}), {
      readRemote: async () => undefined,
      host: { root: vm, readListeners: async () => undefined },
    });
    const proxy = facts.services.find((s) => s.role === "reverse-proxy")!;
    const byPort = (port: string) => facts.services.find((s) => s.listen.some((l) => l.endsWith(`:${port}`)))?.name;
    expect(byPort("8000")).toBeDefined();
    expect(byPort("3000")).toBeDefined();
    expect(proxy.dependsOn).toEqual(expect.arrayContaining([byPort("8000"), byPort("3000")]));
  });
});
