// PostgreSQL moves to Cloud SQL at its own major when Cloud SQL offers it; a major newer than any
// Cloud SQL offers (gcloud and the API refuse POSTGRES_19) gets the newest there is, said as an
// assumption with what to check, never an invalid --database-version.
import { describe, expect, it } from "vitest";
import { designPhase } from "../../../src/phases/design/index.js";
import { NEWEST_CLOUD_SQL_POSTGRES, databaseVersion } from "../../../src/phases/design/rules/data.js";
import { designResultSchema } from "../../../src/phases/design/schema.js";
import { designInputFromYaml } from "./design-input.js";

const design = (version: string) =>
  designResultSchema.parse(
    designPhase.offline(
      designInputFromYaml(`apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: pgv }
host: { hostname: vm, os: "Debian 12", cpus: 4 }
services:
  - { name: api, role: web, software: gunicorn, runtime: python, command: "gunicorn app:app", listen: ["127.0.0.1:8000"], dependsOn: [db], env: [DATABASE_URL] }
  - { name: db, role: database, software: postgres, listen: ["127.0.0.1:5432"] }
data:
  - { service: db, engine: postgres, version: "${version}", sizeGiB: 5, backups: daily }
deploy: { method: ssh-systemctl }
target: { project: pgv-prod, region: us-central1, service: pgv }
`),
    ),
  );

describe("the Cloud SQL PostgreSQL version", () => {
  it.each([
    ["9.6", "POSTGRES_16", true],
    ["10", "POSTGRES_10", false],
    ["17.2", "POSTGRES_17", false],
    [`${NEWEST_CLOUD_SQL_POSTGRES}.4`, `POSTGRES_${NEWEST_CLOUD_SQL_POSTGRES}`, false],
    [`${NEWEST_CLOUD_SQL_POSTGRES + 1}.0`, `POSTGRES_${NEWEST_CLOUD_SQL_POSTGRES}`, true],
    ["25", `POSTGRES_${NEWEST_CLOUD_SQL_POSTGRES}`, true],
  ])("%s → %s (assumed: %s)", (version, value, assumed) => {
    expect(databaseVersion("postgres", version)).toMatchObject({ value, assumed });
  });

  it("a major newer than Cloud SQL offers gets the newest and an assumption that says what to check", () => {
    const r = design("19.1");
    expect(r.deployment.database!.databaseVersion).toBe(`POSTGRES_${NEWEST_CLOUD_SQL_POSTGRES}`);
    const said = r.assumptions.find((a) => a.startsWith("db: PostgreSQL 19.1"));
    expect(said).toMatch(/newer than any Cloud SQL offers; POSTGRES_18, the newest, assumed/);
    expect(said).toMatch(/staging instance/);
  });

  it("a major Cloud SQL offers is kept, with no assumption about it", () => {
    const r = design("17");
    expect(r.deployment.database!.databaseVersion).toBe("POSTGRES_17");
    expect(r.assumptions.filter((a) => a.startsWith("db:"))).toEqual([]);
  });
});
