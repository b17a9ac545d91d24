// Validate what the cicd phase rendered. Any finding is a generator bug: the runner fails the
// command (exit 3) instead of writing a broken or unsafe pipeline.
import { actionlint, formatActionlint } from "../../validate/actionlint.js";
import { formatDockerfileFindings, lintDockerfile } from "../../validate/dockerfile.js";
import { shellcheckScripts, workflowRunScripts, type ShellScript } from "../../validate/shellcheck.js";
import { checkWorkflowSecurity, formatSecurityFindings } from "../../validate/workflow-security.js";
import type { Artifact } from "../../write/plan.js";
import type { PhaseInput } from "../../contracts/phase.js";
import { buildContext } from "./context.js";
import { checkAppImages } from "./images.js";
import { allowedUses } from "./pinned-actions.js";

/**
 * ShellCheck is optional locally (CI installs it); without it, shell checks are skipped. With the
 * phase input, every Dockerfile also passes the static build check against the repository.
 */
export async function validateCicd(artifacts: Artifact[], input?: PhaseInput): Promise<string[]> {
  const findings: string[] = input ? checkAppImages(artifacts, buildContext(input), input) : [];
  const workflows: Artifact[] = [];
  // Every shell script (files and the workflows' run: blocks) goes to one ShellCheck process.
  const scripts: ShellScript[] = [];
  for (const artifact of artifacts) {
    if (artifact.path.startsWith(".github/workflows/")) {
      workflows.push(artifact);
      const security = checkWorkflowSecurity(artifact.content, { allowedUses: allowedUses() });
      findings.push(...formatSecurityFindings(artifact.path, security));
      for (const { where, script } of workflowRunScripts(artifact.content))
        scripts.push({ file: artifact.path, script, where });
    } else if (artifact.kind === "shell") {
      scripts.push({ file: artifact.path, script: artifact.content });
    } else if (artifact.kind === "dockerfile") {
      findings.push(...formatDockerfileFindings(artifact.path, lintDockerfile(artifact.content)));
    }
  }
  // ShellCheck runs in its own process while actionlint (WASM) runs in this one.
  const [shell, ...linted] = await Promise.all([
    shellcheckScripts(scripts),
    ...workflows.map(async (w) => formatActionlint(w.path, await actionlint(w.content, w.path))),
  ]);
  return [...linted.flat(), ...findings, ...(shell ?? [])];
}
