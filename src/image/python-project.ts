// A Python app that is a package of its own runs the programs its packaging declares: Odoo's
// setup.py `scripts=['setup/odoo']` is the `odoo` its Debian package installs as /usr/bin/odoo
// (the VM's unit runs it); `[project.scripts]` and setup.py's `console_scripts` entry points make
// commands the same way. Installing the requirements alone never puts them on PATH: the image
// installs the project itself too (`pip install --no-deps .`, the dependencies already in place),
// and only when a process runs one of them (python-deps.ts: never `pip install .` otherwise).
// https://setuptools.pypa.io/en/latest/userguide/entry_point.html
// https://packaging.python.org/en/latest/specifications/pyproject-toml/#entry-points
import path from "node:path";
import type { AppRepo } from "./repo.js";
import { readToml, tomlAt, tomlTable } from "./toml-file.js";

const quoted = (text: string): string[] => [...text.matchAll(/["']([^"'\n]+)["']/g)].map((m) => m[1]!);

/** The commands setup.py declares: its `scripts` (by file name) and its console_scripts entry points. */
export function setupPyScripts(text: string): string[] {
  const code = text.replace(/^\s*#.*$/gm, "");
  const scripts = /\bscripts\s*=\s*\[([^\]]*)\]/.exec(code)?.[1] ?? "";
  const entry = /["']console_scripts["']\s*:\s*\[([^\]]*)\]/.exec(code)?.[1] ?? "";
  return [
    ...quoted(scripts).map((s) => path.posix.basename(s.trim())),
    ...quoted(entry).map((e) => e.split("=")[0]!.trim()),
  ].filter((s) => /^[\w.-]{1,100}$/.test(s));
}

/** The commands installing the project in `dir` ("" = the root) puts on PATH, sorted. */
export function projectScripts(repo: AppRepo, dir: string): string[] {
  const at = (f: string) => (dir ? `${dir}/${f}` : f);
  const out = new Set<string>();
  const setup = repo.read(at("setup.py"));
  if (setup) for (const s of setupPyScripts(setup)) out.add(s);
  const pyproject = repo.read(at("pyproject.toml"));
  const doc = pyproject ? readToml(pyproject, at("pyproject.toml")) : undefined;
  if (doc?.ok) for (const name of Object.keys(tomlTable(tomlAt(doc.doc, "project", "scripts")) ?? {})) out.add(name);
  return [...out].sort();
}

/** The line that installs the project itself, for the build check to recognise. */
export const INSTALL_PROJECT = "/opt/venv/bin/pip install --no-deps .";
export const INSTALLS_PROJECT = /(?:^|\s)\S*pip install --no-deps \.(\s|$)/;
