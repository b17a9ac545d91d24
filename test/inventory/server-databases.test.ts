import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { crossCheck } from "../../src/inventory/cross-checks.js";
import { parseInventory } from "../../src/inventory/load.js";
import { formatPath } from "../../src/inventory/positions.js";
import { inventorySchema } from "../../src/inventory/schema.js";

const svc = (name: string, role: string) => ({ name, role, software: role === "database" ? "postgres" : "x" });
const inventory = (databases: object[]) =>
  inventorySchema.parse({
    apiVersion: "infra-migrate/v1",
    kind: "Inventory",
    metadata: { name: "t" },
    services: [svc("api", "web"), svc("keycloak", "web"), svc("worker", "worker"), svc("pg", "database")],
    data: [{ service: "pg", engine: "postgres", databases }],
  });

describe("data[].databases: which database of the server each process uses", () => {
  it.each([
    {
      name: "two databases, each with its processes",
      databases: [
        { name: "portal", services: ["api", "worker"] },
        { name: "keycloak", services: ["keycloak"] },
      ],
      errors: [],
    },
    {
      name: "a process in two databases",
      databases: [
        { name: "portal", services: ["api", "keycloak"] },
        { name: "keycloak", services: ["keycloak"] },
      ],
      errors: ["data[0].databases[1].services[0]: `keycloak` is already listed in database `portal`"],
    },
    {
      name: "a name that is no process",
      databases: [{ name: "portal", services: ["apy"] }],
      errors: ["data[0].databases[0].services[0]: unknown service `apy` (did you mean `api`?)"],
    },
    {
      name: "the server itself",
      databases: [{ name: "portal", services: ["pg"] }],
      errors: ["data[0].databases[0].services[0]: `pg` is the database server itself"],
    },
    {
      name: "a database named twice",
      databases: [
        { name: "portal", services: ["api"] },
        { name: "portal", services: ["worker"] },
      ],
      errors: ["data[0].databases[1].name: database `portal` is already listed at data[0].databases[0]"],
    },
  ])("$name", ({ databases, errors }) => {
    const result = crossCheck(inventory(databases));
    const shown = result.errors.map((e) => `${formatPath(e.path)}: ${e.message}`);
    expect(shown).toHaveLength(errors.length);
    errors.forEach((e, i) => expect(shown[i]).toContain(e));
  });

  it("refuses a name setup-database.sh cannot create", () => {
    expect(() => inventory([{ name: "my-app", services: ["api"] }])).toThrow(/letters, digits and _/);
  });

  it("the loader names the file, the line and the key path", () => {
    const text = [
      "apiVersion: infra-migrate/v1",
      "kind: Inventory",
      "metadata: { name: t }",
      "services:",
      "  - { name: api, role: web, software: node, dependsOn: [pg] }",
      "  - { name: keycloak, role: web, software: keycloak, dependsOn: [pg] }",
      "  - { name: pg, role: database, software: postgres }",
      "data:",
      "  - service: pg",
      "    engine: postgres",
      "    databases:",
      "      - { name: portal, services: [api, keycloak] }",
      "      - { name: keycloak, services: [keycloak] }",
      "",
    ].join("\n");
    let error: unknown;
    try {
      parseInventory(text, "inv.yaml");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).issues).toEqual([
      expect.objectContaining({ file: "inv.yaml", line: 13, path: "data[0].databases[1].services[0]" }),
    ]);
  });
});
