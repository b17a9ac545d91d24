// Runs the generated pytest suite with the system Python and Debian's packages (pydantic 1.10,
// SQLAlchemy 1.4, FastAPI 0.92, httpx, pytest), the way CI does, for the example and for
// variants: no llm section, a design that planned the worker itself, hostile-but-valid prose.
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { mkdtemp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";
import { llmopsPhase } from "../../../src/phases/llmops/index.js";
import type { PhaseInput } from "../../../src/contracts/phase.js";
import type { Artifact } from "../../../src/write/plan.js";
import { withProvenance } from "../../../src/write/provenance.js";
import { corpusWithLlm } from "../../helpers/llm-inventory.js";
import { renderOffline } from "../../helpers/offline-output.js";
import { ROOT } from "../../helpers/phase-input.js";
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

/**
 * Which of MODULES `python` cannot find, by its import system's finders (importlib.util.find_spec)
 * rather than importing them: importing FastAPI, SQLAlchemy, pydantic, httpx and pytest only to
 * decide whether to skip cost ~1 s of CPU; the suites below import them anyway, and a package that
 * is found but does not import then fails them instead of skipping them.
 */
async function missingModules(python: string): Promise<string | undefined> {
  const source = `import importlib.util as u; print(" ".join(m for m in ${JSON.stringify(MODULES)} if u.find_spec(m) is None))`;
  const probe = await execa(python, ["-c", source], { reject: false }).catch(() => undefined);
  if (!probe) return `${python} not found`;
  if (probe.exitCode !== 0) return probe.stderr.trim().split("\n").pop();
  return probe.stdout.trim() ? `No module named ${probe.stdout.trim().split(" ").join(", ")}` : undefined;
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

/** What one generated suite printed and how pytest exited. */
interface SuiteRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

const BATCH = path.join(import.meta.dirname, "pytest-batch.py");

/**
 * Every suite below in ONE Python process (pytest-batch.py: each in its own folder, with the
 * environment, sys.path and the suite's own modules reset between suites): the interpreter start
 * and the imports of FastAPI, SQLAlchemy, pydantic, httpx and pytest once instead of six times.
 */
async function runSuites(suites: Array<{ dir: string; options?: string[] }>): Promise<SuiteRun[]> {
  // A folder alone, or [folder, ...pytest options] (pytest-batch.py's arguments).
  const dirs = suites.map(({ dir, options }) => (options?.length ? JSON.stringify([dir, ...options]) : dir));
  const results = path.join(await mkdtemp(path.join(os.tmpdir(), "llmops-pytest-results-")), "results.jsonl");
  try {
    // PYTHONDONTWRITEBYTECODE and pytest's -p no:cacheprovider: leave nothing behind.
    const run = await execa(SYSTEM_PYTHON, [BATCH, results, ...dirs], {
      reject: false,
      // PY_COLORS=0: pytest colours its report whenever FORCE_COLOR is set, even to 0, and the
      // colour codes split the PASSED lines matched below.
      env: { PYTHONDONTWRITEBYTECODE: "1", PY_COLORS: "0" },
      timeout: 300_000,
    });
    const lines = (await readFile(results, "utf8").catch(() => "")).split("\n").filter(Boolean);
    if (run.exitCode !== 0 || lines.length !== dirs.length)
      throw new Error(
        `pytest-batch.py exited ${run.exitCode} after ${lines.length} of ${dirs.length} suites: ${run.stderr}`,
      );
    return lines.map((l) => {
      const { exit, stdout, stderr } = JSON.parse(l) as { exit: number; stdout: string; stderr: string };
      return { exitCode: exit, stdout, stderr };
    });
  } finally {
    await rm(path.dirname(results), { recursive: true, force: true });
  }
}

type Mutate = (r: ReturnType<typeof llmopsPhase.offline>) => ReturnType<typeof llmopsPhase.offline>;

/** One generated file set, written as the writer would (root), its worker folder, pytest options. */
type Suite = { root: string; worker: string; options?: string[] };

async function suiteDir(input: PhaseInput, mutate: Mutate = (r) => r): Promise<Suite> {
  const result = llmopsPhase.resultSchema.parse(mutate(llmopsPhase.offline(input)));
  const root = await writeArtifacts(await llmopsPhase.render(result, input));
  return { root, worker: path.join(root, String(input.options.workerDir ?? "services/ai-worker")) };
}

/** The example's suite with a broken worker: permanent failures treated as retryable. */
async function sabotagedDir(): Promise<Suite> {
  const input = phaseInput(seedInventory(), seedDeployment());
  const artifacts = await llmopsPhase.render(llmopsPhase.offline(input), input);
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
  const root = await writeArtifacts(artifacts);
  return { root, worker: path.join(root, "services/ai-worker") };
}

/**
 * A corpus app that cannot mount a FastAPI router, given an llm section: its worker folder also
 * holds the private AI gateway and its tests (test/phases/llmops/gateway-corpus.test.ts asserts on
 * what every phase plans for it). `-rA` lists every passed test by name.
 */
const GATEWAY_APP = "maybe";
async function gatewayDir(): Promise<Suite> {
  const { file, repo, dispose } = corpusWithLlm(GATEWAY_APP);
  try {
    const { artifacts } = await renderOffline(file, repo);
    const root = await writeArtifacts(artifacts);
    return { root, worker: path.join(root, "services/ai-worker"), options: ["-rA"] };
  } finally {
    dispose();
  }
}

const CASES: Array<readonly [string, () => Promise<Suite>]> = [
  [
    "the example (llm: summarise uploaded contracts, 5-15 s, vertex-ai)",
    () => suiteDir(phaseInput(seedInventory(), seedDeployment())),
  ],
  ["an inventory without an llm section", () => suiteDir(phaseInput(withoutLlm(), seedDeployment()))],
  [
    "a design that planned the AI worker, in a custom workerDir",
    () => suiteDir(phaseInput(seedInventory(), deploymentWithAiWorker(), { workerDir: "backend/ai" })),
  ],
  ["no design result at all", () => suiteDir(phaseInput(seedInventory()))],
  ["hostile-but-valid prose", () => suiteDir(phaseInput(seedInventory(), seedDeployment()), hostileResult)],
  ["a broken worker", sabotagedDir],
  ...(existsSync(path.join(ROOT, "test/fixtures/real", GATEWAY_APP))
    ? ([["the Rails corpus app with an llm section (its AI gateway's tests)", gatewayDir]] as const)
    : []),
];

/** Every case's suite, run once for the tests below (each test asserts on its own case). */
let runs: Promise<Map<string, SuiteRun>> | undefined;
const suiteRun = (name: string): Promise<SuiteRun> =>
  (runs ??= (async () => {
    const suites = await Promise.all(CASES.map(([, make]) => make()));
    try {
      const results = await runSuites(suites.map((s) => ({ dir: s.worker, options: s.options })));
      return new Map(CASES.map(([caseName], i) => [caseName, results[i]!]));
    } finally {
      await Promise.all(suites.map((s) => rm(s.root, { recursive: true, force: true })));
    }
  })()).then((all) => all.get(name)!);

describe.skipIf(!!missing)("generated pytest suite under Debian's Python packages", () => {
  it.each(CASES.slice(0, 4).map(([name]) => [name]))("passes for %s", async (name) => {
    const run = await suiteRun(name);
    expect(run.stdout + run.stderr).toMatch(/\d+ passed/);
    expect(run.stdout).not.toMatch(/failed|error/i);
    expect(run.exitCode).toBe(0);
  });

  it("passes with hostile-but-valid prose in every text field", async () => {
    const run = await suiteRun("hostile-but-valid prose");
    expect(run.stdout).toMatch(/\d+ passed/);
    expect(run.exitCode).toBe(0);
  });

  it.skipIf(!CASES.some(([name]) => name.includes("AI gateway")))(
    "passes for the Rails corpus app with an llm section, its AI gateway's tests included",
    async () => {
      const run = await suiteRun("the Rails corpus app with an llm section (its AI gateway's tests)");
      expect(run.stdout).toMatch(/PASSED tests\/test_gateway\.py::test_the_gateway_accepts_a_request/);
      expect(run.stdout).toMatch(/\d+ passed/);
      expect(run.exitCode, run.stdout).toBe(0);
    },
  );

  it("really runs the tests: a broken worker makes the suite fail", async () => {
    const run = await suiteRun("a broken worker");
    expect(run.stdout).toMatch(/test_permanent_failures_are_recorded_and_acknowledged/);
    expect(run.exitCode).toBe(1);
  });
});

// pydantic 2 is not packaged by Debian 12; when some python3 on PATH has it, exercise models.py
// (which imports SQLAlchemy only inside the SQL repository) under it, warnings as errors.
const pydantic2 = await execa(
  "python3",
  // The installed distribution's version (importlib.metadata), without importing pydantic itself.
  ["-c", "import importlib.metadata as m, sys; sys.exit(0 if m.version('pydantic').startswith('2') else 1)"],
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
