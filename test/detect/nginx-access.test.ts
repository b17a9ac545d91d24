// What nginx keeps from a stranger before a proxied path beyond auth_basic: allow/deny (first match
// decides, inherited unless a level sets its own), satisfy any/all, and regex or refusing locations
// over part of a route. A path that was not public on the VM must not come out as an open route.
import { describe, expect, it } from "vitest";
import { parseNginxConfig } from "../../src/detect/nginx.js";

const routes = (text: string) => parseNginxConfig(text, "/etc/nginx/sites-enabled/app")?.routesToPorts ?? [];
const site = (server: string, http = "") => `${http}server {\n  listen 80;\n${server}\n}\n`;
const APP = "location / { proxy_pass http://127.0.0.1:3000; }";
const AUTH = 'auth_basic "Staff"; auth_basic_user_file /etc/nginx/.htpasswd;';
const ROOT = { path: "/", port: 3000 };

describe("nginx allow/deny and satisfy", () => {
  it.each([
    {
      name: "allow a network, deny all: only that network",
      server: `${APP}\nlocation /admin/ { allow 10.0.0.0/8; allow 192.168.0.0/16; deny all; proxy_pass http://127.0.0.1:3000; }`,
      want: [ROOT, { path: "/admin/", port: 3000, allowFrom: ["10.0.0.0/8", "192.168.0.0/16"] }],
    },
    {
      name: "deny all first: nobody (the allow after it is never reached)",
      server: `${APP}\nlocation /admin/ { deny all; allow 10.0.0.0/8; proxy_pass http://127.0.0.1:3000; }`,
      want: [ROOT, { path: "/admin/", port: 3000, allowFrom: [] }],
    },
    {
      name: "deny one address: open to everyone else",
      server: `${APP}\nlocation /admin/ { deny 203.0.113.7; proxy_pass http://127.0.0.1:3000; }`,
      want: [ROOT, { path: "/admin/", port: 3000 }],
    },
    {
      name: "server-level rules reach every location; a location with its own rules replaces them",
      server: `allow 10.0.0.0/8;\ndeny all;\n${APP}\nlocation /hooks { allow all; proxy_pass http://127.0.0.1:3000; }`,
      want: [
        { ...ROOT, allowFrom: ["10.0.0.0/8"] },
        { path: "/hooks", port: 3000 },
      ],
    },
    {
      name: "http-level rules reach the server",
      server: APP,
      http: "allow 127.0.0.1;\ndeny all;\n",
      want: [{ ...ROOT, allowFrom: ["127.0.0.1"] }],
    },
    {
      name: "satisfy all (the default): an address and a login",
      server: `${APP}\nlocation /admin/ { allow 10.0.0.0/8; deny all; ${AUTH} proxy_pass http://127.0.0.1:3000; }`,
      want: [ROOT, { path: "/admin/", port: 3000, guarded: true, allowFrom: ["10.0.0.0/8"] }],
    },
    {
      name: "satisfy any: a stranger logs in",
      server: `${APP}\nlocation /admin/ { satisfy any; allow 10.0.0.0/8; deny all; ${AUTH} proxy_pass http://127.0.0.1:3000; }`,
      want: [ROOT, { path: "/admin/", port: 3000, guarded: true }],
    },
    {
      name: "rules in the named location try_files hands the request to count too",
      server: `location / { try_files $uri @app; }\nlocation @app { allow 10.0.0.0/8; deny all; proxy_pass http://127.0.0.1:3000; }`,
      want: [{ ...ROOT, allowFrom: ["10.0.0.0/8"] }],
    },
    {
      name: "rules inside limit_except leave GET open",
      server: `${APP}\nlocation /api/ { limit_except GET { allow 10.0.0.0/8; deny all; } proxy_pass http://127.0.0.1:3000; }`,
      want: [ROOT, { path: "/api/", port: 3000 }],
    },
  ])("$name", ({ server, http = "", want }) => {
    expect(routes(site(server, http))).toEqual(want);
  });
});

describe("nginx locations over part of a route", () => {
  it.each([
    {
      name: "a regex location with a literal path and auth_basic: a narrower guarded route",
      server: `${APP}\nlocation ~ ^/api/admin { ${AUTH} proxy_pass http://127.0.0.1:3000; }`,
      want: [ROOT, { path: "/api/admin", port: 3000, guarded: true }],
    },
    {
      name: "a regex location to another port, with alternatives",
      server: `${APP}\nlocation ~ ^/(flower|rq)/ { allow 127.0.0.1; deny all; proxy_pass http://127.0.0.1:5555; }`,
      want: [
        ROOT,
        { path: "/flower/", port: 5555, allowFrom: ["127.0.0.1"] },
        { path: "/rq/", port: 5555, allowFrom: ["127.0.0.1"] },
      ],
    },
    {
      name: "a prefix location that only refuses, inside the proxied space: a closed narrower route",
      server: `${APP}\nlocation /internal/ { deny all; }`,
      want: [ROOT, { path: "/internal/", port: 3000, allowFrom: [] }],
    },
    {
      name: "a regex with no literal path that guards and proxies: named on the route",
      server: `${APP}\nlocation ~ /export\\.csv$ { ${AUTH} proxy_pass http://127.0.0.1:3000; }`,
      want: [{ ...ROOT, guardedPatterns: ["/export\\.csv$"] }],
    },
    {
      name: "location ~ /\\.ht { deny all; } guards the proxy's own files: neither a route nor a guard",
      server: `${APP}\nlocation ~ /\\.ht { deny all; }`,
      want: [ROOT],
    },
    {
      name: "a ^~ prefix location is taken before the regex: no narrower route under it",
      server: `${APP}\nlocation ^~ /api/ { proxy_pass http://127.0.0.1:3000; }\nlocation ~ ^/api/admin { ${AUTH} proxy_pass http://127.0.0.1:3000; }`,
      want: [ROOT, { path: "/api/", port: 3000 }],
    },
  ])("$name", ({ server, want }) => {
    expect(routes(site(server))).toEqual(want);
  });
});
