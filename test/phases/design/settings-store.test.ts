// An app that writes its own settings file while it runs and documents a store in its database
// (Mattermost's config/config.json: rewritten on every start, a write error stops the server since
// 5.30, mattermost/mattermost#16725) must not get that file as a read-only mount at the path it
// writes: the settings move to the store (MM_CONFIG), the connection comes by env override
// (MM_SQLSETTINGS_DATASOURCE), both the Cloud SQL URL setup-database.sh writes with the scheme the
// store reads, and the VM's file is mounted elsewhere as first-start defaults
// (MM_CUSTOM_DEFAULTS_PATH). The rule comes from the table, picked by the program and the file.
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { databaseSettingRole } from "../../../src/contracts/database-settings.js";
import { settingsStoreOf, usableSettingsStore } from "../../../src/contracts/settings-stores.js";
import type { Inventory } from "../../../src/inventory/schema.js";
import { TempTrees } from "../../helpers/file-tree.js";
import { renderOffline } from "../../helpers/offline-output.js";
import { ROOT } from "../../helpers/phase-input.js";

const trees = new TempTrees("settings-store-");
afterAll(() => trees.removeAll());

const MATTERMOST = path.join(ROOT, "test/fixtures/real/mattermost/inventory.yaml");
const mattermostText = readFileSync(MATTERMOST, "utf8");

const inventory = (services: Partial<Inventory["services"][number]>[], file: string, engine = "postgres") =>
  ({
    services: [
      ...services.map((s, i) => ({ name: `s${i}`, role: "web", listen: [], ...s })),
      { name: "db", role: "database", software: engine, listen: [] },
    ],
    data: [{ service: "db", engine }],
    secretFiles: [{ path: file, services: services.map((_, i) => `s${i}`) }],
  }) as unknown as Inventory;

describe("the settings-store table", () => {
  it.each([
    ["the software", { software: "mattermost" }, "/opt/mattermost/config/config.json", "Mattermost"],
    ["the command's program", { command: "/srv/chat/bin/mattermost" }, "/srv/chat/config/config.json", "Mattermost"],
    [
      "another program's config/config.json",
      { software: "node", command: "node server.js" },
      "/srv/app/config/config.json",
      undefined,
    ],
    ["another file of the program", { software: "mattermost" }, "/opt/mattermost/config/other.json", undefined],
  ])("picks a row by %s", (_, service, file, app) => {
    const inv = inventory([service], file);
    expect(settingsStoreOf(inv, inv.secretFiles![0]!)?.app).toBe(app);
  });

  it.each([
    ["postgres", "MM_CONFIG"],
    ["postgis", "MM_CONFIG"],
    ["timescaledb", "MM_CONFIG"],
    ["mysql", undefined],
    ["mssql", undefined],
  ])("on %s: %s (the store takes the engines it documents)", (engine, env) => {
    const inv = inventory([{ software: "mattermost" }], "/opt/mattermost/config/config.json", engine);
    expect(usableSettingsStore(inv, inv.secretFiles![0]!)?.storeEnv).toBe(env);
  });

  it("reads the store's names as database URLs, which setup-database.sh writes", () => {
    expect(databaseSettingRole("MM_CONFIG")).toBe("url");
    expect(databaseSettingRole("MM_SQLSETTINGS_DATASOURCE")).toBe("url");
    expect(databaseSettingRole("MM_SERVICESETTINGS_SITEURL")).toBeUndefined();
  });
});

describe("Mattermost on Cloud SQL for PostgreSQL", () => {
  it("keeps its settings in the database, never in a read-only file it writes", async () => {
    const { artifacts } = await renderOffline(MATTERMOST);
    const file = (p: string) => artifacts.find((a) => a.path === p)!.content;
    const deploy = file(".github/workflows/deploy.yml");
    expect(deploy).toContain(
      "--set-secrets=MM_CONFIG=MM_CONFIG:latest,MM_SQLSETTINGS_DATASOURCE=MM_SQLSETTINGS_DATASOURCE:latest,/secrets/config-json/config.json=config-json:latest",
    );
    expect(deploy).toContain("--set-env-vars=MM_CUSTOM_DEFAULTS_PATH=/secrets/config-json/config.json");
    // The image keeps the release's own writable config/config.json: no link into the mount.
    expect(file("Dockerfile")).not.toMatch(/ln -sfn \/secrets\/config-json/);
    // Both URLs carry postgres:// (the store's driver name); DATABASE_URL is not invented.
    const setupDb = file("scripts/setup-database.sh");
    expect(setupDb).toMatch(/^URL_SECRETS=\( MM_CONFIG MM_SQLSETTINGS_DATASOURCE \)$/m);
    expect(setupDb).toMatch(/ SCHEME=postgres /);
    expect(deploy).not.toContain("DATABASE_URL");
    // The plan says where the settings live and that the console's edits persist; no edit of the file.
    expect(file("docs/migration/README.md")).toMatch(
      /System Console changes are saved in the database, so they persist/,
    );
    const plan = file("docs/migration/design/mapping.json");
    expect(plan).not.toMatch(/store a version of that secret with the host/);
    expect(plan).toContain("https://docs.mattermost.com/configure/configuration-in-your-database.html");
    expect(plan).toMatch(/MM_CUSTOM_DEFAULTS_PATH points there: on the first start against an empty store/);
  });

  it("on MySQL keeps the mounted file as before (the store takes PostgreSQL only)", async () => {
    const text = mattermostText
      .replace(/engine: postgres/g, "engine: mysql")
      .replace(/software: postgres/, "software: mysql");
    expect((parse(text) as Inventory).data![0]!.engine).toBe("mysql");
    const dir = trees.makeSync({ "inventory.yaml": text });
    const repo = trees.makeSync({ "README.md": "# chat\n" });
    const { artifacts } = await renderOffline(`${dir}/inventory.yaml`, repo);
    const deploy = artifacts.find((a) => a.path === ".github/workflows/deploy.yml")!.content;
    expect(deploy).not.toContain("MM_CONFIG");
    expect(artifacts.find((a) => a.path === "Dockerfile")!.content).toContain(
      "ln -sfn /secrets/config-json/config.json /app/config/config.json",
    );
  });
});
