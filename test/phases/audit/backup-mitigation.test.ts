// The backups risk of a MongoDB on the VM (hand inventory node-mongo-agenda) told the team to use
// "Cloud SQL with automated backups", which cannot hold a MongoDB: its mitigation names the homes
// that can (design/rules/mongodb-decision.ts), and Cloud SQL only for the engines it runs.
import { describe, expect, it } from "vitest";
import { backupMitigation } from "../../../src/phases/audit/rules.js";
import { auditOffline } from "../../../src/phases/audit/offline.js";
import { inputFromYaml } from "../../helpers/phase-input.js";

describe("the backups risk's mitigation", () => {
  it.each([
    [["mysql"], true, false],
    [["postgresql"], true, false],
    [["mongodb"], false, true],
    [["postgresql", "mongodb"], true, true],
    [["elasticsearch"], true, false],
  ])("%j: Cloud SQL %s, MongoDB's homes %s", (engines, cloudSql, mongo) => {
    const text = backupMitigation(engines);
    expect(text.includes("Managed database (Cloud SQL)")).toBe(cloudSql);
    expect(text.includes("MongoDB Atlas on Google Cloud")).toBe(mongo);
  });

  it("a MongoDB with no backups is told where its backups can come from", () => {
    const r = auditOffline(
      inputFromYaml(`apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: tripnote }
services:
  - { name: api, role: web, software: node, runtime: node, command: "node src/server.js", listen: ["127.0.0.1:4000"], dependsOn: [mongod] }
  - { name: mongod, role: database, software: mongodb, version: "7.0", listen: ["127.0.0.1:27017"] }
data: [{ service: mongod, engine: mongodb, version: "7.0", sizeGiB: 18, backups: none }]
deploy: { method: ssh-pm2 }
target: { project: tripnote-prod, region: us-east1, service: tripnote-api }
`),
    );
    const risk = r.risks.find((x) => x.category === "data-protection")!;
    expect(risk.mitigation).not.toContain("Cloud SQL)");
    expect(risk.mitigation).toContain("MongoDB has no Cloud SQL home");
  });
});
