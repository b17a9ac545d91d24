// Bundles the validators' heavy dependencies into dist/vendor/ after tsc (npm run build).
// Same modules, same versions as node_modules: only fewer files for Node to resolve and load.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
await build({
  entryPoints: { "mermaid-parser": path.join(root, "scripts/vendor/mermaid-parser.mjs") },
  outdir: path.join(root, "dist/vendor"),
  outExtension: { ".js": ".mjs" },
  bundle: true,
  // Mermaid's diagrams stay in their own chunks, loaded only when a diagram of that type is parsed.
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  legalComments: "linked",
  // happy-dom's CommonJS dependencies (ws) require Node built-ins: give the ESM output a require.
  banner: {
    js: 'import { createRequire as __bundleRequire } from "node:module"; const require = __bundleRequire(import.meta.url);',
  },
  logLevel: "warning",
});
