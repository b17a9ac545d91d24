// The environment each Cloud Run target starts with (rules/app-env.ts): values the design knows
// (listen address, the Cloud SQL socket, the engine flag in the app's own spelling) are set;
// Cloud Run's names and a web server's settings on workers are dropped; known plain settings
// (ALLOWED_HOSTS, RAILS_ENV…) keep the VM's value as plain env vars (deploy/cloud-run.env); every
// other name keeps it through Secret Manager; a target that reaches Cloud SQL always has a way to.
import { describe, expect, it } from "vitest";
import { designPhase } from "../../../src/phases/design/index.js";
import { designResultSchema, type DesignResult } from "../../../src/phases/design/schema.js";
import { designInputFromYaml } from "./design-input.js";

function design(
  engine: "postgres" | "mysql",
  web: string[],
  extra = "",
  empty: string[] = [],
  plain: { web?: string[]; worker?: string[] } = {},
): DesignResult {
  const emptyEnv = empty.length ? `\n    emptyEnv: [${empty.join(", ")}]` : "";
  const plainEnv = (names?: string[]) => (names ? `\n    plainEnv: [${names.join(", ")}]` : "");
  const yaml = `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: shop }
host: { hostname: vm, os: "Debian 12" }
services:
  - name: web
    role: web
    software: gunicorn
    runtime: python
    command: gunicorn shop.wsgi
    listen: ["127.0.0.1:8000"]
    dependsOn: [db, redis]
    env: [${web.join(", ")}]${emptyEnv}${plainEnv(plain.web)}
  - name: worker
    role: worker
    software: rq
    runtime: python
    command: python manage.py rqworker
    dependsOn: [db, redis]
    env: [${web.join(", ")}]${emptyEnv}${plainEnv(plain.worker)}
  - name: nightly
    role: cron
    software: cron
    runtime: python
    command: python manage.py clearsessions
    schedule: "0 3 * * *"
    dependsOn: [db]
${extra}  - { name: redis, role: cache, software: redis, listen: ["127.0.0.1:6379"] }
  - { name: db, role: database, software: ${engine}, listen: ["127.0.0.1:${engine === "mysql" ? 3306 : 5432}"] }
data:
  - { service: db, engine: ${engine}, version: "${engine === "mysql" ? "8.0" : "16"}", sizeGiB: 5, backups: daily }
deploy: { method: ssh-systemctl }
traffic: { growth: 2 }
target: { project: shop-prod, region: europe-west1, service: shop }
`;
  return designResultSchema.parse(designPhase.offline(designInputFromYaml(yaml)));
}

const target = (r: DesignResult, replaces: string) => r.deployment.services.find((t) => t.replaces.includes(replaces))!;
const SOCKET = "/cloudsql/shop-prod:europe-west1:shop-db";

