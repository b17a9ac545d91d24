// Which URL paths an Apache site sends to which port (ProxyPass), and where it asks for a login
// first (apache-auth.ts): the load balancer that replaces it needs the same paths, and a path
// only reached after a login must not become a public URL.
// https://httpd.apache.org/docs/2.4/mod/mod_proxy.html#proxypass
import { apacheGate, locationTarget, otherLocations } from "./apache-auth.js";
import { type ApacheSection, apacheSections, directiveArgs, unquoted } from "./apache-sections.js";
import { ROUTE_PATH } from "../contracts/url-path.js";
import { guardFields, isGuarded } from "./route-access.js";
import { mayMatchUnder, narrowed, regexPaths, under } from "./route-narrow.js";
import { routeHosts } from "./route-keys.js";
import type { PortRoute } from "./types.js";

const TARGET = /^[a-z]+:\/\/[^/:\s"]+:(\d{1,5})(\/\S*)?$/i;

/**
 * `ProxyPass /cable ws://127.0.0.1:3000/cable` as a route. Apache replaces the matched prefix with
 * the URL's path: a different path is a rewrite; a URL without a path under a prefix other than /
 * has no load-balancer rewrite that gives the same result, so it is left out, as is
 * `ProxyPass /x !` (not proxied).
 */
function route(path: string, url: string, scopes: ApacheSection[], proxied: string[]): PortRoute[] {
  const m = TARGET.exec(url);
  if (!m || !ROUTE_PATH.test(path)) return [];
  const [port, uri = ""] = [Number(m[1]), m[2]];
  if (uri === "" && path !== "/") return [];
  const rewrite = uri === "" || uri === path ? undefined : uri;
  if (rewrite && !ROUTE_PATH.test(rewrite)) return [];
  const gate = apacheGate(scopes, path, url);
  const base: PortRoute = { path, port, ...(rewrite ? { rewrite } : {}) };
  // Paths another ProxyPass takes are that route's to narrow.
  const others = proxied.filter((p) => p.length > path.length && p.startsWith(path));
  const parts = partly(base, url, scopes, JSON.stringify(gate), others);
  return [{ ...base, ...guardFields(gate), ...parts.patterns }, ...parts.routes];
}

/**
 * Location sections that ask something else of part of the route's paths: a path under it, or a
 * pattern taking whole paths under it, becomes a narrower route with its own guard; any other
 * pattern that guards is named on the route (route-narrow.ts).
 */
function partly(base: PortRoute, url: string, scopes: ApacheSection[], own: string, others: string[]) {
  const routes: PortRoute[] = [];
  const patterns: string[] = [];
  for (const section of otherLocations(scopes, base.path, url)) {
    const target = locationTarget(section);
    const whole = "path" in target ? { paths: [target.path], exact: false } : regexPaths(target.pattern);
    if (!whole && "pattern" in target) {
      const gate = apacheGate(scopes, base.path, url, section);
      if (mayMatchUnder(target.pattern, base.path) && JSON.stringify(gate) !== own && isGuarded(guardFields(gate)))
        patterns.push(target.pattern);
      continue;
    }
    for (const sub of whole?.paths.filter((p) => under(base, p) && !others.some((o) => p.startsWith(o))) ?? []) {
      const gate = apacheGate(scopes, sub, url, section);
      if (JSON.stringify(gate) !== own) routes.push({ ...narrowed(base, sub, whole!.exact), ...guardFields(gate) });
    }
  }
  return { routes, patterns: patterns.length ? { guardedPatterns: [...new Set(patterns)].slice(0, 10) } : {} };
}

/** A scope's own `ProxyPass /path URL` lines and the one-argument ProxyPass of its <Location> blocks. */
function scopeRoutes(scopes: ApacheSection[]): PortRoute[] {
  const scope = scopes[scopes.length - 1]!;
  const hosts = scope.kind === "virtualhost" ? vhostHosts(scope) : undefined;
  const pairs: [string, string][] = directiveArgs(scope, "ProxyPass").map((args) => {
    const [path = "", url = ""] = args.split(/\s+/).map(unquoted);
    return [path, url];
  });
  for (const location of scope.children.filter((c) => c.kind === "location" && !/^~\s/.test(c.arg))) {
    const url = directiveArgs(location, "ProxyPass").map((a) => unquoted(a.split(/\s+/)[0]!))[0];
    if (url) pairs.push([unquoted(location.arg), url]);
  }
  const proxied = pairs.map(([path]) => path);
  const found = pairs.flatMap(([path, url]) => route(path, url, scopes, proxied));
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
