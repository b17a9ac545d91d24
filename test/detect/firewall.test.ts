// Ports the VM's firewall opens that no proxy, store or setting explains are the app's raw
// listeners (a GPS tracking server's device ports, TCP and UDP): init records them as rawPorts.
import { describe, expect, it } from "vitest";
import {
  attachFirewallPorts,
  firewallInForce,
  parseFirewall,
  rawPortStrings,
  ufwDisabled,
} from "../../src/detect/firewall.js";
import type { Evidence, ServiceFinding } from "../../src/detect/types.js";

const UFW = `*filter
### RULES ###

### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in
-A ufw-user-input -p tcp --dport 22 -j ACCEPT

### tuple ### allow tcp 80,443 0.0.0.0/0 any 0.0.0.0/0 Nginx%20Full - in
-A ufw-user-input -p tcp -m multiport --dports 80,443 -j ACCEPT

### tuple ### allow any 5055 0.0.0.0/0 any 0.0.0.0/0 in
### tuple ### limit udp 5000:5010 0.0.0.0/0 any 0.0.0.0/0 in
### tuple ### deny tcp 3306 0.0.0.0/0 any 0.0.0.0/0 in
### tuple ### allow tcp 9000 0.0.0.0/0 any 0.0.0.0/0 out
### tuple ### allow any any 0.0.0.0/0 any 10.0.0.0/8 in
### END RULES ###
`;

describe("parseFirewall", () => {
  it.each([
    [
      "ufw's tuples (any is TCP and UDP; deny, outbound and all-port rules are not openings)",
      UFW,
      ["22/tcp", "80/tcp", "443/tcp", "5000-5010/udp", "5055/tcp", "5055/udp"],
    ],
    [
      "iptables-save (INPUT accepts, multiport ranges)",
      "*filter\n-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\n-A INPUT -p udp -m multiport --dports 5000:5150 -j ACCEPT\n-A INPUT -p tcp --dport 8080 -j DROP\n",
      ["22/tcp", "5000-5150/udp"],
    ],
    [
      "nftables (sets and ranges)",
      "table inet filter {\n  chain input {\n    tcp dport { 22, 80, 443 } accept\n    udp dport 5000-5150 accept\n    tcp dport 6037 ct state new accept\n  }\n}\n",
      ["22/tcp", "80/tcp", "443/tcp", "5000-5150/udp", "6037/tcp"],
    ],
  ])("%s", (_name, text, want) => {
    expect(rawPortStrings(parseFirewall(text))).toEqual(want);
  });
});

const app = (over: Partial<ServiceFinding>): ServiceFinding =>
  ({
    name: "tracker",
    role: "web",
    software: "java",
    runtime: "java",
    listen: [],
    dependsOn: [],
    source: "unit",
    ...over,
  }) as ServiceFinding;

describe("attachFirewallPorts", () => {
  const run = (services: ServiceFinding[], text = UFW) => {
    const evidence: Evidence[] = [];
    const warnings: string[] = [];
    attachFirewallPorts(services, parseFirewall(text), "/etc/ufw/user.rules", evidence, warnings);
    return { evidence, warnings };
  };

  it("gives the app's web process what SSH, HTTP(S) and known listeners leave, with its transports", () => {
    const web = app({ listen: ["127.0.0.1:8082"], protocols: ["http", "websocket"] });
    const { evidence } = run([
      web,
      app({ name: "mysql", role: "database", software: "mysql", listen: ["127.0.0.1:3306"] }),
    ]);
    expect(web.rawPorts).toEqual(["5000-5010/udp", "5055/tcp", "5055/udp"]);
    expect(web.protocols).toEqual(["http", "websocket", "tcp", "udp"]);
    expect(evidence[0]!.found).toContain("tracker's own listeners (raw TCP and UDP)");
  });

  it("a long-running process that is the app's only one takes them when no web process is known", () => {
    const worker = app({ role: "worker", longRunning: true });
    run([worker]);
    expect(worker.rawPorts).toEqual(["5000-5010/udp", "5055/tcp", "5055/udp"]);
    expect(worker.protocols).toEqual(["tcp", "udp"]);
  });

  it("only reports them when two web processes could own them", () => {
    const a = app({ name: "a" });
    const b = app({ name: "b" });
    const { warnings } = run([a, b]);
    expect(a.rawPorts).toBeUndefined();
    expect(b.rawPorts).toBeUndefined();
    expect(warnings[0]).toContain("no single app process can be said to own");
  });

  it("adds nothing when the firewall opens only SSH and the web front, or a port a process listens on", () => {
    const web = app({ listen: ["0.0.0.0:2222"] });
    const { evidence } = run(
      [web],
      "### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in\n### tuple ### allow tcp 443 0.0.0.0/0 any 0.0.0.0/0 in\n### tuple ### allow tcp 2222 0.0.0.0/0 any 0.0.0.0/0 in\n",
    );
    expect(web.rawPorts).toBeUndefined();
    expect(evidence).toEqual([]);
  });
});

describe("firewallInForce", () => {
  const read = (conf: string | undefined) => [
    { f: "etc/ufw/ufw.conf", text: conf },
    { f: "etc/ufw/user.rules", text: UFW },
    { f: "etc/ufw/user6.rules", text: UFW },
    { f: "etc/nftables.conf", text: "udp dport 6000 accept\n" },
  ];
  const files = (conf: string | undefined) => firewallInForce(read(conf)).map((r) => r.f);

  it("leaves ufw's rules out when its ufw.conf says ENABLED=no (a fresh install until `ufw enable`)", () => {
    expect(ufwDisabled("# /etc/ufw/ufw.conf\nENABLED=no\nLOGLEVEL=low\n")).toBe(true);
    expect(files("ENABLED=no\n")).toEqual(["etc/nftables.conf"]);
  });

  it("keeps them when ufw is enabled or its ufw.conf was not read", () => {
    expect(ufwDisabled("ENABLED=yes\n")).toBe(false);
    expect(files("ENABLED=yes\n")).toEqual(["etc/ufw/user.rules", "etc/ufw/user6.rules", "etc/nftables.conf"]);
    expect(files(undefined)).toEqual(["etc/ufw/user.rules", "etc/ufw/user6.rules", "etc/nftables.conf"]);
  });
});
