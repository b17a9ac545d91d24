// What the VM's reverse proxy did by path (inventory services[].routes): which service each path
// reached, and where it asked for a login first. The load balancer keeps the paths; a service the
// proxy only let through after a login (nginx auth_basic or Apache AuthType Basic in front of Flower, an admin tool) must
// not become a public URL on Cloud Run, which has no such login: it stays IAM-only.
import type { ProxyRoute, Service } from "../../../inventory/schema.js";
import type { Draft } from "./draft.js";

/** The routes every proxy on the VM had, in the order the inventory lists them. */
export const proxyRoutes = (d: Pick<Draft, "topo">): ProxyRoute[] => d.topo.proxies.flatMap((p) => p.routes ?? []);

/**
 * Why a web process stays IAM-only, when it does: the proxy reached it only through paths it
 * guarded with a login, and never through /. A login on / (the whole site) keeps the app public
 * and the design says to put IAP in front instead (mapping.ts): the product's users need it.
 */
export function guardedReason(d: Pick<Draft, "topo">, s: Service): string | undefined {
  const to = proxyRoutes(d).filter((r) => r.service === s.name);
  if (to.length === 0 || to.some((r) => !r.guarded || r.path === "/")) return undefined;
  const paths = to.slice(0, 3).map((r) => (r.path.length > 40 ? `${r.path.slice(0, 39)}…` : r.path));
  return `the VM's proxy asked for a login (basic auth) before ${paths.join(", ")}${to.length > 3 ? "…" : ""}; Cloud Run has no such login, so only callers with roles/run.invoker reach it`;
}
