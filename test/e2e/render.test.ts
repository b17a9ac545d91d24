// `render` through the built bin: real SVGs (and PNGs) from the example's generated diagrams,
// rendered by a system Chromium in one browser session.
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { cleanEnv, parseOne, runCli, tempDir } from "../helpers/cli.js";
import { runInProcess } from "../helpers/cli-in-process.js";
import { SEED_INVENTORY } from "../helpers/phase-input.js";
import { seedOutputCopy } from "../helpers/seed-output.js";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`skipped render e2e cases: ${CHROMIUM} not found (apt-get install -y chromium)`);

const DIAGRAMS = [
  "docs/migration/audit/current-architecture",
  "docs/migration/design/target-architecture",
  "docs/migration/llmops/sequence",
];

describe("render", () => {
  let out: string;
  beforeAll(async () => {
    out = await seedOutputCopy("im-e2e-render-");
  });

  it.skipIf(!hasChromium)("renders every diagram under docs/migration to SVG with the labels in it", async () => {
    const result = await runCli(["render", "--out", out, "--json"]);
    expect(result.exitCode, String(result.stderr)).toBe(0);
    const doc = parseOne(String(result.stdout)); // the --json contract (json-output.test.ts) for render
    expect(doc).toMatchObject({ ok: true, command: "render" });
    expect(doc.diagrams).toEqual(DIAGRAMS.map((d) => ({ input: `${d}.mmd`, outputs: [`${d}.svg`] })));
    const svg = async (name: string) => readFile(path.join(out, `${name}.svg`), "utf8");
    const current = await svg(DIAGRAMS[0]!);
    expect(current).toMatch(/^<svg[\s>]/);
    for (const label of ["nginx", "api", "mysql", "Users", "app-vm-01"]) expect(current).toContain(label);
    const target = await svg(DIAGRAMS[1]!);
    expect(target).toMatch(/Cloud Run/);
    expect(target).toMatch(/Cloud SQL/);
    expect(await svg(DIAGRAMS[2]!)).toMatch(/Cloud Tasks/);
  });

  it.skipIf(!hasChromium)("renders just the given file, with --png too", async () => {
    const input = path.join(out, `${DIAGRAMS[0]}.mmd`);
    const result = await runCli(["render", input, "--png", "--out", out]);
    expect(result.exitCode, String(result.stderr)).toBe(0);
    expect(result.stdout).toMatch(/Done: 1 diagram\(s\)/);
    const png = await readFile(path.join(out, `${DIAGRAMS[0]}.png`));
    expect([...png.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect(existsSync(path.join(out, `${DIAGRAMS[1]}.png`))).toBe(false);
  });

  it.skipIf(!hasChromium)("a broken diagram is bad input (exit 2) naming the file", async () => {
    const dir = await tempDir("im-e2e-render-bad-");
    const bad = path.join(dir, "bad.mmd");
    await writeFile(bad, "flowchart LR\n  a[unclosed --> b\n");
    const result = await runCli(["render", bad, "--json"]);
    expect(result.exitCode).toBe(2);
    const doc = JSON.parse(String(result.stdout));
    expect(doc.ok).toBe(false);
    expect(doc.error.message).toContain("bad.mmd");
  });

  it("without a usable Chromium: exit 2 with the install hint", async () => {
    // In this process: Chromium is looked for (in the given environment) before anything is loaded.
    const env = cleanEnv({ PUPPETEER_EXECUTABLE_PATH: "/nonexistent/chromium" });
    const result = await runInProcess(["render", "--out", out], { env });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/Chromium not found at \/nonexistent\/chromium/);
    expect(result.stderr).toMatch(/apt-get install -y chromium/);
  });

  it.each([
    [
      "no diagrams in the target",
      (dir: string) => ["render", "--out", dir],
      /No such file or folder|No \.mmd diagrams/,
    ],
    ["a file that is not .mmd", (_dir: string) => ["render", SEED_INVENTORY], /Not a Mermaid \.mmd file/],
  ])("%s → exit 2", async (_name, args, message) => {
    const empty = await tempDir("im-e2e-render-empty-");
    const result = await runInProcess(args(empty));
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(message);
  });
});
