// A crontab line written with its env and no dependsOn (Laravel's `artisan schedule:run` with
// DB_HOST and REDIS_HOST) reaches Cloud SQL and Memorystore like its peers: before, its Cloud Run job
// had no Cloud SQL connection, no VPC egress, and carried the VM's DB_HOST (127.0.0.1) as a secret.
import { describe, expect, it } from "vitest";
import { designPhase } from "../../../src/phases/design/index.js";
import { designResultSchema, type DesignResult } from "../../../src/phases/design/schema.js";
import { designInputFromYaml } from "./design-input.js";

function design(cronExtra: string): DesignResult {
  const yaml = `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: shop }
services:
  - { name: web, role: web, software: php-fpm, runtime: php, framework: laravel, listen: ["127.0.0.1:9000"], dependsOn: [mysql, redis], env: [APP_KEY, DB_HOST, DB_PASSWORD, REDIS_HOST] }
  - { name: scheduler, role: cron, software: cron, command: "php /var/www/shop/artisan schedule:run", schedule: "* * * * *", env: [APP_KEY, DB_HOST, DB_PASSWORD, REDIS_HOST]${cronExtra} }
  - { name: redis, role: broker, software: redis, listen: ["127.0.0.1:6379"] }
  - { name: mysql, role: database, software: mysql, version: "8.0", listen: ["127.0.0.1:3306"] }
data:
  - { service: mysql, engine: mysql, version: "8.0", backups: daily }
deploy: { method: ssh-systemctl }
target: { project: shop-prod, region: europe-west1, service: shop }
`;
  return designResultSchema.parse(designPhase.offline(designInputFromYaml(yaml)));
}

const job = (r: DesignResult) => r.deployment.services.find((t) => t.replaces.includes("scheduler"))!;

describe("store links a process's settings imply", () => {
  it("the cron job gets the Cloud SQL connection, the database settings and Memorystore, as dependsOn would give", () => {
    const implied = design("");
    const stated = design(", dependsOn: [mysql, redis]");
    expect(job(implied).cloudSqlInstance).toBe("shop-db");
    expect(job(implied).vpcEgress).toBe("private-ranges-only");
    expect(job(implied)).toEqual(job(stated));
    expect(job(implied).secrets ?? []).not.toContain("DB_HOST");
    expect(implied.assumptions.join("\n")).toContain(
      "scheduler sets DB_HOST, DB_PASSWORD but its dependsOn does not name mysql: taken to use mysql",
    );
    expect(stated.assumptions.join("\n")).not.toContain("taken to use");
  });
});

// The same crontab line loading the web process's .env (one file for every process of a Laravel
// app): its links are implied all the same, and it reads the database settings that file sets, not
// only the ones written on its line, so the user and database name setup-database.sh stores reach it.
describe("a crontab line that loads the web process's env file", () => {
  const shared = (cronEnv: string) =>
    designResultSchema.parse(
      designPhase.offline(
        designInputFromYaml(`apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: shop }
services:
  - { name: web, role: web, software: octane, runtime: php, framework: laravel, listen: ["127.0.0.1:8000"], dependsOn: [mysql, redis], env: [APP_KEY, DB_HOST, DB_DATABASE, DB_USERNAME, DB_PASSWORD, REDIS_HOST, SESSION_DRIVER], envFile: /var/www/shop/.env }
  - { name: scheduler, role: cron, software: laravel, runtime: php, command: "php /var/www/shop/artisan schedule:run", schedule: "* * * * *", env: ${cronEnv}, envFile: /var/www/shop/.env }
  - { name: redis, role: cache, software: redis, listen: ["127.0.0.1:6379"] }
  - { name: mysql, role: database, software: mysql, version: "8.0", listen: ["127.0.0.1:3306"] }
data:
  - { service: mysql, engine: mysql, version: "8.0", backups: daily }
deploy: { method: ssh-systemctl }
target: { project: shop-prod, region: europe-west1, service: shop }
`),
      ),
    );

  it("reaches Cloud SQL and Memorystore and gets the user and database name, as its peer does", () => {
    const r = shared("[APP_KEY, DB_HOST, DB_PASSWORD, REDIS_HOST]");
    const t = job(r);
    expect(t.cloudSqlInstance).toBe("shop-db");
    expect(t.vpcEgress).toBe("private-ranges-only");
    expect(t.secrets).toEqual(expect.arrayContaining(["DB_DATABASE", "DB_USERNAME", "DB_PASSWORD"]));
    // Only the database's connection settings come from the peer (a compose service's other names
    // are its own `environment:`'s, not the shared file's).
    expect(t.secrets).not.toContain("SESSION_DRIVER");
    expect(t.secrets).not.toContain("DB_HOST");
    const changes = r.mapping.find((m) => m.service === "scheduler")!.appChanges.join("\n");
    expect(changes).not.toContain("sets no database user and database name on the VM");
  });
});
