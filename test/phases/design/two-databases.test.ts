// Two databases on the VM: the first Cloud SQL can take moves, the other is an open decision. The
// reasons the design gives (HA, version) are the moved database's: the second one's once
// overwrote them, and the design read "HA on because the audit does not flag the database".
import { describe, expect, it } from "vitest";
import { designPhase } from "../../../src/phases/design/index.js";
import { designResultSchema } from "../../../src/phases/design/schema.js";
import { designInputFromYaml } from "./design-input.js";

const design = (first: string, second: string) =>
  designResultSchema.parse(
    designPhase.offline(
      designInputFromYaml(`apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: twodb }
host: { hostname: vm, os: "Debian 12", cpus: 4 }
services:
  - { name: api, role: web, software: gunicorn, runtime: python, command: "gunicorn app:app", listen: ["127.0.0.1:8000"], dependsOn: [main-db, stats-db], env: [DATABASE_URL, STATS_DATABASE_URL] }
  - { name: main-db, role: database, software: postgres, listen: ["127.0.0.1:5432"] }
  - { name: stats-db, role: database, software: mysql, listen: ["127.0.0.1:3306"] }
data:
  - { service: main-db, engine: postgres, version: "${first}", sizeGiB: 5, backups: none }
  - { service: stats-db, engine: mysql, version: "${second}", sizeGiB: 5, backups: daily }
deploy: { method: ssh-systemctl }
target: { project: twodb-prod, region: us-central1, service: twodb }
`),
    ),
  );

describe("two databases", () => {
  it.each([
    ["16", "8.0"],
    ["16", "5.1"],
  ])("postgres %s moves; mysql %s stays an open decision and lends it no reasons", (first, second) => {
    const r = design(first, second);
    const db = r.deployment.database!;
    expect(db.databaseVersion).toBe("POSTGRES_16");
    const decision = r.decisions.find((x) => x.title.startsWith("Move the database to Cloud SQL"))!.decision;
    expect(decision).toContain(
      db.highAvailability ? "HA on because the audit flags" : "HA off because the audit does not flag",
    );
    expect(r.assumptions.join("\n")).toContain("Only main-db is moved to Cloud SQL");
    expect(r.assumptions.join("\n")).not.toMatch(/stats-db: no usable mysql version/);
  });
});
