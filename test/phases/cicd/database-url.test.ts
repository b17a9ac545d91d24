// The URL setup-database.sh stores is one the app's own client can read: each MySQL client names
// the Cloud SQL socket differently (Rails mysql2 `socket`, node mysql2 `socketPath`, PyMySQL and
// PDO `unix_socket`, Go a DSN), and a Python app's SQLAlchemy URL names the driver it installs.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { TempTrees } from "../../helpers/file-tree.js";
import { databaseUrlShape } from "../../../src/phases/cicd/database-url.js";
import type { Stack } from "../../../src/phases/cicd/runtime.js";

const trees = new TempTrees("db-url-");
afterAll(() => trees.removeAll());
const repo = (files: Record<string, string>) => trees.make(files);
const SOCKET = "/cloudsql/p:r:i";
const url = (s: ReturnType<typeof databaseUrlShape>) => `${s.scheme}://u:pw@${s.host}/db?${s.socketParam}=${SOCKET}`;

describe("databaseUrlShape", () => {
  it.each<[string, "mysql" | "postgres", Stack, Record<string, string>, string]>([
    [
      "Rails mysql2",
      "mysql",
      "ruby",
      { Gemfile: 'gem "rails"\ngem "mysql2", "~> 0.5"\n' },
      `mysql2://u:pw@localhost/db?socket=${SOCKET}`,
    ],
    ["Rails Trilogy", "mysql", "ruby", { Gemfile: "gem 'trilogy'\n" }, `trilogy://u:pw@localhost/db?socket=${SOCKET}`],
    ["node mysql2", "mysql", "node", {}, `mysql://u:pw@localhost/db?socketPath=${SOCKET}`],
    ["Laravel DB_URL (PDO)", "mysql", "php", {}, `mysql://u:pw@localhost/db?unix_socket=${SOCKET}`],
    [
      "SQLAlchemy + PyMySQL",
      "mysql",
      "python",
      { "requirements.txt": "SQLAlchemy==2.0\nPyMySQL==1.1\n" },
      `mysql+pymysql://u:pw@localhost/db?unix_socket=${SOCKET}`,
    ],
    [
      "SQLAlchemy + mysqlclient",
      "mysql",
      "python",
      { "requirements.txt": "flask-sqlalchemy\nmysqlclient\n" },
      `mysql+mysqldb://u:pw@localhost/db?unix_socket=${SOCKET}`,
    ],
    [
      "SQLAlchemy + asyncmy (pyproject)",
      "mysql",
      "python",
      { "pyproject.toml": '[project]\nname = "x"\ndependencies = [\n  "sqlmodel",\n  "asyncmy>=0.2",\n]\n' },
      `mysql+asyncmy://u:pw@localhost/db?unix_socket=${SOCKET}`,
    ],
    [
      "Django (dj-database-url: mysql://, OPTIONS unix_socket)",
      "mysql",
      "python",
      { "requirements.txt": "Django==5.0\nmysqlclient\nSQLAlchemy\n" },
      `mysql://u:pw@localhost/db?unix_socket=${SOCKET}`,
    ],
    ["Python without a repository", "mysql", "python", {}, `mysql://u:pw@localhost/db?unix_socket=${SOCKET}`],
    [
      "SQLAlchemy + psycopg 3",
      "postgres",
      "python",
      { "requirements.txt": "sqlalchemy\npsycopg[binary]\n" },
      `postgresql+psycopg://u:pw@/db?host=${SOCKET}`,
    ],
    [
      "SQLAlchemy + psycopg2",
      "postgres",
      "python",
      { "requirements.txt": "sqlalchemy\npsycopg2-binary\n" },
      `postgresql://u:pw@/db?host=${SOCKET}`,
    ],
    ["node-postgres", "postgres", "node", {}, `postgresql://u:pw@/db?host=${SOCKET}`],
  ])("%s", async (_name, engine, stack, files, expected) => {
    const shape = databaseUrlShape(engine, stack, await repo(files));
    expect(url(shape)).toBe(expected);
    expect(shape.goDsn).toBe(false);
  });

  it("reads the app's manifest (root, else its folder), never one a previous run generated", async () => {
    const dir = await repo({});
    await mkdir(path.join(dir, "services/ai-worker"), { recursive: true });
    await mkdir(path.join(dir, "app"));
    await writeFile(path.join(dir, "services/ai-worker/requirements.txt"), "SQLAlchemy\nPyMySQL\n");
    const generated = new Set(["services/ai-worker/requirements.txt"]);
    expect(databaseUrlShape("mysql", "python", dir, generated).scheme).toBe("mysql");
    await writeFile(path.join(dir, "app/requirements.txt"), "SQLAlchemy\nmysql-connector-python\n");
    expect(databaseUrlShape("mysql", "python", dir, generated).scheme).toBe("mysql+mysqlconnector");
    await writeFile(path.join(dir, "requirements.txt"), "sqlalchemy\naiomysql\n");
    expect(databaseUrlShape("mysql", "python", dir, generated).scheme).toBe("mysql+aiomysql");
  });

  it("Go's MySQL driver gets a DSN, not a URL", () => {
    expect(databaseUrlShape("mysql", "go").goDsn).toBe(true);
    expect(databaseUrlShape("postgres", "go").goDsn).toBe(false);
  });

  it("node mysql2's parser (WHATWG URL, each query parameter an option) reads the socket from the MySQL form", () => {
    // mysql2 lib/connection_config.js parseUrl: new URL(url); searchParams become options.
    const parsed = new URL(url(databaseUrlShape("mysql", "node")));
    expect(Object.fromEntries(parsed.searchParams)).toEqual({ socketPath: SOCKET });
    expect(parsed.hostname).toBe("localhost");
    // An empty host is what it refuses: the reason every MySQL form names localhost.
    expect(() => new URL(`mysql://u:pw@/db?socketPath=${SOCKET}`)).toThrow();
  });
});
