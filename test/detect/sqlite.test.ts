// SQLite databases: no process shows them, so they are read from the settings the app runs with,
// its config files, the file on the VM's disk, or (repository only) its libraries. A server
// database the deployment selects always wins over a sqlite default in the same settings.
import { describe, expect, it } from "vitest";
import { emptyContext, readAppFiles, type AppContext } from "../../src/detect/app-context.js";
import { detectSqlite, sqliteUrlPath } from "../../src/detect/sqlite.js";

async function context(files: Record<string, string>): Promise<AppContext> {
  const app = emptyContext();
  await readAppFiles(app, { files: Object.keys(files).sort(), read: async (f) => files[f] });
  return app;
}

const DJANGO_SETTINGS = `DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}}\n`;
const RAILS_YML = (adapter: string) =>
  `default: &default\n  adapter: ${adapter}\n  pool: 5\n\ndevelopment:\n  <<: *default\n  database: storage/development.sqlite3\n\nproduction:\n  <<: *default\n  database: storage/production.sqlite3\n`;

describe("detectSqlite", () => {
  it.each([
    [
      "DATABASE_URL=sqlite:////var/lib/app/app.db",
      { DATABASE_URL: "sqlite:////var/lib/app/app.db" },
      "/var/lib/app/app.db",
    ],
    [
      "Laravel DB_CONNECTION + DB_DATABASE",
      { DB_CONNECTION: "sqlite", DB_DATABASE: "/srv/app/database/database.sqlite" },
      "/srv/app/database/database.sqlite",
    ],
    [
      "Healthchecks DB + DB_NAME",
      { DB: "sqlite", DB_NAME: "/var/lib/healthchecks/hc.sqlite" },
      "/var/lib/healthchecks/hc.sqlite",
    ],
    ["Gitea-style DB_TYPE=sqlite3, no path", { GITEA__database__DB_TYPE: "x", DB_TYPE: "sqlite3" }, undefined],
  ])("env: %s", async (_case, env, path) => {
    const found = detectSqlite(env, emptyContext(), undefined, undefined);
    expect(found?.source).toMatch(/^environment/);
    expect(found?.path).toBe(path);
  });

  it("a server engine in use wins over a sqlite default in the same settings (Healthchecks with DB=postgres)", async () => {
    const app = await context({ "hc/settings.py": DJANGO_SETTINGS });
    expect(detectSqlite({ DB: "postgres" }, app, "postgres", "/opt/hc")).toBeUndefined();
    expect(detectSqlite({}, app, undefined, "/opt/hc")?.source).toBe("hc/settings.py");
  });

  it.each([
    ["Django ENGINE sqlite3", { "app/settings.py": DJANGO_SETTINGS }, "app/settings.py"],
    ["Rails production adapter sqlite3", { "config/database.yml": RAILS_YML("sqlite3") }, "config/database.yml"],
    [
      "Laravel 11 default connection",
      { "config/database.php": "'default' => env('DB_CONNECTION', 'sqlite'),\n" },
      "config/database.php",
    ],
    [
      "Gitea app.ini",
      { "custom/conf/app.ini": "[database]\nDB_TYPE = sqlite3\nPATH = /data/gitea.db\n" },
      "custom/conf/app.ini",
    ],
    ["Uptime Kuma db-config.json", { "data/db-config.json": '{ "type": "sqlite" }' }, "data/db-config.json"],
  ])("config: %s", async (_case, files, source) => {
    expect(detectSqlite({}, await context(files), undefined, undefined)?.source).toBe(source);
  });

  it.each([
    ["Rails on PostgreSQL", { "config/database.yml": RAILS_YML("postgresql") }],
    ["Uptime Kuma on MariaDB", { "data/db-config.json": '{ "type": "mariadb" }' }],
    ["Laravel defaulting to mysql", { "config/database.php": "'default' => env('DB_CONNECTION', 'mysql'),\n" }],
  ])("config that is not sqlite: %s", async (_case, files) => {
    expect(detectSqlite({}, await context(files), undefined, undefined)).toBeUndefined();
  });

  it("the file in the app's folder on the VM: the production one, never tests, packages or development copies", async () => {
    const app = await context({
      "node_modules/sqlite3/test/support/prefilled.db": "",
      "test/fixtures/sample.db": "",
      "storage/development.sqlite3": "",
      "storage/production.sqlite3": "",
    });
    expect(detectSqlite({}, app, undefined, "/srv/app")).toEqual({
      path: "/srv/app/storage/production.sqlite3",
      source: "storage/production.sqlite3",
    });
    const kuma = await context({ "data/kuma.db": "", "data/db-config.json": '{"type":"sqlite"}' });
    expect(detectSqlite({}, kuma, undefined, "/opt/uptime-kuma")).toEqual({
      path: "/opt/uptime-kuma/data/kuma.db",
      source: "data/db-config.json",
    });
  });

  it("H2 (a JVM app's embedded database): its .mv.db or .h2.db file, or a jdbc:h2: file URL in a settings file", async () => {
    const traccar = await context({ "data/database.mv.db": "", "conf/traccar.xml": "" });
    expect(detectSqlite({}, traccar, undefined, "/opt/traccar")).toEqual({
      engine: "h2",
      path: "/opt/traccar/data/database.mv.db",
      source: "data/database.mv.db",
    });
    const old = await context({ "db/app.h2.db": "" });
    expect(detectSqlite({}, old, undefined, "/srv/app")?.engine).toBe("h2");
    const spring = await context({
      "src/main/resources/application.properties":
        "spring.datasource.url=jdbc:h2:file:/var/lib/app/db;AUTO_SERVER=TRUE\n",
    });
    expect(detectSqlite({}, spring, undefined, undefined)).toEqual({
      engine: "h2",
      path: "/var/lib/app/db.mv.db",
      source: "src/main/resources/application.properties",
    });
    // An in-memory database or an H2 server (another process's) is not a file this app opens.
    for (const url of ["jdbc:h2:mem:testdb", "jdbc:h2:tcp://localhost/~/test"]) {
      const app = await context({ "src/main/resources/application.properties": `spring.datasource.url=${url}\n` });
      expect(detectSqlite({}, app, undefined, undefined)).toBeUndefined();
    }
    // A SQLite file is still SQLite (no engine field).
    expect(detectSqlite({}, await context({ "data/kuma.db": "" }), undefined, "/opt/kuma")?.engine).toBeUndefined();
  });

  it("a library alone counts only when the VM's copy is not read (a repository has no data file)", async () => {
    const app = await context({ "package.json": '{"dependencies": {"better-sqlite3": "^9"}}' });
    expect(detectSqlite({}, app, undefined, undefined)).toEqual({ source: "dependencies (better-sqlite3)" });
    expect(detectSqlite({}, app, undefined, "/srv/app")).toBeUndefined();
    const go = await context({ "go.mod": "module example.com/memos\n\nrequire (\n\tmodernc.org/sqlite v1.29.0\n)\n" });
    expect(detectSqlite({}, go, undefined, undefined)?.source).toBe("dependencies (modernc.org/sqlite)");
  });

  it.each([
    ["sqlite:////var/lib/a.db", "/var/lib/a.db"],
    ["sqlite:///var/lib/a.db", "/var/lib/a.db"],
    ["sqlite3:/data/a.sqlite3", "/data/a.sqlite3"],
    ["file:/data/a.db?cache=shared", "/data/a.db"],
    ["sqlite://relative.db", undefined],
    ["postgres://db/app", undefined],
  ])("sqliteUrlPath(%s) = %s", (url, path) => {
    expect(sqliteUrlPath(url)).toBe(path);
  });
});

describe("over ssh, with the repository checked out elsewhere", () => {
  it("finds the file in the folder the app runs in on the VM (Uptime Kuma under pm2)", async () => {
    const { sharedSshRead } = await import("../helpers/host-reads.js");
    const { detectRepo } = await import("../../src/detect/detect-repo.js");
    const { mkdtemp, copyFile, rm } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const path = await import("node:path");
    const vm = path.resolve(import.meta.dirname, "../fixtures/real/uptime-kuma/vm");
    const repo = await mkdtemp(path.join(tmpdir(), "im-kuma-repo-"));
    await copyFile(path.join(vm, "opt/uptime-kuma/package.json"), path.join(repo, "package.json"));
    try {
      const facts = await detectRepo(repo, {
        host: { root: (await sharedSshRead(vm)).root, readListeners: async () => "" },
        readRemote: async () => undefined,
      });
      expect(facts.database).toMatchObject({ engine: "sqlite", path: "/opt/uptime-kuma/data/kuma.db" });
    } finally {
      await rm(repo, { recursive: true, force: true });
    }
  });
});
