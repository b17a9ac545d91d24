import { describe, expect, it } from "vitest";
import { serverDatabases, urlDatabaseName } from "../../src/detect/server-databases.js";
import type { ServiceFinding } from "../../src/detect/types.js";

const APP = new Set(["web", "worker"]);
const finding = (name: string, env: Record<string, string>, role = "web") =>
  ({ name, role, software: "x", source: "unit", env: Object.keys(env), envValues: env }) as unknown as ServiceFinding;

describe("urlDatabaseName", () => {
  it.each([
    ["postgresql://u:p@localhost:5432/portal?sslmode=disable", "portal"],
    ["jdbc:postgresql://localhost:5432/keycloak", "keycloak"],
    ["jdbc:mysql://127.0.0.1:3306/metabase?user=m&password=x", "metabase"],
    ["postgres:///app?host=/var/run/postgresql", "app"],
    ["mysql2://root@localhost/shop_production", "shop_production"],
    ["postgresql://localhost:5432", undefined],
    ["not a url", undefined],
  ])("%s → %s", (url, name) => expect(urlDatabaseName(url)).toBe(name));
});

describe("serverDatabases", () => {
  it("an API and Keycloak naming two databases of one server", () => {
    const found = serverDatabases(
      [
        finding("api", { DATABASE_URL: "postgresql://portal:FAKE@127.0.0.1:5432/portal" }),
        finding("worker", { DATABASE_URL: "postgresql://portal:FAKE@127.0.0.1:5432/portal" }, "worker"),
        finding("keycloak", {
          KC_DB_URL: "jdbc:postgresql://localhost:5432/keycloak",
          KC_DB_USERNAME: "keycloak",
          KC_DB_PASSWORD: "FAKE",
        }),
        finding("postgres", { POSTGRES_DB: "other" }, "database"),
      ],
      {},
      APP,
    );
    expect(found).toEqual([
      { name: "portal", services: ["api", "worker"] },
      { name: "keycloak", services: ["keycloak"] },
    ]);
  });

  it("the web app's database comes first, before a side tool's", () => {
    const found = serverDatabases(
      [
        finding("kc", { KC_DB_URL: "jdbc:postgresql://localhost/keycloak" }, "worker"),
        finding("api", { DB_NAME: "portal" }),
      ],
      {},
      APP,
    );
    expect(found?.map((x) => x.name)).toEqual(["portal", "keycloak"]);
  });

  it("a name setting counts; one database named by all is no field", () => {
    expect(
      serverDatabases(
        [
          finding("web", { DB_NAME: "shop" }),
          finding("worker", { DATABASE_URL: "mysql://u:FAKE@localhost/shop" }, "worker"),
        ],
        {},
        APP,
      ),
    ).toBeUndefined();
    expect(
      serverDatabases(
        [finding("web", { DB_NAME: "shop" }), finding("bi", { MB_DB_TYPE: "postgres", MB_DB_DBNAME: "metabase" })],
        {},
        APP,
      ),
    ).toEqual([
      { name: "shop", services: ["web"] },
      { name: "metabase", services: ["bi"] },
    ]);
  });

  it("the app's env file counts under each process's own values", () => {
    const web = { ...finding("web", {}), env: ["DATABASE_URL"], envValues: {} } as ServiceFinding;
    expect(
      serverDatabases(
        [web, finding("gitea", { GITEA__database__NAME: "gitea", DB_NAME: "gitea" })],
        { DATABASE_URL: "postgres://u:FAKE@localhost/app" },
        APP,
      ),
    ).toEqual([
      { name: "app", services: ["web"] },
      { name: "gitea", services: ["gitea"] },
    ]);
  });
});
