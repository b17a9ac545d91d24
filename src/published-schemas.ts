// JSON Schemas for the machine-readable files infra-migrate writes (risks.json, mapping.json),
// generated from the same zod schemas the phases use. scripts/generate-schemas.mjs writes them
// to schema/; test/published-schemas.test.ts fails when a committed file is stale.
import { z } from "zod";
import { RISK_ID, riskSchema } from "./contracts/audit-result.js";
import { deploymentSchema } from "./contracts/deployment.js";
import { mappingEntrySchema } from "./phases/design/schema.js";

const provenance = {
  /** Provenance line added by the writer. */
  $comment: z.string().optional(),
  $schema: z.string(),
  apiVersion: z.literal("infra-migrate/v1"),
};

export const risksFileSchema = z.strictObject({
  ...provenance,
  kind: z.literal("RiskReport"),
  inventory: z.string(),
  growthTarget: z.number(),
  top: z.number().int().min(1),
  critical: z.array(z.string().regex(RISK_ID)),
  summary: z.string().min(40).max(2000),
  risks: z.array(riskSchema),
  strengths: z.array(z.string()),
});

export const mappingFileSchema = z.strictObject({
  ...provenance,
  kind: z.literal("ServiceMapping"),
  inventory: z.string(),
  project: z.string(),
  region: z.string(),
  mapping: z.array(mappingEntrySchema),
  deployment: deploymentSchema,
});

function schemaText(schema: z.ZodType, id: string, title: string, description: string): string {
  const generated = z.toJSONSchema(schema, { io: "output", target: "draft-2020-12", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  const { $schema, ...rest } = generated;
  return `${JSON.stringify({ $schema, $id: id, title, description, ...rest }, null, 2)}\n`;
}

export function risksJsonSchemaText(): string {
  return schemaText(
    risksFileSchema,
    "urn:infra-migrate:schema:risks:v1",
    "infra-migrate risk report (risks.json)",
    "The audit phase's ranked risks for the growth target, as written to docs/migration/audit/risks.json.",
  );
}

export function mappingJsonSchemaText(): string {
  return schemaText(
    mappingFileSchema,
    "urn:infra-migrate:schema:mapping:v1",
    "infra-migrate service mapping (mapping.json)",
    "The design phase's mapping of each inventory service to its Google Cloud target, and the deployment later phases build on.",
  );
}
