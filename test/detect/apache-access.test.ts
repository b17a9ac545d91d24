// What Apache keeps from a stranger before it proxies a path, beyond a login: Apache 2.2's
// Order/Allow/Deny/Satisfy (mod_access_compat, still read by 2.4), 2.4's `Require ip|host|all
// denied`, and sections that guard only part of a route. A path that was not public on the VM
// must not come out as an open route.
import { describe, expect, it } from "vitest";
import { parseApacheSite } from "../../src/detect/apache.js";

const LOGIN = `AuthType Basic\n    AuthName "Staff"\n    AuthUserFile /etc/apache2/.htpasswd\n    Require valid-user`;
const site = (body: string) =>
  `<VirtualHost *:80>\n  ProxyPass / http://127.0.0.1:3000/\n  ProxyPass /admin http://127.0.0.1:3000/admin\n${body}\n</VirtualHost>\n`;
const at = (lines: string) => `  <Location /admin>\n    ${lines.split("\n").join("\n    ")}\n  </Location>`;
const ROOT = { path: "/", port: 3000 };
const admin = (extra: object = {}) => ({ path: "/admin", port: 3000, ...extra });

describe("Apache 2.2 access rules (Order, Allow, Deny, Satisfy)", () => {
  it.each([
    {
      name: "Order deny,allow, Deny from all, Allow from a network: only that network",
      body: at("Order deny,allow\nDeny from all\nAllow from 10.0.0.0/8 192.168.1"),
      want: admin({ allowFrom: ["10.0.0.0/8", "192.168.1"] }),
    },
    {
      name: "Order allow,deny with Allow lines only: what they name (everything else is denied by default)",
      body: at("Order allow,deny\nAllow from 127.0.0.1\nAllow from intranet.example.org"),
      want: admin({ allowFrom: ["127.0.0.1", "intranet.example.org"] }),
    },
    {
      name: "Order allow,deny alone lets nobody in",
      body: at("Order allow,deny"),
      want: admin({ allowFrom: [] }),
    },
    {
      name: "Order deny,allow with a Deny for one address only: open (allow is the default)",
      body: at("Order deny,allow\nDeny from 203.0.113.7"),
      want: admin(),
    },
    {
      name: "Order allow,deny, Allow from all: open; a Deny from all after it closes it (deny has the last word)",
      body: `${at("Order allow,deny\nAllow from all")}\n  <Location /admin/panic>\n    Order allow,deny\n    Allow from all\n    Deny from all\n  </Location>`,
      want: admin(),
      more: [admin({ path: "/admin/panic", allowFrom: [] })],
    },
    {
      name: "a login with Satisfy All (the default) and an address rule: both",
      body: at(`${LOGIN}\nOrder deny,allow\nDeny from all\nAllow from 10.0.0.0/8\nSatisfy all`),
      want: admin({ guarded: true, allowFrom: ["10.0.0.0/8"] }),
    },
    {
      name: "a login with Satisfy Any and an address rule: a stranger logs in",
      body: at(`${LOGIN}\nOrder deny,allow\nDeny from all\nAllow from 10.0.0.0/8\nSatisfy Any`),
      want: admin({ guarded: true }),
    },
    {
      name: "Satisfy Any with Allow from all: the login is skipped for everyone",
      body: at(`${LOGIN}\nOrder allow,deny\nAllow from all\nSatisfy Any`),
      want: admin(),
    },
    {
      name: "rules inside <Limit GET POST> guard what browsers send",
      body: at("<Limit GET POST>\n  Order deny,allow\n  Deny from all\n  Allow from 10.0.0.0/8\n</Limit>"),
      want: admin({ allowFrom: ["10.0.0.0/8"] }),
    },
    {
      name: "rules inside <LimitExcept GET> or <Limit POST> leave reads open",
      body: at(
        "<LimitExcept GET HEAD>\n  Require all denied\n</LimitExcept>\n<Limit POST PUT>\n  Order allow,deny\n</Limit>",
      ),
      want: admin(),
    },
    {
      name: "a later section with its own Order/Allow replaces the earlier rules",
      body: `  Order deny,allow\n  Deny from all\n  Allow from 10.0.0.0/8\n${at("Order allow,deny\nAllow from all")}`,
      want: admin(),
      root: { ...ROOT, allowFrom: ["10.0.0.0/8"] },
    },
    {
      name: "a later section with only Satisfy keeps the address rules before it",
      body: `  Order deny,allow\n  Deny from all\n  Allow from 10.0.0.0/8\n${at(`${LOGIN}\nSatisfy any`)}`,
      want: admin({ guarded: true }),
      root: { ...ROOT, allowFrom: ["10.0.0.0/8"] },
    },
  ])("$name", ({ body, want, more = [], root = ROOT }) => {
    expect(parseApacheSite(site(body)).routes).toEqual([root, want, ...more]);
  });
});

