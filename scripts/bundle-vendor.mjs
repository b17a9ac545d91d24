// Bundles the validators' heavy dependencies into dist/vendor/ after tsc (npm run build).
// Same modules, same versions as node_modules: only fewer files for Node to resolve and load.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { readdirSync, rmSync } from "node:fs";
import { build } from "esbuild";
import { writeAsciiOnly } from "./ascii-only.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outdir = path.join(root, "dist/vendor");
// Chunk names carry content hashes: chunks of an earlier build would stay beside the new ones.
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: { "mermaid-parser": path.join(root, "scripts/vendor/mermaid-parser.mjs") },
  outdir,
  outExtension: { ".js": ".mjs" },
  bundle: true,
  // Mermaid's diagrams stay in their own chunks, loaded only when a diagram of that type is parsed.
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  legalComments: "linked",
  // Sanitising needs a DOM and changes no verdict: a no-op stands in (src/validate/purify-stub.ts).
  alias: { dompurify: path.join(root, "dist/validate/purify-stub.js") },
  logLevel: "warning",
});
// Each chunk in ASCII (scripts/ascii-only.mjs): Node decodes an ES module's file and V8 compiles it
// on every load, both faster for a one-byte string.
for (const file of readdirSync(outdir)) if (file.endsWith(".mjs")) writeAsciiOnly(path.join(outdir, file), "module");
