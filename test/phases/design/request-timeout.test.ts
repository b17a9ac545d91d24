// The API's request timeout on Cloud Run: 300 s, 60 s when background work has its own workers, and
// for a PHP app at least the max_execution_time its php.ini allowed on the VM (up to Cloud Run's
// 3600 s), so a request the VM finished is not cut after the move.
import { describe, expect, it } from "vitest";
import { designPhase } from "../../../src/phases/design/index.js";
import { designResultSchema } from "../../../src/phases/design/schema.js";
import { designInputFromYaml } from "./design-input.js";

const timeoutFor = (phpIni: string, worker = false) => {
  const yaml = `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: gallery }
host: { hostname: vm, os: "Debian 12" }
services:
  - { name: nginx, role: reverse-proxy, software: nginx, listen: ["0.0.0.0:80"], dependsOn: [php-fpm] }
  - name: php-fpm
    role: web
    software: php-fpm
    runtime: php
    framework: laravel
    listen: ["127.0.0.1:9000"]
    dependsOn: [db]
${phpIni ? `    phpIni: ${phpIni}\n` : ""}${worker ? `  - { name: queue, role: worker, software: laravel-queue, runtime: php, command: "php artisan queue:work", dependsOn: [db] }\n` : ""}  - { name: db, role: database, software: mysql, listen: ["127.0.0.1:3306"] }
data:
  - { service: db, engine: mysql, version: "8.0", sizeGiB: 5, backups: daily }
deploy: { method: ssh-systemctl }
target: { project: gallery-prod, region: europe-west1, service: gallery }
`;
  const result = designResultSchema.parse(designPhase.offline(designInputFromYaml(yaml)));
  return result.deployment.services.find((t) => t.kind === "api")!.timeoutSeconds;
};

describe("the API's request timeout", () => {
  it.each([
    ["no php.ini read", "", false, 300],
    ["PHP's default 30 s", "{ maxExecutionTime: 30 }", false, 300],
    ["Pixelfed's documented 600 s", "{ maxExecutionTime: 600 }", false, 600],
    ["600 s with a queue worker beside it", "{ maxExecutionTime: 600 }", true, 600],
    ["no limit (0) keeps the default", "{ maxExecutionTime: 0 }", true, 60],
    ["beyond Cloud Run's maximum", "{ maxExecutionTime: 7200 }", false, 3600],
  ])("%s", (_name, phpIni, worker, seconds) => {
    expect(timeoutFor(phpIni, worker)).toBe(seconds);
  });
});
