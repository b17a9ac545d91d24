import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { INVENTORY_SCHEMA_ID, inventoryJsonSchema, inventoryJsonSchemaText } from "../../src/inventory/json-schema.js";

describe("schema/inventory.schema.json", () => {
  it("is exactly what scripts/generate-schemas.mjs produces from the zod schema today", async () => {
    const committed = await readFile("schema/inventory.schema.json", "utf8");
    // If this fails: npm run build && node scripts/generate-schemas.mjs
    expect(committed).toBe(inventoryJsonSchemaText());
  });

  it("describes the input a person writes", () => {
    const schema = inventoryJsonSchema() as any;
    expect(schema.$id).toBe(INVENTORY_SCHEMA_ID);
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(schema.title).toMatch(/inventory/);
    // Keys with defaults are optional for the writer of the file.
    expect(schema.required).toEqual(["apiVersion", "kind", "metadata", "services"]);
    expect(schema.properties.apiVersion.const).toBe("infra-migrate/v1");
    const service = schema.properties.services.items;
    expect(service.required).toEqual(["name", "role", "software"]);
    expect(service.properties.role.enum).toContain("reverse-proxy");
    expect(service.properties.version.type).toEqual(["string", "number"]);
  });

  it("is referenced by the example inventory", async () => {
    const example = await readFile("examples/seed-vm/inventory.yaml", "utf8");
    expect(example.split("\n")[0]).toBe("# yaml-language-server: $schema=../../schema/inventory.schema.json");
  });
});
