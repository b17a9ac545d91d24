// Checks on the rendered llmops files: every Python file compiles and is pyflakes-clean, the
// sequence diagram parses with the real Mermaid parser, the Dockerfile lints clean, the setup
// script passes ShellCheck (when installed; CI has it).
import type { Artifact } from "../../write/plan.js";
import { checkPython } from "../../validate/python.js";
import { validateMermaid } from "../../validate/mermaid.js";
import { formatDockerfileFindings, lintDockerfile } from "../../validate/dockerfile.js";
import { shellcheckScripts } from "../../validate/shellcheck.js";
import { scriptsToCheck } from "../../validate/shipped-scripts.js";

export async function validateLlmops(artifacts: Artifact[]): Promise<string[]> {
  const python = artifacts.filter((a) => a.kind === "python").map((a) => ({ path: a.path, content: a.content }));
  // The interpreter runs in its own process while Mermaid parses in this one. Without any
  // interpreter there is nothing to check with; CI always has one.
  const [checked, shell, diagrams] = await Promise.all([
    checkPython(python),
    shellcheckScripts(scriptsToCheck(artifacts)),
    Promise.all(
      artifacts
        .filter((a) => a.kind === "mermaid")
        .map(async (a) => (await validateMermaid(a.content)).map((f) => `${a.path}: ${f}`)),
    ),
  ]);
  const findings = [...(checked?.compile ?? []), ...(checked?.pyflakes ?? []).map((f) => `pyflakes: ${f}`)];
  findings.push(...diagrams.flat(), ...(shell ?? []));
  for (const a of artifacts) {
    if (a.kind === "dockerfile") findings.push(...formatDockerfileFindings(a.path, lintDockerfile(a.content)));
  }
  return findings;
}
