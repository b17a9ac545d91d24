// Phase plans and validation verdicts kept between runs (.infra-migrate/local/): reused when
// nothing that could change them changed, dropped when something did — the tool's fingerprint
// (a template, a rule, a dependency version), a file of the repository a phase read, the model
// answer it came from. The fingerprint is replaced here so a "changed template" needs no edit
// of the real templates; tool-fingerprint.test.ts shows a template edit changes the real one.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { checkDrift } from "../../src/engine/check.js";
import { generate, type GenerateOptions } from "../../src/engine/generate.js";
import { toolVersion } from "../../src/package-root.js";
import { PHASE_IDS } from "../../src/phases/registry.js";
import { verdictCounts } from "../../src/validate/verdicts.js";
import { listFiles } from "../helpers/cli.js";
import { SEED_INVENTORY } from "../helpers/phase-input.js";

const fingerprint = vi.hoisted(() => ({ value: "tool build A" }));
vi.mock("../../src/tool-fingerprint.js", () => ({
  toolFingerprint: () => fingerprint.value,
  useKeptFingerprint: () => ({ stamp: "not used", value: fingerprint.value }),
}));

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), "plan-cache-"));
  dirs.push(dir);
  return dir;
};
beforeEach(() => {
  fingerprint.value = "tool build A";
});

const ALL = PHASE_IDS;
const options = (outDir: string, extra: Partial<GenerateOptions> = {}): GenerateOptions => ({
  command: "run",
  phases: [...ALL],
  inventoryFile: SEED_INVENTORY,
  outDir,
  provider: "offline",
  options: {},
  dryRun: false,
  force: false,
  env: {},
  ...extra,
});

// One first run, copied by the tests that start from one (a copy keeps its plans: tested below).
let baseline: Promise<string> | undefined;
async function firstRunCopy(): Promise<string> {
  baseline ??= (async () => {
    const dir = tempDir();
    await generate(options(dir));
    return dir;
  })();
  const copy = tempDir();
  cpSync(await baseline, copy, { recursive: true, preserveTimestamps: true });
  return copy;
}

/** Every generated file's bytes (the local caches left out). */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const files = (await listFiles(dir)).filter((f) => !f.startsWith(".infra-migrate/local/"));
  return Object.fromEntries(files.map((f) => [f, readFileSync(path.join(dir, f), "utf8")]));
}

/** Run and return which phases were reused and how many validations ran and were reused. */
async function runCounted(outDir: string, extra: Partial<GenerateOptions> = {}) {
  const before = verdictCounts();
  const report = await generate(options(outDir, extra));
  const after = verdictCounts();
  return { report, checked: after.checked - before.checked, reusedVerdicts: after.reused - before.reused };
}

describe("plan and verdict cache", () => {
  it("a rerun with nothing changed reuses every plan and writes the same bytes as a run without the cache", async () => {
    const cached = tempDir();
    const first = await runCounted(cached);
    expect(first.report.reusedPlans).toEqual([]);
    expect(first.checked).toBeGreaterThan(0);
    const afterFirst = await snapshot(cached);

    const second = await runCounted(cached);
    expect(second.report.reusedPlans).toEqual([...ALL]);
    expect(second.checked).toBe(0);
    expect(second.report.counts.unchanged).toBe(second.report.files.length);
    expect(await snapshot(cached)).toEqual(afterFirst);

    // The same output with the cache off, twice (so the second run is the same "over our own output").
    const uncached = tempDir();
    await generate(options(uncached, { env: { INFRA_MIGRATE_CACHE: "off" } }));
    const again = await runCounted(uncached, { env: { INFRA_MIGRATE_CACHE: "off" } });
    expect(again.report.reusedPlans).toEqual([]);
    expect(again.report.counts.unchanged).toBe(again.report.files.length);
    const plain = await snapshot(uncached);
    expect(Object.keys(plain).sort()).toEqual(Object.keys(afterFirst).sort());
    for (const [file, text] of Object.entries(plain)) expect(afterFirst[file], file).toBe(text);

    // check reads the kept plans (and writes nothing): current, nothing validated again.
    const check = await checkDrift({
      inventoryFile: SEED_INVENTORY,
      outDir: cached,
      options: {},
      env: {},
      toolVersion: toolVersion(),
    });
    expect(check.status).toBe("current");
  });

  it("an output copied or moved elsewhere keeps its plans: no fact holds the repository's own path", async () => {
    const moved = await firstRunCopy();
    const rerun = await runCounted(moved);
    expect(rerun.report.reusedPlans).toEqual([...ALL]);
    expect(rerun.checked).toBe(0);
    expect(rerun.report.counts.unchanged).toBe(rerun.report.files.length);
  });

  it("a changed template or validator (the tool fingerprint) regenerates and revalidates everything", async () => {
    const dir = await firstRunCopy();
    const before = await snapshot(dir);
    fingerprint.value = "tool build B: a template changed";
    const changed = await runCounted(dir);
    expect(changed.report.reusedPlans).toEqual([]);
    expect(changed.reusedVerdicts).toBe(0);
    expect(changed.checked).toBeGreaterThan(0);
    expect(await snapshot(dir)).toEqual(before);
    // …and the new build's plans are kept in turn.
    expect((await runCounted(dir)).report.reusedPlans).toEqual([...ALL]);
  });

  it("a repository file a phase read, once changed, regenerates that phase and no other", async () => {
    const dir = await firstRunCopy();
    // cicd looks for a language manifest to pick the runtime and test command, and design to plan
    // the images (each process's command in its image); audit does not.
    writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "app", scripts: { test: "jest" } }));
    const rerun = await runCounted(dir);
    expect(rerun.report.reusedPlans).not.toContain("cicd");
    expect(rerun.report.reusedPlans).not.toContain("design");
    expect(rerun.report.reusedPlans).toContain("audit");
  });

  it("a changed inventory or option is a different key; a dry run keeps nothing", async () => {
    const dir = tempDir();
    await generate(options(dir, { dryRun: true }));
    expect((await runCounted(dir)).report.reusedPlans).toEqual([]);
    const withOption = await runCounted(dir, { options: { top: 3 } });
    expect(withOption.report.reusedPlans).toEqual([]);
    const inventory = path.join(tempDir(), "inventory.yaml");
    writeFileSync(inventory, readFileSync(SEED_INVENTORY, "utf8").replace(/\n*$/, "\n# a comment only\n"));
    // A comment leaves the parsed inventory as it was: same key.
    const commented = await runCounted(dir, { options: { top: 3 }, inventoryFile: inventory });
    expect(commented.report.reusedPlans).toEqual([...ALL]);
  });
});
