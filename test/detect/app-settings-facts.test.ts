// A settings file from the app's folder that git ignores and that sets credentials reaches Cloud Run
// whole, as a secret file; the settings Cloud Run changes are read from it so the plan can name
// them: the app's own listener and its database entry, from the production entry of a file keyed
// by environment (HedgeDoc's config.json by NODE_ENV, Rails' database.yml by RAILS_ENV).
import { describe, expect, it } from "vitest";
import ignore from "ignore";
import { appSettingsFacts } from "../../src/detect/app-settings-facts.js";
import { ignoredSettingsWithCredentials } from "../../src/detect/secret-files.js";

const HEDGEDOC = JSON.stringify({
  test: { db: { dialect: "sqlite", storage: ":memory:" } },
  development: { db: { dialect: "sqlite" }, domain: "localhost" },
  production: {
    domain: "notes.example.org",
    host: "127.0.0.1",
    port: 3000,
    protocolUseSSL: true,
    hsts: { enable: true },
    sessionSecret: "FAKE",
    db: { username: "hedgedoc", password: "FAKE", host: "localhost", port: "5432", dialect: "postgres" },
  },
});

describe("appSettingsFacts", () => {
  it.each([
    [
      "HedgeDoc's config.json: production's host and port, its db entry",
      "config.json",
      HEDGEDOC,
      {
        database: { section: "production.db", host: "localhost" },
        server: { section: "production", addrKey: "host", addr: "127.0.0.1", portKey: "port", port: 3000 },
      },
    ],
    [
      "Rails' database.yml: the production entry is the database (adapter, host)",
      "database.yml",
      "default: &default\n  adapter: mysql2\n  host: localhost\nproduction:\n  <<: *default\n  database: redmine\n  password: FAKE\ndevelopment:\n  adapter: sqlite3\n",
      { database: { section: "production", host: "localhost" } },
    ],
    [
      "a flat JSON file: its top-level listener, its database map",
      "settings.json",
      '{"bind": "localhost", "port": 8080, "database": {"host": "10.0.0.5", "password": "FAKE"}}',
      {
        database: { section: "database", host: "10.0.0.5" },
        server: { section: "", addrKey: "bind", addr: "localhost", portKey: "port", port: 8080 },
      },
    ],
    [
      "a YAML file's server section",
      "config.yml",
      "server:\n  host: 127.0.0.1\n  port: 9000\nsecret_key: FAKE\n",
      { server: { section: "server", addrKey: "host", addr: "127.0.0.1", portKey: "port", port: 9000 } },
    ],
    [
      "a mail server's address is not the app's listener",
      "configuration.yml",
      "production:\n  email_delivery:\n    smtp_settings:\n      address: smtp.example.org\n      port: 587\n      password: FAKE\n",
      {},
    ],
    [
      "a file keyed by environment with no production entry gives nothing",
      "config.json",
      '{"development": {"host": "127.0.0.1", "port": 3000}, "test": {"db": {"host": "x"}}}',
      {},
    ],
    [
      "an INI file through its sections",
      "app.cfg",
      "[database]\nhost = localhost\npassword = FAKE\n",
      { database: { section: "database", host: "localhost" } },
    ],
    ["code is not read for values", "local_settings.py", "SECRET_KEY = 'FAKE'\nHOST = '127.0.0.1'\n", {}],
    ["a file that does not parse", "config.json", "{ not json", {}],
  ])("%s", (_what, file, text, want) => {
    expect(appSettingsFacts(text, file)).toEqual(want);
  });

  it("ignoredSettingsWithCredentials carries what the file sets", async () => {
    const found = await ignoredSettingsWithCredentials(
      "/opt/hedgedoc",
      ["/opt/hedgedoc/config.json", "/opt/hedgedoc/config.json.example"],
      [],
      (rel) => ignore().add("config.json\n").ignores(rel),
      async (f) => (f.endsWith("config.json") ? HEDGEDOC : undefined),
    );
    expect(found).toEqual([
      {
        path: "/opt/hedgedoc/config.json",
        database: { section: "production.db", host: "localhost" },
        server: { section: "production", addrKey: "host", addr: "127.0.0.1", portKey: "port", port: 3000 },
      },
    ]);
  });
});
