// A proxy that routed by host name can name one host in two sites (nginx: `server_name a.org
// b.org;` in one server block, `server_name a.org;` in another, often one per listen port). A URL
// map takes each host in one host rule only, so the sites' rules are merged host by host and the
// hosts that end up with the same rules share one host set again.
// https://cloud.google.com/load-balancing/docs/url-map-concepts#host-rules
import type { ProxyRoute } from "../../../inventory/schema.js";

export interface HostRouting {
  /** The routes of every host first, then one group of routes per host set, no host in two sets. */
  routes: ProxyRoute[];
  /** A host whose sites sent one path to two places: the first site's rule is kept, and this says so. */
  conflicts: string[];
}

const chunks = <T>(items: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
const pathKey = (r: ProxyRoute) => `${r.exact ? "=" : ""}${r.path}`;
const ruleKey = (r: ProxyRoute) => `${pathKey(r)} ${r.service} ${r.rewrite ?? ""} ${r.guarded ? "guarded" : ""}`;

/**
 * Each host takes the rules of every site that names it, in site order; a path two of its sites
 * send to different services keeps the first site's rule (nginx serves a name two server blocks
 * on one port claim from the first), reported as a conflict. Hosts with the same rules share a set.
 */
export function mergeHostRoutes(all: ProxyRoute[]): HostRouting {
  const perHost = new Map<string, ProxyRoute[]>();
  const conflicts: string[] = [];
  for (const r of all) {
    for (const host of r.hosts ?? []) {
      const own = perHost.get(host) ?? [];
      const same = own.find((x) => pathKey(x) === pathKey(r));
      if (!same) own.push(r);
      else if (same.service !== r.service)
        conflicts.push(
          `${host}${r.path}: two of the proxy's sites for this host send it to ${same.service} and to ${r.service}; the load balancer keeps the first (${same.service}): check which one the VM served`,
        );
      perHost.set(host, own);
    }
  }
  const sets = new Map<string, { hosts: string[]; routes: ProxyRoute[] }>();
  for (const [host, routes] of perHost) {
    const key = routes.map(ruleKey).sort().join("\n");
    const set = sets.get(key) ?? { hosts: [], routes };
    set.hosts.push(host);
    sets.set(key, set);
  }
  // A rule names at most 20 hosts (the inventory's and the design's limit): a larger set is split.
  const hosted = [...sets.values()].flatMap((s) =>
    chunks([...s.hosts].sort(), 20).flatMap((hosts) => s.routes.map((r) => ({ ...r, hosts }))),
  );
  return { routes: [...all.filter((r) => !r.hosts), ...hosted], conflicts };
}
