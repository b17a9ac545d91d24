// Checks generated Python with a real interpreter: py_compile for syntax, pyflakes for undefined
// names and unused imports. Debian's python3-* packages import only with /usr/bin/python3 (a
// pyenv or venv python3 earlier on PATH has none of them), so that interpreter is preferred.
import { rm } from "node:fs/promises";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { runProcess } from "./run-process.js";
import { fileIdentity, onPath } from "./file-identity.js";
import type { PythonInfo, ToolRecords } from "./tool-records.js";
import { keepVerdict, keptVerdict, toolRecords, verdictKey, verdictsEnabled } from "./verdicts.js";

export type { PythonInfo } from "./tool-records.js";

export interface PythonFile {
  /** Relative POSIX path, e.g. `services/ai-worker/models.py`. */
  path: string;
  content: string;
}

const PROBE = [
  "import importlib.util, json, sys",
  "specs = {m: importlib.util.find_spec(m) for m in ('fastapi', 'pytest', 'pyflakes')}",
  "found = {m: s is not None for m, s in specs.items()}",
  "found['pyflakesFile'] = specs['pyflakes'].origin if specs['pyflakes'] else None",
  "found['version'] = sys.version",
  "print(json.dumps(found))",
].join("\n");

/** Interpreters tried in order: INFRA_MIGRATE_PYTHON, Debian's /usr/bin/python3, python3 on PATH. */
export function pythonCandidates(): string[] {
  const fromEnv = process.env.INFRA_MIGRATE_PYTHON;
  return [...(fromEnv ? [fromEnv] : []), "/usr/bin/python3", "python3"];
}

let found: Promise<PythonInfo | undefined> | undefined;

/** The first working interpreter (INFRA_MIGRATE_PYTHON, /usr/bin/python3, python3), probed once. */
export function findPython(): Promise<PythonInfo | undefined> {
  found ??= probeAll();
  return found;
}

/** A probe answer kept from an earlier run whose interpreter has not changed since (tool-identity.ts). */
export function rememberPython(info: PythonInfo): void {
  found ??= Promise.resolve(info);
}

let identity: Promise<string> | undefined;

/**
 * The interpreter the Python checks use and its pyflakes, as file identities. A kept probe answer
 * (`records.python`) is reused while the candidate list, the interpreter's file and pyflakes'
 * file are unchanged; otherwise the interpreter is probed (one process) and the record updated.
 */
export function pythonIdentity(records: ToolRecords): Promise<string> {
  identity ??= (async () => {
    const candidates = pythonCandidates();
    const kept = records.python;
    if (
      kept &&
      JSON.stringify(kept.candidates) === JSON.stringify(candidates) &&
      fileIdentity(onPath(kept.info.path)) === kept.interpreter &&
      fileIdentity(kept.info.pyflakesFile) === kept.pyflakes
    ) {
      rememberPython(kept.info);
      return `python ${kept.interpreter} pyflakes ${kept.pyflakes}`;
    }
    const info = await findPython();
    if (!info) return "python absent";
    const interpreter = fileIdentity(onPath(info.path));
    const pyflakes = fileIdentity(info.pyflakesFile);
    // Without pyflakes nothing is kept: installing it later changes no file we could watch.
    if (info.hasPyflakes) records.python = { candidates, interpreter, pyflakes, info };
    return `python ${interpreter} pyflakes ${pyflakes}`;
  })();
  return identity;
}

