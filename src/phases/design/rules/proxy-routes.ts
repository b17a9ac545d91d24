// What the VM's reverse proxy did by path (inventory services[].routes): which service each path
// reached, and what it asked first: a login (nginx auth_basic, Apache AuthType Basic in front of
// Flower, an admin tool) or one of a few client addresses (nginx allow/deny, Apache Require ip or
// Order/Allow/Deny). Cloud Run and the load balancer have no such checks, so a service the proxy
// only let through that way must not become a public URL: it stays IAM-only.
import { isPublicApi } from "../../../contracts/deployment.js";
import type { ProxyRoute, Service } from "../../../inventory/schema.js";
import type { Draft } from "./draft.js";

/** The routes every proxy on the VM had, in the order the inventory lists them. */
export const proxyRoutes = (d: Pick<Draft, "topo">): ProxyRoute[] => d.topo.proxies.flatMap((p) => p.routes ?? []);

/**
 * The proxy serves a folder at / itself (a single-page front end's build) and sends the app only
 * the paths it routes (/api/): every host's / is that folder's, not the app's. A proxy that also
 * routes / to an app keeps / the app's.
 */
export const folderAtRoot = (d: Pick<Draft, "topo">): boolean =>
  d.topo.proxies.some((p) => (p.servedFolders ?? []).some((f) => f.path === "/")) &&
  !proxyRoutes(d).some((r) => r.path === "/" && !r.exact) &&
  proxyRoutes(d).length > 0;

/** The proxy kept strangers out of the path: a login, or an address list. */
export const routeGuarded = (r: Pick<ProxyRoute, "guarded" | "allowFrom">): boolean =>
  Boolean(r.guarded) || r.allowFrom !== undefined;

const short = (p: string) => (p.length > 40 ? `${p.slice(0, 39)}…` : p);
const list = (xs: string[], n: number) => `${xs.slice(0, n).join(", ")}${xs.length > n ? "…" : ""}`;

/** What the proxy asked before a path, in words: "a login (basic auth)", "a client address in 10.0.0.0/8". */
export function guardText(r: Pick<ProxyRoute, "guarded" | "allowFrom">): string {
  const from = r.allowFrom;
  const address =
    from === undefined
      ? undefined
      : from.length === 0
        ? "refused every client"
        : `let in only ${list(
            from.map((a) => (a.length > 32 ? `${a.slice(0, 31)}…` : a)),
            3,
          )}`;
  if (r.guarded && address) return `asked for a login (basic auth) and ${address}`;
  return r.guarded ? "asked for a login (basic auth)" : `${address}`;
}

/**
 * Why a web process stays IAM-only, when it does: the proxy reached it only through paths it
 * guarded, and never through / with a login only. A login on / (the whole site) keeps the app
 * public: the product's users need it (the proxy's mapping entry names the path). A site open only
 * to some addresses, / included, stays private: nothing on Cloud Run tells those addresses apart.
 */
export function guardedReason(d: Pick<Draft, "topo">, s: Service): string | undefined {
  const to = proxyRoutes(d).filter((r) => r.service === s.name);
  const loginOnlyRoot = (r: ProxyRoute) => r.path === "/" && r.allowFrom === undefined;
  if (to.length === 0 || to.some((r) => !routeGuarded(r) || loginOnlyRoot(r))) return undefined;
  const kinds = [...new Set(to.map(guardText))];
  const paths = list(
    to.map((r) => short(r.path)),
    3,
  );
  const what = kinds.length === 1 ? kinds[0]! : "kept strangers out (a login or an address list)";
  const text = `the VM's proxy ${what} before ${paths}; Cloud Run has no such check, so only callers with roles/run.invoker reach it`;
  // iamOnly holds 300 characters (deployment.ts): long address lists are cut, the point is kept.
  return text.length <= 300
    ? text
    : `${text.slice(0, 231)}… (see the proxy's routes); only roles/run.invoker reaches it`;
}

/** A guarded path (or a guarded pattern under one) whose service stays public on the load balancer. */
export interface ExposedGuard {
  /** "/admin", "every path", or "paths matching ^/api/.+/export\.csv$ under /api". */
  where: string;
  service: string;
  /** What the proxy asked there, in words (guardText). */
  asked: string;
  /** Only address rules, below /: an enforced Cloud Armor rule keeps strangers out (edge.ts closedPaths). */
  addressOnly: boolean;
  route: ProxyRoute;
}

/**
 * The proxy's checks the design cannot keep as they were: a guarded path of a service that stays
 * public (a login on /, an admin path of the app, a narrower route from a regex section) and the
 * guarded patterns no path rule holds. Behind the load balancer they would be open to everyone, so
 * the design names each one and asks for a decision (never dropped without a word).
 */
export function exposedGuards(d: Pick<Draft, "topo" | "services">, routes = proxyRoutes(d)): ExposedGuard[] {
  const isPublic = (service: string) => d.services.some((t) => t.replaces.includes(service) && isPublicApi(t));
  const found: ExposedGuard[] = [];
  for (const r of routes.filter((x) => isPublic(x.service))) {
    const where = r.path === "/" && !r.exact ? "every path" : `${short(r.path)}${r.exact ? " (that path only)" : ""}`;
    if (routeGuarded(r))
      found.push({
        where,
        service: r.service,
        asked: guardText(r),
        addressOnly: !r.guarded && where !== "every path",
        route: r,
      });
    for (const p of r.guardedPatterns ?? [])
      found.push({
        where: `paths matching ${short(p)} under ${short(r.path)}`,
        service: r.service,
        asked: "asked more there (a login or an address list, in a regex section)",
        addressOnly: false,
        route: r,
      });
  }
  return found;
}

/** The open question for one exposed guard (at most 400 characters, the schema's bound). */
export function exposedQuestion(g: ExposedGuard): string {
  const options = g.addressOnly
    ? "a Cloud Armor rule on the load balancer that refuses it to other addresses, the app's own check, or Identity-Aware Proxy on a backend service for that path"
    : "the app's own login there, Identity-Aware Proxy on a backend service for that path alone, or leaving it off the load balancer";
  const text = `Who may reach ${g.where} of ${g.service}? The VM's proxy ${g.asked}; the load balancer and Cloud Run have no such check, so as designed it is public. Decide before cut-over: ${options}.`;
  return text.length <= 400 ? text : `${text.slice(0, 399)}…`;
}
