// nginx locations that ask more of part of a route than the route does (route-narrow.ts): a regex
// location with auth_basic or allow/deny (nginx checks regexes before the longest prefix, unless
// that prefix is `^~`), or a prefix location that only refuses (`location /internal/ { deny all; }`)
// inside a proxied one. Without them the load balancer would send those paths to the service like
// the rest. A refusing regex with no literal path (`location ~ /\.ht { deny all; }`) keeps the
// proxy's own files from being served and passes nothing on: it is neither a route nor a guard.
// https://nginx.org/en/docs/http/ngx_http_core_module.html#location
import type { Location } from "./nginx-access.js";
import { type Gate, guardFields, isGuarded } from "./route-access.js";
import { mayMatchUnder, narrowed, regexPaths, under } from "./route-narrow.js";
import type { PortRoute } from "./types.js";

const refuses = (g: Gate) => g !== "open" && !g.login && g.from?.length === 0;
/** The route already asks what the gate asks. */
const same = (r: PortRoute, gate: Gate) =>
  JSON.stringify(guardFields(gate)) ===
  JSON.stringify({ ...(r.guarded ? { guarded: r.guarded } : {}), ...(r.allowFrom ? { allowFrom: r.allowFrom } : {}) });

/** The longest prefix route that takes `path` (the one the load balancer would send it to). */
function cover(routes: PortRoute[], path: string): PortRoute | undefined {
  return routes
    .filter((r) => under(r, path))
    .sort((a, b) => b.path.length - a.path.length)
    .at(0);
}

export function narrowNginx(
  routes: PortRoute[],
  all: Location[],
  gateOf: (l: Location) => Gate,
  portOf: (l: Location) => number | undefined,
  hosts: string[] | undefined,
): PortRoute[] {
  const prefixes = all.filter((l) => l.modifier === "" || l.modifier === "^~");
  /** A `^~` prefix location takes the path before any regex is tried. */
  const shadowed = (path: string) =>
    prefixes
      .filter((p) => path.startsWith(p.path))
      .sort((a, b) => b.path.length - a.path.length)
      .at(0)?.modifier === "^~";
  const extra: PortRoute[] = [];
  const patterns = new Map<PortRoute, string[]>();
  for (const l of all) {
    if (l.path.startsWith("@")) continue;
    const gate = gateOf(l);
    if (!isGuarded(guardFields(gate))) continue;
    const regex = l.modifier.startsWith("~");
    const port = portOf(l);
    if (!regex && (port !== undefined || !refuses(gate))) continue;
    const whole = regex ? regexPaths(l.path) : { paths: [l.path], exact: l.modifier === "=" };
    if (!whole) {
      if (port === undefined) continue;
      for (const r of routes.filter((r) => mayMatchUnder(l.path, r.path) && !same(r, gate)))
        patterns.set(r, [...(patterns.get(r) ?? []), l.path]);
      continue;
    }
    for (const path of whole.paths.filter((p) => !regex || !shadowed(p))) {
      const base = cover(routes, path);
      if (port !== undefined && regex) {
        if (!(base && base.port === port && same(base, gate)))
          extra.push({
            path,
            port,
            ...(whole.exact ? { exact: true } : {}),
            ...(hosts ? { hosts } : {}),
            ...guardFields(gate),
          });
      } else if (base && !same(base, gate)) extra.push({ ...narrowed(base, path, whole.exact), ...guardFields(gate) });
    }
  }
  const marked = routes.map((r) =>
    patterns.has(r) ? { ...r, guardedPatterns: [...new Set(patterns.get(r))].slice(0, 10) } : r,
  );
  return [...marked, ...extra];
}
