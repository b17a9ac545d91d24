// Checks generated Python with a real interpreter: py_compile for syntax, pyflakes for undefined
// names and unused imports. Debian's python3-* packages import only with /usr/bin/python3 (a
// pyenv or venv python3 earlier on PATH has none of them), so that interpreter is preferred.
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";

export interface PythonInfo {
  path: string;
  hasFastapi: boolean;
  hasPytest: boolean;
  hasPyflakes: boolean;
}

export interface PythonFile {
  /** Relative POSIX path, e.g. `services/ai-worker/models.py`. */
  path: string;
  content: string;
}

const PROBE = [
  "import importlib.util, json",
  "print(json.dumps({m: importlib.util.find_spec(m) is not None for m in ('fastapi', 'pytest', 'pyflakes')}))",
].join("\n");

function candidates(): string[] {
  const fromEnv = process.env.INFRA_MIGRATE_PYTHON;
  return [...(fromEnv ? [fromEnv] : []), "/usr/bin/python3", "python3"];
}

let found: Promise<PythonInfo | undefined> | undefined;

/** The first working interpreter (INFRA_MIGRATE_PYTHON, /usr/bin/python3, python3), probed once. */
export function findPython(): Promise<PythonInfo | undefined> {
  found ??= probeAll();
  return found;
}

async function probeAll(): Promise<PythonInfo | undefined> {
  for (const candidate of candidates()) {
    if (candidate.includes("/") && !existsSync(candidate)) continue;
    const probe = await execa(candidate, ["-c", PROBE], { reject: false, timeout: 15_000 });
    if (probe.exitCode !== 0) continue;
    try {
      const mods = JSON.parse(probe.stdout) as Record<string, boolean>;
      return { path: candidate, hasFastapi: !!mods.fastapi, hasPytest: !!mods.pytest, hasPyflakes: !!mods.pyflakes };
    } catch {
      continue;
    }
  }
  return undefined;
}

function safeRelative(p: string): string {
  const normalized = path.posix.normalize(p);
  if (path.posix.isAbsolute(normalized) || normalized.startsWith(".."))
    throw new Error(`unsafe path ${JSON.stringify(p)}`);
  return normalized;
}

/** Writes the files into a fresh temp dir, runs `fn`, removes the dir. */
export async function withFiles<T>(files: PythonFile[], fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "infra-migrate-py-"));
  try {
    for (const file of files) {
      const target = path.join(dir, safeRelative(file.path));
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, file.content);
    }
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const COMPILE = [
  "import json, py_compile, sys",
  "problems = []",
  "for name in json.load(sys.stdin):",
  "    try:",
  "        py_compile.compile(name, doraise=True, cfile=name + 'c-check')",
  "    except py_compile.PyCompileError as exc:",
  "        err = exc.exc_value",
  "        line = getattr(err, 'lineno', None) or '?'",
  "        problems.append('%s:%s: %s' % (name, line, getattr(err, 'msg', None) or exc.msg))",
  "print(json.dumps(problems))",
].join("\n");

/** Syntax errors as `path:line: message` (empty = every file compiles). No Python → one finding. */
export async function compilePython(files: PythonFile[]): Promise<string[]> {
  if (files.length === 0) return [];
  const python = await findPython();
  if (!python) return ["python: no Python 3 interpreter found to check the generated code (set INFRA_MIGRATE_PYTHON)"];
  return withFiles(files, async (dir) => {
    const names = files.map((f) => safeRelative(f.path));
    const run = await execa(python.path, ["-c", COMPILE], {
      cwd: dir,
      input: JSON.stringify(names),
      reject: false,
      timeout: 60_000,
    });
    if (run.exitCode !== 0) return [`python: py_compile failed to run: ${run.stderr.trim().split("\n").pop()}`];
    return JSON.parse(run.stdout) as string[];
  });
}

/**
 * pyflakes findings as `path:line:col: message`. Returns [] when pyflakes is not installed;
 * callers that require it check `findPython().hasPyflakes` (CI installs python3-pyflakes).
 */
export async function pyflakes(files: PythonFile[]): Promise<string[]> {
  const python = await findPython();
  if (!python?.hasPyflakes || files.length === 0) return [];
  return withFiles(files, async (dir) => {
    const names = files.map((f) => safeRelative(f.path));
    // Exit code 1 just means "found something"; the findings are on stdout.
    const run = await execa(python.path, ["-m", "pyflakes", ...names], { cwd: dir, reject: false, timeout: 60_000 });
    const out = `${run.stdout}\n${run.stderr}`;
    return out
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean);
  });
}
