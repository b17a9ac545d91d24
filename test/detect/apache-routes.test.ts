// Which ProxyPass paths Apache asks a login for: AuthType Basic with a Require for a user in the
// <Location>, <LocationMatch> or <Proxy> sections that apply, a later `Require all granted`
// opening a path again; <Directory> blocks of folders never apply to a proxied request.
import { describe, expect, it } from "vitest";
import { parseApacheSite } from "../../src/detect/apache.js";

const AUTH = `AuthType Basic\n    AuthName "Staff"\n    AuthUserFile /etc/apache2/.htpasswd\n    Require valid-user`;
const vhost = (body: string) => `<VirtualHost *:443>\n  ProxyPass / http://127.0.0.1:3000/\n${body}\n</VirtualHost>\n`;
const ROOT = { path: "/", port: 3000 };
const FLOWER = { path: "/flower/", port: 5555, rewrite: "/" };

describe("parseApacheSite: routes Apache guards with a login", () => {
  it.each([
    {
      name: "a <Location> with AuthType Basic and Require valid-user",
      body: `  ProxyPass /flower/ http://127.0.0.1:5555/\n  <Location /flower/>\n    ${AUTH}\n  </Location>`,
      want: [ROOT, { ...FLOWER, guarded: true }],
    },
    {
      name: "a one-argument ProxyPass inside the guarded <Location> takes its path",
      body: `  <Location "/flower/">\n    ProxyPass http://127.0.0.1:5555/\n    ${AUTH}\n  </Location>`,
      want: [ROOT, { ...FLOWER, guarded: true }],
    },
    {
      name: "a <Location> above the route's path guards it too; one below it guards a narrower route",
      body: `  ProxyPass /admin/queues http://127.0.0.1:5555/admin/queues\n  ProxyPass /tools http://127.0.0.1:6000/tools\n  <Location /admin>\n    ${AUTH}\n  </Location>\n  <Location /tools/private>\n    ${AUTH}\n  </Location>`,
      want: [
        ROOT,
        { path: "/admin", port: 3000, guarded: true },
        { path: "/admin/queues", port: 5555, guarded: true },
        { path: "/tools", port: 6000 },
        { path: "/tools/private", port: 6000, guarded: true },
      ],
    },
    {
      name: "a <Location /flower> does not cover /flowers (segments, not string prefixes); it guards / there",
      body: `  ProxyPass /flowers http://127.0.0.1:5555/flowers\n  <Location /flower>\n    ${AUTH}\n  </Location>`,
      want: [ROOT, { path: "/flower", port: 3000, guarded: true }, { path: "/flowers", port: 5555 }],
    },
    {
      name: "a <LocationMatch> whose pattern matches the path",
      body: `  ProxyPass /flower/ http://127.0.0.1:5555/\n  <LocationMatch "^/(flower|rq)/">\n    ${AUTH}\n  </LocationMatch>`,
      want: [ROOT, { path: "/rq/", port: 3000, guarded: true }, { ...FLOWER, guarded: true }],
    },
    {
      name: "a <Proxy> section for the backend URL",
      body: `  ProxyPass /flower/ http://127.0.0.1:5555/\n  <Proxy "http://127.0.0.1:5555/*">\n    ${AUTH}\n  </Proxy>`,
      want: [ROOT, { ...FLOWER, guarded: true }],
    },
    {
      name: "AuthType Basic on the virtual host guards every path; a later Require all granted opens one",
      body: `  ProxyPass /hooks http://127.0.0.1:4000/hooks\n  ${AUTH}\n  <Location /hooks>\n    Require all granted\n  </Location>`,
      want: [
        { ...ROOT, guarded: true },
        { path: "/hooks", port: 4000 },
      ],
    },
    {
      name: "Require valid-user beside Require all granted: either one lets the request through",
      body: `  ProxyPass /flower/ http://127.0.0.1:5555/\n  <Location /flower/>\n    ${AUTH}\n    Require all granted\n  </Location>`,
      want: [ROOT, FLOWER],
    },
    {
      name: "Require valid-user inside <RequireAll> with an address",
      body: `  ProxyPass /flower/ http://127.0.0.1:5555/\n  <Location /flower/>\n    AuthType Basic\n    AuthUserFile /etc/apache2/.htpasswd\n    <RequireAll>\n      Require ip 10.0.0.0/8\n      Require valid-user\n    </RequireAll>\n  </Location>`,
      want: [ROOT, { ...FLOWER, guarded: true, allowFrom: ["10.0.0.0/8"] }],
    },
    {
      name: "an address allow-list keeps strangers out; Require valid-user without AuthType is refused (httpd answers 500)",
      body: `  ProxyPass /flower/ http://127.0.0.1:5555/\n  ProxyPass /rq http://127.0.0.1:9181/rq\n  <Location /flower/>\n    Require ip 10.0.0.0/8\n  </Location>\n  <Location /rq>\n    Require valid-user\n  </Location>`,
      want: [ROOT, { ...FLOWER, allowFrom: ["10.0.0.0/8"] }, { path: "/rq", port: 9181, guarded: true }],
    },
    {
      name: "a <Directory> of the site's folder does not apply to a proxied path",
      body: `  DocumentRoot /srv/shop/public\n  ProxyPass /flower/ http://127.0.0.1:5555/\n  <Directory /srv/shop/public>\n    ${AUTH}\n  </Directory>`,
      want: [ROOT, FLOWER],
    },
    {
      name: "a guard inside <IfModule> still counts; a commented one does not",
      body: `  ProxyPass /flower/ http://127.0.0.1:5555/\n  <IfModule mod_auth_basic.c>\n  <Location /flower/>\n    ${AUTH}\n  </Location>\n  </IfModule>\n  #<Location />\n  #  Require valid-user\n  #</Location>`,
      want: [ROOT, { ...FLOWER, guarded: true }],
    },
  ])("$name", ({ body, want }) => {
    const site = parseApacheSite(vhost(body));
    expect(site.routes).toEqual(want);
    expect(site.proxiesToPorts).toEqual([...new Set(want.map((r) => r.port))].sort((a, b) => a - b));
  });

  it("each name-based virtual host's routes carry its ServerName and ServerAlias names", () => {
    const text = `<VirtualHost *:443>\n  ServerName api.example.org:443\n  ProxyPass / http://127.0.0.1:8000/\n</VirtualHost>\n<VirtualHost *:443>\n  ServerName Example.org\n  ServerAlias www.example.org *.shop.example.org localhost\n  ProxyPass / http://127.0.0.1:3000/\n</VirtualHost>\n`;
    expect(parseApacheSite(text).routes).toEqual([
      { path: "/", port: 8000, hosts: ["api.example.org"] },
      { path: "/", port: 3000, hosts: ["*.shop.example.org", "example.org", "www.example.org"] },
    ]);
  });

  it("a login in one virtual host does not guard the same path in another", () => {
    const other = `<VirtualHost *:80>\n  ProxyPass /flower/ http://127.0.0.1:5555/\n</VirtualHost>\n`;
    const guarded = vhost(
      `  ProxyPass /flower/ http://127.0.0.1:5555/\n  <Location /flower/>\n    ${AUTH}\n  </Location>`,
    );
    expect(parseApacheSite(other + guarded).routes).toEqual([FLOWER, ROOT, { ...FLOWER, guarded: true }]);
  });
});
