// Rendering the llmops result: the file set, determinism, the IAM in the set-up script, the docs,
// and hostile-but-valid answers that must stay data in every generated file.
import { describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { execa } from "execa";
import { InputError } from "../../../src/errors.js";
import { llmopsPhase } from "../../../src/phases/llmops/index.js";
import { findPython } from "../../../src/validate/python.js";
import { validateMermaid } from "../../../src/validate/mermaid.js";
import type { Artifact } from "../../../src/write/plan.js";
import { codeMentions } from "./python-ast.js";
import { hostileResult, phaseInput, seedDeployment, seedInventory } from "./fixtures.js";

const input = phaseInput(seedInventory(), seedDeployment());
const result = llmopsPhase.offline(input);
const artifacts = await llmopsPhase.render(result, input);
const byPath = (list: Artifact[], p: string) => list.find((a) => a.path === p)!;
const script = byPath(artifacts, "scripts/setup-ai-worker.sh").content;

const python = await findPython();
const shellcheck = (await execa("shellcheck", ["--version"], { reject: false }).catch(() => undefined))?.exitCode === 0;
if (!python) console.warn("skipping Python checks in render tests: no python3 found");
if (!shellcheck)
  console.warn("skipping shellcheck of setup-ai-worker.sh: shellcheck not installed (apt-get install shellcheck)");

describe("renderLlmops", () => {
  it("writes the worker package, the set-up script and the docs", () => {
    expect(artifacts.map((a) => a.path)).toEqual([
      "services/ai-worker/models.py",
      "services/ai-worker/api_handler.py",
      "services/ai-worker/ai_worker.py",
      "services/ai-worker/migrate.py",
      "services/ai-worker/tests/conftest.py",
      "services/ai-worker/tests/test_api_handler.py",
      "services/ai-worker/tests/test_ai_worker.py",
      "services/ai-worker/tests/test_repository.py",
      "services/ai-worker/requirements.txt",
      "services/ai-worker/requirements-dev.txt",
      "services/ai-worker/Dockerfile",
      "services/ai-worker/prompts/contract_summary.md",
      "scripts/setup-ai-worker.sh",
      "docs/migration/llmops/architecture.md",
      "docs/migration/llmops/sequence.mmd",
    ]);
  });

  it("is deterministic", async () => {
    expect(await llmopsPhase.render(result, input)).toEqual(artifacts);
  });

  it("puts the worker under options.workerDir", async () => {
    const moved = await llmopsPhase.render(
      result,
      phaseInput(seedInventory(), seedDeployment(), { workerDir: "apps/ai/" }),
    );
    expect(moved.filter((a) => a.kind === "python").every((a) => a.path.startsWith("apps/ai/"))).toBe(true);
    expect(byPath(moved, "docs/migration/llmops/architecture.md").content).toContain("](../../../apps/ai/)");
  });

  it.each(["../outside", "/abs", "a/../../b", "dir with space", "x;rm"])("refuses workerDir %j", async (workerDir) => {
    await expect(
      llmopsPhase.render(result, phaseInput(seedInventory(), seedDeployment(), { workerDir })),
    ).rejects.toBeInstanceOf(InputError);
  });

  it("keeps the prompt's front matter first (no provenance header) and hashes it in the docs", () => {
    const prompt = byPath(artifacts, "services/ai-worker/prompts/contract_summary.md");
    expect(prompt.noHeader).toBe(true);
    expect(prompt.content.startsWith("---\nname: contract_summary\nversion: 1.0.0\n")).toBe(true);
    const sha = createHash("sha256").update(prompt.content).digest("hex");
    expect(byPath(artifacts, "docs/migration/llmops/architecture.md").content).toContain(`sha256 \`${sha}\``);
  });

  it("pins every requirement", () => {
    const lines = byPath(artifacts, "services/ai-worker/requirements.txt")
      .content.split("\n")
      .filter((l) => l && !l.startsWith("#"));
    expect(lines.length).toBeGreaterThanOrEqual(6);
    for (const line of lines) expect(line).toMatch(/^[A-Za-z0-9_.-]+==\d+(\.\d+)+$/);
    expect(lines).toContain("PyMySQL==1.1.1");
  });

  it("defaults the model to a current Vertex model, overridable by AI_MODEL", () => {
    const worker = byPath(artifacts, "services/ai-worker/ai_worker.py").content;
    expect(worker).toContain('DEFAULT_MODEL = "gemini-3.5-flash-lite"');
    expect(worker).toContain('os.environ.get("AI_MODEL", DEFAULT_MODEL)');
    expect(worker).toContain("genai.Client(\n            vertexai=True,");
    expect(worker).not.toMatch(/gemini-2\.5|vertexai\.generative_models/);
  });
});

describe("setup-ai-worker.sh", () => {
  const bindingLines = script.replace(/\\\n\s*/g, " ").split("\n");
  const grant = (role: string) => bindingLines.filter((l) => l.includes(`--role ${role}`) && !l.trim().startsWith("#"));

  it("is strict, executable and idempotent (describe before create)", () => {
    expect(script.startsWith("#!/usr/bin/env bash\n")).toBe(true);
    expect(script).toContain("set -euo pipefail");
    expect(byPath(artifacts, "scripts/setup-ai-worker.sh").executable).toBe(true);
    expect(script).toMatch(/if exists gcloud tasks queues describe "\$QUEUE"[\s\S]*queues update[\s\S]*queues create/);
    expect(script).toMatch(/if ! exists gcloud iam service-accounts describe/);
  });

  it("creates the queue with attempts, backoff and dispatch limits", () => {
    for (const flag of [
      "--max-attempts 5",
      "--min-backoff 15s",
      "--max-backoff 300s",
      "--max-dispatches-per-second 2",
      "--max-concurrent-dispatches 30",
    ]) {
      expect(script).toContain(flag);
    }
  });

  it.each([
    ["roles/aiplatform.user", "WORKER_SA", "projects add-iam-policy-binding"],
    ["roles/cloudtasks.enqueuer", "enqueuer", 'tasks queues add-iam-policy-binding "$QUEUE"'],
    ["roles/iam.serviceAccountUser", "enqueuer", 'iam service-accounts add-iam-policy-binding "$INVOKER_SA"'],
    ["roles/run.invoker", "INVOKER_SA", 'run services add-iam-policy-binding "$WORKER_SERVICE"'],
  ])("grants %s to %s only, on the narrowest resource", (role, member, resource) => {
    const lines = grant(role);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`--member "serviceAccount:\${${member}}"`);
    expect(lines[0]).toContain(resource);
  });

  it("enqueuers are the API (new tasks) and the worker's sweeper (tasks Cloud Tasks gave up on), nothing else", () => {
    expect(script).toContain('for enqueuer in "$API_SA" "$WORKER_SA"; do');
  });

  it("gives the worker Cloud SQL access when the design has a database", () => {
    expect(grant("roles/cloudsql.client")[0]).toContain("WORKER_SA");
  });

  it.skipIf(!shellcheck)("passes shellcheck", async () => {
    const run = await execa("shellcheck", ["-"], { input: script, reject: false });
    expect(run.stdout).toBe("");
    expect(run.exitCode).toBe(0);
  });
});

