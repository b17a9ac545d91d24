#!/usr/bin/env node
// Regenerate the committed JSON Schemas from the zod schemas in the build output.
//   npm run build && node scripts/generate-schemas.mjs            write schema/*.schema.json
//   node scripts/generate-schemas.mjs --check                     exit 1 when a file is stale
//   node scripts/generate-schemas.mjs --dist /tmp/build           use another build directory
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const check = args.includes("--check");
const distFlag = args.indexOf("--dist");
const dist = distFlag >= 0 ? path.resolve(args[distFlag + 1] ?? "") : path.join(root, "dist");

// One entry per published schema: output file → module in dist and the function producing its text.
const SCHEMAS = [
  { file: "schema/inventory.schema.json", module: "inventory/json-schema.js", render: "inventoryJsonSchemaText" },
  { file: "schema/risks.schema.json", module: "published-schemas.js", render: "risksJsonSchemaText" },
  { file: "schema/mapping.schema.json", module: "published-schemas.js", render: "mappingJsonSchemaText" },
];

let stale = 0;
for (const schema of SCHEMAS) {
  const mod = await import(pathToFileURL(path.join(dist, schema.module)).href).catch((error) => {
    console.error(`cannot import ${schema.module} from ${dist}: run \`npm run build\` first (${error.message})`);
    process.exit(2);
  });
  const text = mod[schema.render]();
  const target = path.join(root, schema.file);
  const current = await readFile(target, "utf8").catch(() => undefined);
  if (current === text) {
    console.log(`up to date  ${schema.file}`);
  } else if (check) {
    console.error(`stale       ${schema.file}`);
    stale++;
  } else {
    await writeFile(target, text);
    console.log(`wrote       ${schema.file}`);
  }
}
process.exit(stale ? 1 : 0);
