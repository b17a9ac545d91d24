// What sits around the Cloud Run services: the external HTTPS load balancer that replaces the
// reverse proxy, Memorystore for each store kept on Redis or Memcached, and the VPC subnet Direct VPC egress needs to reach
// it. The cicd phase's setup scripts create exactly these.
import type { ProxyRoute, Service } from "../../../inventory/schema.js";
import {
  type Cache,
  CIDR,
  DOMAIN,
  type DeployTarget,
  type LoadBalancer,
  isPublicApi,
} from "../../../contracts/deployment.js";
import { exposedGuards, folderAtRoot, proxyRoutes } from "./proxy-routes.js";
import { mergeHostRoutes } from "./host-routes.js";
import { memorystoreVersion } from "./data.js";
import type { Draft } from "./draft.js";
import { runName } from "./names.js";
import { ensureNetwork } from "./network.js";
import { isStoreAddress } from "../../../contracts/implied-links.js";
import { memorystoreName } from "./mapping.js";
import { memorystoreSizeGiB, type StoreHome } from "./store-homes.js";

/** Memorystore's design version (REDIS_7_X…) as gcloud's --redis-version / --memcached-version value. */
export function gcloudCacheVersion(s: Service): string {
  const v = memorystoreVersion(s);
  if (v.startsWith("MEMCACHE")) return v;
  return v === "REDIS_6_X" ? "redis_6_x" : "redis_7_2";
}

const MEMCACHED_ADDRESS = /(MEMCACHED?|CACHE)(_[A-Z]+)*_(URL|URI|HOST|LOCATION|SERVERS?)$/;
/** A broker or result-store setting gets the Redis address only when this Redis carries that use. */
const redisAddress = (name: string, home: StoreHome): boolean =>
  isStoreAddress(name) &&
  (!/BROKER/i.test(name) || home.uses.includes("broker") || Boolean(home.brokerSwitch)) &&
  (!/RESULT_BACKEND/i.test(name) || home.uses.includes("results") || home.uses.includes("broker")) &&
  !/MEMCACHE/i.test(name);

/**
 * A store kept on Memorystore (store-homes.ts: a cache, a broker Celery/RQ/Sidekiq keep, pub/sub,
 * results), under the mapping's name. Its users' env names that hold a store address (REDIS_URL,
 * CELERY_BROKER_URL, CACHE_LOCATION…) are filled with its address at deploy time, never copied
 * from the VM; a name two stores share goes to the first.
 */
function cacheFor(d: Draft, home: StoreHome, claimed: Set<string>): Cache {
  const s = home.service;
  const memcached = home.home === "memorystore-memcached";
  const users = d.inv.services.filter((u) => u.dependsOn.includes(s.name));
  // Names keep the case the app reads them in (app-env.ts); only recognised by their upper case.
  const urlEnv = [...new Set(users.flatMap((u) => u.env))]
    .filter((e) => (memcached ? MEMCACHED_ADDRESS.test(e.toUpperCase()) : redisAddress(e, home)) && !claimed.has(e))
    .sort()
    .slice(0, 10);
  urlEnv.forEach((e) => claimed.add(e));
  return {
    name: memorystoreName(d, home),
    engine: memcached ? "memcached" : "redis",
    // A broker that moves from RabbitMQ to Redis gets a current Redis.
    version: home.brokerSwitch ? "redis_7_2" : gcloudCacheVersion(s),
    tier: home.tier === "STANDARD_HA" ? "standard" : "basic",
    sizeGiB: memorystoreSizeGiB(d.inv, s).sizeGiB,
    urlEnv,
  };
}

/** deployment.loadBalancer.routes takes at most this many rules. */
const MAX_ROUTES = 50;
/** An assumption is at most 400 characters (design schema). */
const clip = (text: string) => (text.length <= 400 ? text : `${text.slice(0, 399)}…`);

/**
 * The backends in URL-map order and the rules the VM's proxy had (inventory `routes`): the service
 * behind / comes first and takes every other path; each other routed path goes to its service's
 * backend, matched as nginx matched it (a prefix, or the exact path) and with the prefix rewrite
 * nginx made. A proxy that routed by host name keeps its host names on the rules: a host's own /
 * goes to its service, a path under it is compared with that host's default, not the first
 * backend; a host two sites named takes the rules of both (host-routes.ts). Routes to a service that is not public (IAM-only, the AI gateway) are not kept.
 */
