// nginx's `internal` locations: folders it serves only to an answer of the app's carrying
// X-Accel-Redirect (Taiga's /_protected/ → taiga-back/media). The inventory records them on the
// proxy (services[].internalFolders), because a load balancer in nginx's place reads no such header.
import { describe, expect, it } from "vitest";
import { parseNginxConfig } from "../../src/detect/nginx.js";

const site = (locations: string) =>
  `server {\n  listen 80;\n  location / { proxy_pass http://127.0.0.1:8000; }\n${locations}\n}\n`;

describe("parseNginxConfig: internal folders", () => {
  it.each([
    // Taiga's guide: an alias with a trailing slash.
    [
      'location /_protected/ {\n internal;\n alias /home/taiga/taiga-back/media/;\n add_header Content-disposition "attachment";\n}',
      ["/home/taiga/taiga-back/media"],
    ],
    // root: the location's path is appended (nginx's root semantics).
    ["location /protected/ { internal; root /srv/app; }", ["/srv/app/protected"]],
    ["location = /x { internal; alias /data/x; }\nlocation /y/ { internal; alias /data/y/; }", ["/data/x", "/data/y"]],
    // Not internal, a variable path, or an internal named location proxying elsewhere: none.
    ["location /media/ { alias /srv/media/; }", undefined],
    ["location /files/ { internal; alias /srv/$host/files/; }", undefined],
    ["location /internal-api/ { internal; proxy_pass http://127.0.0.1:9000; }", undefined],
    // A commented-out directive does not count.
    ["location /p/ {\n # internal;\n alias /srv/p/;\n}", undefined],
  ])("%s", (locations, folders) => {
    expect(parseNginxConfig(site(locations), "site.conf")?.internalFolders).toEqual(folders);
  });
});

// Folders nginx serves from disk itself (not internal, no *_pass): Saleor's dashboard build, Django's
// /media/ and /static/. The load balancer in nginx's place serves no files.
describe("parseNginxConfig: folders served from disk", () => {
  it.each([
    [
      "location /dashboard/ { alias /var/www/saleor-dashboard/; try_files $uri $uri/ /dashboard/index.html; }\nlocation /media/ { alias /opt/saleor/media/; }",
      [
        { path: "/dashboard", folder: "/var/www/saleor-dashboard" },
        { path: "/media", folder: "/opt/saleor/media" },
      ],
    ],
    // root appends the location's path; ^~ is a prefix location too.
    ["location ^~ /static/ { root /srv/app; expires 30d; }", [{ path: "/static", folder: "/srv/app/static" }]],
    // Passed on, internal, redirected, a regex location, a variable folder, or no folder of its own: none.
    ["location /api/ { root /srv/x; proxy_pass http://127.0.0.1:9000; }", undefined],
    ["location /_protected/ { internal; alias /srv/media/; }", undefined],
    ["location /old/ { root /srv/old; return 301 /new/; }", undefined],
    ["location ~* \\.(png|jpg)$ { root /srv/img; }", undefined],
    ["location /files/ { alias /srv/$host/files/; }", undefined],
    ["location /health { access_log off; }", undefined],
  ])("%s", (locations, folders) => {
    expect(parseNginxConfig(site(locations), "site.conf")?.servedFolders).toEqual(folders);
  });
});
