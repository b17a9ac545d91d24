// An ORM app lists a driver for each dialect it supports (HedgeDoc 1.x's Sequelize: pg, mysql2,
// mariadb, sqlite3) and uses one. Read from a VM that runs one of those engines, init does not ask
// for the others (with none of them running, the hint stays as it was).
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readDependencies } from "../../src/detect/dependencies.js";
import { detectRepo } from "../../src/detect/detect-repo.js";

const HEDGEDOC = path.resolve(import.meta.dirname, "../fixtures/real/hedgedoc");

describe("readDependencies: the engines of every driver", () => {
  it.each<[string, string[], string | undefined, string[] | undefined]>([
    ["an ORM's dialects", ["mariadb", "mysql2", "pg", "sqlite3", "sequelize"], "mysql", ["mysql", "postgres"]],
    ["one driver", ["pg", "express"], "postgres", undefined],
    ["two drivers of one engine", ["mysql", "mysql2"], "mysql", undefined],
    ["none", ["express"], undefined, undefined],
  ])("%s", (_name, names, database, databases) => {
    const facts = readDependencies(new Map(names.map((n) => [n, undefined])));
    expect(facts.database).toBe(database);
    expect(facts.databases).toEqual(databases);
  });
});

describe("the missing-database hint on a VM read", () => {
  const said = async () => {
    const facts = await detectRepo(path.join(HEDGEDOC, "vm/opt/hedgedoc"), {
      readRemote: async () => undefined,
      host: { root: path.join(HEDGEDOC, "vm") },
    });
    return facts.evidence.map((e) => e.found).join("\n");
  };

  it("HedgeDoc: PostgreSQL runs, so mysql2 and mariadb are other dialects, not a missing server", async () => {
    expect(await said()).not.toMatch(/packages use (mysql|postgres), but none runs on the VM/);
  });
});
