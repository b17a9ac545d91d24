// Validate what the cicd phase rendered. Any finding is a generator bug: the runner fails the
// command (exit 3) instead of writing a broken or unsafe pipeline.
import { actionlint, formatActionlint } from "../../validate/actionlint.js";
import { formatDockerfileFindings, lintDockerfile } from "../../validate/dockerfile.js";
import { shellcheckArtifact, workflowRunScripts } from "../../validate/shellcheck.js";
import { checkWorkflowSecurity, formatSecurityFindings } from "../../validate/workflow-security.js";
import type { Artifact } from "../../write/plan.js";
import { allowedUses } from "./pinned-actions.js";

/** ShellCheck is optional locally (CI installs it); without it, shell checks are skipped. */
export async function validateCicd(artifacts: Artifact[]): Promise<string[]> {
  const findings: string[] = [];
  for (const artifact of artifacts) {
    if (artifact.path.startsWith(".github/workflows/")) {
      findings.push(...formatActionlint(artifact.path, await actionlint(artifact.content, artifact.path)));
      const security = checkWorkflowSecurity(artifact.content, { allowedUses: allowedUses() });
      findings.push(...formatSecurityFindings(artifact.path, security));
      for (const { where, script } of workflowRunScripts(artifact.content)) {
        findings.push(...((await shellcheckArtifact(artifact.path, script, where)) ?? []));
      }
    } else if (artifact.kind === "shell") {
      findings.push(...((await shellcheckArtifact(artifact.path, artifact.content)) ?? []));
    } else if (artifact.kind === "dockerfile") {
      findings.push(...formatDockerfileFindings(artifact.path, lintDockerfile(artifact.content)));
    }
  }
  return findings;
}
