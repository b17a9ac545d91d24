// A proxy section that guards only part of a route's paths (`<LocationMatch ^/api/admin>` or nginx's
// `location ~ ^/api/admin` inside a proxied /api, `<Location /tools/private>` under /tools): a load
// balancer matches paths by prefix, so a regex that is a literal prefix (with simple alternatives)
// becomes a narrower route that keeps the guard; any other pattern is named on the route instead
// (guardedPatterns), for the design to say so. Never dropped: the path was not public on the VM.
import { ROUTE_PATH } from "../contracts/url-path.js";
import type { PortRoute } from "./types.js";

/** What may follow the literal part for the pattern to take every path under it. */
const ANY_TAIL = /^(|\/|\/\?|\.\*|\/\.\*|\(\/\.\*\)\?|\((\?:)?\/\|\$\)|\((\?:)?\$\|\/\))$/;
const LITERAL = /^(?:[A-Za-z0-9_~/-]|\\[./_~-])+/;

const unescape = (s: string) => s.replace(/\\([./_~-])/g, "$1");

/**
 * The paths an anchored regex takes whole: `^/api/admin` → /api/admin (and all under it),
 * `^/(flower|rq)/` → /flower/ and /rq/, `^/healthz$` → the exact path. Undefined for anything
 * else (`\.php$`, `^/api/.*\.json$`).
 */
export function regexPaths(pattern: string): { paths: string[]; exact: boolean } | undefined {
  if (!pattern.startsWith("^")) return undefined;
  let rest = pattern.slice(1);
  const take = (): string => {
    let raw = LITERAL.exec(rest)?.[0] ?? "";
    // A quantifier after the literal (`/admin/?`, `/api/v1*`) applies to its last character only:
    // that character goes back to the tail.
    if (raw && /^[?*{]/.test(rest.slice(raw.length))) raw = raw.slice(0, /\\.$/.test(raw) ? -2 : -1);
    rest = rest.slice(raw.length);
    return unescape(raw);
  };
  const head = take();
  let paths = [head];
  const group = /^\((?:\?:)?((?:[A-Za-z0-9_~-]|\\[._~-])+(?:\|(?:[A-Za-z0-9_~-]|\\[._~-])+)*)\)/.exec(rest);
  if (group) {
    rest = rest.slice(group[0].length);
    paths = group[1]!.split("|").map((alt) => head + unescape(alt));
  }
  const tailLiteral = group ? take() : "";
  paths = paths.map((p) => p + tailLiteral);
  const exact = rest === "$";
  if (!exact && !ANY_TAIL.test(rest)) return undefined;
  // `/?` makes the slash optional: the path without it is the prefix.
  if (rest === "/?") paths = paths.map((p) => p.replace(/\/$/, ""));
  if (paths.some((p) => p === "/" || !ROUTE_PATH.test(p))) return undefined;
  return { paths, exact };
}

/** Whether a pattern no route can hold may still match paths under `path` (its literal start does not rule it out). */
export function mayMatchUnder(pattern: string, path: string): boolean {
  if (!pattern.startsWith("^")) return true;
  const literal = unescape(LITERAL.exec(pattern.slice(1))?.[0] ?? "");
  return literal.startsWith(path) || path.startsWith(literal);
}

/** `sub` lies strictly under the route's path (by prefix, as the load balancer's prefixMatch compares). */
export const under = (route: Pick<PortRoute, "path" | "exact">, sub: string): boolean =>
  !route.exact && sub !== route.path && sub.startsWith(route.path);

/** The route narrowed to `sub`: same port and hosts, the proxy's prefix rewrite carried over. */
export function narrowed(route: PortRoute, sub: string, exact: boolean): PortRoute {
  const rest = sub.slice(route.path.length);
  const rewrite =
    route.rewrite === undefined ? undefined : `${route.rewrite.replace(/\/$/, "")}/${rest}`.replace(/\/\/+/g, "/");
  return {
    path: sub,
    port: route.port,
    ...(exact ? { exact: true } : {}),
    ...(rewrite !== undefined && rewrite !== sub ? { rewrite } : {}),
    ...(route.hosts ? { hosts: route.hosts } : {}),
  };
}
