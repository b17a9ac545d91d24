// The generate use case in process: what `run` and the phase commands do, without the terminal.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generate, type GenerateOptions } from "../../src/engine/generate.js";
import type { PipelineEvent } from "../../src/pipeline/run-pipeline.js";
import { OverwriteRefusedError } from "../../src/errors.js";
import { ROOT, SEED_INVENTORY } from "../helpers/phase-input.js";

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

  it("stops before generating when a file of the phases was edited by hand, naming it", async () => {
    const outDir = tempDir();
    await generate(options(outDir, { phases: ["audit"] }));
    const report = path.join(outDir, "docs/migration/audit/risk-report.md");
    writeFileSync(report, readFileSync(report, "utf8") + "\nMy own note.\n");
    const events: PipelineEvent["type"][] = [];
    const refused = await generate(options(outDir, { onEvent: (e) => events.push(e.type) })).catch((e) => e);
    expect(refused).toBeInstanceOf(OverwriteRefusedError);
    expect((refused as OverwriteRefusedError).files).toEqual(["docs/migration/audit/risk-report.md"]);
    // Refused up front: no phase started, nothing of design written.
    expect(events).toEqual([]);
    expect(existsSync(path.join(outDir, "docs/migration/design"))).toBe(false);
    expect(readFileSync(report, "utf8")).toContain("My own note.");
  });

  it("an edited Dockerfile (create-only: the team's once written) does not stop a run, and is kept", async () => {
    const outDir = tempDir();
    // The seed's app (its requirements.txt and app/): a Dockerfile is written only for a repository it fits.
    cpSync(path.join(ROOT, "examples/seed-vm/out/requirements.txt"), path.join(outDir, "requirements.txt"));
    cpSync(path.join(ROOT, "examples/seed-vm/out/app"), path.join(outDir, "app"), { recursive: true });
    await generate(options(outDir, { phases: ["cicd"] }));
    const dockerfile = path.join(outDir, "Dockerfile");
    const edited = readFileSync(dockerfile, "utf8") + "# our own layer\n";
    writeFileSync(dockerfile, edited);
    const again = await generate(options(outDir, { phases: ["cicd"] }));
    expect(again.files.find((f) => f.path === "Dockerfile")?.action).toBe("kept");
    expect(readFileSync(dockerfile, "utf8")).toBe(edited);
  });

  it("--force overwrites an edited file and keeps a copy under .infra-migrate/backup/<time>/", async () => {
    const outDir = tempDir();
    await generate(options(outDir, { phases: ["audit"] }));
    const rel = "docs/migration/audit/risk-report.md";
    const edited = readFileSync(path.join(outDir, rel), "utf8") + "\nMy own note.\n";
    writeFileSync(path.join(outDir, rel), edited);
    const report = await generate(options(outDir, { phases: ["audit"], force: true }));
    expect(report.backups).toHaveLength(1);
    const [backup] = report.backups;
    expect(backup!.path).toBe(rel);
    expect(backup!.copy).toMatch(
      /^\.infra-migrate\/backup\/\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\/docs\/migration\/audit\/risk-report\.md$/,
    );
    expect(readFileSync(path.join(outDir, backup!.copy), "utf8")).toBe(edited);
    expect(readFileSync(path.join(outDir, rel), "utf8")).not.toContain("My own note.");
    // Files nobody edited get no copy.
    expect(readdirSync(path.join(outDir, path.dirname(backup!.copy)))).toEqual(["risk-report.md"]);
  });

  it("records the options that shaped a phase's files in the manifest, and drops them when not given", async () => {
    const outDir = tempDir();
    await generate(options(outDir, { phases: ["audit"], options: { top: 3, workerDir: "svc/ai" } }));
    const manifestFile = path.join(outDir, ".infra-migrate/manifest.json");
    // Only audit ran: its top is recorded; llmops' worker dir shaped nothing and is not.
    expect(JSON.parse(readFileSync(manifestFile, "utf8")).options).toEqual({ audit: { top: 3 } });
    await generate(options(outDir, { phases: ["audit"], force: true }));
    expect(JSON.parse(readFileSync(manifestFile, "utf8")).options).toBeUndefined();
  });
});
