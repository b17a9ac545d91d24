// What sits around the Cloud Run services: the external HTTPS load balancer that replaces the
// reverse proxy, Memorystore for each cache, and the VPC subnet Direct VPC egress needs to reach
// it. The cicd phase's setup scripts create exactly these.
import type { Service } from "../../../inventory/schema.js";
import type { Cache } from "../../../contracts/deployment.js";
import { memorystoreVersion } from "./data.js";
import type { Draft } from "./draft.js";
import { runName } from "./names.js";

/** Env names that hold a cache's address (not a broker's: Cloud Tasks replaces those). */
const CACHE_ENV = /(REDIS|CACHE|MEMCACHED?|VALKEY)_(URL|URI|HOST|LOCATION|SERVERS?)$/;

/** Memorystore's design version (REDIS_7_X…) as gcloud's --redis-version / --memcached-version value. */
export function gcloudCacheVersion(s: Service): string {
  const v = memorystoreVersion(s);
  if (v.startsWith("MEMCACHE")) return v;
  return v === "REDIS_6_X" ? "redis_6_x" : "redis_7_2";
}

function cacheFor(d: Draft, s: Service, index: number): Cache {
  const users = d.inv.services.filter((u) => u.dependsOn.includes(s.name));
  const urlEnv = [...new Set(users.flatMap((u) => u.env.map((e) => e.toUpperCase()).filter((e) => CACHE_ENV.test(e))))];
  return {
    name: index === 0 ? runName(d.base, "cache") : runName(d.base, `${s.name}-cache`),
    engine: /memcache/i.test(s.software) ? "memcached" : "redis",
    version: gcloudCacheVersion(s),
    tier: "basic",
    sizeGiB: Math.max(1, Math.ceil(d.inv.data.find((x) => x.service === s.name)?.sizeGiB ?? 1)),
    urlEnv: urlEnv.sort(),
  };
}

export function planEdge(d: Draft): void {
  const publicApis = d.services.filter((s) => s.kind === "api" && s.ingress !== "internal");
  if (d.topo.proxies.length > 0 && publicApis.length > 0) {
    d.loadBalancer = {
      name: runName(d.base, "lb"),
      backends: publicApis.map((s) => s.name),
      domains: [],
      // The proxy was the edge: the policy starts in preview (it logs what it would block).
      cloudArmor: true,
    };
  }
  d.caches = d.topo.caches.map((s, i) => cacheFor(d, s, i));
  if (d.services.some((s) => s.vpcEgress)) {
    d.network = { network: runName(d.base, "vpc"), subnet: runName(d.base, "run"), range: "10.8.0.0/24" };
  }
}
