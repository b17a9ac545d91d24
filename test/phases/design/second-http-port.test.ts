// A web process with a second HTTP port of its own (Odoo's HTTP workers on 8069, its gevent
// websocket worker on 8072): Cloud Run takes one port, so the mapping says what happens to the other
// and names the two ways out (second-http-port.ts). One port, or a raw TCP side listener (decided
// on its own), gets no such change.
import { describe, expect, it } from "vitest";
import { designPhase } from "../../../src/phases/design/index.js";
import { designResultSchema } from "../../../src/phases/design/schema.js";
import { designInputFromYaml } from "./design-input.js";

const inventory = (listen: string, protocols: string) => `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: erp }
host: { hostname: vm, os: "Ubuntu 24.04" }
services:
  - { name: nginx, role: reverse-proxy, software: nginx, listen: ["0.0.0.0:443"], dependsOn: [odoo] }
  - name: odoo
    role: web
    software: odoo
    runtime: python
    command: odoo --config /etc/odoo/odoo.conf
    listen: ${listen}
    protocols: ${protocols}
    dependsOn: [db]
  - { name: db, role: database, software: postgres, listen: ["127.0.0.1:5432"] }
data:
  - { service: db, engine: postgres }
deploy: { method: ssh-systemctl }
target: { project: erp-prod, region: europe-west1, service: erp }
`;

const changes = (listen: string, protocols: string) =>
  designResultSchema
    .parse(designPhase.offline(designInputFromYaml(inventory(listen, protocols))))
    .mapping.find((m) => m.service === "odoo")!.appChanges;

describe("a web process with a second HTTP port", () => {
  it("says nothing reaches the second port on Cloud Run, and names a second service or one port", () => {
    const change = changes('["127.0.0.1:8069", "127.0.0.1:8072"]', "[http, websocket]").find((c) =>
      c.startsWith("odoo serves HTTP on 8069 and 8072"),
    );
    expect(change).toMatch(/websockets among them/);
    expect(change).toMatch(/nothing reaches 8072/);
    expect(change).toMatch(/second Cloud Run service from the same image/);
    expect(change).toMatch(/path rule in the load balancer's URL map/);
    expect(change).toMatch(/serve every path on its one port/);
  });

  it("is silent for one port, and for a raw TCP listener (its own open decision)", () => {
    expect(changes('["127.0.0.1:8069"]', "[http]").some((c) => c.includes("serves HTTP on"))).toBe(false);
    expect(changes('["127.0.0.1:3000", "0.0.0.0:2222"]', "[http, tcp]").some((c) => c.includes("serves HTTP on"))).toBe(
      false,
    );
  });
});
