import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { auditPhase } from "../src/phases/audit/index.js";
import { auditOffline } from "../src/phases/audit/offline.js";
import { designPhase } from "../src/phases/design/index.js";
import {
  mappingFileSchema,
  mappingJsonSchemaText,
  risksFileSchema,
  risksJsonSchemaText,
} from "../src/published-schemas.js";
import { withProvenance } from "../src/write/provenance.js";
import { inputFromFile, ROOT, SEED_INVENTORY } from "./helpers/phase-input.js";

const provenance = {
  toolVersion: "0",
  phase: "x",
  persona: "p@1.0.0",
  provider: "offline",
  model: "offline-rules",
  inventoryHash: "0",
};

describe("published JSON Schemas", () => {
  it.each([
    ["schema/risks.schema.json", risksJsonSchemaText],
    ["schema/mapping.schema.json", mappingJsonSchemaText],
  ])("%s is current (regenerate: npm run build && node scripts/generate-schemas.mjs)", (file, text) => {
    expect(readFileSync(path.join(ROOT, file), "utf8")).toBe(text());
  });

  it("risks.json and mapping.json, as written, match their schemas", async () => {
    const input = inputFromFile(SEED_INVENTORY);
    const audit = auditOffline(input);
    const risks = (await auditPhase.render(audit, input)).find((a) => a.path.endsWith("risks.json"))!;
    const written = JSON.parse(withProvenance(risks, provenance));
    expect(risksFileSchema.safeParse(written).success).toBe(true);
    expect(risksFileSchema.safeParse({ ...written, extra: 1 }).success).toBe(false);

    const designInput = { ...input, upstream: { audit } };
    const mapping = (await designPhase.render(designPhase.offline(designInput), designInput)).find((a) =>
      a.path.endsWith("mapping.json"),
    )!;
    const parsed = mappingFileSchema.safeParse(JSON.parse(withProvenance(mapping, provenance)));
    expect(parsed.error?.issues ?? []).toEqual([]);
  });
});
