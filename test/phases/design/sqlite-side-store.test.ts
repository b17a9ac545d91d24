// A Django app on PostgreSQL whose Huey worker keeps its queue in a SQLite file (SqliteHuey; hand
// inventory django-huey-sqlite). The design took the file for the app's own database: it told
// gunicorn and huey to "read DATABASES from DATABASE_URL instead of the sqlite3 entry" (they
// already do) and deployed both, each instance with its own empty queue file, so no task queued
// by the web process ever reached the worker. A file beside a server database is a store of its
// own: nothing deploys until it moves, and the decision says where it goes.
import { describe, expect, it } from "vitest";
import { planSqlite } from "../../../src/contracts/sqlite-plan.js";
import { designPhase } from "../../../src/phases/design/index.js";
import { designResultSchema, type DesignResult } from "../../../src/phases/design/schema.js";
import { designInputFromYaml } from "./design-input.js";

const inventory = (worker: string) => `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: rosterpro }
services:
  - { name: gunicorn, role: web, software: gunicorn, runtime: python, framework: django, command: "gunicorn rosterpro.wsgi --bind 127.0.0.1:8000", listen: ["127.0.0.1:8000"], dependsOn: [postgres], env: [DATABASE_URL, SECRET_KEY] }
  - ${worker}
  - { name: postgres, role: database, software: postgresql, version: "15", listen: ["127.0.0.1:5432"] }
data:
  - { service: postgres, engine: postgresql, version: "15", sizeGiB: 5, backups: daily }
  - { service: worker, engine: sqlite, path: /srv/rosterpro/data/queue.db, sizeGiB: 0.1 }
deploy: { method: ssh-systemctl }
target: { project: rosterpro-prod, region: europe-west1, service: rosterpro }
`;
const HUEY = `{ name: worker, role: worker, software: huey, runtime: python, framework: huey, command: "python manage.py run_huey", longRunning: true, dependsOn: [postgres], env: [DATABASE_URL, SECRET_KEY] }`;
const OTHER = `{ name: worker, role: worker, software: python, runtime: python, framework: django, command: "python manage.py process_outbox", longRunning: true, dependsOn: [postgres], env: [DATABASE_URL, SECRET_KEY] }`;

const design = (yaml: string): DesignResult => designResultSchema.parse(designPhase.offline(designInputFromYaml(yaml)));
const options = (r: DesignResult, name: string) => r.mapping.find((m) => m.service === name)!.options!;

describe("a SQLite file beside the server database the app already uses", () => {
  it("is no framework database to switch: its openers wait for a decision", () => {
    expect(planSqlite(designInputFromYaml(inventory(HUEY)).inventory)).toMatchObject({ move: "decision" });
    const r = design(inventory(HUEY));
    expect(r.deployment.services).toEqual([]);
    expect(r.mapping.find((m) => m.service === "postgres")!.target.kind).toBe("cloud-sql");
    const all = r.mapping.flatMap((m) => m.appChanges).join("\n");
    expect(all).not.toContain('Read DATABASES["default"] from DATABASE_URL');
    expect(r.summary).toContain("Recommended: move what the file holds into the server database the app already uses");
  });

  it("a Huey worker's decision moves Huey's storage to SqlHuey on Cloud SQL or RedisHuey", () => {
    const huey = options(design(inventory(HUEY)), "worker");
    expect(huey[0]!.option).toBe("Move Huey's storage off the file (recommended)");
    expect(huey[0]!.change).toContain(
      "PostgresHuey (Huey 3, over psycopg) or SqlHuey (huey.contrib.sql_huey, over peewee) on postgres",
    );
    expect(huey[0]!.change).toContain("RedisHuey");
    expect(huey.map((o) => o.option).join("\n")).not.toContain("Switch the app to a server database");
    expect(huey[1]!.option).not.toContain("(recommended)");
  });

  it("any other opener's decision moves the file's contents into that database", () => {
    expect(options(design(inventory(OTHER)), "worker")[0]!.option).toBe(
      "Move what the file holds into postgres (recommended)",
    );
  });
});
