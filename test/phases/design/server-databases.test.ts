// One PostgreSQL server, two databases (an API's and Keycloak's): one Cloud SQL instance, but each
// database keeps its name and gets its own user, and each process's own settings go to its
// database. Without data[].databases, the design says the two may be different databases.
import { describe, expect, it } from "vitest";
import { designPhase } from "../../../src/phases/design/index.js";
import { designResultSchema } from "../../../src/phases/design/schema.js";
import { serverDatabasesYaml } from "../../helpers/server-databases-inventory.js";
import { designInputFromYaml } from "./design-input.js";

const design = (databases: boolean) =>
  designResultSchema.parse(designPhase.offline(designInputFromYaml(serverDatabasesYaml(databases))));

describe("several databases on one server", () => {
  it("declared: each database with its user, targets and settings, on one instance", () => {
    const result = design(true);
    const db = result.deployment.database!;
    expect(result.deployment.services.filter((t) => t.cloudSqlInstance).map((t) => t.cloudSqlInstance)).toEqual([
      db.instance,
      db.instance,
    ]);
    expect(db.databases).toEqual([
      { name: "portal", user: "app", targets: ["portal"], secrets: ["DATABASE_URL"] },
      {
        name: "keycloak",
        user: "keycloak",
        targets: ["portal-keycloak"],
        secrets: ["KC_DB_PASSWORD", "KC_DB_URL", "KC_DB_USERNAME"],
        jdbc: true,
      },
    ]);
    expect(result.assumptions.join("\n")).not.toMatch(/may use different databases/);
    const copy = result.runbook.database.find((step) => step.title === "Start a continuous migration job")!;
    expect(copy.detail).toContain("it copies every database of postgres (portal, keycloak)");
    expect(copy.commands).toEqual([
      "pg_dump -Fc portal > portal.pgdump   # fallback",
      "pg_dump -Fc keycloak > keycloak.pgdump   # fallback",
    ]);
    const server = result.mapping.find((m) => m.service === "postgres")!;
    expect(server.appChanges.join("\n")).toContain(
      "holds 2 databases, each under the name it has on the VM and with its own user: portal (user app: portal); keycloak (user keycloak: portal-keycloak)",
    );
  });

  it("undeclared, one app: a web and its worker of one runtime reading different names are not asked about", () => {
    const yaml = `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: shop }
services:
  - { name: web, role: web, software: gunicorn, runtime: python, command: "gunicorn shop.wsgi", listen: ["127.0.0.1:8000"], dependsOn: [db], env: [DATABASE_URL] }
  - { name: worker, role: worker, software: celery, runtime: python, command: "celery -A shop worker", dependsOn: [db], env: [DB_NAME, DB_USER, DB_PASSWORD, DB_HOST] }
  - { name: db, role: database, software: postgres, version: "15", listen: ["127.0.0.1:5432"] }
data: [{ service: db, engine: postgres, version: "15", sizeGiB: 5, backups: daily }]
target: { project: shop-prod, region: us-central1, service: shop }
`;
    const result = designResultSchema.parse(designPhase.offline(designInputFromYaml(yaml)));
    expect(result.assumptions.join("\n")).not.toMatch(/may use different databases/);
  });

  it("undeclared: one database, and the design says how to declare two", () => {
    const result = design(false);
    expect(result.deployment.database!.databases).toBeUndefined();
    const said = result.assumptions.find((a) => a.includes("may use different databases"));
    expect(said).toContain("api (DATABASE_URL) and keycloak (KC_DB_URL, KC_DB_USERNAME, KC_DB_PASSWORD)");
    expect(said).toContain("declare `data[0].databases`");
    const keycloak = result.mapping.find((m) => m.service === "keycloak");
    expect(JSON.stringify(keycloak)).toContain(
      "`data[0].databases: [{ name: DATABASE, services: [api] }, { name: DATABASE, services: [keycloak] }]`",
    );
  });
});
