// Builds a PhaseInput from an inventory file or object, the way the pipeline does (via the loader).
import path from "node:path";
import { parseInventory } from "../../src/inventory/load.js";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import type { PhaseInput, PhaseOptions } from "../../src/contracts/phase.js";

export const ROOT = path.resolve(import.meta.dirname, "../..");
export const SEED_INVENTORY = path.join(ROOT, "examples/seed-vm/inventory.yaml");

/**
 * Every example and every real-app corpus folder that holds an inventory.yaml (the corpus when
 * present), relative to ROOT: `examples/<name>` first, then `test/fixtures/real/<app>`, each sorted.
 */
export function inventoryDirs(): string[] {
  return ["examples", "test/fixtures/real"].flatMap((dir) =>
    existsSync(path.join(ROOT, dir))
      ? readdirSync(path.join(ROOT, dir))
          .filter((e) => existsSync(path.join(ROOT, dir, e, "inventory.yaml")))
          .sort()
          .map((e) => `${dir}/${e}`)
      : [],
  );
}

export function inputFromFile(
  file: string,
  options: PhaseOptions = {},
  upstream: PhaseInput["upstream"] = {},
): PhaseInput {
  const loaded = parseInventory(readFileSync(file, "utf8"), file);
  return { inventory: loaded.inventory, inventoryHash: loaded.hash, upstream, options, repoDir: "/nonexistent" };
}

export function inputFromYaml(yamlText: string, options: PhaseOptions = {}): PhaseInput {
  const loaded = parseInventory(yamlText, "inline.yaml");
  return { inventory: loaded.inventory, inventoryHash: loaded.hash, upstream: {}, options, repoDir: "/nonexistent" };
}
