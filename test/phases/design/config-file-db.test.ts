// An app configured by a file reads its database from the names that file reads (paperless.conf,
// Laravel's config/database.php, Rails' database.yml), or from a literal Python dict that needs an
// edit (NetBox's configuration.py); the design sets those names on Cloud Run, never a DATABASE_URL
// the app does not read.
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { databaseSettingRole } from "../../../src/contracts/database-settings.js";
import {
  configFileDatabase,
  configSecretFile,
  missingSplitSettings,
  pythonDictEdit,
} from "../../../src/phases/design/rules/config-file-db.js";
import type { Deployment } from "../../../src/contracts/deployment.js";
import { TempTrees } from "../../helpers/file-tree.js";
import { renderOffline, repoFor } from "../../helpers/offline-output.js";
import { ROOT } from "../../helpers/phase-input.js";
import { designPhase } from "../../../src/phases/design/index.js";
import { designResultSchema } from "../../../src/phases/design/schema.js";
import { designInputFromYaml } from "./design-input.js";

const REAL = (app: string) => path.join(ROOT, "test/fixtures/real", app, "inventory.yaml");
const trees = new TempTrees("cfg-db-");
afterAll(() => trees.removeAll());
const repo = (files: Record<string, string>) => trees.make(files);

describe("configFileDatabase", () => {
  it.each([
    [
      "paperless-ngx",
      "paperless.conf",
      "env",
      [
        "PAPERLESS_DBENGINE",
        "PAPERLESS_DBHOST",
        "PAPERLESS_DBNAME",
        "PAPERLESS_DBPASS",
        "PAPERLESS_DBPORT",
        "PAPERLESS_DBUSER",
      ],
    ],
    [
      "pixelfed",
      "config/database.php",
      "env",
      ["DB_CONNECTION", "DB_DATABASE", "DB_HOST", "DB_PASSWORD", "DB_PORT", "DB_SOCKET", "DB_USERNAME"],
    ],
    [
      "netbox",
      "netbox/netbox/configuration.py",
      "python-dict",
      ["DB_HOST", "DB_NAME", "DB_PASSWORD", "DB_PORT", "DB_USER"],
    ],
  ])("%s: %s", (app, file, kind, names) => {
    expect(configFileDatabase(repoFor(REAL(app)))).toMatchObject({ file, kind, names });
  });

  it("Rails' database.yml (ENV[] and ENV.fetch), not a test env file, not a file that already reads the environment", async () => {
    const rails = await repo({
      "config/database.yml":
        "production:\n  host: <%= ENV['DATABASE_HOST'] %>\n  password: <%= ENV.fetch(\"DATABASE_PASSWORD\") %>\n  pool: <%= ENV['RAILS_MAX_THREADS'] %>\n",
      ".env.testing": "DB_HOST=127.0.0.1\n",
    });
    expect(configFileDatabase(rails)).toEqual({
      file: "config/database.yml",
      kind: "env",
      names: ["DATABASE_HOST", "DATABASE_PASSWORD"],
    });
    expect(
      configFileDatabase(await repo({ ".env.testing": "DB_HOST=x\n", "README.md": "DB_HOST=x\n" })),
    ).toBeUndefined();
    const envReading = await repo({
      "app/configuration.py": "import os\nDATABASE = {'NAME': os.environ['DB_NAME']}\n",
    });
    expect(configFileDatabase(envReading)).toBeUndefined();
    expect(configFileDatabase(undefined)).toBeUndefined();
  });
});

describe("configFileDatabase: a Node app's config module reading process.env", () => {
  // HedgeDoc: the VM's settings are in a git-ignored config.json; lib/config/environment.js reads
  // CMD_DB_URL and its parts over it, and a legacy oldEnvironment.js reads DATABASE_URL.
  it.each<[string, Record<string, string>, { file: string; names: string[] } | undefined]>([
    [
      "lib/config: the module that reads a URL, before a legacy one",
      {
        "lib/config/environment.js":
          "module.exports = {\n  dbURL: process.env.CMD_DB_URL,\n  db: { username: process.env.CMD_DB_USERNAME, password: process.env['CMD_DB_PASSWORD'] },\n  domain: process.env.CMD_DOMAIN\n}\n",
        "lib/config/default.js": "module.exports = { port: 3000 }\n",
        "lib/config/dbhost.js": "module.exports = { host: process.env.LEGACY_DB_HOST }\n",
      },
      { file: "lib/config/environment.js", names: ["CMD_DB_PASSWORD", "CMD_DB_URL", "CMD_DB_USERNAME"] },
    ],
    [
      "a root config.js with split settings",
      { "config.js": "export default { host: process.env.DB_HOST, password: process.env.DB_PASSWORD }\n" },
      { file: "config.js", names: ["DB_HOST", "DB_PASSWORD"] },
    ],
    [
      "an example or test config module is not production's",
      {
        "src/config/database.example.js": "module.exports = { url: process.env.DATABASE_URL }\n",
        "config/test.js": "module.exports = { url: process.env.DATABASE_URL }\n",
      },
      undefined,
    ],
    [
      "code outside a config folder says nothing",
      { "lib/models/index.js": "new Sequelize(process.env.DATABASE_URL)\n" },
      undefined,
    ],
  ])("%s", async (_name, files, want) => {
    const found = configFileDatabase(await repo(files));
    if (want) expect(found).toEqual({ ...want, kind: "env" });
    else expect(found).toBeUndefined();
  });
});

