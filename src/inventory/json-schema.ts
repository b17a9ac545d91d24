// The inventory's JSON Schema, generated from the zod schema so editors (yaml-language-server)
// and the CLI can never disagree. scripts/generate-schemas.mjs writes it to
// schema/inventory.schema.json; a test fails when the committed file is stale.
import { z } from "zod";
import { inventorySchema } from "./schema.js";

export const INVENTORY_SCHEMA_ID = "urn:infra-migrate:schema:inventory:v1";

export function inventoryJsonSchema(): Record<string, unknown> {
  // io "input": describe what a person writes (defaults make keys optional), not the parsed output.
  const generated = z.toJSONSchema(inventorySchema, { io: "input", target: "draft-2020-12", unrepresentable: "any" });
  const { $schema, ...rest } = generated as Record<string, unknown>;
  return {
    $schema,
    $id: INVENTORY_SCHEMA_ID,
    title: "infra-migrate inventory v1",
    description:
      "What runs on the VM today (services, data, deploys, traffic, team) and where it should go. " +
      "Unknown keys are allowed and reported as warnings. Never put secret values here: `env` lists variable names only.",
    ...rest,
  };
}

/** The file content: 2-space JSON with a trailing newline, byte-stable across runs. */
export function inventoryJsonSchemaText(): string {
  return `${JSON.stringify(inventoryJsonSchema(), null, 2)}\n`;
}
