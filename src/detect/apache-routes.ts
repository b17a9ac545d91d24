// Which URL paths an Apache site sends to which port (ProxyPass), and where it asks for a login
// first (apache-auth.ts): the load balancer that replaces it needs the same paths, and a path
// only reached after a login must not become a public URL.
// https://httpd.apache.org/docs/2.4/mod/mod_proxy.html#proxypass
import { apacheGuards } from "./apache-auth.js";
import { type ApacheSection, apacheSections, directiveArgs, unquoted } from "./apache-sections.js";
import { ROUTE_PATH } from "../contracts/url-path.js";
import { routeHosts } from "./route-keys.js";
import type { PortRoute } from "./types.js";

const TARGET = /^[a-z]+:\/\/[^/:\s"]+:(\d{1,5})(\/\S*)?$/i;

/**
 * `ProxyPass /cable ws://127.0.0.1:3000/cable` as a route. Apache replaces the matched prefix with
 * the URL's path: a different path is a rewrite; a URL without a path under a prefix other than /
 * has no load-balancer rewrite that gives the same result, so it is left out, as is
 * `ProxyPass /x !` (not proxied).
 */
function route(path: string, url: string, scopes: ApacheSection[]): PortRoute | undefined {
  const m = TARGET.exec(url);
  if (!m || !ROUTE_PATH.test(path)) return undefined;
  const [port, uri = ""] = [Number(m[1]), m[2]];
  if (uri === "" && path !== "/") return undefined;
  const rewrite = uri === "" || uri === path ? undefined : uri;
  if (rewrite && !ROUTE_PATH.test(rewrite)) return undefined;
  return {
    path,
    port,
    ...(rewrite ? { rewrite } : {}),
    ...(apacheGuards(scopes, path, url) ? { guarded: true } : {}),
  };
}

/** A scope's own `ProxyPass /path URL` lines and the one-argument ProxyPass of its <Location> blocks. */
function scopeRoutes(scopes: ApacheSection[]): PortRoute[] {
  const scope = scopes[scopes.length - 1]!;
  const hosts = scope.kind === "virtualhost" ? vhostHosts(scope) : undefined;
  const found: PortRoute[] = [];
  for (const args of directiveArgs(scope, "ProxyPass")) {
    const [path = "", url = ""] = args.split(/\s+/).map(unquoted);
    const r = route(path, url, scopes);
    if (r) found.push(r);
  }
  for (const location of scope.children.filter((c) => c.kind === "location" && !/^~\s/.test(c.arg))) {
    const url = directiveArgs(location, "ProxyPass").map((a) => unquoted(a.split(/\s+/)[0]!))[0];
    const r = url ? route(unquoted(location.arg), url, scopes) : undefined;
    if (r) found.push(r);
  }
  return hosts ? found.map((r) => ({ ...r, hosts })) : found;
}

/** The names a <VirtualHost> answers for: ServerName and every ServerAlias. */
function vhostHosts(vhost: ApacheSection): string[] | undefined {
  return routeHosts(
    ["ServerName", "ServerAlias"].flatMap((d) => directiveArgs(vhost, d).flatMap((a) => a.split(/\s+/))),
  );
}

/**
 * Every ProxyPass route of the file: the main server's, then each <VirtualHost>'s with its host
 * names (name-based virtual hosts: https://httpd.apache.org/docs/2.4/vhosts/name-based.html).
 */
export function apacheRoutes(text: string): PortRoute[] {
  const root = apacheSections(text);
  const vhosts = root.children.filter((c) => c.kind === "virtualhost");
  return [...scopeRoutes([root]), ...vhosts.flatMap((v) => scopeRoutes([root, v]))];
}