describe("app environment on Cloud Run", () => {
  const pg = design("postgres", [
    "DB",
    "DB_HOST",
    "DB_PORT",
    "DB_PASSWORD",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "PORT",
    "GRANIAN_HOST",
    "GRANIAN_WORKERS",
    "REDIS_URL",
  ]);

  it("sets what the design knows: socket folder, socket port, bind address", () => {
    expect(target(pg, "web").env).toEqual({
      DB_HOST: SOCKET,
      DB_PORT: "5432",
      GRANIAN_HOST: "0.0.0.0",
      // gunicorn trusts X-Forwarded-* from Google's front end (rules/proxy-trust.ts).
      FORWARDED_ALLOW_IPS: "*",
    });
  });

  it("carries every other name through Secret Manager, never PORT, a computed name or the Memorystore address", () => {
    expect(target(pg, "web").secrets).toEqual(["DB_PASSWORD", "GRANIAN_WORKERS", "SECRET_KEY"]);
  });

  it("passes a known plain setting as a plain env var, never a name that could hold a secret", () => {
    expect(target(pg, "web").plainEnv).toEqual(["ALLOWED_HOSTS", "DB"]);
    const r = design("postgres", [
      "DEBUG",
      "RAILS_ENV",
      "DB_POOL",
      "LOG_LEVEL",
      "SECRET_KEY",
      "SITE_URL",
      "DEBUG_TOKEN",
      "SENTRY_DSN",
      "MYSTERY",
    ]);
    expect(target(r, "web").plainEnv).toEqual(["DB_POOL", "DEBUG", "LOG_LEVEL", "RAILS_ENV"]);
    // A URL may carry a password, a token is a token, an unknown name may be anything.
    expect(target(r, "web").secrets).toEqual(
      expect.arrayContaining(["SECRET_KEY", "SITE_URL", "DEBUG_TOKEN", "SENTRY_DSN", "MYSTERY"]),
    );
    for (const name of ["DEBUG", "RAILS_ENV", "DB_POOL", "LOG_LEVEL"])
      expect(target(r, "web").secrets).not.toContain(name);
  });

  it("passes a name plain by its VM value (inventory plainEnv) as a plain env var, when every process agrees and the name is no credential", () => {
    const names = ["SITE_URL", "MAIL_HOST", "CAPTCHA_ENABLED", "SMTP_USER", "DB_HOST", "SECRET_KEY"];
    const r = design("postgres", names, "", [], {
      // A hand-edited list naming a credential, or a database setting, changes nothing.
      web: ["SITE_URL", "MAIL_HOST", "CAPTCHA_ENABLED", "SMTP_USER", "DB_HOST"],
      worker: ["SITE_URL", "MAIL_HOST", "DB_HOST"],
    });
    for (const name of ["web", "worker", "nightly"]) {
      const t = target(r, name);
      expect(t.plainEnv, name).toEqual(["MAIL_HOST", "SITE_URL"]);
      // The worker's CAPTCHA_ENABLED may hold anything: one secret holds it for both.
      expect(t.secrets, name).toEqual(expect.arrayContaining(["CAPTCHA_ENABLED", "SMTP_USER", "SECRET_KEY"]));
      expect(t.secrets, name).not.toContain("SITE_URL");
    }
    expect(target(r, "web").env?.DB_HOST).toBe(SOCKET);
  });

  it("drops the VM's toolchain paths (a unit's PATH and GEM_PATH under rvm, a venv, nvm): the image has its own", () => {
    // Chatwoot's units set PATH, GEM_HOME and GEM_PATH to /home/chatwoot/.rvm/…: carried over, the
    // container would look for bundle and ruby where the VM kept them.
    const names = ["PATH", "GEM_HOME", "GEM_PATH", "VIRTUAL_ENV", "NVM_DIR", "HOME", "SECRET_KEY", "RAILS_ENV"];
    const r = design("postgres", names, "", [], { web: ["GEM_HOME", "RAILS_ENV"], worker: ["GEM_HOME", "RAILS_ENV"] });
    for (const name of ["web", "worker"]) {
      const t = target(r, name);
      expect(t.secrets, name).toContain("SECRET_KEY");
      expect(t.plainEnv, name).toEqual(["RAILS_ENV"]);
      for (const vm of ["PATH", "GEM_HOME", "GEM_PATH", "VIRTUAL_ENV", "NVM_DIR", "HOME"]) {
        expect(t.secrets, `${name} ${vm}`).not.toContain(vm);
        expect(t.env?.[vm], `${name} ${vm}`).toBeUndefined();
      }
    }
  });

  it("sets a name that is empty on the VM to the empty string, never a secret or a plain line to fill", () => {
    // Secret Manager refuses an empty version: copied as a secret, REDIS_PASSWORD= would stop the setup.
    const r = design("postgres", ["DB_PASSWORD", "SECRET_KEY", "REDIS_PASSWORD", "DEBUG", "REDIS_URL"], "", [
      "REDIS_PASSWORD",
      "DEBUG",
      "DB_PASSWORD",
      "REDIS_URL",
    ]);
    for (const name of ["web", "worker", "nightly"]) {
      const t = target(r, name);
      expect(t.env?.REDIS_PASSWORD, name).toBe("");
      expect(t.secrets, name).not.toContain("REDIS_PASSWORD");
      expect(t.plainEnv ?? [], name).not.toContain("DEBUG");
      // The Cloud SQL user's password is setup-database's, and the Memorystore address the deploy's, even when empty on the VM.
      expect(t.secrets, name).toContain("DB_PASSWORD");
      expect(t.env ?? {}, name).not.toHaveProperty("REDIS_URL");
      expect(t.env ?? {}, name).not.toHaveProperty("DB_PASSWORD");
    }
    expect(target(r, "web").env?.DEBUG).toBe("");
    expect(target(r, "web").secrets).toContain("SECRET_KEY");
    const text = JSON.stringify(r);
    expect(text).toMatch(
      /REDIS_PASSWORD, DEBUG are empty in the VM's env file|DEBUG, REDIS_PASSWORD are empty in the VM's env file/,
    );
  });

  it("lets a crontab line reach its peers' Memorystore when their settings name its address", () => {
    // Laravel's schedule:run queues jobs and takes cache locks; a Django command may call .delay().
    expect(target(pg, "nightly").vpcEgress).toBe("private-ranges-only");
    const r = design("postgres", ["DB_PASSWORD", "SECRET_KEY"]);
    expect(target(r, "nightly").vpcEgress).toBeUndefined();
  });

  it("gives a worker no web-server settings, and a crontab line its peers' settings", () => {
    const worker = target(pg, "worker");
    expect(worker.env).toEqual({ DB_HOST: SOCKET, DB_PORT: "5432" });
    expect(worker.secrets).toEqual(["DB_PASSWORD", "SECRET_KEY"]);
    expect(worker.plainEnv).toEqual(["ALLOWED_HOSTS", "DB"]);
    expect(target(pg, "nightly").secrets).toEqual(["DB_PASSWORD", "SECRET_KEY"]);
    expect(target(pg, "nightly").plainEnv).toEqual(["ALLOWED_HOSTS", "DB"]);
  });

  it("says so in the mapping: values set, values carried", () => {
    const changes = pg.mapping.find((m) => m.service === "web")!.appChanges.join("\n");
    expect(changes).toContain(`DB_HOST=${SOCKET} (the Cloud SQL connector's unix socket folder)`);
    expect(changes).toMatch(/GRANIAN_WORKERS, SECRET_KEY keep their values from the VM/);
    expect(changes).toMatch(/DB_PASSWORD must name the Cloud SQL user and database .*scripts\/setup-database\.sh/);
    expect(changes).toMatch(/ALLOWED_HOSTS, DB are plain settings, not secrets: .*deploy\/cloud-run\.env/);
    expect(changes).toMatch(
      /DB keeps its value from the VM .*it names the engine Cloud SQL keeps, PostgreSQL, in the app's own spelling/,
    );
  });

  it("MySQL reaches the socket through the client's socket setting, with the app's engine spelling", () => {
    const r = design("mysql", ["DB_CONNECTION", "DB_HOST", "DB_SOCKET", "DB_PASSWORD"]);
    expect(target(r, "web").env).toEqual({ DB_HOST: "localhost", DB_SOCKET: SOCKET, FORWARDED_ALLOW_IPS: "*" });
    expect(target(r, "web").plainEnv).toEqual(["DB_CONNECTION"]);
    // Without a socket setting: Django's MySQL backend takes a host starting with / as the socket
    // (the worker runs manage.py); a client that does not (PyMySQL under gunicorn) reaches the
    // instance's private IP, which the deploy sets DB_HOST to; the VM's host is never carried.
    const bare = design("mysql", ["DB_HOST", "DB_PASSWORD"]);
    expect(target(bare, "web").env ?? {}).toEqual({ FORWARDED_ALLOW_IPS: "*" });
    expect(target(bare, "web").cloudSqlPrivateIp).toEqual({ hostEnv: ["DB_HOST"] }); // web also reaches Redis
    expect(target(bare, "worker").env).toEqual({ DB_HOST: SOCKET });
    expect(target(bare, "worker").cloudSqlPrivateIp).toBeUndefined();
    for (const name of ["web", "worker"]) expect(target(bare, name).secrets, name).toEqual(["DB_PASSWORD"]);
    const web = bare.mapping.find((m) => m.service === "web")!.appChanges.join("\n");
    expect(web).toMatch(/takes no socket path .*private IP instead, with no code change/);
    expect(web).toContain("The deploy sets DB_HOST to the Cloud SQL instance's private IP");
    expect(bare.mapping.find((m) => m.service === "worker")!.appChanges.join("\n")).not.toMatch(/takes no socket path/);
  });

  it("Laravel reads DB_SOCKET even when its .env does not set it; JDBC apps without the connector take the private IP", () => {
    const php = design(
      "mysql",
      ["DB_CONNECTION", "DB_HOST", "DB_PORT", "DB_DATABASE", "DB_USERNAME", "DB_PASSWORD"],
      "",
    ).deployment.services; // python services (not Laravel): the private IP instead
    expect(php.find((t) => t.replaces.includes("web"))!.env).toEqual({
      DB_PORT: "3306",
      FORWARDED_ALLOW_IPS: "*",
    });
    const laravel = design(
      "mysql",
      ["SECRET_KEY"],
      `  - name: app
    role: web
    software: php-fpm
    runtime: php
    framework: laravel
    listen: ["127.0.0.1:9000"]
    dependsOn: [db]
    env: [DB_CONNECTION, DB_HOST, DB_PORT, DB_DATABASE, DB_USERNAME, DB_PASSWORD]
  - name: api
    role: web
    software: java
    runtime: java
    command: java -jar app.jar
    listen: ["127.0.0.1:8081"]
    dependsOn: [db]
    env: [SPRING_DATASOURCE_URL, SPRING_DATASOURCE_USERNAME, SPRING_DATASOURCE_PASSWORD, DB_HOST]
`,
    );
    const app = target(laravel, "app");
    expect(app.env).toEqual({ DB_HOST: "localhost", DB_PORT: "3306", DB_SOCKET: SOCKET });
    expect(app.plainEnv).toEqual(["DB_CONNECTION"]);
    expect(app.secrets).toEqual(["DB_DATABASE", "DB_PASSWORD", "DB_USERNAME"]);
    expect(laravel.mapping.find((m) => m.service === "app")!.appChanges.join("\n")).not.toMatch(/takes no socket path/);
    expect(app.cloudSqlPrivateIp).toBeUndefined();
    const api = target(laravel, "api");
    expect(api.env ?? {}).toEqual({});
    expect(api.cloudSqlPrivateIp).toEqual({ hostEnv: ["DB_HOST"], onlyEgress: true });
    expect(api.secrets).toEqual(["SPRING_DATASOURCE_PASSWORD", "SPRING_DATASOURCE_URL", "SPRING_DATASOURCE_USERNAME"]);
    expect(laravel.mapping.find((m) => m.service === "api")!.appChanges.join("\n")).toMatch(
      /JDBC, which cannot open a unix socket, and its build has no Cloud SQL Java connector \(com\.google\.cloud\.sql:mysql-socket-factory-connector-j-8\): it reaches Cloud SQL over the instance's private IP/,
    );
  });

  it("a process that uses the database but shows no database setting gets DATABASE_URL, and is told to read it", () => {
    const r = design("postgres", ["SECRET_KEY"]);
    for (const name of ["web", "worker", "nightly"]) expect(target(r, name).secrets, name).toContain("DATABASE_URL");
    expect(r.mapping.find((m) => m.service === "web")!.appChanges.join("\n")).toMatch(
      /Read the database connection from DATABASE_URL .*the VM sets no database setting/,
    );
    const none = design("postgres", []);
    expect(target(none, "web").secrets).toEqual(["DATABASE_URL"]);
  });

  it("pool sizes and timeouts are not a connection: a process with only those still gets DATABASE_URL", () => {
    // Mastodon's Sidekiq sets DB_POOL and nothing else about its database.
    const tuned = design("postgres", ["DB_POOL", "RAILS_ENV"]);
    expect(target(tuned, "worker").secrets).toEqual(["DATABASE_URL"]);
    expect(target(tuned, "worker").plainEnv).toEqual(["DB_POOL", "RAILS_ENV"]);
    const located = design("postgres", ["DB_POOL", "DB_HOST", "DB_PASS"]);
    expect(target(located, "worker").secrets).not.toContain("DATABASE_URL");
  });
});
