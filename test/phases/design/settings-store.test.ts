// An app that writes its own settings file while it runs and documents a store in its database
// (Mattermost's config/config.json: rewritten on every start, a write error stops the server since
// 5.30, mattermost/mattermost#16725) must not get that file as a read-only mount at the path it
// writes: the settings move to the store (MM_CONFIG), the connection comes by env override
// (MM_SQLSETTINGS_DATASOURCE), both the Cloud SQL URL setup-database.sh writes with the scheme the
// store reads, and the VM's file is mounted elsewhere as first-start defaults
// (MM_CUSTOM_DEFAULTS_PATH). The rule comes from the table, picked by the program and the file.
import { chmodSync, readFileSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { databaseSettingRole } from "../../../src/contracts/database-settings.js";
import { settingsStoreOf, usableSettingsStore } from "../../../src/contracts/settings-stores.js";
import type { Inventory } from "../../../src/inventory/schema.js";
import { shellcheck } from "../../../src/validate/shellcheck.js";
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
    ["mysql", "MM_CONFIG"],
    ["mariadb", "MM_CONFIG"],
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

/** The store's two settings and the VM's file as first-start defaults; the image keeps the
 *  release's own writable config/config.json (no link into the read-only mount). */
function expectStoreDeploy(file: (path: string) => string): void {
  const deploy = file(".github/workflows/deploy.yml");
  expect(deploy).toContain(
    "--set-secrets=MM_CONFIG=MM_CONFIG:latest,MM_SQLSETTINGS_DATASOURCE=MM_SQLSETTINGS_DATASOURCE:latest,/secrets/config-json/config.json=config-json:latest",
  );
  expect(deploy).toContain("--set-env-vars=MM_CUSTOM_DEFAULTS_PATH=/secrets/config-json/config.json");
  expect(file("Dockerfile")).not.toMatch(/ln -sfn \/secrets\/config-json/);
}

describe("Mattermost on Cloud SQL for PostgreSQL", () => {
  it("keeps its settings in the database, never in a read-only file it writes", async () => {
    const { artifacts } = await renderOffline(MATTERMOST);
    const file = (p: string) => artifacts.find((a) => a.path === p)!.content;
    expectStoreDeploy(file);
    // Both carry postgres:// (the store's driver name) and sslmode=disable as Mattermost's documented
    // DataSource has it (the Cloud SQL socket carries no TLS); DATABASE_URL is not invented.
    const setupDb = file("scripts/setup-database.sh");
    expect(setupDb).toMatch(/^STORE_SECRETS=\( MM_CONFIG MM_SQLSETTINGS_DATASOURCE \)$/m);
    expect(setupDb).toMatch(/^URL_SECRETS=\( \)$/m);
    for (const name of ["MM_CONFIG", "MM_SQLSETTINGS_DATASOURCE"])
      expect(setupDb).toContain(
        `printf '%s %s\\n' ${name} "postgres://$DB_USER:$1@/$DATABASE?host=/cloudsql/$CONNECTION&sslmode=disable&connect_timeout=10"`,
      );
    expect(file(".github/workflows/deploy.yml")).not.toContain("DATABASE_URL");
    // The plan says where the settings live and that the console's edits persist; no edit of the file.
    expect(file("docs/migration/README.md")).toMatch(
      /System Console changes are saved in the database, so they persist/,
    );
    const plan = file("docs/migration/design/mapping.json");
    expect(plan).not.toMatch(/store a version of that secret with the host/);
    expect(plan).toContain("https://docs.mattermost.com/configure/configuration-in-your-database.html");
    expect(plan).toMatch(/MM_CUSTOM_DEFAULTS_PATH points there: on the first start against an empty store/);
  });
});

/** The corpus's Mattermost inventory, changed by `edit` (another engine, an AI worker), rendered offline. */
async function mattermostWith(edit: (text: string) => string) {
  const dir = trees.makeSync({ "inventory.yaml": edit(mattermostText) });
  const repo = trees.makeSync({ "README.md": "# chat\n" });
  const { artifacts, results } = await renderOffline(`${dir}/inventory.yaml`, repo);
  const file = (p: string) => artifacts.find((a) => a.path === p)!.content;
  return { file, results };
}

const onEngine = (engine: string, software: string) => (text: string) =>
  text.replace(/engine: postgres/g, `engine: ${engine}`).replace(/software: postgres$/m, `software: ${software}`);

/** setup-database.sh --dry-run with gcloud and curl that only log: the values it would store. */
async function dryRun(script: string): Promise<Record<string, string>> {
  const dir = trees.makeSync({
    "setup-database.sh": script,
    "bin/gcloud": '#!/usr/bin/env bash\ncase " $* " in *" describe "*) exit 1 ;; esac\nexit 0\n',
    "bin/curl": "#!/usr/bin/env bash\nexit 0\n",
  });
  chmodSync(`${dir}/bin/gcloud`, 0o755);
  chmodSync(`${dir}/bin/curl`, 0o755);
  const r = await execa("bash", [`${dir}/setup-database.sh`, "--dry-run"], {
    reject: false,
    extendEnv: false,
    env: { PATH: `${dir}/bin:/usr/bin:/bin` },
  });
  expect(r.exitCode, r.stderr).toBe(0);
  const stored = [...r.stdout.matchAll(/^\+ gcloud secrets versions add (\S+) .*# (.*)$/gm)];
  return Object.fromEntries(stored.map((m) => [m[1]!, m[2]!]));
}

describe("Mattermost on Cloud SQL for MySQL (a MySQL copy of the corpus inventory)", () => {
  it("keeps its settings in the database: MM_CONFIG is mysql:// + go-sql-driver's DSN, the override the bare DSN", async () => {
    const { file, results } = await mattermostWith(onEngine("mysql", "mysql"));
    expect((results.design as { deployment: { database: { engine: string } } }).deployment.database.engine).toBe(
      "mysql",
    );
    expectStoreDeploy(file);
    const setupDb = file("scripts/setup-database.sh");
    const socket = "unix(/cloudsql/mattermost-prod:us-central1:mattermost-db)/mattermost";
    const params = "charset=utf8mb4,utf8&readTimeout=30s&writeTimeout=30s";
    expect(await dryRun(setupDb)).toEqual({
      MM_CONFIG: `mysql://app:****@${socket}?${params}`,
      MM_SQLSETTINGS_DATASOURCE: `app:****@${socket}?${params}`,
    });
    expect(await shellcheck(setupDb)).toEqual([]);
    // The plan and its README say both forms.
    expect(file("docs/migration/README.md")).toContain(
      `\`MM_CONFIG\` as \`mysql://USER:PASSWORD@${socket}?${params}\``,
    );
    expect(file("docs/migration/design/mapping.json")).toContain(
      "MM_SQLSETTINGS_DATASOURCE USER:PASSWORD@unix(/cloudsql/CONNECTION)/DATABASE?charset=utf8mb4,utf8",
    );
  });

  it("MariaDB on the VM: the same (Cloud SQL runs MySQL 8)", async () => {
    const { file } = await mattermostWith(onEngine("mariadb", "mariadb"));
    expect(file("scripts/setup-database.sh")).toMatch(/^STORE_SECRETS=\( MM_CONFIG MM_SQLSETTINGS_DATASOURCE \)$/m);
  });

  it("postgis on the VM: Cloud SQL for PostgreSQL and the store, as for postgres", async () => {
    const { file, results } = await mattermostWith(onEngine("postgis", "postgis"));
    expect((results.design as { deployment: { database: { engine: string } } }).deployment.database.engine).toBe(
      "postgres",
    );
    expect(file(".github/workflows/deploy.yml")).toContain("MM_CONFIG=MM_CONFIG:latest");
  });
});

describe("Mattermost with an AI worker beside it", () => {
  it("each setting gets its own form: the store's postgres://, the worker's SQLAlchemy URL", async () => {
    const { file } = await mattermostWith(
      (text) => `${text}llm:\n  useCase: summarise long threads\n  latencySeconds: [5, 15]\n  provider: vertex-ai\n`,
    );
    const setupDb = file("scripts/setup-database.sh");
    const stored = await dryRun(setupDb);
    expect(stored.MM_CONFIG).toMatch(/^postgres:\/\/app:\*\*\*\*@\/mattermost\?host=\/cloudsql\/.*&sslmode=disable/);
    expect(stored.MM_SQLSETTINGS_DATASOURCE).toBe(stored.MM_CONFIG);
    const worker = Object.entries(stored).filter(([name]) => !name.startsWith("MM_"));
    expect(worker.length).toBeGreaterThan(0);
    for (const [, url] of worker) expect(url).toMatch(/^postgresql(\+\w+)?:\/\//);
    expect(await shellcheck(setupDb)).toEqual([]);
  });
});
