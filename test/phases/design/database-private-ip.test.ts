// Which database clients reach Cloud SQL over the unix socket Cloud Run mounts, and which over the
// instance's private IP (rules/database-env.ts): a client that takes only a host and port (Rails
// mysql2 without `socket:`, node mysql2 without socketPath, Go's tcp DSN, PyMySQL, PHP PDO without
// unix_socket, JDBC without the Cloud SQL connector) gets the private IP and no code change; a
// client that takes the socket keeps it.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { serviceSchema, type Service } from "../../../src/inventory/schema.js";
import { databaseEnv } from "../../../src/phases/design/rules/database-env.js";
import { mergeSurroundings } from "../../../src/phases/design/model-answer.js";
import { designAnswerSchema } from "../../../src/phases/design/schema.js";
import { chainYaml } from "../../helpers/chain.js";

const SOCKET = "/cloudsql/p:r:db";
const service = (fields: Partial<Service> & { runtime?: Service["runtime"] }): Service =>
  serviceSchema.parse({ name: "app", role: "web", software: "app", ...fields });

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe("clients that take only a host reach the private IP", () => {
  it.each([
    ["Rails mysql2", { runtime: "ruby", framework: "rails", software: "puma" }, "mysql2 without `socket:`"],
    ["node mysql2", { runtime: "node", software: "node", command: "node server.js" }, "mysql2 without socketPath"],
    ["Go", { runtime: "go", software: "app", command: "/usr/local/bin/app" }, "go-sql-driver/mysql"],
    ["PyMySQL", { runtime: "python", software: "gunicorn", command: "gunicorn app:app" }, "PyMySQL"],
    ["PHP PDO", { runtime: "php", software: "php-fpm" }, "PDO without unix_socket"],
    // A crontab line with no runtime of its own (WordPress's wp-cron) is not said to be Python's.
    [
      "a cron line",
      { software: "cron", command: "/usr/local/bin/wp cron event run --due-now" },
      "a MySQL client given only a host",
    ],
  ] as const)("%s (MySQL, DB_HOST)", (_, fields, client) => {
    const env = databaseEnv(service(fields), ["DB_HOST", "DB_PORT", "DB_PASSWORD"], "mysql", SOCKET);
    expect(env.privateHost).toEqual(["DB_HOST"]);
    // The host comes from the deploy's lookup; the port is Cloud SQL's; no socket setting is added.
    expect(env.set).toEqual({ DB_PORT: { value: "3306", why: "Cloud SQL's port on its private IP" } });
    expect(env.stored).toEqual(["DB_PASSWORD"]);
    expect(env.changes).toHaveLength(1);
    expect(env.changes[0]).toContain(client);
    expect(env.changes[0]).toContain("private IP instead, with no code change");
    expect(env.changes[0]).not.toMatch(/sidecar|add `socket|socketPath: process/);
  });

  it.each([
    ["MySQL", "mysql", ["SPRING_DATASOURCE_URL", "DB_HOST", "DB_PORT"], "3306", "jdbc:mysql://PRIVATE_IP:3306/"],
    ["Postgres", "postgres", ["DATABASE_URL", "DB_HOST", "DB_PORT"], "5432", "jdbc:postgresql://PRIVATE_IP:5432/"],
  ] as const)("JDBC %s without the connector in the build", (_, engine, names, port, url) => {
    const java = service({ runtime: "java", software: "java", command: "java -jar app.jar" });
    const env = databaseEnv(java, names, engine, SOCKET);
    expect(env.privateHost).toEqual(["DB_HOST"]);
    expect(env.set.DB_PORT?.value).toBe(port);
    expect(env.stored).toEqual([names[0]]);
    expect(env.changes.join("\n")).toContain(url);
    expect(env.changes.join("\n")).not.toContain("add the Cloud SQL Java connector");
    // A URL alone is enough: the stored JDBC URL names the private IP.
    expect(databaseEnv(java, [names[0]], engine, SOCKET).privateHost).toEqual([]);
  });
});

describe("clients that take the socket keep it (no private IP)", () => {
  it.each([
    ["Rails mysql2 with DB_SOCKET", { runtime: "ruby", framework: "rails" }, ["DB_HOST", "DB_SOCKET"], "DB_SOCKET"],
    ["node with MYSQL_SOCKET", { runtime: "node" }, ["MYSQL_HOST", "MYSQL_SOCKET"], "MYSQL_SOCKET"],
    ["Laravel (reads DB_SOCKET by default)", { runtime: "php", framework: "laravel" }, ["DB_HOST"], "DB_SOCKET"],
  ] as const)("%s", (_, fields, names, socketName) => {
    const env = databaseEnv(service(fields), names, "mysql", SOCKET);
    expect(env.privateHost).toBeUndefined();
    expect(env.set[socketName]?.value).toBe(SOCKET);
    expect(env.set[names[0]]?.value).toBe("localhost");
    expect(env.changes).toEqual([]);
  });

  it("Django's MySQL backend and every libpq client take the socket as the host", () => {
    const django = databaseEnv(service({ runtime: "python", framework: "django" }), ["DB_HOST"], "mysql", SOCKET);
    expect(django.privateHost).toBeUndefined();
    expect(django.set.DB_HOST?.value).toBe(SOCKET);
    for (const runtime of ["node", "ruby", "go", "python", "php"] as const) {
      const pg = databaseEnv(service({ runtime }), ["DB_HOST", "DB_PORT"], "postgres", SOCKET);
      expect(pg.privateHost, runtime).toBeUndefined();
      expect(pg.set.DB_HOST?.value, runtime).toBe(SOCKET);
    }
  });

  it("a Java build that already has the Cloud SQL connector keeps the socket", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "private-ip-"));
    dirs.push(dir);
    await writeFile(
      path.join(dir, "build.gradle"),
      "implementation 'com.google.cloud.sql:postgres-socket-factory:1.21.0'\n",
    );
    const java = service({ runtime: "java", software: "java" });
    const env = databaseEnv(java, ["DATABASE_URL", "DB_HOST"], "postgres", SOCKET, dir);
    expect(env.privateHost).toBeUndefined();
    expect(env.dropped.map((d) => d.name)).toEqual(["DB_HOST"]);
    expect(env.changes.join("\n")).toContain("build.gradle already has the Cloud SQL Java connector");
    // The MySQL connector is another artifact: the same build does not have it.
    expect(databaseEnv(java, ["DATABASE_URL"], "mysql", SOCKET, dir).privateHost).toEqual([]);
  });
});

describe("a model answer keeps the draft's private-IP path", () => {
  const NODE_APP = `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: notes }
host: { hostname: vm, os: "Debian 12" }
services:
  - { name: api, role: web, software: node, runtime: node, command: "node server.js", listen: ["127.0.0.1:3000"],
      dependsOn: [db], env: [DB_HOST, DB_USER, DB_PASSWORD, DB_NAME] }
  - { name: db, role: database, software: mysql, listen: ["127.0.0.1:3306"] }
data:
  - { service: db, engine: mysql, version: "8.0", sizeGiB: 2, backups: daily }
deploy: { method: ssh-systemctl }
target: { project: notes-prod, region: europe-west1, service: notes }
`;

  it("a dropped private IP, or a host the answer set itself, gets the draft's path back", () => {
    const { design } = chainYaml(NODE_APP);
    const answer = designAnswerSchema.parse(structuredClone(design));
    const t = answer.deployment.services.find((s) => s.cloudSqlPrivateIp)!;
    expect(t).toBeDefined();
    delete t.cloudSqlPrivateIp;
    delete t.vpcEgress;
    t.env = { ...t.env, DB_HOST: "localhost" };
    t.secrets = [...t.secrets, "DB_HOST"];
    const merged = mergeSurroundings(answer, design.deployment).deployment.services.find((s) => s.name === t.name)!;
    expect(merged.cloudSqlPrivateIp).toEqual({ hostEnv: ["DB_HOST"], onlyEgress: true });
    expect(merged.vpcEgress).toBe("private-ranges-only");
    expect(merged.env?.DB_HOST).toBeUndefined();
    expect(merged.secrets).not.toContain("DB_HOST");
  });
});
