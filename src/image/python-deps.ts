// A Python app's dependency manifest, as an image installs it: which files to copy, the install
// command for its package manager (uv.lock → uv sync, poetry.lock → poetry, Pipfile.lock →
// pipenv, requirements.txt → pip, a bare pyproject.toml → its [project] dependencies through uv,
// never `pip install .` on an app that is not a package), and the package names it brings, so
// the build check knows which programs the image will have. pyproject.toml and Pipfile are read
// as TOML (python-dependency-tables.ts); one that is not valid TOML is read line by line instead.
import path from "node:path";
import {
  type DeclaredDependencies,
  normalise,
  pipfileDependencies,
  poetryDependencies,
  projectDependencies,
  specName,
  uvDependencies,
} from "./python-dependency-tables.js";
import { pipfileLines, pyprojectLines } from "./python-deps-lines.js";
import type { AppRepo } from "./repo.js";
import { readToml, type TomlTable, tomlTable } from "./toml-file.js";

export { normalise } from "./python-dependency-tables.js";

export type PythonManager = "uv" | "poetry" | "pipenv" | "pip" | "pyproject";

export interface PythonManifest {
  manager: PythonManager;
  /** Folder of the manifest, relative ("" = root). */
  dir: string;
  /** Files the build stage copies before installing (relative to the repository). */
  files: string[];
  /** Normalised distribution names the install brings (PEP 503: lowercase, `-_.` runs as `-`), extras dropped. */
  packages: string[];
  /** Optional extras ([project.optional-dependencies], [tool.poetry.extras]): name → its packages. */
  extras: Record<string, string[]>;
  /** Dependency groups (Poetry, PEP 735) the install includes beside the main dependencies: never dev ones. */
  groups: string[];
  /** Why the packages may be incomplete (the manifest is not valid TOML and was read line by line). */
  warning?: string;
}

/**
 * The optional dependency groups a production image needs: the one named for the app's database
 * engine (paperless-ngx: `postgres`), and any that brings a program a process runs (its
 * `webserver` extra brings granian).
 */
export function neededExtras(m: PythonManifest, engine: string | undefined, programs: readonly string[]): string[] {
  const engineNames: Record<string, RegExp> = {
    postgres: /^(postgres|postgresql|pg|psycopg)$/,
    mysql: /^(mysql|mariadb)$/,
  };
  return Object.entries(m.extras)
    .filter(([name, packages]) => {
      if (engine && engineNames[engine]?.test(name.toLowerCase())) return true;
      return packages.some((p) => (CONSOLE_SCRIPTS[p] ?? []).some((s) => programs.includes(s)));
    })
    .map(([name]) => name)
    .sort();
}

