// Makes a code cache for dist/cli.cjs: loads the bundle with no cache, runs the CLI once with the
// arguments given (scripts/bundle-cli.mjs passes a `check` of a current output for
// dist/cli.cjs.cache, a `run` for dist/cli.cjs.run.cache), then keeps V8's code cache for
// everything compiled meanwhile. Run in its own process, so the cache holds only the CLI's code.
// Usage: train-cli-cache.mjs <bundle> [--cache <file>] <command and its arguments…>
import { rmSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
let [bundleFile, ...args] = process.argv.slice(2);
let cacheFile = `${bundleFile}.cache`;
if (args[0] === "--cache") [, cacheFile, ...args] = args;
rmSync(cacheFile, { force: true });
const { loadBundle } = await import(path.join(root, "dist/cli/launch.js"));
const bundle = loadBundle(bundleFile, cacheFile);
const code = await bundle.main([process.argv[0], bundleFile, ...args]);
if (code !== 0) throw new Error(`the training run exited ${code}`);
const tmp = `${cacheFile}.${process.pid}.tmp`;
writeFileSync(tmp, bundle.createCache());
renameSync(tmp, cacheFile);
