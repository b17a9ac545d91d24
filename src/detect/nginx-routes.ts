// Which URL paths an nginx site sends to which upstream port, from its `location` blocks. One proxy
// often fronts two processes by path (Mastodon: / to Puma, /api/v1/streaming to the Node streaming
// server); the load balancer that replaces it needs the same rules, or those paths reach the wrong
// service. https://nginx.org/en/docs/http/ngx_http_core_module.html#location
import { ROUTE_PATH } from "../contracts/url-path.js";
import { inherit, type Location, type NginxAccess, nginxGate, ownAccess } from "./nginx-access.js";
import { narrowNginx } from "./nginx-narrow.js";
import { allOf, guardFields } from "./route-access.js";
import { agreeing, routeHosts, routeKey } from "./route-keys.js";
import type { PortRoute } from "./types.js";

const LOCATION = /\blocation\s+(?:(=|\^~|~\*?)\s*)?("[^"]*"|'[^']*'|[^\s{]+)\s*\{/g;

/** The index just past the brace that closes the block opened before `start`. */
function blockEnd(text: string, start: number): number {
  let depth = 1;
  let i = start;
  for (; i < text.length && depth > 0; i++) {
    if (text[i] === "{") depth++;
    else if (text[i] === "}") depth--;
  }
  return i;
}

/** Every location block, nested ones included, each with only its own directives. */
/** A location path that names a websocket endpoint (`/websocket`, `/ws/`, `/cable`, `/socket.io/`). */
const WEBSOCKET_PATH = /websocket|socket\.io|(^|\/)ws(\/|\b|$)|(^|\/)cable(\/|$)/i;

