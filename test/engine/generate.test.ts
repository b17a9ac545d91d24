// The generate use case in process: what `run` and the phase commands do, without the terminal.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generate, type GenerateOptions } from "../../src/engine/generate.js";
import type { PipelineEvent } from "../../src/pipeline/run-pipeline.js";
import { SEED_INVENTORY } from "../helpers/phase-input.js";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), "engine-generate-"));
  dirs.push(dir);
  return dir;
};

const options = (outDir: string, extra: Partial<GenerateOptions> = {}): GenerateOptions => ({
  command: "run",
  phases: ["audit", "design"],
  inventoryFile: SEED_INVENTORY,
  outDir,
  provider: "offline",
  options: {},
  dryRun: false,
  force: false,
  env: {},
  ...extra,
});

describe("generate", () => {
  it("runs the phases, writes their files and the manifest, and reports both", async () => {
    const outDir = tempDir();
    const events: PipelineEvent["type"][] = [];
    const report = await generate(options(outDir, { onEvent: (e) => events.push(e.type) }));
    expect(report.phases.map((p) => [p.phase, p.provider, p.calls])).toEqual([
      ["audit", "offline", 0],
      ["design", "offline", 0],
    ]);
    expect(report.counts.create).toBe(report.files.length);
    expect(report.files.map((f) => f.path)).toContain("docs/migration/design/mapping.json");
    for (const file of report.files) expect(existsSync(path.join(outDir, file.path)), file.path).toBe(true);
    const manifest = JSON.parse(readFileSync(path.join(outDir, ".infra-migrate/manifest.json"), "utf8"));
    expect(Object.keys(manifest.files).sort()).toEqual(report.files.map((f) => f.path).sort());
    expect(events.filter((t) => t === "phase-done")).toHaveLength(2);
    expect(report.inventory.hash).toMatch(/^[0-9a-f]{12}$/);
  });

  it("reuses the stored upstream result for a single phase and leaves unchanged files alone", async () => {
    const outDir = tempDir();
    await generate(options(outDir));
    const again = await generate(options(outDir, { command: "design", phases: ["design"] }));
    expect(again.reused).toEqual(["audit"]);
    expect(again.phases.map((p) => p.phase)).toEqual(["design"]);
    expect(again.counts).toEqual({ create: 0, update: 0, unchanged: again.files.length, kept: 0 });
  });

  it("writes nothing on a dry run", async () => {
    const outDir = tempDir();
    const report = await generate(options(outDir, { dryRun: true, phases: ["audit"] }));
    expect(report.dryRun).toBe(true);
    expect(report.counts.create).toBeGreaterThan(0);
    expect(existsSync(path.join(outDir, ".infra-migrate"))).toBe(false);
    expect(existsSync(path.join(outDir, report.files[0]!.path))).toBe(false);
  });
});
