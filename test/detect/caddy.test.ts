// Caddy in front of the app (the reverse proxy some apps' own docs set up for TLS): its site
// addresses are where it listens, its reverse_proxy upstreams the ports the app serves on.
import { describe, expect, it } from "vitest";
import { parseCaddyfile } from "../../src/detect/caddy.js";

describe("parseCaddyfile", () => {
  it.each([
    [
      "a domain: automatic HTTPS on 80 and 443",
      "tracking.example.com {\n    reverse_proxy localhost:8082\n}\n",
      ["0.0.0.0:80", "0.0.0.0:443"],
      [8082],
    ],
    [
      "global options, comments, two sites, an upstream URL and a handle block",
      "{\n  email admin@example.com\n}\n# the API\nhttp://api.example.com, :8443 {\n  handle /api/* {\n    reverse_proxy http://127.0.0.1:3000 127.0.0.1:3001 {\n      lb_policy first\n    }\n  }\n  file_server\n}\n",
      ["0.0.0.0:80", "0.0.0.0:8443"],
      [3000, 3001],
    ],
    [
      "a bare port and a unix socket upstream (no port to link)",
      ":80 {\n  reverse_proxy unix//run/app.sock\n}\n",
      ["0.0.0.0:80"],
      [],
    ],
  ])("%s", (_name, text, listen, proxied) => {
    const site = parseCaddyfile(text, "/etc/caddy/Caddyfile")!;
    expect(site.role).toBe("reverse-proxy");
    expect(site.software).toBe("caddy");
    expect(site.listen).toEqual(listen);
    expect(site.proxiesToPorts).toEqual(proxied);
    // Caddy passes websocket upgrades on by itself: no site setting can refuse them.
    expect(site.websocketPorts ?? []).toEqual(proxied);
  });

  it("finds nothing in an empty file", () => {
    expect(parseCaddyfile("# nothing yet\n", "/etc/caddy/Caddyfile")).toBeUndefined();
  });
});