function routing(d: Draft, apis: DeployTarget[]): Pick<LoadBalancer, "backends" | "routes" | "domains"> {
  const backendOf = (service: string) => apis.find((t) => t.replaces.includes(service))?.name;
  const listed = proxyRoutes(d);
  const isRoot = (r: ProxyRoute) => r.path === "/" && !r.exact;
  const root = listed.find((r) => isRoot(r) && !r.hosts) ?? listed.find(isRoot);
  const { routes: all, conflicts } = mergeHostRoutes(listed);
  d.assumptions.push(...conflicts.map(clip));
  const first = (root && backendOf(root.service)) ?? apis[0]!.name;
  const backends = [first, ...apis.map((t) => t.name).filter((n) => n !== first)];
  const hostKey = (r: { hosts?: string[] }) => r.hosts?.join(",") ?? "";
  /** Where a host set's paths go when no rule matches: its own / route, else the first backend. */
  const defaultOf = (r: ProxyRoute) => {
    const own = r.hosts && all.find((x) => isRoot(x) && hostKey(x) === hostKey(r));
    return (own && backendOf(own.service)) ?? first;
  };
  const routes: LoadBalancer["routes"] = [];
  const hosts = new Set<string>();
  // A folder the proxy served at / takes every path its routes leave (served-folders.ts): the
  // first backend's own paths then need rules of their own.
  const keepFirst = folderAtRoot(d);
  for (const r of all) {
    const backend = backendOf(r.service);
    if (!backend) continue;
    r.hosts?.forEach((h) => hosts.add(h));
    if (
      isRoot(r)
        ? !r.hosts || (backend === first && !r.rewrite)
        : backend === defaultOf(r) && !r.rewrite && !(keepFirst && !r.hosts)
    )
      continue;
    const key = `${hostKey(r)} ${r.exact ? "=" : ""}${r.path}`;
    if (routes.some((x) => `${hostKey(x)} ${x.exact ? "=" : ""}${x.path}` === key)) continue;
    routes.push({
      path: r.path,
      backend,
      exact: Boolean(r.exact),
      ...(r.rewrite ? { rewrite: r.rewrite } : {}),
      ...(r.hosts ? { hosts: r.hosts } : {}),
    });
  }
  // A URL map's route rules are capped (the design's limit, 50); sites merged host by host can
  // repeat a rule per host set. The rest is named, not dropped silently.
  if (routes.length > MAX_ROUTES)
    d.assumptions.push(
      clip(
        `The proxy had ${routes.length} host and path rules; the load balancer's URL map keeps the first ${MAX_ROUTES}: add the rest (${routes
          .slice(MAX_ROUTES, MAX_ROUTES + 3)
          .map((r) => `${r.hosts?.[0] ?? "*"}${r.path}`)
          .join(
            ", ",
          )}${routes.length > MAX_ROUTES + 3 ? ", …" : ""}) with \`gcloud compute url-maps import\` after review.`,
      ),
    );
  return { backends, routes: routes.slice(0, MAX_ROUTES), domains: certificateDomains(hosts) };
}

/**
 * The paths of public services the proxy opened only to some addresses (exposedGuards'
 * address-only ones): each becomes an enforced Cloud Armor rule refusing every other client. A
 * rule holds the path and four IPv4 ranges; host names, IPv6 and further ranges cannot be named,
 * so they are refused too (stricter than the VM, never looser).
 * https://cloud.google.com/armor/docs/rules-language-reference
 */
function closedPaths(d: Draft, apis: DeployTarget[]): NonNullable<LoadBalancer["closedPaths"]> {
  const seen = new Set<string>();
  return exposedGuards(d)
    .filter((g) => g.addressOnly && apis.some((t) => t.replaces.includes(g.route.service)))
    .flatMap(({ route: r }) => {
      const key = `${r.exact ? "=" : ""}${r.path}`;
      if (seen.has(key)) return [];
      seen.add(key);
      const allowFrom = (r.allowFrom ?? [])
        .map((a) => (/^(\d{1,3}\.){3}\d{1,3}$/.test(a) ? `${a}/32` : a))
        .filter((a) => CIDR.test(a))
        .slice(0, 4);
      return [{ path: r.path, exact: Boolean(r.exact), allowFrom }];
    })
    .slice(0, 20);
}

/**
 * The host names the proxy routed to a public service by (its own / to the first backend included:
 * the URL map needs no rule for it, the certificate needs the name), as certificate domains. A wildcard (`*.example.org`, nginx's
 * `.example.org`) stays: Certificate Manager issues it with a DNS authorization for example.org,
 * the kind the setup script creates (load balancer authorization cannot issue wildcards).
 * https://cloud.google.com/certificate-manager/docs/domain-authorization
 */
function certificateDomains(hosts: Set<string>): string[] {
  return [...hosts]
    .filter((h) => DOMAIN.test(h))
    .sort()
    .slice(0, 10);
}

export function planEdge(d: Draft): void {
  // The AI gateway and guarded admin tools are private (IAM): never a load balancer backend.
  const publicApis = d.services.filter(isPublicApi);
  if (d.topo.proxies.length > 0 && publicApis.length > 0) {
    const { backends, routes, domains } = routing(d, publicApis);
    d.loadBalancer = {
      name: runName(d.base, "lb"),
      backends,
      domains,
      // The proxy was the edge: the policy starts in preview (it logs what it would block).
      cloudArmor: true,
      routes,
    };
    const closed = closedPaths(d, publicApis);
    if (closed.length) d.loadBalancer.closedPaths = closed;
  }
  const claimed = new Set<string>();
  d.caches = d.stores.filter((h) => h.home.startsWith("memorystore")).map((h) => cacheFor(d, h, claimed));
  if (d.services.some((s) => s.vpcEgress)) ensureNetwork(d);
}