describe("missingSplitSettings", () => {
  const documented = ["PAPERLESS_DBHOST", "PAPERLESS_DBUSER", "PAPERLESS_DBPASS", "PAPERLESS_DBNAME"];
  it.each<[string[], string[], string[]]>([
    [
      ["PAPERLESS_DBHOST", "PAPERLESS_DBPASS"],
      ["user", "name"],
      ["PAPERLESS_DBUSER", "PAPERLESS_DBNAME"],
    ],
    [["PAPERLESS_DBUSER", "PAPERLESS_DBPASS", "PAPERLESS_DBNAME"], [], []],
    // A URL carries the user and database; no split setting at all is another case (configFileDatabase).
    [["DATABASE_URL", "DB_PASSWORD"], [], []],
    [["SECRET_KEY"], [], []],
  ])("%j lacks %j", (names, roles, added) => {
    expect(missingSplitSettings(names, documented)).toEqual({ roles, names: added });
  });
  it("without a documented name, the role is still reported (the plan says to match the app's defaults)", () => {
    expect(missingSplitSettings(["DB_PASSWORD"])).toEqual({ roles: ["user", "name"], names: [] });
  });
});

describe("the edit of a literal Python DATABASES dict", () => {
  const cfg = {
    file: "netbox/netbox/configuration.py",
    names: ["DB_HOST"],
    kind: "python-dict" as const,
    dict: "DATABASES['default']",
  };
  it.each([
    // Kept out of git and holding credentials: a secret file, edited where it is stored.
    [
      [{ path: "/opt/netbox/netbox/netbox/configuration.py" }],
      "in the copy of netbox/netbox/configuration.py in Secret Manager",
    ],
    // In the repository (or not on the VM as a secret file): edited in the file the image is built with.
    [[{ path: "/opt/other/configuration.py" }], "in netbox/netbox/configuration.py, add"],
    [[], "in netbox/netbox/configuration.py, add"],
  ])("secret files %j: %s", (files, where) => {
    const edit = pythonDictEdit(cfg, "postgres", configSecretFile(cfg, files) !== undefined);
    expect(edit.startsWith(where)).toBe(true);
    expect(edit.includes("the image carries that file")).toBe(files.length === 0 || !where.includes("Secret"));
    expect(edit.length).toBeLessThanOrEqual(600);
  });
});

describe.each(["paperless-ngx", "netbox", "pixelfed"])("%s on Cloud SQL", async (app) => {
  const out = await renderOffline(REAL(app));
  const design = out.results.design as { deployment: Deployment; mapping: Array<{ appChanges: string[] }> };
  const appTargets = design.deployment.services.filter(
    (t) => t.cloudSqlInstance && !/-ai-(worker|gateway)$/.test(t.name),
  );
  const changes = design.mapping.flatMap((m) => m.appChanges).join("\n");

  it("every app target reads a socket host and the Cloud SQL user, password and database name, no DATABASE_URL", () => {
    expect(appTargets.length).toBeGreaterThan(0);
    const socket = `/cloudsql/${design.deployment.project}:${design.deployment.region}:${design.deployment.database!.instance}`;
    for (const t of appTargets) {
      expect(t.secrets, t.name).not.toContain("DATABASE_URL");
      const hosts = Object.entries(t.env ?? {})
        .filter(([k]) => databaseSettingRole(k) === "host")
        .map(([, v]) => v);
      expect(hosts.length, t.name).toBe(1);
      // PostgreSQL takes the socket folder as host; MySQL localhost beside the socket setting.
      expect([socket, "localhost"], t.name).toContain(hosts[0]);
      if (hosts[0] === "localhost") expect(Object.values(t.env!)).toContain(socket);
      // Each part setup-database.sh creates is set, none left at the app's default.
      const roles = t.secrets
        .map((n) => databaseSettingRole(n))
        .filter(Boolean)
        .sort();
      expect(roles, t.name).toEqual(["name", "password", "user"]);
    }
  });

  it("the mapping says where the names come from", () => {
    expect(changes).not.toMatch(/Read the database connection from DATABASE_URL/);
    // NetBox's .gitignore leaves configuration.py out: the VM's copy is a secret file, so the edit
    // goes into the version stored in Secret Manager, never into an image.
    if (app === "netbox")
      expect(changes).toContain(
        "in the copy of netbox/netbox/configuration.py in Secret Manager (the VM's copy, a secret file mounted on every instance, never in the image), add `import os`",
      );
    if (app === "netbox") expect(changes).not.toContain("the image carries that file");
    if (app === "netbox") expect(changes).toContain("'PASSWORD': os.environ['DB_PASSWORD']");
    if (app === "paperless-ngx")
      expect(changes).toContain(
        "sets no database user and database name on the VM (the app's default applied there), but the Cloud SQL user and database scripts/setup-database.sh creates have their own names: the deploy sets PAPERLESS_DBNAME, PAPERLESS_DBUSER (documented in paperless.conf)",
      );
  });
});

