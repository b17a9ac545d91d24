// A JSON settings file in the app's folder (Mattermost's config/config.json) as flattened
// `Section__Key` values: which settings hold secrets (a secret key's value, a URL with a password)
// and which section holds the database connection, with the host its URL names.
import { describe, expect, it } from "vitest";
import { jsonSettingsSecrets } from "../../src/detect/settings-file.js";

describe("jsonSettingsSecrets", () => {
  it.each([
    [
      "a DSN with a password in SqlSettings",
      {
        SqlSettings__DriverName: "postgres",
        SqlSettings__DataSource: "postgres://mm:pw@db.internal:5432/mm?sslmode=disable",
      },
      { secrets: ["[SqlSettings] DataSource"], database: { section: "SqlSettings", host: "db.internal:5432" } },
    ],
    [
      "a password key beside a DSN without one",
      { EmailSettings__SMTPPassword: "s3cret", SqlSettings__DataSource: "postgres://localhost/mm" },
      { secrets: ["[EmailSettings] SMTPPassword"], database: { section: "SqlSettings", host: "localhost" } },
    ],
    ["empty and placeholder secrets", { EmailSettings__SMTPPassword: "", Api__Token: "${TOKEN}" }, { secrets: [] }],
    [
      "a URL with a password outside a database section",
      { Cache__RedisUrl: "redis://:pw@cache:6379/0" },
      { secrets: ["[Cache] RedisUrl"] },
    ],
    ["no secrets", { ServiceSettings__ListenAddress: ":8065", SiteUrl: "https://chat.example.com" }, { secrets: [] }],
  ])("%s", (_, values, want) => {
    expect(jsonSettingsSecrets(values)).toEqual(want);
  });
});