/** `Django[argon2]==6.1 ; python_version>"3"` → "django"; options, URLs and comments → nothing. */
function requirementName(line: string): string | undefined {
  const clean = line.replace(/#.*/, "").trim();
  if (!clean || clean.startsWith("-") || clean.includes("://")) return undefined;
  return specName(clean);
}

function requirementFiles(repo: AppRepo, file: string, seen = new Set<string>()): string[] {
  if (seen.has(file) || !repo.exists(file)) return [];
  seen.add(file);
  const included = (repo.read(file) ?? "")
    .split("\n")
    .map((l) => /^\s*-[rc]\s+(\S+)/.exec(l)?.[1])
    .filter((f): f is string => !!f)
    .flatMap((f) => requirementFiles(repo, path.posix.join(path.posix.dirname(file), f), seen));
  return [file, ...included];
}

/** A TOML manifest's dependencies by `read`, or line by line (with a warning) when it is not valid TOML. */
function declared(
  text: string,
  file: string,
  read: (doc: TomlTable) => DeclaredDependencies,
  lines: (text: string) => DeclaredDependencies,
): DeclaredDependencies & { warning?: string } {
  const parsed = readToml(text, file);
  if (parsed.ok) return read(parsed.doc);
  return { ...lines(text), warning: `${parsed.error}: its dependencies were read line by line and may be incomplete` };
}

/** A bare pyproject.toml is installed only when it has a PEP 621 `[project]` table. */
function declaresProject(text: string, file: string): boolean {
  const parsed = readToml(text, file);
  return parsed.ok ? !!tomlTable(parsed.doc.project) : /^\[project\]/m.test(text);
}

/** The manifest in `dir` ("" or "project/"), by the lockfile first. */
export function pythonManifest(repo: AppRepo, dir: string): PythonManifest | undefined {
  const at = (f: string) => (dir ? `${dir}/${f}` : f);
  const pyproject = repo.read(at("pyproject.toml"));
  const fromPyproject = (manager: PythonManager, lock: string[], read: (doc: TomlTable) => DeclaredDependencies) => ({
    manager,
    dir,
    files: [at("pyproject.toml"), ...lock],
    ...declared(pyproject ?? "", at("pyproject.toml"), read, pyprojectLines),
  });
  if (repo.exists(at("uv.lock")) && pyproject) return fromPyproject("uv", [at("uv.lock")], uvDependencies);
  if (repo.exists(at("poetry.lock")) && pyproject)
    return fromPyproject("poetry", [at("poetry.lock")], poetryDependencies);
  if (repo.exists(at("Pipfile.lock")))
    return {
      manager: "pipenv",
      dir,
      files: [at("Pipfile"), at("Pipfile.lock")],
      ...declared(repo.read(at("Pipfile")) ?? "", at("Pipfile"), pipfileDependencies, pipfileLines),
    };
  if (repo.exists(at("requirements.txt"))) {
    const files = requirementFiles(repo, at("requirements.txt"));
    const packages = files.flatMap((f) => (repo.read(f) ?? "").split("\n").map(requirementName));
    return { manager: "pip", dir, files, packages: packages.filter((n): n is string => !!n), extras: {}, groups: [] };
  }
  if (pyproject && declaresProject(pyproject, at("pyproject.toml")))
    return fromPyproject("pyproject", [], projectDependencies);
  return undefined;
}

/** Console scripts each distribution installs: what a CMD may call from the virtualenv. */
export const CONSOLE_SCRIPTS: Record<string, string[]> = {
  gunicorn: ["gunicorn"],
  uvicorn: ["uvicorn"],
  granian: ["granian"],
  uwsgi: ["uwsgi"],
  pyuwsgi: ["uwsgi"],
  daphne: ["daphne"],
  hypercorn: ["hypercorn"],
  waitress: ["waitress-serve"],
  celery: ["celery"],
  rq: ["rq", "rqworker", "rqinfo"],
  dramatiq: ["dramatiq"],
  huey: ["huey_consumer", "huey_consumer.py"],
  django: ["django-admin"],
  flask: ["flask"],
  alembic: ["alembic"],
};

/** Programs the virtualenv has: python, pip and the console scripts of the packages. */
export function venvPrograms(packages: readonly string[]): Set<string> {
  const out = new Set(["python", "python3", "pip", "pip3"]);
  for (const p of packages) for (const s of CONSOLE_SCRIPTS[normalise(p)] ?? []) out.add(s);
  return out;
}

/** The distribution that provides a server program, to install when the manifest lacks it. */
export const SERVER_PACKAGE: Record<string, string> = {
  gunicorn: "gunicorn",
  uvicorn: "uvicorn",
  granian: "granian",
  // pyuwsgi is uWSGI as a manylinux wheel: no compiler, no libxml2 or pcre in the runtime image.
  uwsgi: "pyuwsgi",
  daphne: "daphne",
  hypercorn: "hypercorn",
};

/** System libraries the runtime image needs for packages that link them (psycopg without a wheel, mysqlclient). */
export function runtimeLibraries(manifestText: string, packages: readonly string[]): string[] {
  const libs = new Set<string>();
  const has = (n: string) => packages.includes(n);
  const psycopgBinary = /psycopg\[[^\]]*binary|psycopg-binary|psycopg2-binary/i.test(manifestText);
  if ((has("psycopg") && !psycopgBinary) || has("psycopg2")) libs.add("libpq5");
  if (has("mysqlclient")) libs.add("libmariadb3");
  return [...libs].sort();
}