// WordPress's wp-config.php (and the wp-config-sample.php it is made from) defines DB_NAME, DB_USER,
// DB_PASSWORD and DB_HOST as constants: the app never reads a DATABASE_URL. A define that reads the
// environment (the official image's getenv_docker, Bedrock's env()) names that variable instead.
describe("configFileDatabase: a PHP config file's defines", () => {
  const SAMPLE =
    "<?php\ndefine( 'DB_NAME', 'database_name_here' );\ndefine( 'DB_USER', 'username_here' );\ndefine( 'DB_PASSWORD', 'password_here' );\ndefine( 'DB_HOST', 'localhost' );\ndefine( 'AUTH_KEY', 'put your unique phrase here' );\n";
  it.each<[string, Record<string, string>, { file: string; kind: string; names: string[] } | undefined]>([
    [
      "wp-config-sample.php: literals, to edit",
      { "wp-config-sample.php": SAMPLE, "index.php": "<?php require 'wp-blog-header.php';\n" },
      { file: "wp-config-sample.php", kind: "php-define", names: ["DB_HOST", "DB_NAME", "DB_PASSWORD", "DB_USER"] },
    ],
    [
      "the official image's wp-config-docker.php reads WORDPRESS_DB_*",
      {
        "wp-config-docker.php":
          "<?php\ndefine( 'DB_NAME', getenv_docker('WORDPRESS_DB_NAME', 'wordpress') );\ndefine( 'DB_HOST', getenv_docker('WORDPRESS_DB_HOST', 'mysql') );\n",
      },
      { file: "wp-config-docker.php", kind: "env", names: ["WORDPRESS_DB_HOST", "WORDPRESS_DB_NAME"] },
    ],
    [
      "Bedrock's config/application.php reads env()",
      {
        "config/application.php":
          "<?php\nConfig::define('DB_NAME', env('DB_NAME'));\nConfig::define('DB_USER', env('DB_USER'));\n",
      },
      { file: "config/application.php", kind: "env", names: ["DB_NAME", "DB_USER"] },
    ],
    ["a PHP file defining no database setting", { "config.php": "<?php\ndefine('APP_NAME', 'x');\n" }, undefined],
  ])("%s", async (_name, files, want) => {
    const found = configFileDatabase(await repo(files));
    if (want) expect(found).toEqual(want);
    else expect(found).toBeUndefined();
  });

  it("without the repository, a WordPress inventory's processes read wp-config.php's constants, not DATABASE_URL", () => {
    const r = designResultSchema.parse(designPhase.offline(designInputFromYaml(WORDPRESS)));
    for (const t of r.deployment.services) {
      expect(t.secrets, t.name).toEqual(["DB_NAME", "DB_PASSWORD", "DB_USER"]);
      expect(t.cloudSqlPrivateIp?.hostEnv, t.name).toEqual(["DB_HOST"]);
    }
    const changes = r.mapping.flatMap((m) => m.appChanges ?? []);
    expect(changes.filter((c) => c.includes("DATABASE_URL") && !c.includes("not a DATABASE_URL"))).toEqual([]);
    expect(changes).toContainEqual(
      expect.stringContaining(
        "apache reads its database settings from the constants wp-config.php defines, not a DATABASE_URL: in wp-config.php, define each of DB_HOST, DB_NAME, DB_PASSWORD, DB_USER from the environment",
      ),
    );
  });
});

const WORDPRESS = `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: blog }
services:
  - { name: apache, role: web, software: apache2, runtime: php, framework: wordpress, listen: ["0.0.0.0:80"], dependsOn: [mysql] }
  - { name: wp-cron, role: cron, software: cron, schedule: "*/5 * * * *", command: "php /var/www/html/wp-cron.php", dependsOn: [mysql] }
  - { name: mysql, role: database, software: mysql, version: "8.0", listen: ["127.0.0.1:3306"] }
data: [{ service: mysql, engine: mysql, version: "8.0", sizeGiB: 2 }]
deploy: { method: manual }
target: { project: blog-prod, region: us-east1, service: blog }
`;