async function probeAll(): Promise<PythonInfo | undefined> {
  for (const candidate of pythonCandidates()) {
    if (candidate.includes("/") && !existsSync(candidate)) continue;
    const probe = await runProcess(candidate, ["-c", PROBE], { timeoutMs: 15_000 });
    if (probe.exitCode !== 0) continue;
    try {
      const mods = JSON.parse(probe.stdout) as Record<string, boolean | string | null>;
      return {
        path: candidate,
        hasFastapi: !!mods.fastapi,
        hasPytest: !!mods.pytest,
        hasPyflakes: !!mods.pyflakes,
        version: typeof mods.version === "string" ? mods.version : undefined,
        pyflakesFile: typeof mods.pyflakesFile === "string" ? mods.pyflakesFile : undefined,
      };
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

/**
 * Writes the files into a fresh temp dir, runs `fn`, removes the dir. The few small files are
 * written synchronously: with an `await` per file the interpreter would start only once the
 * busy main thread (other phases rendering) let each write's callback run.
 */
export async function withFiles<T>(files: PythonFile[], fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "infra-migrate-py-"));
  try {
    for (const file of files) {
      const target = path.join(dir, safeRelative(file.path));
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, file.content);
    }
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// One interpreter run does both checks: py_compile on every file, then pyflakes (when installed)
// through its own API, which prints exactly what `python -m pyflakes <files>` prints.
const CHECK = [
  "import io, json, py_compile, sys",
  "names = json.load(sys.stdin)",
  "problems = []",
  "for name in names:",
  "    try:",
  "        py_compile.compile(name, doraise=True, cfile=name + 'c-check')",
  "    except py_compile.PyCompileError as exc:",
  "        err = exc.exc_value",
  "        line = getattr(err, 'lineno', None) or '?'",
  "        problems.append('%s:%s: %s' % (name, line, getattr(err, 'msg', None) or exc.msg))",
  "flakes = None",
  "if sys.argv[1] == 'pyflakes':",
  "    try:",
  "        from pyflakes import api, reporter",
  "    except ImportError:",
  "        pass",
  "    else:",
  "        out, err = io.StringIO(), io.StringIO()",
  "        api.checkRecursive(names, reporter.Reporter(out, err))",
  "        flakes = [l.strip() for l in (out.getvalue() + '\\n' + err.getvalue()).split('\\n') if l.strip()]",
  "print(json.dumps({'compile': problems, 'pyflakes': flakes}))",
].join("\n");

export interface PythonCheck {
  /** Syntax errors as `path:line: message`. */
  compile: string[];
  /** pyflakes findings as `path:line:col: message`; `undefined` when pyflakes is not installed. */
  pyflakes: string[] | undefined;
}

/**
 * Syntax (py_compile) and, with `pyflakes: true`, pyflakes findings in one interpreter run.
 * `undefined` when no Python 3 interpreter was found. Both check one file at a time, so a file
 * with a kept verdict (verdicts.ts) is not checked again.
 */
export async function checkPython(files: PythonFile[], { pyflakes = true } = {}): Promise<PythonCheck | undefined> {
  if (files.length === 0) return { compile: [], pyflakes: pyflakes ? [] : undefined };
  if (!verdictsEnabled()) return runChecks(files, pyflakes);
  const id = await pythonIdentity(toolRecords());
  if (id === "python absent") return undefined;
  const keys = files.map((f) => verdictKey("python", id, [pyflakes, safeRelative(f.path), f.content]));
  const kept = keys.map((key) => keptVerdict<PythonCheck>(key));
  const missing = files.filter((_, i) => !kept[i]);
  const checked = missing.length ? await runChecks(missing, pyflakes) : { compile: [], pyflakes: [] };
  if (!checked) return undefined;
  // Every finding starts with its file's path; one that does not cannot be kept per file.
  const ofFile = (lines: string[] | undefined, file: string) => lines?.filter((l) => l.startsWith(`${file}:`));
  const attributed = (lines: string[] | undefined) =>
    (lines ?? []).every((l) => missing.some((f) => l.startsWith(`${safeRelative(f.path)}:`)));
  if (attributed(checked.compile) && attributed(checked.pyflakes)) {
    for (const f of missing) {
      const name = safeRelative(f.path);
      keepVerdict(keys[files.indexOf(f)]!, {
        compile: ofFile(checked.compile, name),
        pyflakes: ofFile(checked.pyflakes, name) ?? null,
      });
    }
  }
  const fromKept = kept.filter((k): k is PythonCheck => k !== undefined);
  // pyflakes missing anywhere (null once kept as JSON) means it is not installed: undefined.
  const flakes = [...fromKept.map((k) => k.pyflakes), ...(missing.length ? [checked.pyflakes] : [])];
  return {
    compile: [...fromKept.flatMap((k) => k.compile), ...checked.compile],
    pyflakes: pyflakes && flakes.every((f) => f != null) ? flakes.flatMap((f) => f ?? []) : undefined,
  };
}

async function runChecks(files: PythonFile[], pyflakes: boolean): Promise<PythonCheck | undefined> {
  const python = await findPython();
  if (!python) return undefined;
  return withFiles(files, async (dir) => {
    const names = files.map((f) => safeRelative(f.path));
    const run = await runProcess(python.path, ["-c", CHECK, pyflakes && python.hasPyflakes ? "pyflakes" : "compile"], {
      cwd: dir,
      input: JSON.stringify(names),
      timeoutMs: 60_000,
    });
    if (run.exitCode !== 0) {
      const reason = run.stderr.trim().split("\n").pop();
      return { compile: [`python: py_compile failed to run: ${reason}`], pyflakes: undefined };
    }
    const parsed = JSON.parse(run.stdout) as { compile: string[]; pyflakes: string[] | null };
    return { compile: parsed.compile, pyflakes: parsed.pyflakes ?? undefined };
  });
}

/** Syntax errors as `path:line: message` (empty = every file compiles). No Python → one finding. */
export async function compilePython(files: PythonFile[]): Promise<string[]> {
  const checked = await checkPython(files, { pyflakes: false });
  if (!checked) return ["python: no Python 3 interpreter found to check the generated code (set INFRA_MIGRATE_PYTHON)"];
  return checked.compile;
}

/**
 * pyflakes findings as `path:line:col: message`. Returns [] when pyflakes is not installed;
 * callers that require it check `findPython().hasPyflakes` (CI installs python3-pyflakes).
 */
export async function pyflakes(files: PythonFile[]): Promise<string[]> {
  return (await checkPython(files))?.pyflakes ?? [];
}
