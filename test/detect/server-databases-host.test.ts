// A VM whose PostgreSQL holds two databases: the Node API's (DATABASE_URL …/portal) and Keycloak's
// (KC_DB_URL jdbc:postgresql://…/keycloak, its own user). init reads the names from the processes'
// env files (values in memory only) into data[].databases, never a password or URL, and the
// design then gives each its database and user.
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { detectRepo } from "../../src/detect/detect-repo.js";
import { buildInitPlan } from "../../src/init/init-plan.js";
import { withDetectedFacts } from "../../src/init/provenance.js";
import { resolveAnswers } from "../../src/init/resolve.js";
import { buildInventory } from "../../src/init/build-inventory.js";
import { answersFromInventory } from "../../src/init/saved-answers.js";
import { parseInventory } from "../../src/inventory/load.js";
import { TempTrees } from "../helpers/file-tree.js";

const trees = new TempTrees("im-two-databases-");
afterAll(() => trees.removeAll());
const VM = path.resolve(import.meta.dirname, "../fixtures/hosts/vm-two-databases");

async function inventoryText(): Promise<string> {
  const facts = await detectRepo(await trees.make({}), {
    readRemote: async () => undefined,
    host: { root: VM, readListeners: async () => "" },
  });
  const { answers, origins } = resolveAnswers(
    { "target.project": "portal-prod", "target.github": "acme/portal" },
    facts,
    true,
  );
  return buildInitPlan(withDetectedFacts(answers, origins, facts), { toolVersion: "0.0.0" }).inventoryText;
}

describe("init: two databases of one PostgreSQL server", () => {
  it("names each process's database from its settings' values, and writes no value but the names", async () => {
    const text = await inventoryText();
    const { inventory } = parseInventory(text, "inventory.yaml");
    expect(inventory.data.find((d) => d.engine === "postgres")?.databases).toEqual([
      { name: "portal", services: ["portal"] },
      { name: "keycloak", services: ["keycloak"] },
    ]);
    expect(text).not.toMatch(/Fake-|jdbc:|postgresql:\/\//);
    // A rerun of init reads the inventory back into answers: the field stays.
    const again = buildInventory(answersFromInventory(inventory)) as { data: Array<{ databases?: unknown }> };
    expect(again.data[0]!.databases).toEqual([
      { name: "portal", services: ["portal"] },
      { name: "keycloak", services: ["keycloak"] },
    ]);
  });
});
