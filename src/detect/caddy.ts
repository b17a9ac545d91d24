// Caddy's Caddyfile (/etc/caddy/Caddyfile, the file the Debian package's unit runs): the reverse
// proxy several apps' own docs set up for TLS (Traccar's "Secure Connection" guide). Its site
// addresses say where it listens, its `reverse_proxy` upstreams which loopback ports the app serves.
// https://caddyserver.com/docs/caddyfile/concepts#addresses ,
// https://caddyserver.com/docs/caddyfile/directives/reverse_proxy
import type { ServiceFinding } from "./types.js";

/** The Caddyfile the Debian/Ubuntu package's caddy.service runs (`caddy run --config /etc/caddy/Caddyfile`). */
export const CADDYFILE = "etc/caddy/Caddyfile";

const strip = (text: string) => text.replace(/(^|\s)#.*$/gm, "$1");

/** A site address → the ports Caddy listens on for it: a domain gets 80 and 443 (automatic HTTPS). */
function sitePorts(address: string): number[] {
  const m = /^(?:(https?):\/\/)?([^/:\s]*)(?::(\d{1,5}))?(?:\/\S*)?$/.exec(address);
  if (!m) return [];
  if (m[3]) return [Number(m[3])];
  if (m[1] === "http") return [80];
  if (m[1] === "https") return [80, 443];
  return m[2] && m[2] !== "localhost" ? [80, 443] : [80];
}

/** An upstream (`localhost:8082`, `http://127.0.0.1:8082`, `:8082`, `unix//run/app.sock`) → its port. */
function upstreamPort(upstream: string): number | undefined {
  const m = /^(?:h2c:\/\/|https?:\/\/)?(?:[A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\])?:(\d{1,5})$/.exec(upstream);
  return m ? Number(m[1]) : undefined;
}

/**
 * The Caddyfile as one proxy finding: every site's ports, every `reverse_proxy` upstream port.
 * Caddy passes websocket upgrades on without any setting, so each proxied port may carry one.
 */
export function parseCaddyfile(text: string, file: string): ServiceFinding | undefined {
  const body = strip(text);
  const listen = new Set<number>();
  const proxied = new Set<number>();
  let depth = 0;
  for (const raw of body.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    // A site block opens at depth 0: `tracking.example.com, www.example.com {` (the global `{` has no address).
    if (depth === 0 && line.endsWith("{") && line !== "{" && !line.startsWith("(")) {
      for (const address of line
        .slice(0, -1)
        .split(/[\s,]+/)
        .filter(Boolean))
        for (const port of sitePorts(address)) listen.add(port);
    }
    const proxy = /^reverse_proxy\s+(.+?)\s*\{?$/.exec(line);
    if (proxy)
      for (const word of proxy[1]!.split(/\s+/)) {
        const port = upstreamPort(word);
        if (port !== undefined) proxied.add(port);
      }
    depth += (line.match(/\{/g) ?? []).length - (line.match(/\}/g) ?? []).length;
  }
  if (listen.size === 0 && proxied.size === 0) return undefined;
  const line = text.split(/\r?\n/).findIndex((l) => /^\s*reverse_proxy\b/.test(l));
  const ports = [...proxied].sort((a, b) => a - b);
  return {
    name: "caddy",
    role: "reverse-proxy",
    software: "caddy",
    listen: [...listen].sort((a, b) => a - b).map((p) => `0.0.0.0:${p}`),
    dependsOn: [],
    proxiesToPorts: ports,
    ...(ports.length ? { websocketPorts: ports } : {}),
    source: file,
    ...(line >= 0 ? { line: line + 1 } : {}),
  };
}
