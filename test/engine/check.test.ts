// checkDrift end to end in-process: generate the example offline with the real pipeline and
// writer, then edit, drift, delete and break things and see what check says.
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { checkDrift, type CheckOptions } from "../../src/engine/check.js";
import { ExitCode, InputError, ProviderError } from "../../src/errors.js";
import { toolVersion } from "../../src/package-root.js";
import { runPipeline, storedResultFile } from "../../src/pipeline/run-pipeline.js";
import { PHASE_IDS } from "../../src/phases/registry.js";
import { MANIFEST_PATH, sha256, type Manifest } from "../../src/write/manifest.js";
import { applyPlans } from "../../src/write/writer.js";

const example = path.resolve(import.meta.dirname, "../../examples/seed-vm/inventory.yaml");
let pristine: string;

async function generate(outDir: string, inventoryFile = example): Promise<void> {
  const result = await runPipeline({
    inventoryFile,
    outDir,
    phases: [...PHASE_IDS],
    provider: "offline",
    options: {},
    env: {},
  });
  await applyPlans(result.plans, {
    outDir,
    toolVersion: toolVersion(),
    stateFiles: result.stored.map(storedResultFile),
  });
}

/** A fresh copy of the generated repo per test. */
async function target(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "im-check-"));
  await cp(pristine, dir, { recursive: true });
  return dir;
}

const options = (outDir: string, extra: Partial<CheckOptions> = {}): CheckOptions => ({
  inventoryFile: path.join(outDir, "inventory.yaml"),
  outDir,
  options: {},
  env: {},
  toolVersion: toolVersion(),
  ...extra,
});

const manifestOf = async (dir: string) => JSON.parse(await readFile(path.join(dir, MANIFEST_PATH), "utf8")) as Manifest;
const REPORT = "docs/migration/audit/risk-report.md";

beforeAll(async () => {
  pristine = await mkdtemp(path.join(tmpdir(), "im-check-pristine-"));
  await cp(example, path.join(pristine, "inventory.yaml"));
  // The team's own Dockerfile: cicd then generates none, and check must not miss it.
  await writeFile(path.join(pristine, "Dockerfile"), "FROM python:3.12-slim\n");
  await generate(pristine, path.join(pristine, "inventory.yaml"));
}, 120_000);

