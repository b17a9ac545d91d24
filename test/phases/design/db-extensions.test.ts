// The database server's extensions against what Cloud SQL for PostgreSQL offers: one it lacks
// (VectorChord, pgvecto.rs, TimescaleDB) means the dump's schema does not move unchanged, and the
// design says so on the database's mapping; one it has (pgvector) is created before the restore.
import { describe, expect, it } from "vitest";
import { designPhase } from "../../../src/phases/design/index.js";
import { designResultSchema, type DesignResult } from "../../../src/phases/design/schema.js";
import { designInputFromYaml } from "./design-input.js";

function design(extensions: string[] | undefined, engine: "postgres" | "mysql" = "postgres"): DesignResult {
  const ext = extensions ? `, extensions: [${extensions.join(", ")}]` : "";
  const yaml = `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: app }
services:
  - { name: web, role: web, software: gunicorn, runtime: python, command: gunicorn app.wsgi, listen: ["127.0.0.1:8000"], dependsOn: [db] }
  - { name: db, role: database, software: ${engine}, version: "16", listen: ["127.0.0.1:5432"]${ext} }
data:
  - { service: db, engine: ${engine}, version: "16", backups: daily }
deploy: { method: ssh-systemctl }
target: { project: app-prod, region: europe-west1, service: app }
`;
  return designResultSchema.parse(designPhase.offline(designInputFromYaml(yaml)));
}

const dbEntry = (r: DesignResult) => r.mapping.find((m) => m.service === "db")!;

describe("a PostgreSQL server's extensions on Cloud SQL", () => {
  it("flags the ones Cloud SQL lacks, and says to create the ones it has before the restore", () => {
    const entry = dbEntry(design(["vchord", "vector", "vectors"]));
    expect(entry.target.kind).toBe("cloud-sql");
    expect(entry.reason).toMatch(/not every extension of the VM's server \(vchord, vectors\)/);
    expect(entry.reason).not.toMatch(/so the schema and queries move unchanged/);
    const changes = entry.appChanges.join("\n");
    expect(changes).toMatch(/does not offer `vchord` \(VectorChord\), `vectors` \(pgvecto\.rs\)/);
    expect(changes).toMatch(/Create `vector` \(pgvector\) on \S+ before restoring the dump/);
  });

  it("only asks to create the extensions when Cloud SQL has them all", () => {
    const entry = dbEntry(design(["postgis", "pg_trgm"]));
    expect(entry.reason).toMatch(/so the schema and queries move unchanged/);
    const changes = entry.appChanges.join("\n");
    expect(changes).toMatch(/Create `postgis` \(PostGIS\), `pg_trgm` on/);
    expect(changes).not.toMatch(/does not offer/);
  });

  it("flags TimescaleDB, and says nothing of extensions when the VM shows none", () => {
    expect(dbEntry(design(["timescaledb"])).appChanges.join("\n")).toMatch(
      /does not offer `timescaledb` \(TimescaleDB\)/,
    );
    const plain = dbEntry(design(undefined));
    expect(plain.reason).toMatch(/move unchanged/);
    expect(plain.appChanges.join("\n")).not.toMatch(/extension|EXTENSION/);
  });
});
