// A PHP app's Cloud Run size: each concurrent request may allocate PHP's memory_limit (one prefork
// child per request in the generated image), so concurrency × memory_limit + a base must fit the
// instance's memory. The concurrency comes down first; below 8 requests the memory goes up instead,
// to at most 4 GiB on one vCPU. The design's mapping says the arithmetic.
import { describe, expect, it } from "vitest";
import { designPhase } from "../../../src/phases/design/index.js";
import { designResultSchema } from "../../../src/phases/design/schema.js";
import { phpMemorySizing } from "../../../src/phases/design/rules/php-memory.js";
import type { Service } from "../../../src/inventory/schema.js";
import { designInputFromYaml } from "./design-input.js";

const php = (memoryLimit?: string, runtime = "php"): Service =>
  ({
    name: "web",
    role: "web",
    software: "php-fpm",
    runtime,
    listen: [],
    dependsOn: [],
    env: [],
    ...(memoryLimit ? { phpIni: { memoryLimit } } : {}),
  }) as Service;

describe("phpMemorySizing", () => {
  const plan = { cpu: 1, memory: "1Gi", concurrency: 40 };
  it.each([
    ["memory_limit 16M: 40 × 16 + 256 fits 1Gi", php("16M"), plan],
    ["memory_limit 64M: 1Gi holds 12, the concurrency comes down", php("64M"), { ...plan, concurrency: 12 }],
    ["memory_limit 128M: 1Gi would hold 6, so 2Gi holds 14", php("128M"), { ...plan, memory: "2Gi", concurrency: 14 }],
    ["memory_limit 256M: 4Gi holds 15", php("256M"), { ...plan, memory: "4Gi", concurrency: 15 }],
    ["Nextcloud's 512M: 4Gi, the most for 1 vCPU, holds 7", php("512M"), { ...plan, memory: "4Gi", concurrency: 7 }],
    ["memory_limit 8G: one request at a time on 4Gi", php("8G"), { ...plan, memory: "4Gi", concurrency: 1 }],
    ["memory_limit in bytes (134217728) is 128M", php("134217728"), { ...plan, memory: "2Gi", concurrency: 14 }],
    ["-1 (no limit): nothing to size by", php("-1"), plan],
    ["no php.ini read", php(), plan],
    ["not a PHP process", php("512M", "python"), plan],
  ])("%s", (_name, service, sized) => {
    expect(phpMemorySizing(service, plan)).toEqual(sized);
  });

  it("2 vCPU may go up to 8 GiB", () => {
    expect(phpMemorySizing(php("512M"), { cpu: 2, memory: "2Gi", concurrency: 40 })).toEqual({
      cpu: 2,
      memory: "8Gi",
      concurrency: 15,
    });
  });
});

const designFor = (phpIni: string) => {
  const yaml = `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: cloud }
host: { hostname: vm, os: "Rocky Linux 9" }
services:
  - { name: httpd, role: reverse-proxy, software: httpd, listen: ["0.0.0.0:80"], dependsOn: [php-fpm] }
  - name: php-fpm
    role: web
    software: php-fpm
    runtime: php
    dependsOn: [db]
${phpIni ? `    phpIni: ${phpIni}\n` : ""}  - { name: db, role: database, software: mariadb, listen: ["127.0.0.1:3306"] }
data:
  - { service: db, engine: mysql, version: "10.11", sizeGiB: 5, backups: daily }
deploy: { method: ssh-systemctl }
target: { project: cloud-prod, region: europe-west1, service: cloud }
`;
  return designResultSchema.parse(designPhase.offline(designInputFromYaml(yaml)));
};

describe("the design sizes a PHP service by its memory_limit and says why", () => {
  it("Nextcloud's memory_limit 512M: 4Gi and 7 requests per instance, with the arithmetic in the mapping", () => {
    const result = designFor('{ memoryLimit: "512M" }');
    const api = result.deployment.services.find((t) => t.kind === "api")!;
    expect([api.memory, api.concurrency]).toEqual(["4Gi", 7]);
    const entry = result.mapping.find((m) => m.service === "php-fpm")!;
    expect(entry.reason).toContain(
      "7 × 512 MiB + 256 MiB for Apache and opcache = 3840 MiB, within the instance's 4Gi",
    );
  });

  it("memory_limit -1: the size is kept and the mapping says PHP sets no per-request limit", () => {
    const result = designFor('{ memoryLimit: "-1" }');
    const api = result.deployment.services.find((t) => t.kind === "api")!;
    expect([api.memory, api.concurrency]).toEqual(["1Gi", 40]);
    expect(result.mapping.find((m) => m.service === "php-fpm")!.reason).toContain("memory_limit is -1 (no limit)");
  });
});
