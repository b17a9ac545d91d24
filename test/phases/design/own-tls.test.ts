// A web process that holds the VM's port 443 itself (a Go binary with autocert, no proxy): on Cloud
// Run, Google's front end terminates TLS and the container gets plain HTTP on PORT, so the mapping
// says to turn the app's own TLS off, and its port-80 listener (the HTTPS redirect) is not a second
// port whose paths need a service. The audit does not call it an internal service that bypasses a
// proxy: with no proxy on the VM it is the front door. A web process behind nginx gets neither.
import { describe, expect, it } from "vitest";
import { auditOffline } from "../../../src/phases/audit/offline.js";
import { designPhase } from "../../../src/phases/design/index.js";
import { designResultSchema } from "../../../src/phases/design/schema.js";
import { inputFromYaml } from "../../helpers/phase-input.js";
import { designInputFromYaml } from "./design-input.js";

const inventory = (proxy: string, listen: string) => `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: shipnote }
host: { hostname: vm, os: "Debian 12" }
services:
${proxy}
  - name: shipnote
    role: web
    software: shipnote
    runtime: go
    command: /opt/shipnote/bin/shipnote serve --autocert-domain api.example.com
    listen: ${listen}
    dependsOn: [db]
    env: [DATABASE_URL]
  - { name: db, role: database, software: postgresql, listen: ["127.0.0.1:5432"] }
data:
  - { service: db, engine: postgresql }
deploy: { method: ssh-systemctl }
target: { project: shipnote-prod, region: europe-west1, service: shipnote }
`;

const changes = (yaml: string) =>
  designResultSchema
    .parse(designPhase.offline(designInputFromYaml(yaml)))
    .mapping.find((m) => m.service === "shipnote")!.appChanges;

const exposed = (yaml: string) =>
  auditOffline(inputFromYaml(yaml)).risks.find((r) => r.title.startsWith("Internal services listen on all interfaces"));

describe("a web process that terminates TLS itself", () => {
  const direct = inventory("", '["0.0.0.0:443", "0.0.0.0:80"]');

  it("is told to serve plain HTTP on Cloud Run, its port 80 being the redirect", () => {
    const all = changes(direct);
    const tls = all.find((c) => c.startsWith("shipnote terminates TLS itself on 443"));
    expect(tls).toContain("turn the app's own TLS off");
    expect(tls).toContain("Its listener on 80 (the redirect to HTTPS, ACME's HTTP challenge) has nothing left to do");
    expect(all.some((c) => c.includes("If the VM's proxy sent paths there"))).toBe(false);
  });

  it("is the front door in the audit, not a service that bypasses a proxy", () => {
    expect(exposed(direct)).toBeUndefined();
    // A database on every interface is still named.
    const db = exposed(direct.replace('listen: ["127.0.0.1:5432"]', 'listen: ["0.0.0.0:5432"]'));
    expect(db?.evidence).toEqual(["services.db.listen: 0.0.0.0:5432"]);
  });

  it("behind nginx: no TLS change, and a web port on every interface still bypasses the proxy", () => {
    const proxied = inventory(
      '  - { name: nginx, role: reverse-proxy, software: nginx, listen: ["0.0.0.0:443"], dependsOn: [shipnote] }',
      '["0.0.0.0:8080"]',
    );
    expect(changes(proxied).some((c) => c.includes("terminates TLS itself"))).toBe(false);
    expect(exposed(proxied)?.evidence).toEqual(["services.shipnote.listen: 0.0.0.0:8080"]);
  });
});
