// The inventory as a prompt shows it: only the keys the loader knows. A key it warns about ("is
// ignored") must not steer the model either, and unknown free text is where stray secrets and
// instructions hide. Compact JSON keeps the prompt small.
import { findUnknownKeys } from "../inventory/unknown-keys.js";
import { inventorySchema, type Inventory } from "../inventory/schema.js";

export function promptInventory(inventory: Inventory): Record<string, unknown> {
  const copy = structuredClone(inventory) as Record<string, unknown>;
  delete copy.$schema;
  // Deepest paths first, so deleting one key never shifts another path.
  const unknown = findUnknownKeys(inventorySchema, copy).sort((a, b) => b.path.length - a.path.length);
  for (const { path } of unknown) {
    type Node = Record<PropertyKey, unknown> | undefined;
    const parent = path.slice(0, -1).reduce<Node>((node, key) => node?.[key] as Node, copy);
    if (parent && typeof parent === "object") delete parent[path[path.length - 1] as string];
  }
  return copy;
}

export const promptInventoryJson = (inventory: Inventory): string => JSON.stringify(promptInventory(inventory));
