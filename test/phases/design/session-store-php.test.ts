// Symfony's file sessions (sessionStore file on a Symfony web process): the audit raises the
// per-instance sessions risk, and the mapping names the one config change, framework.session's
// handler_id on the Redis URL the app reads (Memorystore), else on the database URL (Cloud SQL,
// PdoSessionHandler and its sessions table). The deploy sets nothing: Laravel's SESSION_DRIVER is
// not Symfony's.
import { describe, expect, it } from "vitest";
import { chainYaml } from "../../helpers/chain.js";
import type { AuditResult } from "../../../src/contracts/audit-result.js";

const inventory = (withRedis: boolean) => `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: reader }
services:
  - { name: php-fpm, role: web, software: php-fpm, runtime: php, framework: symfony, sessionStore: file, listen: ["127.0.0.1:9000"], dependsOn: [mariadb${withRedis ? ", redis" : ""}], env: [APP_SECRET, DATABASE_URL${withRedis ? ", REDIS_URL" : ""}] }
  - { name: mariadb, role: database, software: mariadb, listen: ["127.0.0.1:3306"] }
${withRedis ? '  - { name: redis, role: cache, software: redis, usedFor: [cache], listen: ["127.0.0.1:6379"] }\n' : ""}data:
  - { service: mariadb, engine: mariadb }
deploy: { method: ssh-systemctl }
target: { cloud: gcp, project: reader-prod, region: us-central1, github: acme/reader }
`;

function run(withRedis: boolean) {
  const out = chainYaml(inventory(withRedis));
  const risk = (out.input.upstream!.audit as AuditResult).risks.find((r) =>
    r.title.startsWith("Sessions are kept inside one server"),
  );
  const target = out.design.deployment.services.find((t) => t.replaces.includes("php-fpm"))!;
  const changes = out.design.mapping.find((m) => m.service === "php-fpm")!.appChanges;
  return { risk, target, changes: changes.filter((c) => c.includes("keeps sessions")) };
}

describe("Symfony's file sessions", () => {
  it.each([
    [
      "with Redis: handler_id on REDIS_URL (RedisSessionHandler)",
      true,
      ["handler_id: '%env(REDIS_URL)%'", "remove `save_path`", "RedisSessionHandler", "Memorystore"],
    ],
    [
      "without: handler_id on DATABASE_URL, PdoSessionHandler and its sessions table",
      false,
      ["handler_id: '%env(DATABASE_URL)%'", "PdoSessionHandler", "MySQL CREATE TABLE", "before the cut-over"],
    ],
  ])("%s", (_name, withRedis, parts) => {
    const { risk, target, changes } = run(withRedis);
    expect(risk).toMatchObject({ severity: "high", affects: ["php-fpm"] });
    expect(risk!.evidence).toEqual(["services.php-fpm.sessionStore: file (in files on the server's disk)"]);
    expect(changes).toHaveLength(1);
    for (const part of parts) expect(changes[0]).toContain(part);
    expect(changes[0]).toContain("config/packages/framework.yaml, or app/config/config.yml");
    // Laravel's setting means nothing to Symfony.
    expect(target.env?.SESSION_DRIVER).toBeUndefined();
  });
});

describe("plain PHP's file sessions (session_start() on session.save_handler = files)", () => {
  const plainInventory = (withRedis: boolean) =>
    inventory(withRedis)
      .replace("framework: symfony, ", "")
      .replace(/reader/g, "guestbook");
  it.each([
    [
      true,
      [
        "session.save_handler = redis",
        'session.save_path = "tcp://HOST:6379"',
        "Memorystore (redis)",
        "No code change",
      ],
    ],
    [false, ["PHP has no database session handler", "session_set_save_handler()", "SessionHandlerInterface"]],
  ])("with Redis %s: the exact php.ini change, else a handler of the app's own", (withRedis, parts) => {
    const out = chainYaml(plainInventory(withRedis));
    const changes = out.design.mapping
      .find((m) => m.service === "php-fpm")!
      .appChanges.filter((c) => c.includes("keeps PHP's own sessions"));
    expect(changes).toHaveLength(1);
    for (const part of parts) expect(changes[0]).toContain(part);
    expect(JSON.stringify(out.design.deployment)).not.toContain("SESSION_DRIVER");
  });
});
