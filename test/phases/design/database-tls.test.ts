// The Cloud SQL unix socket carries no TLS (the connector encrypts the link): a PostgreSQL TLS
// switch the app reads is turned off on Cloud Run (contracts/database-settings.ts postgresTlsOff,
// rules/database-env.ts), since node-postgres and the ORMs over it fail at the socket when asked
// for TLS; other settings that merely mention SSL are left alone.
import path from "node:path";
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { postgresTlsOff } from "../../../src/contracts/database-settings.js";
import { serviceSchema, type Service } from "../../../src/inventory/schema.js";
import { databaseEnv } from "../../../src/phases/design/rules/database-env.js";
import { chain } from "../../helpers/chain.js";
import { TempTrees } from "../../helpers/file-tree.js";
import { inputFromYaml, ROOT } from "../../helpers/phase-input.js";

const trees = new TempTrees("im-db-tls-");
afterAll(() => trees.removeAll());

const SOCKET = "/cloudsql/p:r:db";
const node = (fields: Partial<Service> = {}): Service =>
  serviceSchema.parse({
    name: "api",
    role: "web",
    software: "node",
    runtime: "node",
    command: "node server.js",
    ...fields,
  });

describe("postgresTlsOff", () => {
  it.each([
    ["PGSSLMODE", "disable"],
    ["DB_SSLMODE", "disable"],
    ["DATABASE_SSL_MODE", "disable"],
    // paperless-ngx (psycopg; libpq skips TLS on a socket anyway) and Gitea's app.ini override.
    ["PAPERLESS_DBSSLMODE", "disable"],
    ["GITEA__database__SSL_MODE", "disable"],
    ["DATABASE_SSL", "false"],
    ["DB_SSL", "false"],
    ["PG_SSL", "false"],
    ["POSTGRES_SSL", "false"],
    ["DB_USE_SSL", "false"],
    ["DB_POSTGRESDB_SSL_ENABLED", "false"],
    ["database__connection__ssl", "false"],
    // Not switches: certificates, verification, and the web's own HTTPS settings.
    ["PGSSLROOTCERT", undefined],
    ["DB_SSL_CA", undefined],
    ["DB_POSTGRESDB_SSL_REJECT_UNAUTHORIZED", undefined],
    ["FORCE_SSL", undefined],
    ["RAILS_FORCE_SSL", undefined],
    ["RAILS_ASSUME_SSL", undefined],
    ["SMTP_SSL", undefined],
    ["REDIS_SSL", undefined],
  ])("%s -> %s", (name, off) => {
    expect(postgresTlsOff(name)).toBe(off);
  });
});

describe("databaseEnv turns the app's TLS switches off on the socket", () => {
  it("node-postgres with PGSSLMODE and DATABASE_SSL from the VM: both off, and the mapping says why", () => {
    const env = databaseEnv(node(), ["DATABASE_URL", "PGSSLMODE", "DATABASE_SSL", "FORCE_SSL"], "postgres", SOCKET);
    expect(env.set.PGSSLMODE?.value).toBe("disable");
    expect(env.set.DATABASE_SSL?.value).toBe("false");
    expect(env.set.FORCE_SSL).toBeUndefined();
    expect(env.stored).toEqual(["DATABASE_URL"]);
    const change = env.changes.find((c) => c.startsWith("PGSSLMODE=disable, DATABASE_SSL=false:"));
    expect(change).toContain("unix socket, which carries no TLS");
    expect(change).toContain("node-postgres takes PGSSLMODE=prefer or require as ssl: true");
  });

  it("an app that names no switch gets none (no noise for libpq, lib/pq or pgx apps)", () => {
    const go = serviceSchema.parse({
      name: "app",
      role: "web",
      software: "app",
      runtime: "go",
      command: "/usr/bin/app",
    });
    const env = databaseEnv(go, ["DATABASE_URL"], "postgres", SOCKET);
    expect(env.set).toEqual({});
    expect(env.changes).toEqual([]);
  });

  it("MySQL and JDBC keep their settings: the switch is PostgreSQL's, and JDBC goes through the connector or private IP", () => {
    expect(databaseEnv(node(), ["DATABASE_URL", "DB_SSL"], "mysql", SOCKET).set.DB_SSL).toBeUndefined();
    const java = serviceSchema.parse({
      name: "app",
      role: "web",
      software: "java",
      runtime: "java",
      command: "java -jar app.jar",
    });
    expect(databaseEnv(java, ["SPRING_DATASOURCE_URL", "PGSSLMODE"], "postgres", SOCKET).set.PGSSLMODE).toBeUndefined();
  });
});

