// The ports the VM's own firewall opens to the world (ufw, iptables-persistent, nftables): a port
// open there that no proxy, store or address in the app's settings accounts for is one clients
// reach directly — a GPS tracking server's one port per device protocol (TCP and UDP), a game or
// syslog server. Such listeners often have no setting to read (the app's defaults open them), so
// the firewall is where the VM says they matter. They become the app process's `rawPorts`.
import { portOf } from "./command.js";
import type { Evidence, ServiceFinding } from "./types.js";

export interface OpenPorts {
  from: number;
  to: number;
  proto: "tcp" | "udp";
}

/** Firewall files read from the VM (root-relative); the ssh read sends them too (ssh-host.ts). */
export const FIREWALL_FILES = [
  "etc/ufw/ufw.conf",
  "etc/ufw/user.rules",
  "etc/ufw/user6.rules",
  "etc/iptables/rules.v4",
  "etc/nftables.conf",
];

/**
 * Whether ufw's rules are not in force: its ufw.conf says `ENABLED=no` (a fresh install's state until
 * `ufw enable`; its user.rules may still hold rules added meanwhile). Without a ufw.conf they count.
 */
export function ufwDisabled(conf: string | undefined): boolean {
  return conf !== undefined && /^\s*ENABLED\s*=\s*"?no"?\s*$/im.test(conf);
}

/** The firewall files whose openings are in force, given each file's text (ufw's when enabled). */
export function firewallInForce<T extends { f: string; text: string | undefined }>(read: T[]): T[] {
  const off = ufwDisabled(read.find((r) => r.f === "etc/ufw/ufw.conf")?.text);
  return read.filter((r) => r.f !== "etc/ufw/ufw.conf" && !(off && r.f.startsWith("etc/ufw/")));
}

const protos = (p: string): OpenPorts["proto"][] =>
  p === "tcp" || p === "udp" ? [p] : p === "any" || p === "" ? ["tcp", "udp"] : [];

/** "80,443", "5000:5500", "5000-5500", "{ 5000-5500, 6037 }" → ranges; undefined for "any". */
function ranges(list: string): { from: number; to: number }[] {
  const out: { from: number; to: number }[] = [];
  for (const part of list.replace(/[{}\s]/g, "").split(",")) {
    const m = /^(\d{1,5})(?:[:-](\d{1,5}))?$/.exec(part);
    if (!m) continue;
    const from = Number(m[1]);
    const to = Number(m[2] ?? m[1]);
    if (from >= 1 && to <= 65535 && from <= to) out.push({ from, to });
  }
  return out;
}

/**
 * Inbound allows of one firewall file. ufw keeps each rule as a comment line
 * (`### tuple ### allow tcp 5000:5500 0.0.0.0/0 any 0.0.0.0/0 in`; action, protocol, port, ...,
 * direction last); iptables-save files as `-A INPUT -p udp --dport 5055 -j ACCEPT` (or
 * `-m multiport --dports`); nftables as `udp dport { 5000-5500 } accept`.
 */
export function parseFirewall(text: string): OpenPorts[] {
  const out: OpenPorts[] = [];
  const add = (proto: string, ports: string) => {
    for (const p of protos(proto)) for (const r of ranges(ports)) out.push({ ...r, proto: p });
  };
  for (const line of text.split(/\r?\n/)) {
    const ufw = /^### tuple ### (allow|limit)(?:_log(?:-all)?)? (\S+) (\S+) .* (in\S*)\s*$/.exec(line);
    if (ufw) {
      if (ufw[3] !== "any") add(ufw[2]!, ufw[3]!);
      continue;
    }
    // ufw's own -A ufw-user-input lines repeat its tuples: only a plain INPUT chain is read here.
    if (/^-A INPUT\b.*-j ACCEPT\b/.test(line)) {
      const proto = /\s-p (tcp|udp)\b/.exec(line)?.[1];
      const ports = /\s--dports? (\S+)/.exec(line)?.[1];
      if (proto && ports) add(proto, ports);
      continue;
    }
    const nft = /^\s*(tcp|udp) dport (\{[^}]*\}|\S+)(?:\s+ct state new)?\s+accept\b/.exec(line);
    if (nft) add(nft[1]!, nft[2]!);
  }
  return out;
}

const STORE_OR_PROXY = new Set(["database", "cache", "broker", "reverse-proxy"]);
const APP_ROLES = new Set(["web", "worker", "other"]);

/** The firewall's ports as `rawPorts` strings, merged across files and IPv4/IPv6, TCP before UDP. */
export function rawPortStrings(open: OpenPorts[]): string[] {
  const seen = new Set<string>();
  for (const o of open) seen.add(`${o.from === o.to ? o.from : `${o.from}-${o.to}`}/${o.proto}`);
  return [...seen].sort((a, b) => parseInt(a) - parseInt(b) || a.localeCompare(b));
}

/**
 * Gives the app's process the ports its firewall opens that nothing else explains: not SSH (22),
 * not HTTP(S) (80, 443), not a port any process or proxy already listens on. The app's one web process takes them, or,
 * without one, its one long-running process; with several candidates they are only reported.
 */
export function attachFirewallPorts(
  services: ServiceFinding[],
  open: OpenPorts[],
  source: string,
  evidence: Evidence[],
  warnings: string[],
): void {
  // SSH, and HTTP(S) on 80/443: what the load balancer or Cloud Run's own front takes over.
  const known = new Set([22, 80, 443, ...services.flatMap((s) => s.listen.map(portOf))]);
  const left = open.filter((o) => !(o.from === o.to && known.has(o.from)));
  if (left.length === 0) return;
  const ports = rawPortStrings(left);
  const apps = services.filter((s) => APP_ROLES.has(s.role) && !STORE_OR_PROXY.has(s.role) && s.runtime);
  const web = apps.filter((s) => s.role === "web");
  const running = apps.filter((s) => s.longRunning || s.role === "web");
  const owner = web.length === 1 ? web[0] : web.length === 0 && running.length === 1 ? running[0] : undefined;
  if (!owner) {
    const text = `the firewall opens ${ports.join(", ")}, which no setting names and no single app process can be said to own: add them to the right service's rawPorts`;
    evidence.push({ file: source, found: text });
    warnings.push(`${source}: ${text}`);
    return;
  }
  owner.rawPorts = [...new Set([...(owner.rawPorts ?? []), ...ports])];
  const transports = [...new Set(left.map((o) => o.proto))].sort();
  const base = owner.protocols?.length ? owner.protocols : owner.role === "web" ? (["http"] as const) : [];
  owner.protocols = [...new Set([...base, ...transports])];
  evidence.push({
    file: source,
    found: `the firewall opens ${ports.join(", ")} to the world, which no proxy, store or setting accounts for: ${owner.name}'s own listeners (raw ${transports.map((t) => t.toUpperCase()).join(" and ")}), reached without the proxy`,
  });
}
