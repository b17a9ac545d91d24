// The connection budget counts a pool per instance; a client library whose own default pool is
// larger (node-postgres, Knex, pg-boss, Prisma…) or unlimited (Go's database/sql) opens more than
// that unless told. Where the repository shows the library, the budget counts what the design
// tells the process, and the Cloud SQL mapping names the setting the library reads.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { designPhase } from "../../../src/phases/design/index.js";
import { designResultSchema, type DesignResult } from "../../../src/phases/design/schema.js";
import { designInputFromYaml } from "./design-input.js";

const dir = mkdtempSync(path.join(tmpdir(), "client-pools-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function repo(name: string, files: Record<string, string>): string {
  const root = path.join(dir, name);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return root;
}

const inventory = (runtime: string, web: string, worker?: string) => `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: shop }
host: { hostname: vm, os: "Debian 12", cpus: 4 }
services:
  - { name: api, role: web, software: ${runtime === "node" ? "node" : runtime === "go" ? "shop" : "gunicorn"}, runtime: ${runtime}, command: "${web}", listen: ["127.0.0.1:8000"], dependsOn: [db], env: [DATABASE_URL] }
${worker ? `  - { name: worker, role: worker, software: bullmq, runtime: node, command: "${worker}", dependsOn: [db, redis], env: [DATABASE_URL, REDIS_URL] }\n  - { name: redis, role: cache, software: redis, listen: ["127.0.0.1:6379"] }\n` : ""}  - { name: db, role: database, software: postgres, listen: ["127.0.0.1:5432"] }
data:
  - { service: db, engine: postgres, version: "16", sizeGiB: 5, backups: daily }
traffic: { peakRps: 20, growth: 2 }
deploy: { method: ssh-systemctl }
target: { project: shop-prod, region: us-central1, service: shop }
`;

function design(yaml: string, repoDir?: string): DesignResult {
  const input = designInputFromYaml(yaml);
  return designResultSchema.parse(designPhase.offline({ ...input, ...(repoDir ? { repoDir } : {}) }));
}
const sqlChanges = (r: DesignResult) => r.mapping.find((m) => m.target.kind === "cloud-sql")!.appChanges.join("\n");
const budget = (r: DesignResult) =>
  r.decisions.find((x) => x.title.startsWith("Move the database to Cloud SQL"))!.decision;

describe("client libraries' own pools in the connection budget", () => {
  const node = inventory("node", "node server.js", "node worker.js");
  const knex = repo("knex", {
    "package.json": JSON.stringify({
      dependencies: { knex: "^3.1.0", pg: "^8.11.0", "pg-boss": "^9.0.0", bullmq: "^5" },
    }),
  });

  it("Node: a worker pool sharing one Knex pool counts its jobs in flight, and each process is told its size", () => {
    const without = design(node);
    const r = design(node, knex);
    // Without the repository nothing is known: the worker pool counts 2, nothing is told.
    expect(budget(without)).toMatch(/shop-worker: max instances × 2\b/);
    expect(sqlChanges(without)).not.toMatch(/Knex/);
    // Knex (10) and pg-boss (10) open 20 by default: the worker counts 4 jobs + 1, both are told.
    expect(budget(r)).toMatch(/shop-worker: max instances × 5\b/);
    const changes = sqlChanges(r);
    // Two pools share what the budget counts for the process: each is told its part.
    expect(changes).toContain(
      "shop-worker (Knex and pg-boss: up to 20 by default): Knex's `pool: { max: 3 }` and pg-boss's `max: 2` (3 + 2, the 5 the budget counts)",
    );
    // What the API is told is what the budget counts for it.
    const api = Number(/shop: max instances × (\d+)/.exec(budget(r))![1]);
    const half = Math.floor(api / 2);
    expect(changes).toContain(
      `shop (Knex and pg-boss: up to 20 by default): Knex's \`pool: { max: ${api - half} }\` and pg-boss's \`max: ${half}\` (${api - half} + ${half}, the ${api} the budget counts)`,
    );
  });

  it("Go: database/sql has no limit, so the process is told SetMaxOpenConns", () => {
    const go = repo("go", { "go.mod": "module shop\n\ngo 1.22\n\nrequire (\n\tgithub.com/lib/pq v1.10.9\n)\n" });
    const r = design(inventory("go", "/usr/local/bin/shop serve"), go);
    const api = /shop: max instances × (\d+)/.exec(budget(r))![1];
    expect(sqlChanges(r)).toContain(
      `shop (Go's database/sql: no limit by default): the app's maximum of open connections (database/sql's \`db.SetMaxOpenConns(${api})\`)`,
    );
    // A process that reads a pool setting of its own is told that setting.
    const own = design(
      inventory("go", "/usr/local/bin/shop serve").replace(
        "env: [DATABASE_URL]",
        "env: [DATABASE_URL, DATABASE_MAX_CONNS]",
      ),
      go,
    );
    expect(sqlChanges(own)).toContain(
      `shop (Go's database/sql: no limit by default): DATABASE_MAX_CONNS=${api} (its own setting;`,
    );
  });

  it("Python: SQLAlchemy's 5 + 10 overflow is told pool_size; Django (no pool) is not", () => {
    const flask = repo("flask", { "requirements.txt": "Flask==3.0.0\nFlask-SQLAlchemy==3.1.1\npsycopg2-binary\n" });
    const r = design(inventory("python", "gunicorn app:app"), flask);
    expect(sqlChanges(r)).toMatch(
      /shop \(SQLAlchemy: up to 15 by default\): `create_engine\(\.\.\., pool_size=\d+, max_overflow=0\)`/,
    );
    const django = repo("django", { "requirements.txt": "Django==5.0\nSQLAlchemy==2.0\npsycopg2-binary\n" });
    expect(sqlChanges(design(inventory("python", "gunicorn app.wsgi"), django))).not.toMatch(/SQLAlchemy/);
  });
});
