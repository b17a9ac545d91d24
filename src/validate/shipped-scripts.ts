// Scripts the phases write exactly as they ship (templates/ files with no placeholders). Their
// bytes are the same for every user, and test/phases/cicd/shipped-scripts.test.ts holds each of
// them to ShellCheck (and fails when a new one is not listed here): checking them again on each
// run proved nothing new and cost ~1 ms of CPU a line (canary.sh, ~300 lines, was the longest
// single ShellCheck job of a first run). A script whose text differs from a shipped file in any
// byte is checked.
import { templateText } from "../render/templates.js";
import type { Artifact } from "../write/plan.js";
import type { ShellScript } from "./shellcheck.js";

export const SHIPPED_SCRIPTS = [
  "cicd/canary.sh",
  // Sourced by scripts/setup-secrets.sh: reading a setting from the VM's files, in each format.
  "cicd/lib/vm-settings.sh",
  // Sourced by scripts/setup-observability.sh: the Monitoring and Logging calls.
  "observe/lib/monitoring-api.sh",
] as const;

let shippedTexts: Set<string> | undefined;

export function isShippedScript(content: string): boolean {
  return (shippedTexts ??= new Set(SHIPPED_SCRIPTS.map((file) => templateText(file)))).has(content);
}

/** The shell artifacts ShellCheck must see on this run: every one but the shipped scripts. */
export function scriptsToCheck(artifacts: readonly Artifact[]): ShellScript[] {
  return artifacts.flatMap((a) =>
    a.kind === "shell" && !isShippedScript(a.content) ? [{ file: a.path, script: a.content }] : [],
  );
}
