// Checks on the rendered llmops files: every Python file compiles and is pyflakes-clean, the
// sequence diagram parses with the real Mermaid parser, the Dockerfile lints clean.
import type { Artifact } from "../../write/plan.js";
import { compilePython, findPython, pyflakes } from "../../validate/python.js";
import { validateMermaid } from "../../validate/mermaid.js";
import { formatDockerfileFindings, lintDockerfile } from "../../validate/dockerfile.js";

export async function validateLlmops(artifacts: Artifact[]): Promise<string[]> {
  const findings: string[] = [];
  const python = artifacts.filter((a) => a.kind === "python").map((a) => ({ path: a.path, content: a.content }));
  // Without any interpreter there is nothing to check with; CI always has one.
  if (python.length && (await findPython())) {
    findings.push(...(await compilePython(python)), ...(await pyflakes(python)).map((f) => `pyflakes: ${f}`));
  }
  for (const a of artifacts) {
    if (a.kind === "mermaid") findings.push(...(await validateMermaid(a.content)).map((f) => `${a.path}: ${f}`));
    if (a.kind === "dockerfile") findings.push(...formatDockerfileFindings(a.path, lintDockerfile(a.content)));
  }
  return findings;
}
