// A web process of the app that no setting gives an address, beside a proxy that sends requests to
// a loopback port no process claims. When exactly one of each is left, that port is the process's:
// the proxy would send its requests nowhere otherwise. n8n's main instance listens on its default
// 5678, which nothing on the VM names, while nginx proxies `/` there and `/webhook/` to the webhook
// processor's N8N_PORT=5679.
import { proxyRefusesWebsocket } from "./enrich.js";
import type { ServiceFinding } from "./types.js";
import { portOf } from "../inventory/listen.js";

const APP_ROLES = new Set(["web"]);

export function claimLastProxiedPort(findings: ServiceFinding[], proxyTargets: ReadonlySet<number>): void {
  const homeless = findings.filter((f) => APP_ROLES.has(f.role) && f.runtime && f.listen.length === 0);
  if (homeless.length !== 1) return;
  const claimed = new Set(findings.flatMap((f) => f.listen.map(portOf)));
  const free = [...proxyTargets].filter((p) => !claimed.has(p));
  if (free.length !== 1) return;
  const finding = homeless[0]!;
  finding.listen = [`127.0.0.1:${free[0]}`];
}

/**
 * A process given its port after enrichment (its env file's *_PORT, or the port above): the proxy in
 * front of it may pass no websocket on, whatever its packages say (n8n's webhook processor ships `ws`).
 */
export function dropRefusedWebsocket(
  finding: ServiceFinding,
  proxyTargets: ReadonlySet<number>,
  upgradedPorts: ReadonlySet<number> | undefined,
): void {
  if (finding.process?.protocols?.includes("websocket") || !finding.protocols?.includes("websocket")) return;
  if (proxyRefusesWebsocket(finding, { proxyTargets, upgradedPorts }))
    finding.protocols = finding.protocols.filter((p) => p !== "websocket");
}
