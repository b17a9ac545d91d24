// LlmopsResult → files: the worker package (Python, prompt, requirements, Dockerfile, tests), the
// set-up script and the docs. Pure: the same result and input give the same bytes.
import { InputError } from "../../errors.js";
import type { Artifact, ArtifactKind } from "../../write/plan.js";
import type { PhaseInput } from "../../contracts/phase.js";
import { renderTemplate } from "../../render/templates.js";
import type { LlmopsResult } from "./schema.js";
import { deploymentFrom } from "./topology.js";
import { buildView, promptFileContent } from "./view.js";
import { sequenceDiagram } from "./sequence.js";

export const DEFAULT_WORKER_DIR = "services/ai-worker";
export const DOCS_DIR = "docs/migration/llmops";
const SAFE_DIR = /^[A-Za-z0-9_][A-Za-z0-9._-]*(\/[A-Za-z0-9_][A-Za-z0-9._-]*)*$/;

/** options.workerDir, checked: it becomes part of paths, a shell comment and a Markdown link. */
export function workerDirOf(input: PhaseInput): string {
  const raw = input.options.workerDir ?? DEFAULT_WORKER_DIR;
  const dir = String(raw).replace(/\/+$/, "");
  if (!SAFE_DIR.test(dir) || dir.split("/").some((part) => part === "." || part === "..")) {
    throw new InputError(
      `--worker-dir must be a relative path of letters, digits, ".", "_" and "-" (got ${JSON.stringify(raw)})`,
    );
  }
  return dir;
}

/** Worker files: template name under templates/llmops → path inside the worker dir. */
const WORKER_FILES: [template: string, file: string, kind: ArtifactKind][] = [
  ["models.py.hbs", "models.py", "python"],
  ["api_handler.py.hbs", "api_handler.py", "python"],
  ["ai_worker.py.hbs", "ai_worker.py", "python"],
  ["migrate.py.hbs", "migrate.py", "python"],
  ["tests/conftest.py.hbs", "tests/conftest.py", "python"],
  ["tests/test_api_handler.py.hbs", "tests/test_api_handler.py", "python"],
  ["tests/test_ai_worker.py.hbs", "tests/test_ai_worker.py", "python"],
  ["tests/test_repository.py.hbs", "tests/test_repository.py", "python"],
  ["requirements.txt.hbs", "requirements.txt", "text"],
  ["requirements-dev.txt.hbs", "requirements-dev.txt", "text"],
  ["Dockerfile.hbs", "Dockerfile", "dockerfile"],
];
/** The AI gateway's files, when the app cannot mount the router (src/phases/llmops/gateway.ts). */
const GATEWAY_FILES: typeof WORKER_FILES = [
  ["gateway.py.hbs", "gateway.py", "python"],
  ["tests/test_gateway.py.hbs", "tests/test_gateway.py", "python"],
];

export async function renderLlmops(result: LlmopsResult, input: PhaseInput): Promise<Artifact[]> {
  const workerDir = workerDirOf(input);
  const view = buildView(result, {
    inventory: input.inventory,
    deployment: deploymentFrom(input.upstream.design),
    workerDir,
  });
  const artifacts: Artifact[] = [];
  for (const [template, file, kind] of [...WORKER_FILES, ...(view.gateway ? GATEWAY_FILES : [])]) {
    artifacts.push({ path: `${workerDir}/${file}`, kind, content: await renderTemplate(`llmops/${template}`, view) });
  }
  artifacts.push(
    // Front matter must stay on the first line (the worker parses it): no provenance header.
    {
      path: `${workerDir}/prompts/${result.prompt.name}.md`,
      kind: "markdown",
      content: promptFileContent(result),
      noHeader: true,
    },
    {
      path: "scripts/setup-ai-worker.sh",
      kind: "shell",
      executable: true,
      content: await renderTemplate("llmops/setup-ai-worker.sh.hbs", view),
    },
    {
      path: `${DOCS_DIR}/architecture.md`,
      kind: "markdown",
      content: await renderTemplate("llmops/docs/architecture.md.hbs", view),
    },
    {
      path: `${DOCS_DIR}/sequence.mmd`,
      kind: "mermaid",
      content: sequenceDiagram(result, view.route, view.gateway ? view.gateway.service : undefined),
    },
  );
  return artifacts;
}
