// How bin/infra-migrate.js gets `main`: from the one-file bundle dist/cli.cjs with V8's code cache
// (scripts/bundle-cli.mjs makes both at build time), else from the modules tsc wrote (dist/cli/main.js).
// The bundle is the same code; loading it skips resolving and reading ~400 module files, and the
// cache skips compiling what a `check` runs: about a third of an unchanged `check`'s time.
// A cache made by another Node version or under other V8 flags is rejected by V8 itself and the
// script compiles as usual. INFRA_MIGRATE_BUNDLE=off loads the separate modules (for debugging
// with their source maps).
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";

export type Main = (argv: string[]) => Promise<number>;

/** dist/cli.cjs, beside dist/cli/ where this module is built. */
export const BUNDLE_FILE = fileURLToPath(new URL("../cli.cjs", import.meta.url));

export interface LoadedBundle {
  main: Main;
  /** Whether V8 took the code cache (false: none, or rejected). */
  cacheUsed: boolean;
  /** The code cache for the functions compiled so far (for the build's training run). */
  createCache: () => Buffer;
}

/** Run a CommonJS bundle in this context, with its code cache when there is one. */
export function loadBundle(file: string, cacheFile = `${file}.cache`): LoadedBundle {
  const source = readFileSync(file, "utf8");
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined; // not built, or the build could not train it: compile as usual
  }
  // `__import`: the bundle's import() of the packages left outside it (scripts/bundle-cli.mjs).
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname, __import) {${source}\n})`, {
    filename: file,
    cachedData,
  });
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  const module = { exports: {} as { main?: Main } };
  const importOutside = (specifier: string) => import(specifier);
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, path.dirname(file), importOutside);
  if (typeof module.exports.main !== "function") throw new Error(`${file} does not export main()`);
  return {
    main: module.exports.main,
    cacheUsed: cachedData !== undefined && !script.cachedDataRejected,
    createCache: () => script.createCachedData(),
  };
}

/** The code cache trained on a `run` (scripts/bundle-cli.mjs): twice the size, so only for the generating commands. */
export const RUN_CACHE_FILE = `${BUNDLE_FILE}.run.cache`;

const GENERATING = new Set(["run", "audit", "design", "cicd", "llmops", "observe"]);

/**
 * The code cache for the command in `argv`: the one trained on a `run` for a command that
 * generates (most of its code is compiled), else the smaller one (`--help`, `check`: V8 reads
 * the whole cache, ~35 ms more for `--help` with the run's).
 */
export function cacheFileFor(argv: readonly string[]): string {
  // Global options (--json, -q, --debug, --no-color) come before the command and take no value.
  const command = argv.slice(2).find((arg) => !arg.startsWith("-"));
  return command && GENERATING.has(command) && existsSync(RUN_CACHE_FILE) ? RUN_CACHE_FILE : `${BUNDLE_FILE}.cache`;
}

export async function loadMain(env: NodeJS.ProcessEnv = process.env, argv = process.argv): Promise<Main> {
  if (env.INFRA_MIGRATE_BUNDLE !== "off" && existsSync(BUNDLE_FILE))
    return loadBundle(BUNDLE_FILE, cacheFileFor(argv)).main;
  return ((await import("./main.js")) as { main: Main }).main;
}