describe("corpus: n8n on the VM with DB_POSTGRESDB_SSL_ENABLED=true", () => {
  it("every target on Cloud SQL gets DB_POSTGRESDB_SSL_ENABLED=false, and the other n8n settings stay", () => {
    const file = path.join(ROOT, "test/fixtures/real/n8n/inventory.yaml");
    const text = readFileSync(file, "utf8").replace(
      /env: \["DB_POSTGRESDB_DATABASE",/g,
      'env: ["DB_POSTGRESDB_SSL_ENABLED", "DB_POSTGRESDB_DATABASE",',
    );
    expect(text).not.toBe(readFileSync(file, "utf8"));
    const { design } = chain(inputFromYaml(text));
    const onSql = design.deployment.services.filter((t) => t.cloudSqlInstance);
    expect(onSql.length).toBeGreaterThan(1);
    for (const t of onSql) {
      expect(t.env?.DB_POSTGRESDB_SSL_ENABLED, t.name).toBe("false");
      // A plain value of the deploy, never a secret copied from the VM.
      expect(t.secrets, t.name).not.toContain("DB_POSTGRESDB_SSL_ENABLED");
      expect(t.env?.DB_POSTGRESDB_HOST, t.name).toBe(
        `/cloudsql/${design.deployment.project}:${design.deployment.region}:${design.deployment.database!.instance}`,
      );
    }
    expect(JSON.stringify(design)).toContain("DB_POSTGRESDB_SSL_ENABLED=false: ");
  });
});

describe("an env sample's switch is turned off too (the app may ask for TLS when it is unset)", () => {
  it.each([
    [".env.sample", "# PGSSLMODE=disable\nDATABASE_URL=postgres://localhost/app\n", "PGSSLMODE", "disable"],
    [".env.example", "DATABASE_SSL=true\n", "DATABASE_SSL", "false"],
    ["app.json", '{"env": {"DB_SSL": {"description": "use ssl to reach the database"}}}', "DB_SSL", "false"],
  ])("%s naming %s", async (file, content, name, value) => {
    const repoDir = await trees.make({ [file]: content });
    const env = databaseEnv(node(), ["DATABASE_URL"], "postgres", SOCKET, repoDir);
    expect(env.set).toEqual({ [name]: { value, why: expect.stringContaining("carries no TLS") } });
    // The VM never set it: nothing to explain beyond the setting's own reason.
    expect(env.changes).toEqual([]);
  });

  it("prose that mentions ssl, and samples of a MySQL app, set nothing", async () => {
    const repoDir = await trees.make({ ".env.example": "# use pg_ssl or db_ssl in production\nDB_SSL=true\n" });
    expect(databaseEnv(node(), ["DATABASE_URL"], "postgres", SOCKET, repoDir).set).toEqual({
      DB_SSL: expect.anything(),
    });
    expect(databaseEnv(node(), ["DATABASE_URL"], "mysql", SOCKET, repoDir).set).toEqual({});
  });
});

describe("corpus: Gitea's app.ini [database] HOST on the socket", () => {
  const file = path.join(ROOT, "test/fixtures/real/gitea/inventory.yaml");
  const changesOf = (text: string) => {
    const { design } = chain({ ...inputFromYaml(text), repoDir: path.join(ROOT, "test/fixtures/real/gitea/repo") });
    const socket = `/cloudsql/${design.deployment.project}:${design.deployment.region}:${design.deployment.database!.instance}`;
    return { socket, changes: design.mapping.filter((m) => m.service === "gitea").flatMap((m) => m.appChanges) };
  };

  it("host:port on the VM: the plan gives both HOST forms (Gitea 1.21+ as is, older Gitea and Gogs with :5432) and says SSL_MODE may stay", () => {
    const { socket, changes } = changesOf(readFileSync(file, "utf8"));
    const form = changes.find((c) => c.includes("is read as host:port"));
    expect(form).toContain(`Gitea 1.21 and later take ${socket} as it is`);
    expect(form).toContain(`so there write ${socket}:5432`);
    expect(form).toContain("lib/pq and pgx skip TLS on a socket");
  });

  it("a host without a port on the VM: no such sentence", () => {
    const text = readFileSync(file, "utf8").replace("      host: 127.0.0.1:5432\n", "      host: 127.0.0.1\n");
    expect(text).toContain("      host: 127.0.0.1\n");
    expect(changesOf(text).changes.some((c) => c.includes("is read as host:port"))).toBe(false);
  });
});
