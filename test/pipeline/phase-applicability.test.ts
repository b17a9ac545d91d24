// llmops runs only for inventories that ask for the AI worker (an `llm` section): otherwise it is
// left out with a notice, no services/ai-worker/ or setup-ai-worker.sh is written, the design plans
// no worker, and asking for llmops alone is a usage error (exit 2), never a silent no-op.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generate, type GenerateOptions } from "../../src/engine/generate.js";
import { InputError } from "../../src/errors.js";
import type { PipelineEvent } from "../../src/pipeline/run-pipeline.js";
import { ROOT, SEED_INVENTORY } from "../helpers/phase-input.js";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const NO_LLM = path.join(ROOT, "examples/django-postgres/inventory.yaml");

function options(inventoryFile: string, phases: GenerateOptions["phases"], onEvent?: (e: PipelineEvent) => void) {
  const outDir = mkdtempSync(path.join(tmpdir(), "applicability-"));
  dirs.push(outDir);
  return {
    command: "run",
    phases,
    inventoryFile,
    outDir,
    provider: "offline",
    options: {},
    dryRun: true,
    force: false,
    env: {},
    ...(onEvent ? { onEvent } : {}),
  } as GenerateOptions;
}

describe("llmops applies only with an llm section", () => {
  it("without one: skipped with the reason, no AI worker files, no AI worker in the design", async () => {
    const notices: string[] = [];
    const report = await generate(
      options(NO_LLM, ["design", "llmops"], (e) => e.type === "notice" && notices.push(e.message)),
    );
    expect(report.phases.map((p) => p.phase)).toEqual(["audit", "design"]);
    expect(notices.join("\n")).toMatch(/llmops skipped: the inventory has no `llm` section/);
    const paths = report.files.map((f) => f.path);
    expect(paths.filter((p) => /ai-worker/.test(p))).toEqual([]);
    const mapping = report.files.find((f) => f.path.endsWith("mapping.json"));
    expect(mapping).toBeDefined();
  });

  it("asked for alone without one: exit 2 with the reason", async () => {
    const run = generate(options(NO_LLM, ["llmops"]));
    await expect(run).rejects.toBeInstanceOf(InputError);
    await expect(run).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/no `llm` section/) });
  });

  it("with one (the seed): the worker's code and setup script are written", async () => {
    const report = await generate(options(SEED_INVENTORY, ["llmops"]));
    const paths = report.files.map((f) => f.path);
    expect(paths).toContain("services/ai-worker/ai_worker.py");
    expect(paths).toContain("scripts/setup-ai-worker.sh");
  });
});
