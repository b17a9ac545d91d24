// Runs the generated pytest suite with the system Python and Debian's packages (pydantic 1.10,
// SQLAlchemy 1.4, FastAPI 0.92, httpx, pytest), the way CI does, for the example and for
// variants: no llm section, a design that planned the worker itself, hostile-but-valid prose.
import { describe, expect, it } from "vitest";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";
import { llmopsPhase } from "../../../src/phases/llmops/index.js";
import type { PhaseInput } from "../../../src/contracts/phase.js";
import type { Artifact } from "../../../src/write/plan.js";
import { withProvenance } from "../../../src/write/provenance.js";
import {
  deploymentWithAiWorker,
  hostileResult,
  phaseInput,
  seedDeployment,
  seedInventory,
  withoutLlm,
} from "./fixtures.js";

const SYSTEM_PYTHON = "/usr/bin/python3";
const MODULES = ["fastapi", "pytest", "httpx", "sqlalchemy", "pydantic"];

async function missingModules(python: string): Promise<string | undefined> {
  const probe = await execa(python, ["-c", `import ${MODULES.join(", ")}`], { reject: false }).catch(() => undefined);
  if (!probe) return `${python} not found`;
  return probe.exitCode === 0 ? undefined : probe.stderr.trim().split("\n").pop();
}

const missing = await missingModules(SYSTEM_PYTHON);
if (missing)
  console.warn(
    `skipping generated pytest suites: ${missing} (apt-get install python3-fastapi python3-pytest python3-httpx python3-sqlalchemy)`,
  );

const PROVENANCE = {
  toolVersion: "0.0.0",
  phase: "llmops",
  persona: "ai-ml-architect@1.0.0",
  provider: "offline",
  model: "offline-rules",
  inventoryHash: "test",
};

/** Writes the files as the writer would: with their provenance headers. */
async function writeArtifacts(artifacts: Artifact[]): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "llmops-pytest-"));
  for (const a of artifacts) {
    await mkdir(path.dirname(path.join(dir, a.path)), { recursive: true });
    await writeFile(path.join(dir, a.path), withProvenance(a, PROVENANCE));
  }
  return dir;
}

async function runSuite(input: PhaseInput, mutate = (r: ReturnType<typeof llmopsPhase.offline>) => r) {
  const result = llmopsPhase.resultSchema.parse(mutate(llmopsPhase.offline(input)));
  const dir = await writeArtifacts(await llmopsPhase.render(result, input));
  try {
    const workerDir = path.join(dir, String(input.options.workerDir ?? "services/ai-worker"));
    // -p no:cacheprovider: leave nothing behind; PYTHONDONTWRITEBYTECODE for the same reason.
    return await execa(SYSTEM_PYTHON, ["-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"], {
      cwd: workerDir,
      reject: false,
      env: { PYTHONDONTWRITEBYTECODE: "1" },
      timeout: 120_000,
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe.skipIf(!!missing)("generated pytest suite under Debian's Python packages", () => {
  it.each([
    [
      "the example (llm: summarise uploaded contracts, 5-15 s, vertex-ai)",
      () => phaseInput(seedInventory(), seedDeployment()),
    ],
    ["an inventory without an llm section", () => phaseInput(withoutLlm(), seedDeployment())],
    [
      "a design that planned the AI worker, in a custom workerDir",
      () => phaseInput(seedInventory(), deploymentWithAiWorker(), { workerDir: "backend/ai" }),
    ],
    ["no design result at all", () => phaseInput(seedInventory())],
  ])("passes for %s", async (_name, makeInput) => {
    const run = await runSuite(makeInput());
    expect(run.stdout + run.stderr).toMatch(/\d+ passed/);
    expect(run.stdout).not.toMatch(/failed|error/i);
    expect(run.exitCode).toBe(0);
  });

  it("passes with hostile-but-valid prose in every text field", async () => {
    const run = await runSuite(phaseInput(seedInventory(), seedDeployment()), hostileResult);
    expect(run.stdout).toMatch(/\d+ passed/);
    expect(run.exitCode).toBe(0);
  });

  it("really runs the tests: a broken worker makes the suite fail", async () => {
    const input = phaseInput(seedInventory(), seedDeployment());
    const result = llmopsPhase.offline(input);
    const artifacts = await llmopsPhase.render(result, input);
    const worker = artifacts.find((a) => a.path.endsWith("/ai_worker.py"))!;
    // Sabotage: treat permanent failures as retryable. The generated tests must notice.
    worker.content = worker.content
      .replace(
        "except PermanentModelError as exc:\n            return self._fail(",
        "except PermanentModelError as exc:\n            return self._retry(",
      )
      .replace(
        ", attempt)\n        except (RetryableModelError",
        ", attempt, False)\n        except (RetryableModelError",
      );
    const dir = await writeArtifacts(artifacts);
    try {
      const run = await execa(SYSTEM_PYTHON, ["-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"], {
        cwd: path.join(dir, "services/ai-worker"),
        reject: false,
        env: { PYTHONDONTWRITEBYTECODE: "1" },
      });
      expect(run.stdout).toMatch(/test_permanent_failures_are_recorded_and_acknowledged/);
      expect(run.exitCode).toBe(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

// pydantic 2 is not packaged by Debian 12; when some python3 on PATH has it, exercise models.py
// (which imports SQLAlchemy only inside the SQL repository) under it, warnings as errors.
const pydantic2 = await execa(
  "python3",
  ["-c", "import pydantic, sys; sys.exit(0 if pydantic.VERSION.startswith('2') else 1)"],
  { reject: false },
).catch(() => undefined);
if (pydantic2?.exitCode !== 0)
  console.warn("skipping the pydantic 2 check of models.py: no python3 on PATH with pydantic 2");

describe.skipIf(pydantic2?.exitCode !== 0)("models.py under pydantic 2", () => {
  it("validates, dumps and stores a task with warnings as errors", async () => {
    const input = phaseInput(seedInventory(), seedDeployment());
    const dir = await writeArtifacts(await llmopsPhase.render(llmopsPhase.offline(input), input));
    const source = [
      "from pydantic import ValidationError",
      "from models import *",
      "r = ContractSummaryRequest(contract_text='x', request_id='req-00001')",
      "d = to_dict(r)",
      "assert d == {'contract_text': 'x', 'language': None, 'request_id': 'req-00001'}, d",
      "o = ContractSummaryOutput(summary='s', key_points=['a'], parties=[], notable_clauses=[])",
      "repo = InMemoryTaskRepository()",
      "assert repo.create(TaskRecord(task_id='a'*40, task_type='t', request_id='req-00001', status=TaskStatus.QUEUED, input=d))",
      "assert repo.claim('a'*40, 10).status == TaskStatus.RUNNING",
      "repo.finish('a'*40, TaskStatus.SUCCEEDED, to_dict(o), None, Provenance('p', '1.0.0', 'f'*64, 'm'))",
      "s = to_dict(repo.get('a'*40).to_status())",
      "assert s['status'] == 'succeeded' and s['result']['key_points'] == ['a'], s",
      "try:\n    ContractSummaryRequest(contract_text='', request_id='req-00001')\n    raise SystemExit('empty text accepted')\nexcept ValidationError:\n    pass",
    ].join("\n");
    try {
      const run = await execa("python3", ["-W", "error", "-c", source], {
        cwd: path.join(dir, "services/ai-worker"),
        reject: false,
        env: { PYTHONDONTWRITEBYTECODE: "1" },
      });
      expect(run.stderr).toBe("");
      expect(run.exitCode).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
