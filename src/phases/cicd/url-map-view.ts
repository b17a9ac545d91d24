// What scripts/setup-load-balancer.sh needs from the design's load balancer: its backends and the
// URL map the VM's proxy amounts to, as `gcloud compute url-maps import` takes it (host rules,
// one path matcher per host set, route rules in priority order).
// https://cloud.google.com/load-balancing/docs/url-map-concepts
import type { Deployment, LoadBalancer } from "../../contracts/deployment.js";
import { deployedOnly } from "../../contracts/held-targets.js";

export interface LoadBalancerView extends LoadBalancer {
  project: string;
  region: string;
  /** Cloud Armor throttle per client IP per minute: generous, it starts in preview anyway. */
  throttlePerMinute: number;
  /** Backends that speak gRPC (HTTP/2 end to end): their backend service talks HTTP/2 to Cloud Run. */
  http2Backends: string[];
  /** The URL map's path matchers, one per host set; empty when every path goes to the first backend. */
  pathMatchers: PathMatcherView[];
  /** Enforced Cloud Armor rules refusing the closed paths to other clients (before the preview rules). */
  closedRules: ClosedRuleView[];
}

export interface ClosedRuleView {
  priority: number;
  /** Cloud Armor's custom rules language: the path, then each range let through. */
  expression: string;
  description: string;
}

/**
 * `request.path.startsWith('/metrics') && !inIpRange(origin.ip, '10.20.0.5/32')`: a path the VM's
 * proxy opened only to those ranges. Priorities 900 on: before the WAF and throttle rules (1000+).
 * https://cloud.google.com/armor/docs/rules-language-reference
 */
function closedRules(lb: LoadBalancer): ClosedRuleView[] {
  return (lb.closedPaths ?? []).map((c, i) => ({
    priority: 900 + i,
    expression: [
      c.exact ? `request.path == '${c.path}'` : `request.path.startsWith('${c.path}')`,
      ...c.allowFrom.map((range) => `!inIpRange(origin.ip, '${range}')`),
    ].join(" && "),
    description: `${c.path}: ${c.allowFrom.length ? `only ${c.allowFrom.join(" ")}` : "no client"}, as the VM's proxy had it`,
  }));
}

export interface PathMatcherView {
  name: string;
  /** The host rule's hosts: `*` for the rules of every host. */
  hosts: string[];
  /** Where a path no rule matches goes: the host's own / route, else the first backend. */
  defaultBackend: string;
  routeRules: RouteRuleView[];
}

export interface RouteRuleView {
  priority: number;
  /** prefixMatch (the path and everything under it, as nginx's prefix locations) or fullPathMatch (`location =`). */
  match: "prefixMatch" | "fullPathMatch";
  path: string;
  backend: string;
  /** The URL map's reference: a backend service (`$base/NAME-backend`) or a backend bucket (`$buckets/NAME`). */
  service: string;
  rewrite?: string;
}

/** A route of the design, or a static folder's path to its backend bucket (bucket: true). */
type Route = LoadBalancer["routes"][number] & { bucket?: boolean };
const isRoot = (r: Route) => r.path === "/" && !r.exact;

/**
 * Route rules: exact paths first, then the longest prefix first (nginx picks the longest matching
 * prefix; a URL map the lowest priority number that matches).
 */
function routeRules(routes: Route[]): RouteRuleView[] {
  return [...routes]
    .sort((a, b) => Number(b.exact) - Number(a.exact) || b.path.length - a.path.length)
    .map((r, i) => ({
      priority: i + 1,
      match: r.exact ? "fullPathMatch" : "prefixMatch",
      path: r.path,
      backend: r.backend,
      service: r.bucket ? `$buckets/${r.backend}` : `$base/${r.backend}-backend`,
      ...(r.rewrite ? { rewrite: r.rewrite } : {}),
    }));
}

/**
 * The `*` matcher for the rules of every host, then one per host set. A host set also takes the
 * rules of every host, unless it has its own rule for that path; a URL map refuses a host in two
 * host rules, so a name is kept only in the first set that has it.
 */
function pathMatchers(lb: LoadBalancer): PathMatcherView[] {
  // A static folder's path goes to its backend bucket for every host, before the app's prefixes.
  const folders: Route[] = (lb.folderBuckets ?? []).map((f) => ({
    path: f.path,
    backend: f.backendBucket,
    exact: false,
    bucket: true,
  }));
  const routes: Route[] = [...lb.routes.filter((r) => lb.backends.includes(r.backend)), ...folders];
  const first = lb.backends[0]!;
  const everyHost = routes.filter((r) => !r.hosts);
  const matchers: PathMatcherView[] = everyHost.length
    ? [{ name: "routes", hosts: ["*"], defaultBackend: first, routeRules: routeRules(everyHost) }]
    : [];
  const sets = [...new Set(routes.flatMap((r) => (r.hosts ? [r.hosts.join(",")] : [])))];
  const claimed = new Set<string>();
  sets.forEach((set, i) => {
    const hosts = set.split(",").filter((h) => !claimed.has(h));
    hosts.forEach((h) => claimed.add(h));
    if (hosts.length === 0) return;
    const own = routes.filter((r) => r.hosts?.join(",") === set);
    const shared = everyHost.filter((r) => !own.some((o) => o.path === r.path && o.exact === r.exact));
    matchers.push({
      name: `hosts-${i + 1}`,
      hosts,
      defaultBackend: own.find(isRoot)?.backend ?? first,
      routeRules: routeRules([...own.filter((r) => !isRoot(r)), ...shared]),
    });
  });
  return matchers;
}

/**
 * Undefined without a load balancer, and while one of its backends is held (held-targets.ts): a
 * URL map without it would send its paths to another service, and the cut-over it serves waits anyway.
 */
export function loadBalancerView(deployment: Deployment, peakRps: number): LoadBalancerView | undefined {
  const lb = deployedOnly(deployment).loadBalancer;
  if (!lb) return undefined;
  return {
    ...lb,
    folderBuckets: lb.folderBuckets ?? [],
    http2Backends: lb.backends.filter((b) => deployment.services.some((s) => s.name === b && s.http2)),
    pathMatchers: pathMatchers(lb),
    closedRules: closedRules(lb),
    project: deployment.project,
    region: deployment.region,
    // One client should never need a tenth of the planned peak; at least 600 a minute (10/s).
    throttlePerMinute: Math.max(600, Math.ceil(peakRps * 60 * 0.1)),
  };
}
