// The design's texts repeat resource names, which grow with the app's name (up to the length
// Cloud Run allows). Every corpus app, renamed to a long name, still gives a design its own schema
// accepts: the limits are what a model's answer is checked against, and the offline draft is what
// the model starts from.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { designResultSchema } from "../../../src/phases/design/schema.js";
import { chainYaml } from "../../helpers/chain.js";
import { ROOT } from "../../helpers/phase-input.js";

const LONG = "enterprise-document-archive-platform-prod";
const corpus = path.join(ROOT, "test/fixtures/real");

describe(`every corpus app named ${LONG}`, () => {
  it.each(readdirSync(corpus))("%s", (app) => {
    const yaml = readFileSync(path.join(corpus, app, "inventory.yaml"), "utf8")
      .replace(/^(metadata:\n\s+name: ).*$/m, `$1${LONG}`)
      .replace(/^( {2}service: )\S+$/m, `$1${LONG}`);
    const { design } = chainYaml(yaml);
    const parsed = designResultSchema.safeParse(design);
    expect(parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual([]);
  });
});