describe("checkDrift", () => {
  it("is current right after generation, for all five phases, offline", async () => {
    const dir = await target();
    const report = await checkDrift(options(dir));
    expect(report).toMatchObject({ ok: true, status: "current", exitCode: ExitCode.ok });
    expect(report.phases.map((p) => [p.phase, p.provider])).toEqual(PHASE_IDS.map((p) => [p, "offline"]));
    const manifest = await manifestOf(dir);
    expect(
      report.files
        .filter((f) => f.state === "current" || f.state === "kept")
        .map((f) => f.path)
        .sort(),
    ).toEqual(Object.keys(manifest.files).sort());
  });

  it("regenerates with the options the files were written with (audit --top 3): no drift", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "im-check-top-"));
    await cp(example, path.join(dir, "inventory.yaml"));
    const { generate: generateFiles } = await import("../../src/engine/generate.js");
    await generateFiles({
      command: "audit",
      phases: ["audit"],
      inventoryFile: path.join(dir, "inventory.yaml"),
      outDir: dir,
      provider: "offline",
      options: { top: 3 },
      dryRun: false,
      force: false,
      env: {},
    });
    expect(await readFile(path.join(dir, REPORT), "utf8")).toContain("## The 3 most urgent risks");
    // No --top now: the 3 recorded in the manifest is used, so the report is current.
    const report = await checkDrift(options(dir));
    expect(report).toMatchObject({ status: "current", exitCode: ExitCode.ok });
    // An explicit value still wins, and then the report differs.
    const other = await checkDrift(options(dir, { options: { top: 4 } }));
    expect(other.files.find((f) => f.path === REPORT)?.state).toBe("drift");
  });

  it("exit 4 (edited) when a generated file was edited by hand, with the diff", async () => {
    const dir = await target();
    const file = path.join(dir, REPORT);
    await writeFile(file, (await readFile(file, "utf8")) + "\nMy own note.\n");
    const report = await checkDrift(options(dir));
    expect(report).toMatchObject({ ok: false, status: "edited", exitCode: ExitCode.refusedOverwrite });
    const edited = report.files.filter((f) => f.state === "edited");
    expect(edited.map((f) => f.path)).toEqual([REPORT]);
    expect(edited[0]!.diff).toContain("-My own note.");
    // The sides are named for a person: their edit, and what infra-migrate generates now.
    expect(edited[0]!.diff).toMatch(/^--- yours\s+docs\/migration\/audit\/risk-report\.md\n\+\+\+ generated\s+docs\//);
  });

  it("exit 1 (drift) when the disk matches the manifest but the generator now produces something else", async () => {
    const dir = await target();
    const file = path.join(dir, REPORT);
    const older = (await readFile(file, "utf8")).replace(/\n/, "\nAn older generator wrote this line.\n");
    await writeFile(file, older);
    const manifest = await manifestOf(dir);
    manifest.files[REPORT]!.sha256 = sha256(older);
    await writeFile(path.join(dir, MANIFEST_PATH), JSON.stringify(manifest));
    const report = await checkDrift(options(dir));
    expect(report).toMatchObject({ status: "drift", exitCode: ExitCode.drift });
    const drifted = report.files.filter((f) => f.state === "drift");
    expect(drifted.map((f) => f.path)).toEqual([REPORT]);
    expect(drifted[0]!.diff).toContain("-An older generator wrote this line.");
  });

  it("exit 1 when the inventory changed since generation", async () => {
    const dir = await target();
    const inventory = path.join(dir, "inventory.yaml");
    await writeFile(inventory, (await readFile(inventory, "utf8")).replace(/peakRps: \d+/, "peakRps: 400"));
    const report = await checkDrift(options(dir));
    expect(report.status).toBe("drift");
    expect(report.files.filter((f) => f.state === "drift").length).toBeGreaterThan(1);
  });

  it.each([
    ["a deleted file is missing", async (dir: string) => rm(path.join(dir, REPORT)), REPORT, "missing"],
    [
      "a manifest entry no longer produced is orphaned",
      async (dir: string) => {
        const manifest = await manifestOf(dir);
        manifest.files["docs/migration/audit/old.md"] = { ...manifest.files[REPORT]! };
        await writeFile(path.join(dir, MANIFEST_PATH), JSON.stringify(manifest));
      },
      "docs/migration/audit/old.md",
      "orphaned",
    ],
  ] as const)("%s (exit 1)", async (_name, mutate, file, state) => {
    const dir = await target();
    await mutate(dir);
    const report = await checkDrift(options(dir));
    expect(report.exitCode).toBe(ExitCode.drift);
    expect(report.files.find((f) => f.path === file)?.state).toBe(state);
  });

  it("checks only the requested phases (but regenerates what they depend on)", async () => {
    const dir = await target();
    await writeFile(path.join(dir, REPORT), "edited\n");
    const report = await checkDrift(options(dir, { phases: ["design"] }));
    expect(report.status).toBe("current");
    expect(new Set(report.files.map((f) => f.phase))).toEqual(new Set(["design"]));
    const skipped = await checkDrift(options(dir, { skip: ["audit"] }));
    expect(skipped.phases.map((p) => p.phase)).toEqual(["design", "cicd", "llmops", "observe"]);
  });

  it("writes nothing", async () => {
    const dir = await target();
    await rm(path.join(dir, REPORT));
    const before = await readFile(path.join(dir, MANIFEST_PATH), "utf8");
    await checkDrift(options(dir));
    expect(await readFile(path.join(dir, MANIFEST_PATH), "utf8")).toBe(before);
    await expect(readFile(path.join(dir, REPORT))).rejects.toThrow(/ENOENT/);
  });

  it("uses replay for phases a model generated, and a replay miss is a ProviderError (exit 3)", async () => {
    const dir = await target();
    const manifest = await manifestOf(dir);
    for (const entry of Object.values(manifest.files)) if (entry.phase === "design") entry.provider = "gemini";
    await writeFile(path.join(dir, MANIFEST_PATH), JSON.stringify(manifest));
    const error = await checkDrift(options(dir)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).exitCode).toBe(3);
    expect((error as ProviderError).message).toMatch(/design/);
    // --provider offline overrides the per-phase default (headers then differ: drift, not an error).
    const forced = await checkDrift(options(dir, { provider: "offline" }));
    expect(forced.phases.every((p) => p.provider === "offline")).toBe(true);
  });

  it.each([
    ["an empty manifest", async (dir: string) => rm(path.join(dir, MANIFEST_PATH)), /Nothing to check/],
    [
      "a broken inventory",
      async (dir: string) => writeFile(path.join(dir, "inventory.yaml"), "services: [\n"),
      /inventory/i,
    ],
  ] as const)("%s is bad input (exit 2)", async (_name, mutate, message) => {
    const dir = await target();
    await mutate(dir);
    const error = await checkDrift(options(dir)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toMatch(message);
  });
});

describe("checkDrift on a repo where infra-migrate generated the Dockerfile", () => {
  // cicd writes a create-only Dockerfile when the repo has none; on regeneration it must still
  // produce it (its own file is not "the team's Dockerfile"), or check would call it orphaned.
  it("is current right after generation", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "im-check-docker-"));
    // The seed app's own files: a Dockerfile is only written for a repository it can be checked against.
    await cp(path.resolve(import.meta.dirname, "../fixtures/repos/acme-mvp"), dir, { recursive: true });
    await cp(example, path.join(dir, "inventory.yaml"));
    await generate(dir, path.join(dir, "inventory.yaml"));
    const report = await checkDrift(options(dir));
    expect(report.files.filter((f) => f.state !== "current" && f.state !== "kept")).toEqual([]);
    expect(report.files.map((f) => f.path)).toContain("Dockerfile");
  });
});
