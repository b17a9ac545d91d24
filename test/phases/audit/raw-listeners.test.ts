// The audit names every listener clients reach directly in a protocol other than HTTP (a tracking
// server's device ports, TCP and UDP; an SSH server for git): Cloud Run would lose them silently.
import { describe, expect, it } from "vitest";
import { auditOffline } from "../../../src/phases/audit/offline.js";
import { auditResultSchema } from "../../../src/contracts/audit-result.js";
import { parseInventory } from "../../../src/inventory/load.js";
import { inputFromYaml } from "../../helpers/phase-input.js";

const inventory = (app: string) => `
apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: tiny }
services:
  - { name: caddy, role: reverse-proxy, software: caddy, listen: ["0.0.0.0:443"] }
  - ${app}
`;

const risk = (app: string) =>
  auditOffline(inputFromYaml(inventory(app))).risks.find((r) => r.title.startsWith("Clients connect straight"));

describe("raw listeners in the audit", () => {
  it.each([
    [
      "device ports over TCP and UDP beside a web app",
      '{ name: tracker, role: web, software: java, listen: ["127.0.0.1:8082"], protocols: [http, websocket, tcp, udp], rawPorts: ["5000-5500/tcp", "5000-5500/udp"] }',
      "Clients connect straight to raw TCP and UDP ports that Cloud Run cannot receive",
      ["services.tracker.rawPorts: 5000–5500 (TCP and UDP)", "services.tracker.protocols: http, websocket, tcp, udp"],
    ],
    [
      "an SSH server for git beside the web UI",
      '{ name: forge, role: web, software: forge, listen: ["127.0.0.1:3000", "0.0.0.0:2222"], protocols: [http, tcp] }',
      "Clients connect straight to raw TCP ports that Cloud Run cannot receive",
      ["services.forge.protocols: http, tcp"],
    ],
  ])("%s", (_name, app, title, evidence) => {
    const found = risk(app);
    expect(found?.title).toBe(title);
    expect(found?.evidence).toEqual(evidence);
    expect(auditResultSchema.safeParse(auditOffline(inputFromYaml(inventory(app)))).success).toBe(true);
  });

  it("says nothing of an HTTP-only app", () => {
    expect(
      risk('{ name: api, role: web, software: gunicorn, listen: ["127.0.0.1:8000"], protocols: [http] }'),
    ).toBeUndefined();
  });
});

describe("services[].rawPorts", () => {
  const parse = (ports: string) =>
    parseInventory(inventory(`{ name: t, role: web, software: java, rawPorts: ${ports} }`), "inv.yaml");
  it.each(['["5055/tcp"]', '["5000-5500/udp", "6037/tcp"]'])("takes %s", (ports) => {
    expect(parse(ports).inventory.services[1]!.rawPorts).toEqual(JSON.parse(ports));
  });
  it.each(['["5055"]', '["5500-5000/tcp"]', '["70000/udp"]', '["5055/sctp"]'])("refuses %s", (ports) => {
    expect(() => parse(ports)).toThrow(/rawPorts/);
  });
});
