// A setting that names the database engine (n8n's DB_TYPE, Laravel's DB_CONNECTION, a Django
// settings module's DB_ENGINE) keeps the VM's value when the VM's database server moves to Cloud
// SQL with its engine: only the app knows its own spelling (n8n takes postgresdb, not postgres).
// When the engine changes (a SQLite file moves to Cloud SQL) the design chooses, and says to check it.
import { execa } from "execa";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { designPhase } from "../../../src/phases/design/index.js";
import { designResultSchema, type DesignResult } from "../../../src/phases/design/schema.js";
import { plainSettingsPattern } from "../../../src/phases/cicd/plain-env.js";
import { ROOT } from "../../helpers/phase-input.js";
import { designInputFromYaml } from "./design-input.js";

function design(web: string, env: string[], engine: "postgres" | "mysql" = "postgres"): DesignResult {
  const yaml = `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: app }
services:
  - { name: web, role: web, ${web}, listen: ["127.0.0.1:8000"], dependsOn: [db], env: [${env.join(", ")}] }
  - { name: db, role: database, software: ${engine}, listen: ["127.0.0.1:${engine === "mysql" ? 3306 : 5432}"] }
data:
  - { service: db, engine: ${engine}, backups: daily }
deploy: { method: ssh-systemctl }
target: { project: app-prod, region: europe-west1, service: app }
`;
  return designResultSchema.parse(designPhase.offline(designInputFromYaml(yaml)));
}

const web = (r: DesignResult) => r.deployment.services.find((t) => t.replaces.includes("web"))!;
const changes = (r: DesignResult) => r.mapping.find((m) => m.service === "web")!.appChanges.join("\n");

describe("the database engine setting on Cloud SQL", () => {
  it.each([
    [
      "n8n (DB_TYPE=postgresdb)",
      "software: n8n, runtime: node, command: /opt/n8n/packages/cli/bin/n8n start",
      ["DB_TYPE", "DB_POSTGRESDB_HOST", "DB_POSTGRESDB_PASSWORD", "N8N_ENCRYPTION_KEY"],
      "DB_TYPE",
      "postgres",
    ],
    [
      "Laravel (DB_CONNECTION=pgsql)",
      "software: php-fpm, runtime: php, framework: laravel, command: php-fpm8.3",
      ["DB_CONNECTION", "DB_HOST", "DB_DATABASE", "DB_USERNAME", "DB_PASSWORD", "APP_KEY"],
      "DB_CONNECTION",
      "postgres",
    ],
    [
      "Django settings (DB_ENGINE=django.db.backends.postgresql)",
      "software: gunicorn, runtime: python, framework: django, command: gunicorn site.wsgi",
      ["DB_ENGINE", "DB_HOST", "DB_PASSWORD", "SECRET_KEY"],
      "DB_ENGINE",
      "postgres",
    ],
    [
      "Laravel on MariaDB (DB_CONNECTION=mariadb)",
      "software: php-fpm, runtime: php, framework: laravel, command: php-fpm8.3",
      ["DB_CONNECTION", "DB_HOST", "DB_SOCKET", "DB_PASSWORD", "APP_KEY"],
      "DB_CONNECTION",
      "mysql",
    ],
  ] as const)("%s: the VM's spelling, as a plain setting", (_label, service, env, flag, engine) => {
    const r = design(service, [...env], engine);
    const t = web(r);
    expect(t.plainEnv, "carried from the VM as a plain value").toContain(flag);
    expect(t.env ?? {}, "no value the design chose").not.toHaveProperty(flag);
    expect(t.secrets).not.toContain(flag);
    expect(changes(r)).toContain(`${flag} keeps its value from the VM`);
    if (engine === "mysql") expect(changes(r)).toMatch(/If it names MariaDB .*set it to the app's MySQL spelling/);
  });

  it("the plain settings command copies n8n's own spelling from the VM's env file", async () => {
    const file = path.join(ROOT, "test/fixtures/real/n8n/vm/etc/n8n/n8n.env");
    const r = await execa("grep", ["-ohE", plainSettingsPattern(["DB_TYPE"]), file], { reject: false });
    expect(r.stdout.trim()).toBe("DB_TYPE=postgresdb");
  });

  it("a SQLite file moving to Cloud SQL changes the engine: the design chooses the value and says to check it", () => {
    const yaml = `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: shop }
services:
  - { name: web, role: web, software: php-fpm, runtime: php, framework: laravel, command: php artisan serve, env: [APP_KEY, DB_CONNECTION], listen: ["127.0.0.1:3000"] }
data:
  - { service: web, engine: sqlite, path: /srv/shop/storage/production.sqlite3, services: [web] }
deploy: { method: ssh-systemctl }
target: { cloud: gcp, project: shop-prod, region: us-central1, github: acme/shop }
`;
    const r = designResultSchema.parse(designPhase.offline(designInputFromYaml(yaml)));
    expect(web(r).env?.DB_CONNECTION).toBe("pgsql");
    expect(web(r).plainEnv ?? []).not.toContain("DB_CONNECTION");
    expect(changes(r)).toMatch(
      /DB_CONNECTION=pgsql: the design's spelling of PostgreSQL, as the engine changes; check it is one web accepts/,
    );
  });
});
