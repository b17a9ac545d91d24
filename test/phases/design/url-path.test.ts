// An app the VM serves under a URL path (an Apache Alias: `urlPath: /wiki`) is served at / on Cloud
// Run: the design says so where the app is mapped, as an app change with both ways out; an app
// served at / gets no such change. The field loads, and a path that is not one is a clear error.
import { describe, expect, it } from "vitest";
import { parseInventory } from "../../../src/inventory/load.js";
import { chainYaml } from "../../helpers/chain.js";

const inventory = (extra: string) => `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: wiki }
services:
  - { name: apache2, role: web, software: apache2, runtime: php, command: /usr/sbin/apachectl start, listen: []${extra} }
  - { name: mariadb, role: database, software: mariadb, listen: ["127.0.0.1:3306"] }
data:
  - { service: mariadb, engine: mariadb }
deploy: { method: ssh-systemctl }
target: { cloud: gcp, project: wiki-prod, region: us-central1, github: acme/wiki }
`;

const changesOf = (yaml: string) => chainYaml(yaml).design.mapping.find((m) => m.service === "apache2")!.appChanges;

describe("an app served under a URL path on the VM", () => {
  it("the web entry's app changes say Cloud Run serves it at / and how to keep or drop the path", () => {
    const changes = changesOf(inventory(", urlPath: /wiki"));
    const said = changes.filter((c) => c.includes("/wiki"));
    expect(said).toEqual([
      expect.stringMatching(/^On the VM this app answers under \/wiki; Cloud Run serves it at \//),
    ]);
    expect(said[0]).toContain("a load balancer route for /wiki/* to this service");
    expect(said[0]).toContain("set the app's base path");
    expect(changesOf(inventory("")).some((c) => /answers under/.test(c))).toBe(false);
  });

  it("urlPath must be a path below /", () => {
    expect(parseInventory(inventory(", urlPath: /apps/wiki"), "inv.yaml").inventory.services[0]!.urlPath).toBe(
      "/apps/wiki",
    );
    for (const bad of ["wiki", "/", "/wiki/", "/wi ki"])
      expect(() => parseInventory(inventory(`, urlPath: "${bad}"`), "inv.yaml")).toThrow(
        /urlPath: expected a URL path/,
      );
  });
});
