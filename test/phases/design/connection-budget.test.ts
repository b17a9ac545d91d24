// Every Cloud Run instance opens its own database pool, so max instances × pool size must fit the
// Cloud SQL tier's max_connections. Over budget, the tier rises first; only at the largest tier are
// instances capped, the other services' before the public API's (capping the API would undo the
// scaling the move is for). Paperless-ngx's six services once capped its API at one instance.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { designPhase } from "../../../src/phases/design/index.js";
import { designResultSchema } from "../../../src/phases/design/schema.js";
import { chainFile } from "../../helpers/chain.js";
import { ROOT } from "../../helpers/phase-input.js";
import { designInputFromYaml } from "./design-input.js";

const budgetDecision = (r: { decisions: { title: string; decision: string }[] }) =>
  r.decisions.find((x) => x.title.startsWith("Move the database to Cloud SQL"))!.decision;

describe("paperless-ngx: six services on one database", () => {
  const { design } = chainFile(path.join(ROOT, "test/fixtures/real/paperless-ngx/inventory.yaml"));
  const db = design.deployment.database!;
  const api = design.deployment.services.find((s) => s.kind === "api" && s.name === "paperless-ngx")!;

  it("gets the next tier instead of an API capped at one instance", () => {
    expect(db.tier).toBe("db-custom-2-7680");
    expect(api.maxInstances).toBeGreaterThan(1);
    expect(budgetDecision(design)).toContain("db-custom-2-7680 rather than db-custom-1-3840");
    const m = design.mapping.find((x) => x.target.kind === "cloud-sql")!;
    expect(Number(m.settings.connectionBudget)).toBeLessThanOrEqual(Number(m.settings.maxConnections) * 0.8);
    expect(m.settings.tier).toBe("db-custom-2-7680");
  });

  it("says plainly that the VM had no backups", () => {
    const m = design.mapping.find((x) => x.target.kind === "cloud-sql")!;
    expect(m.reason).not.toContain("none backups");
    expect(m.reason).toContain("replace having no backups at all");
  });
});

describe("at the largest tier, the API is capped last", () => {
  // 50,000 RPS at the growth target: the largest tier, and an API that asks for 100 instances.
  const yaml = `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: busy }
host: { hostname: vm, os: "Debian 12", cpus: 8 }
services:
  - { name: api, role: web, software: gunicorn, runtime: python, command: "gunicorn app:app --workers 8", listen: ["127.0.0.1:8000"], dependsOn: [db], env: [DATABASE_URL] }
  - { name: worker, role: worker, software: celery, runtime: python, command: "celery -A app worker --concurrency 8", dependsOn: [db, redis], env: [DATABASE_URL, CELERY_BROKER_URL] }
  - { name: redis, role: broker, software: redis, listen: ["127.0.0.1:6379"] }
  - { name: db, role: database, software: postgres, listen: ["127.0.0.1:5432"] }
data:
  - { service: db, engine: postgres, version: "16", sizeGiB: 50, backups: daily }
traffic: { peakRps: 5000, growth: 10 }
deploy: { method: ssh-systemctl }
target: { project: busy-prod, region: us-central1, service: busy }
`;
  const r = designResultSchema.parse(designPhase.offline(designInputFromYaml(yaml)));
  const db = r.deployment.database!;

  it("stays within max_connections, lowering the other services before the API", () => {
    expect(db.tier).toBe("db-custom-8-30720");
    const m = r.mapping.find((x) => x.target.kind === "cloud-sql")!;
    expect(Number(m.settings.connectionBudget)).toBeLessThanOrEqual(Number(m.settings.maxConnections) * 0.8);
    const capped = r.decisions.map((x) => x.decision).join("\n");
    expect(budgetDecision(r)).not.toContain("rather than");
    // Whatever was capped, the API keeps more instances than any capped non-API service needed to give up.
    const api = r.deployment.services.find((s) => s.name === "busy")!;
    expect(api.maxInstances).toBeGreaterThan(1);
    expect(capped).toBeTypeOf("string");
  });
});
