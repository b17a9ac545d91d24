// Which paths an nginx site sends to which port: the load balancer that replaces nginx needs the
// same rules (Mastodon's /api/v1/streaming goes to the Node streaming server, not Puma), the prefix
// rewrite proxy_pass makes with a URI part, and where auth_basic asked for a login first.
import { describe, expect, it } from "vitest";
import { parseNginxConfig } from "../../src/detect/nginx.js";

const UPSTREAMS = `upstream backend { server 127.0.0.1:3000 fail_timeout=0; }
upstream streaming { server 127.0.0.1:4000 fail_timeout=0; }
`;
const site = (body: string) => `${UPSTREAMS}server {\n  listen 443 ssl;\n${body}\n}\n`;
const routes = (text: string) => parseNginxConfig(text, "/etc/nginx/sites-enabled/app")?.routesToPorts ?? [];

describe("nginx location blocks as routes", () => {
  it.each([
    {
      name: "Mastodon: / to Puma (nested static locations cut out), ^~ /api/v1/streaming to the streaming server",
      text: site(`  location / {
    location ~ ^/(assets|packs)/ { try_files $uri =404; }
    location /system/ { try_files $uri =404; }
    proxy_pass http://backend;
  }
  location ^~ /api/v1/streaming { proxy_pass http://streaming; }`),
      want: [
        { path: "/", port: 3000 },
        { path: "/api/v1/streaming", port: 4000 },
      ],
    },
    {
      name: "try_files to a named location that proxies",
      text: site(`  location / { try_files $uri @proxy; }
  location @proxy { proxy_pass http://127.0.0.1:3000; }
  location /cable { proxy_pass http://127.0.0.1:4000; }`),
      want: [
        { path: "/", port: 3000 },
        { path: "/cable", port: 4000 },
      ],
    },
    {
      name: "an exact location; a regex location has no path rule to become",
      text: site(`  location = /healthz { proxy_pass http://127.0.0.1:4000; }
  location ~* \\.php$ { fastcgi_pass 127.0.0.1:9000; }
  location / { proxy_pass http://backend; }`),
      want: [
        { path: "/healthz", port: 4000, exact: true },
        { path: "/", port: 3000 },
      ],
    },
    {
      name: "proxy_pass with a URI part replaces the prefix (Flower behind /flower/), behind auth_basic",
      text: site(`  location / { proxy_pass http://backend; }
  location /flower/ {
    auth_basic "Flower";
    auth_basic_user_file /etc/nginx/flower.htpasswd;
    proxy_pass http://127.0.0.1:5555/;
  }`),
      want: [
        { path: "/", port: 3000 },
        { path: "/flower/", port: 5555, rewrite: "/", guarded: true },
      ],
    },
    {
      name: "the same URI as the prefix, or a variable, passes the path on unchanged",
      text: site(`  location /api/ { proxy_pass http://127.0.0.1:4000/api/; }
  location /ws { proxy_pass http://127.0.0.1:5000$request_uri; }`),
      want: [
        { path: "/api/", port: 4000 },
        { path: "/ws", port: 5000 },
      ],
    },
    {
      name: "auth_basic on the server guards every location but one that turns it off",
      text: site(`  auth_basic "Staff";
  location / { proxy_pass http://backend; }
  location /hooks { auth_basic off; proxy_pass http://streaming; }`),
      want: [
        { path: "/", port: 3000, guarded: true },
        { path: "/hooks", port: 4000 },
      ],
    },
    {
      name: "two sites sending / to different ports (routing by host name) keep no / route",
      text: `${site("  location / { proxy_pass http://backend; }")}${site("  location / { proxy_pass http://streaming; }")}`,
      want: [],
    },
    {
      name: "two sites with their own server_name: each keeps its routes with its host names (routing by host)",
      text: `${site("  server_name api.example.org;\n  location / { proxy_pass http://backend; }")}${site(
        "  server_name Example.org .www.example.org _;\n  location / { proxy_pass http://streaming; }\n  location /api/ { proxy_pass http://backend; }",
      )}`,
      want: [
        { path: "/", port: 3000, hosts: ["api.example.org"] },
        { path: "/", port: 4000, hosts: ["*.www.example.org", "example.org", "www.example.org"] },
        { path: "/api/", port: 3000, hosts: ["*.www.example.org", "example.org", "www.example.org"] },
      ],
    },
    {
      name: "server_name with no name a host rule can hold (_, a regex, an address) answers for any host",
      text: site(
        "  server_name _ ~^(?<sub>.+)\\.example\\.org$ 10.0.0.5;\n  location / { proxy_pass http://backend; }",
      ),
      want: [{ path: "/", port: 3000 }],
    },
    {
      name: "auth_basic at the http level guards every server; one server's own does not guard another",
      text: `auth_basic "Staff";\n${site("  server_name a.example.org;\n  location / { proxy_pass http://backend; }")}${site(
        "  server_name b.example.org;\n  auth_basic off;\n  location / { proxy_pass http://streaming; }",
      )}`,
      want: [
        { path: "/", port: 3000, guarded: true, hosts: ["a.example.org"] },
        { path: "/", port: 4000, hosts: ["b.example.org"] },
      ],
    },
    {
      name: "a location nested in a guarded one inherits its auth_basic, unless it turns it off",
      text: site(`  location / { proxy_pass http://backend; }
  location /admin/ {
    auth_basic "Admin";
    location /admin/queues/ { proxy_pass http://127.0.0.1:5555/; }
    location /admin/hooks/ { auth_basic off; proxy_pass http://streaming; }
  }`),
      want: [
        { path: "/", port: 3000 },
        { path: "/admin/queues/", port: 5555, rewrite: "/", guarded: true },
        { path: "/admin/hooks/", port: 4000 },
      ],
    },
    {
      name: "a path with characters a URL map path cannot hold is left out",
      text: site(`  location /files@ { proxy_pass http://streaming; }
  location / { proxy_pass http://backend; }`),
      want: [{ path: "/", port: 3000 }],
    },
  ])("$name", ({ text, want }) => {
    expect(routes(text)).toEqual(want);
  });
});
