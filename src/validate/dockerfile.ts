// Dockerfile lint in Node with dockerfile-utils (hadolint is not available on our machines).
// Every diagnostic counts, warnings included: our generated Dockerfile must be clean.
import { validate } from "dockerfile-utils";

export interface DockerfileFinding {
  line: number;
  severity: "error" | "warning";
  message: string;
}

/** LSP DiagnosticSeverity: 1 = error, 2 = warning. */
const LSP_ERROR = 1;

export function lintDockerfile(text: string): DockerfileFinding[] {
  return validate(text).map((d) => ({
    line: d.range.start.line + 1,
    severity: d.severity === LSP_ERROR ? "error" : "warning",
    message: typeof d.message === "string" ? d.message : d.message.value,
  }));
}

export function formatDockerfileFindings(path: string, findings: DockerfileFinding[]): string[] {
  return findings.map((f) => `${path}:${f.line} dockerfile-utils ${f.severity}: ${f.message}`);
}