describe("Apache 2.4 address rules (Require ip, host, local, all denied)", () => {
  it.each([
    {
      name: "Require ip",
      lines: "Require ip 10.0.0.0/8 172.16.0.0/12",
      want: { allowFrom: ["10.0.0.0/8", "172.16.0.0/12"] },
    },
    { name: "Require host", lines: "Require host intranet.example.org", want: { allowFrom: ["intranet.example.org"] } },
    { name: "Require local", lines: "Require local", want: { allowFrom: ["local"] } },
    { name: "Require all denied", lines: "Require all denied", want: { allowFrom: [] } },
    {
      name: "Require ip or a login (RequireAny)",
      lines: `AuthType Basic\nAuthUserFile /etc/apache2/.htpasswd\nRequire ip 10.0.0.0/8\nRequire valid-user`,
      want: { guarded: true },
    },
    { name: "Require all granted", lines: "Require all granted", want: {} },
    { name: "Require method limits methods, not people", lines: "Require method GET POST", want: {} },
  ])("$name", ({ lines, want }) => {
    expect(parseApacheSite(site(at(lines))).routes).toEqual([ROOT, admin(want)]);
  });
});

describe("sections that guard only part of a route", () => {
  const api = (body: string) =>
    parseApacheSite(`<VirtualHost *:80>\n  ProxyPass /api http://127.0.0.1:8000/api\n${body}\n</VirtualHost>\n`).routes;
  it.each([
    {
      name: "a literal-prefix <LocationMatch> becomes a narrower guarded route",
      body: `  <LocationMatch "^/api/admin">\n    ${LOGIN}\n  </LocationMatch>`,
      want: [
        { path: "/api", port: 8000 },
        { path: "/api/admin", port: 8000, guarded: true },
      ],
    },
    {
      name: "alternatives and an exact end: one route each",
      body: `  <LocationMatch "^/api/(internal|metrics)$">\n    Require ip 10.0.0.0/8\n  </LocationMatch>`,
      want: [
        { path: "/api", port: 8000 },
        { path: "/api/internal", port: 8000, exact: true, allowFrom: ["10.0.0.0/8"] },
        { path: "/api/metrics", port: 8000, exact: true, allowFrom: ["10.0.0.0/8"] },
      ],
    },
    {
      name: "a pattern no path rule holds is named on the route",
      body: `  <LocationMatch "^/api/.+/export\\.csv$">\n    ${LOGIN}\n  </LocationMatch>\n  <LocationMatch "\\.bak$">\n    Require all denied\n  </LocationMatch>`,
      want: [{ path: "/api", port: 8000, guardedPatterns: ["^/api/.+/export\\.csv$", "\\.bak$"] }],
    },
    {
      name: "a pattern elsewhere, or one that asks nothing more, is left alone",
      body: `  <LocationMatch "^/static/.+\\.map$">\n    Require all denied\n  </LocationMatch>\n  <LocationMatch "\\.json$">\n    Require all granted\n  </LocationMatch>`,
      want: [{ path: "/api", port: 8000 }],
    },
  ])("$name", ({ body, want }) => {
    expect(api(body)).toEqual(want);
  });
});