function locations(text: string, outer: NginxAccess = {}): Location[] {
  const found: Location[] = [];
  const re = new RegExp(LOCATION.source, "g");
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const start = m.index + m[0].length;
    const end = blockEnd(text, start);
    const inner = text.slice(start, end - 1);
    const own = withoutLocations(inner);
    const access = inherit(outer, ownAccess(own));
    found.push({ modifier: m[1] ?? "", path: m[2]!.replace(/^["']|["']$/g, ""), own, access });
    found.push(...locations(inner, access));
    re.lastIndex = end;
  }
  return found;
}

function withoutLocations(text: string): string {
  let out = "";
  let from = 0;
  const re = new RegExp(LOCATION.source, "g");
  for (let m = re.exec(text); m; m = re.exec(text)) {
    out += text.slice(from, m.index);
    from = blockEnd(text, m.index + m[0].length);
    re.lastIndex = from;
  }
  return out + text.slice(from);
}

const PROXY = /\b(?:proxy_pass|uwsgi_pass|fastcgi_pass|grpc_pass)\s+([^;]+);/;

/**
 * The path nginx passes on instead of the location's prefix: proxy_pass with a URI part replaces
 * the matched prefix with it (`location /flower/ { proxy_pass http://127.0.0.1:5555/; }` sends
 * /flower/tasks as /tasks); without one, or with variables, the request's path goes on unchanged.
 * https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_pass
 */
function rewriteOf(target: string, path: string): string | undefined {
  if (target.includes("$")) return undefined;
  const uri = /^[a-z]+:\/\/[^/]+(\/.*)$/i.exec(target)?.[1];
  if (uri === undefined || uri === path) return undefined;
  return ROUTE_PATH.test(uri) ? uri : undefined;
}

interface Server {
  hosts?: string[];
  /** The server block's text (the whole file when it has none: an included snippet). */
  text: string;
}

/** The file's server blocks with their host names, and what stands outside them (http level). */
function servers(text: string): { servers: Server[]; outside: string } {
  const found: Server[] = [];
  let outside = "";
  let from = 0;
  const re = /\bserver\s*\{/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const start = m.index + m[0].length;
    const end = blockEnd(text, start);
    const inner = text.slice(start, end - 1);
    const names = [...withoutLocations(inner).matchAll(/\bserver_name\s+([^;]+);/g)].flatMap((n) =>
      n[1]!.trim().split(/\s+/),
    );
    const hosts = routeHosts(names);
    found.push({ ...(hosts ? { hosts } : {}), text: inner });
    outside += text.slice(from, m.index);
    from = end;
    re.lastIndex = end;
  }
  outside += text.slice(from);
  return found.length ? { servers: found, outside } : { servers: [{ text }], outside: "" };
}

/**
 * Prefix and exact locations that proxy (directly, or through `try_files … @name` to a named
 * location that does) to a port `portOf` resolves, with nginx's own path (trailing slash kept: it
 * is part of the prefix), the prefix rewrite proxy_pass makes, what nginx asks first (auth_basic,
 * allow/deny, satisfy: in the location or inherited from the server or http level around it) and
 * the server's host names. A regex location or a refusing one (`deny all`) that asks more of part
 * of a route narrows it (nginx-narrow.ts); a path one server sends to two ports is dropped.
 */
export function nginxRoutes(text: string, portOf: (target: string) => number[]): PortRoute[] {
  const { servers: sites, outside } = servers(text);
  const http = ownAccess(withoutLocations(outside));
  return agreeing(
    sites.flatMap((site) => serverRoutes(site, inherit(http, ownAccess(withoutLocations(site.text))), portOf)),
    routeKey,
    (a, b) => a.port === b.port,
  );
}

const UPGRADE = /\bproxy_set_header\s+Upgrade\b/i;
const SETS_HEADERS = /\bproxy_set_header\b/i;

/**
 * Ports a site passes the websocket Upgrade header to, location by location: a location's
 * proxy_set_header lines replace the server's and http's, which it inherits only when it sets none
 * of its own (https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_set_header). n8n's
 * site upgrades `/` (the editor's push connection) but not `/webhook/`.
 */
export function upgradedPorts(text: string, portOf: (target: string) => number[]): number[] {
  const { servers: sites, outside } = servers(text);
  const http = withoutLocations(outside);
  const out = new Set<number>();
  const add = (own: string, inherited: boolean) => {
    const to = PROXY.exec(own)?.[1]?.trim();
    const upgrades = SETS_HEADERS.test(own) ? UPGRADE.test(own) : inherited;
    if (to && upgrades) for (const port of portOf(to)) out.add(port);
  };
  for (const site of sites) {
    const own = withoutLocations(site.text);
    const serverUpgrades = SETS_HEADERS.test(own) ? UPGRADE.test(own) : UPGRADE.test(http);
    add(own, serverUpgrades);
    for (const l of locations(site.text)) add(l.own, serverUpgrades);
  }
  return [...out].sort((a, b) => a - b);
}

/**
 * Ports a site gives a location of their own for websockets: one location passes the Upgrade header
 * to the port while another sends the same port plain requests (Mattermost's site: `location ~
 * /api/v[0-9]+/(users/)?websocket$` upgrades, `location /` sets `Connection ""`). The admin wrote
 * that location because the app serves websockets there, whatever language it is written in. So
 * does a location named for websockets that upgrades to a port of its own (Odoo's documented site:
 * `location /websocket` to the gevent worker on 8072, `location /` to the HTTP workers on 8069).
 */
export function websocketRoutePorts(text: string, portOf: (target: string) => number[]): number[] {
  const { servers: sites, outside } = servers(text);
  const http = withoutLocations(outside);
  const out = new Set<number>();
  for (const site of sites) {
    const own = withoutLocations(site.text);
    const serverUpgrades = SETS_HEADERS.test(own) ? UPGRADE.test(own) : UPGRADE.test(http);
    const upgraded = new Set<number>();
    const plain = new Set<number>();
    const named = new Set<number>();
    for (const l of locations(site.text)) {
      const to = PROXY.exec(l.own)?.[1]?.trim();
      if (!to) continue;
      const upgrades = SETS_HEADERS.test(l.own) ? UPGRADE.test(l.own) : serverUpgrades;
      for (const port of portOf(to)) (upgrades ? upgraded : plain).add(port);
      if (upgrades && WEBSOCKET_PATH.test(l.path)) for (const port of portOf(to)) named.add(port);
    }
    for (const port of upgraded) if (plain.has(port) || named.has(port)) out.add(port);
  }
  return [...out].sort((a, b) => a - b);
}

/**
 * Ports only websocket locations reach: a location named for websockets passes the Upgrade header to
 * them and no other location proxies there (Zammad's documented site: `location /ws` to its websocket
 * server on 6042, `location /` to Puma on 3000). What listens there takes websocket connections only.
 */
export function websocketOnlyPorts(text: string, portOf: (target: string) => number[]): number[] {
  const { servers: sites, outside } = servers(text);
  const http = withoutLocations(outside);
  const named = new Set<number>();
  const other = new Set<number>();
  for (const site of sites) {
    const own = withoutLocations(site.text);
    const serverUpgrades = SETS_HEADERS.test(own) ? UPGRADE.test(own) : UPGRADE.test(http);
    for (const l of locations(site.text)) {
      const to = PROXY.exec(l.own)?.[1]?.trim();
      if (!to) continue;
      const upgrades = SETS_HEADERS.test(l.own) ? UPGRADE.test(l.own) : serverUpgrades;
      for (const port of portOf(to)) (upgrades && WEBSOCKET_PATH.test(l.path) ? named : other).add(port);
    }
  }
  return [...named].filter((p) => !other.has(p)).sort((a, b) => a - b);
}

function serverRoutes(site: Server, around: NginxAccess, portOf: (target: string) => number[]): PortRoute[] {
  const all = locations(site.text);
  /** The named location `try_files … @name` hands the request to, when the block does not proxy itself. */
  const namedOf = (l: Location): Location | undefined => {
    if (PROXY.test(l.own)) return undefined;
    const named = /\btry_files\s+[^;]*\s(@[A-Za-z0-9_-]+)\s*;/.exec(l.own)?.[1];
    return named ? all.find((n) => n.path === named) : undefined;
  };
  const target = (l: Location): string | undefined =>
    PROXY.exec(l.own)?.[1]?.trim() ?? PROXY.exec(namedOf(l)?.own ?? "")?.[1]?.trim();
  const portOfLocation = (l: Location): number | undefined => {
    const to = target(l);
    const ports = to ? portOf(to) : [];
    return ports.length === 1 ? ports[0] : undefined;
  };
  // The named location's own rules apply too: the redirect to it passes the access phase again.
  const gateOf = (l: Location) => {
    const at = namedOf(l);
    const own = nginxGate(inherit(around, l.access));
    return at ? allOf([own, nginxGate(inherit(around, at.access))]) : own;
  };
  const routes: PortRoute[] = [];
  for (const l of all) {
    if (l.modifier.startsWith("~") || l.path.startsWith("@")) continue;
    if (!ROUTE_PATH.test(l.path)) continue;
    const port = portOfLocation(l);
    if (port === undefined) continue;
    const rewrite = rewriteOf(target(l)!, l.path);
    routes.push({
      path: l.path,
      port,
      ...(l.modifier === "=" ? { exact: true } : {}),
      ...(rewrite ? { rewrite } : {}),
      ...guardFields(gateOf(l)),
      ...(site.hosts ? { hosts: site.hosts } : {}),
    });
  }
  return narrowNginx(routes, all, gateOf, portOfLocation, site.hosts);
}
