// A process that runs a published image of its own (Keycloak's quay.io image) beside an app the
// repository builds (a Node API): that image is never the one every target runs, and the process is
// never deployed from the app's image. The deploy copied Keycloak's image as "the app's image" and
// ran the Node API from it.
import { describe, expect, it } from "vitest";
import { pulledImageOf } from "../../../src/image/plan.js";
import { inputFromYaml } from "../../helpers/phase-input.js";
import { chainYaml } from "../../helpers/chain.js";

const yaml = (apiImage = "") => `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: portal }
host: { hostname: vm, os: "Debian 12" }
services:
  - { name: api, role: web, software: node, runtime: node, command: "node dist/index.js", listen: ["127.0.0.1:4000"],
      dependsOn: [db], env: [DATABASE_URL]${apiImage} }
  - { name: keycloak, role: web, software: keycloak, image: "quay.io/keycloak/keycloak:24.0",
      command: "/opt/keycloak/bin/kc.sh start --http-port=8080", listen: ["127.0.0.1:8080"], dependsOn: [db], env: [KC_DB_URL] }
  - { name: db, role: database, software: postgres, listen: ["127.0.0.1:5432"] }
data:
  - { service: db, engine: postgres, version: "16", sizeGiB: 5, backups: daily }
deploy: { method: ssh-systemctl }
target: { project: portal-prod, region: us-east1, service: portal }
`;

describe("a published image beside the app's own", () => {
  it("is not the app's image, and its process is decided, not deployed from the app's image", () => {
    expect(pulledImageOf(inputFromYaml(yaml()).inventory)).toBeUndefined();
    const { design } = chainYaml(yaml());
    expect(design.deployment.services.map((t) => t.replaces).flat()).toEqual(["api"]);
    const entry = design.mapping.find((m) => m.service === "keycloak")!;
    expect(entry.target.kind).toBe("needs-decision");
    expect(entry.reason).toContain("keycloak runs a published image of its own (quay.io/keycloak/keycloak:24.0)");
    expect(entry.options![0]!.option).toBe(
      "Run keycloak on Cloud Run from its own image (quay.io/keycloak/keycloak:24.0)",
    );
  });

  it("an app whose web process is itself a published image still copies it (compose image: without build:)", () => {
    const own = yaml(', image: "ghcr.io/acme/portal:2.1"')
      .replace("software: node, runtime: node, ", "software: portal, ")
      .replace('command: "node dist/index.js"', 'command: "/usr/local/bin/start"');
    expect(pulledImageOf(inputFromYaml(own).inventory)).toBe("ghcr.io/acme/portal:2.1");
  });
});

describe("a vendor's web server beside the app's own", () => {
  it("is decided (its vendor's image), never deployed from the app's image, and names no app root", () => {
    const yaml = `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: portal }
host: { hostname: vm, os: "Debian 12" }
services:
  - { name: nginx, role: reverse-proxy, software: nginx, listen: ["0.0.0.0:80"], dependsOn: [portal, keycloak],
      routes: [{ path: /auth/, service: keycloak }, { path: /, service: portal }] }
  - { name: portal, role: web, software: node, runtime: node, command: "/usr/bin/node dist/index.js", workingDir: /srv/portal,
      listen: ["127.0.0.1:4000"], dependsOn: [db], env: [DATABASE_URL] }
  - { name: keycloak, role: web, software: keycloak, listen: ["0.0.0.0:8080"], dependsOn: [db], env: [KC_DB_URL],
      command: "/opt/keycloak/bin/kc.sh start --optimized --http-port=8080 --http-relative-path=/auth" }
  - { name: db, role: database, software: postgres, listen: ["127.0.0.1:5432"] }
data:
  - { service: db, engine: postgres, version: "16", sizeGiB: 5, backups: daily }
deploy: { method: ssh-systemctl }
target: { project: portal-prod, region: us-east1, service: portal }
`;
    const { design } = chainYaml(yaml);
    expect(design.deployment.services.flatMap((t) => t.replaces)).toEqual(["portal"]);
    const entry = design.mapping.find((m) => m.service === "keycloak")!;
    expect(entry.target.kind).toBe("needs-decision");
    expect(entry.reason).toContain(
      "keycloak runs /opt/keycloak/bin/kc.sh, a program the VM installed outside the app's folder",
    );
    expect(entry.options![0]!.option).toBe(
      "Run keycloak on Cloud Run from its vendor's image (it answers HTTP on port 8080)",
    );
  });
});