describe("docs", () => {
  const doc = byPath(artifacts, "docs/migration/llmops/architecture.md").content;

  it("covers flow, IAM matrix, failure modes, quota and cost, observability", () => {
    for (const heading of [
      "## Flow",
      "## Identities and permissions",
      "## Failure modes",
      "## Quota and cost control",
      "## Observability",
      "## Assumptions",
    ]) {
      expect(doc).toContain(heading);
    }
    expect(doc).toContain("| `web-app-prod-ai-worker-sa` | yes (`roles/aiplatform.user`)");
    expect(doc).toMatch(/`task_id`.*`prompt_version`/s);
    expect(doc).toContain("| Vertex AI quota exhausted (429) |");
  });

  it("has a sequence diagram that parses with the real Mermaid parser", async () => {
    const mmd = byPath(artifacts, "docs/migration/llmops/sequence.mmd").content;
    expect(await validateMermaid(mmd)).toEqual([]);
    for (const id of ["client", "api", "tasks", "worker", "vertex", "db"])
      expect(mmd).toMatch(new RegExp(`^  (actor|participant) ${id}\\b`, "m"));
  });

  it("validates clean: py_compile, pyflakes, Mermaid, Dockerfile lint", async () => {
    expect(await llmopsPhase.validate!(artifacts, input, { source: "model" })).toEqual([]);
  });
});

describe("hostile but schema-valid answers stay data", async () => {
  const hostile = llmopsPhase.resultSchema.parse(hostileResult(result));
  const rendered = await llmopsPhase.render(hostile, input);

  it.skipIf(!python)("every Python file still compiles and is pyflakes-clean", async () => {
    expect(await llmopsPhase.validate!(rendered, input, { source: "model" })).toEqual([]);
  });

  it.skipIf(!python)("no hostile text becomes an identifier, import or call in Python", async () => {
    expect(await codeMentions(python!.path, rendered, "pwned")).toEqual([]);
    // …while it is really there, as string data.
    expect(byPath(rendered, "services/ai-worker/models.py").content).toContain('\\"\\"\\"; import pwned_use_case');
  });

  it("no raw HTML or table-breaking pipes reach the Markdown", () => {
    const doc = byPath(rendered, "docs/migration/llmops/architecture.md").content;
    expect(doc).not.toMatch(/<script|<img/);
    expect(doc).toContain("&lt;script>");
    expect(doc).toContain("\\| pwned \\| table \\|");
  });

  it("the prompt file keeps its own front matter; look-alikes stay in the body", () => {
    const prompt = byPath(rendered, "services/ai-worker/prompts/contract_summary.md").content;
    expect(prompt.split("\n").slice(0, 5)).toEqual([
      "---",
      "name: contract_summary",
      "version: 1.0.0",
      "task_type: contract_summary",
      "---",
    ]);
    expect(prompt).toContain("{{pwned_handlebars}}");
  });

  it("the script and the diagram are unchanged by prose", async () => {
    expect(byPath(rendered, "scripts/setup-ai-worker.sh").content).toBe(script);
    expect(await validateMermaid(byPath(rendered, "docs/migration/llmops/sequence.mmd").content)).toEqual([]);
  });
});
