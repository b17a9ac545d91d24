// One reader of a database's engine (src/contracts/database-engine.ts) for the design's Cloud SQL,
// the image's drivers, an app's settings store and the AI worker: spellings from the corpus and the
// wild (packages, versions, images, forks) map to the engine Cloud SQL runs, and the callers agree.
import { afterAll, describe, expect, it } from "vitest";
import { databaseEngine, inventoryDatabaseEngine, serviceDatabaseEngine } from "../../src/contracts/database-engine.js";
import { usableSettingsStore } from "../../src/contracts/settings-stores.js";
import { planImages } from "../../src/image/plan.js";
import type { Inventory, Service } from "../../src/inventory/schema.js";
import { TempTrees } from "../helpers/file-tree.js";

const trees = new TempTrees("database-engine-");
afterAll(() => trees.removeAll());

describe("databaseEngine", () => {
  it.each([
    // The corpus's own spellings (inventory data[].engine, services[].software).
    ["postgres", "postgres"],
    ["mysql", "mysql"],
    ["mariadb", "mysql"],
    // Packages, versions and images seen on VMs and in compose files.
    ["postgresql-15", "postgres"],
    ["PostgreSQL 16.2", "postgres"],
    ["postgresql", "postgres"],
    ["postgis", "postgres"],
    ["postgis/postgis:16-3.4", "postgres"],
    ["timescaledb", "postgres"],
    ["timescale/timescaledb:latest-pg16", "postgres"],
    ["pgsql", "postgres"],
    ["mariadb-server 10.11", "mysql"],
    ["mariadb-server-10.6", "mysql"],
    ["mysql 8.0", "mysql"],
    ["mysql-server-8.0", "mysql"],
    ["percona", "mysql"],
    ["percona-server-server", "mysql"],
    ["mssql", "sqlserver"],
    ["Microsoft SQL Server 2019", "sqlserver"],
    // Not a Cloud SQL engine.
    ["sqlite", undefined],
    ["mongodb", undefined],
    ["redis", undefined],
    ["", undefined],
    [undefined, undefined],
  ])("%s → %s", (name, engine) => {
    expect(databaseEngine(name)).toBe(engine);
  });
});

const db = (name: string, software: string): Service => ({ name, role: "database", software }) as Service;
const web = (name: string, software: string): Service => ({ name, role: "web", software }) as Service;

describe("the inventory's engine", () => {
  it("takes a service's data store engine first, its software when the store names none", () => {
    const inv = { data: [{ service: "pg", engine: "postgis" }] } as unknown as Inventory;
    expect(serviceDatabaseEngine(inv, db("pg", "postgres-custom-build"))).toBe("postgres");
    expect(serviceDatabaseEngine(inv, db("other", "mariadb"))).toBe("mysql");
    expect(serviceDatabaseEngine({ data: [{ service: "x", engine: "unknown" }] } as never, db("x", "mysql"))).toBe(
      "mysql",
    );
  });

  it("is the first database service's with a known engine, as the design moves it (caches and apps aside)", () => {
    const inv = {
      services: [
        web("app", "mysql-client"),
        db("search", "elasticsearch"),
        db("main", "timescaledb"),
        db("b", "mysql"),
      ],
      data: [],
    } as unknown as Inventory;
    expect(inventoryDatabaseEngine(inv)).toBe("postgres");
    expect(inventoryDatabaseEngine({ services: [web("app", "postgres")], data: [] } as unknown as Inventory)).toBe(
      undefined,
    );
  });
});

describe("every caller reads the same engine", () => {
  const inventory = (engine: string, services: Partial<Service>[]) =>
    ({
      metadata: { name: "chat" },
      target: { region: "us-central1" },
      services: [
        ...services.map((s, i) => ({ name: `s${i}`, role: "web", listen: [], dependsOn: ["db"], ...s })),
        { name: "db", role: "database", software: engine, listen: [], dependsOn: [] },
      ],
      data: [{ service: "db", engine }],
      storage: [],
      secretFiles: [{ path: "/opt/mattermost/config/config.json", services: ["s0"] }],
    }) as unknown as Inventory;

  it.each(["postgis", "timescaledb", "PostgreSQL 16.2"])(
    "%s: the settings store is chosen (Cloud SQL for PostgreSQL)",
    (engine) => {
      const inv = inventory(engine, [{ software: "mattermost" }]);
      expect(usableSettingsStore(inv, inv.secretFiles![0]!)?.storeEnv).toBe("MM_CONFIG");
    },
  );

  it.each([
    ["postgis", "pdo_pgsql"],
    ["mariadb-server 10.11", "pdo_mysql"],
  ])("%s: a PHP image installs %s", (engine, extension) => {
    const repo = trees.makeSync({
      "composer.json": JSON.stringify({ require: { php: "^8.2" } }),
      "public/index.php": "<?php echo 'hi';\n",
    });
    const inv = inventory(engine, [{ software: "php-fpm", runtime: "php", command: "php-fpm" }]);
    const plan = planImages(inv, repo);
    expect(plan.images.map((i) => i.content ?? "").join("\n")).toMatch(
      new RegExp(`install-php-extensions .*${extension}`),
    );
  });
});
