// An Express API and its Agenda worker on a MongoDB on the VM (hand inventory node-mongo-agenda).
// The design offered "a second Cloud SQL instance (only for a relational engine)" for it, called
// it "a second database" when it was the only one, sized the VM option's disk below the data,
// and the runbook said "no database to migrate: the cut-over is only the traffic switch", then
// deployed "against the promoted database" — with 18 GiB of documents left on the VM.
import { describe, expect, it } from "vitest";
import { designPhase } from "../../../src/phases/design/index.js";
import { designResultSchema, type DesignResult } from "../../../src/phases/design/schema.js";
import { designInputFromYaml } from "./design-input.js";

function design(stores: string, extraEnv = ""): DesignResult {
  const yaml = `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: tripnote }
services:
  - { name: nginx, role: reverse-proxy, software: nginx, listen: ["0.0.0.0:443"], dependsOn: [api] }
  - { name: api, role: web, software: node, runtime: node, framework: express, command: "node src/server.js", listen: ["127.0.0.1:4000"], dependsOn: [mongod${extraEnv ? ", postgres" : ""}], env: [MONGODB_URI, JWT_SECRET${extraEnv}] }
  - { name: agenda, role: worker, software: node, runtime: node, framework: agenda, command: "node src/worker.js", longRunning: true, dependsOn: [mongod], env: [MONGODB_URI] }
${stores}
deploy: { method: ssh-pm2 }
target: { project: tripnote-prod, region: us-east1, service: tripnote-api }
`;
  return designResultSchema.parse(designPhase.offline(designInputFromYaml(yaml)));
}

const MONGO_ONLY = `  - { name: mongod, role: database, software: mongodb, version: "7.0", listen: ["127.0.0.1:27017"] }
data:
  - { service: mongod, engine: mongodb, version: "7.0", sizeGiB: 18, backups: none }`;

const WITH_POSTGRES = `  - { name: mongod, role: database, software: mongodb, version: "7.0", listen: ["127.0.0.1:27017"] }
  - { name: postgres, role: database, software: postgresql, version: "16", listen: ["127.0.0.1:5432"] }
data:
  - { service: postgres, engine: postgresql, version: "16", sizeGiB: 5, backups: daily }
  - { service: mongod, engine: mongodb, version: "7.0", sizeGiB: 18, backups: none }`;

const entry = (r: DesignResult, name: string) => r.mapping.find((m) => m.service === name)!;

describe("a MongoDB on the VM", () => {
  it("is an open decision between homes that speak its protocol, never Cloud SQL", () => {
    const m = entry(design(MONGO_ONLY), "mongod");
    expect(m.target.kind).toBe("needs-decision");
    expect(m.subject).toBe("mongod (mongodb)");
    expect(m.reason).toContain("Cloud SQL (MySQL, PostgreSQL, SQL Server) cannot hold it");
    const options = m.options!.map((o) => o.option);
    expect(options).toEqual([
      "MongoDB Atlas on Google Cloud (Google Cloud Marketplace)",
      "Firestore with MongoDB compatibility (Firestore Enterprise edition)",
      "Keep MongoDB 7.0 on a Compute Engine VM",
    ]);
    expect(m.options![1]!.change).toContain("retryWrites=false");
    expect(m.options![1]!.change).toContain("not mongorestore");
    // The VM's disk holds the 18 GiB and a dump beside them.
    expect(m.options![2]!.cost).toContain("+ 36 GiB × $");
  });

  it("the runbook moves its data (dump and restore) instead of saying there is nothing to migrate", () => {
    const r = design(MONGO_ONLY);
    const titles = r.runbook.database.map((s) => s.title);
    expect(titles).not.toContain("No database to migrate");
    const step = r.runbook.database.find((s) => s.title === "Move mongod's data once its decision is taken")!;
    expect(step.detail).toContain("mongod (mongodb, 18 GiB) does not move to Cloud SQL");
    expect(step.commands).toEqual([
      "mongodump --uri='VM_MONGODB_URI' --archive=mongod.archive.gz --gzip",
      "mongorestore --uri='NEW_MONGODB_URI' --archive=mongod.archive.gz --gzip",
    ]);
    const deploy = r.runbook.cutover.find((s) => s.title === "Deploy and smoke-test the new stack")!;
    expect(deploy.detail).not.toContain("promoted database");
    expect(deploy.detail).toContain("once mongod's data has moved and its new address is stored");
    const rollback = r.runbook.rollback[0]!.detail;
    expect(rollback).not.toContain("Cloud SQL");
    expect(rollback).toContain("Writes made on mongod's new home since the cut-over");
  });

  it("beside a database that moves to Cloud SQL, it is the second one and its step follows Cloud SQL's", () => {
    const r = design(WITH_POSTGRES, ", DATABASE_URL");
    expect(entry(r, "postgres").target.kind).toBe("cloud-sql");
    expect(entry(r, "mongod").subject).toBe("mongod (mongodb), a second database");
    const titles = r.runbook.database.map((s) => s.title);
    expect(titles).toContain("Create the Cloud SQL instance");
    expect(titles.indexOf("Move mongod's data once its decision is taken")).toBeGreaterThan(
      titles.indexOf("Create the Cloud SQL instance"),
    );
    expect(r.runbook.cutover.find((s) => s.title === "Deploy and smoke-test the new stack")!.detail).toContain(
      "against the promoted database once mongod's data has moved",
    );
  });

  it("another engine Cloud SQL does not run is offered no Cloud SQL instance either", () => {
    const r = design(
      `${MONGO_ONLY}
  - { service: search, engine: elasticsearch, version: "8", sizeGiB: 4 }`.replace(
        "data:",
        `  - { name: search, role: database, software: elasticsearch, version: "8", listen: ["127.0.0.1:9200"] }
data:`,
      ),
    );
    expect(
      entry(r, "search")
        .options!.map((o) => o.option)
        .join("\n"),
    ).not.toContain("Cloud SQL");
  });
});
