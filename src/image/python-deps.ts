// A Python app's dependency manifest, as an image installs it: which files to copy, the install
// command for its package manager (uv.lock → uv sync, poetry.lock → poetry, Pipfile.lock →
// pipenv, requirements.txt → pip, a bare pyproject.toml → its [project] dependencies through uv,
// never `pip install .` on an app that is not a package), and the package names it brings, so
// the build check knows which programs the image will have.
import path from "node:path";
import type { AppRepo } from "./repo.js";

export type PythonManager = "uv" | "poetry" | "pipenv" | "pip" | "pyproject";

export interface PythonManifest {
  manager: PythonManager;
  /** Folder of the manifest, relative ("" = root). */
  dir: string;
  /** Files the build stage copies before installing (relative to the repository). */
  files: string[];
  /** Normalised distribution names (lowercase, `_`/`.` as `-`), extras dropped. */
  packages: string[];
  /** [project.optional-dependencies]: extra name → its packages. */
  extras: Record<string, string[]>;
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

export const normalise = (name: string): string => name.toLowerCase().replace(/[_.]+/g, "-");

/** `Django[argon2]==6.1 ; python_version>"3"` → "django". */
function requirementName(line: string): string | undefined {
  const clean = line.replace(/#.*/, "").trim();
  if (!clean || clean.startsWith("-") || clean.includes("://")) return undefined;
  const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(clean);
  return m ? normalise(m[1]!) : undefined;
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

function pyprojectExtras(text: string): Record<string, string[]> {
  const section = /^\[project\.optional-dependencies\]\s*$([\s\S]*?)(?=^\[|$(?![\s\S]))/m.exec(text)?.[1] ?? "";
  const out: Record<string, string[]> = {};
  for (const m of section.matchAll(/^([A-Za-z0-9][\w.-]*)\s*=\s*\[([\s\S]*?)^\]/gm))
    out[m[1]!] = [...m[2]!.matchAll(/["']([^"']+)["']/g)]
      .map((x) => requirementName(x[1]!))
      .filter((n): n is string => !!n);
  return out;
}

function pyprojectPackages(text: string): string[] {
  const project = /^\[project\][\s\S]*?^dependencies\s*=\s*\[([\s\S]*?)^\]/m.exec(text)?.[1] ?? "";
  const pep621 = [...project.matchAll(/["']([^"']+)["']/g)].map((m) => requirementName(m[1]!));
  const poetry = /^\[tool\.poetry\.dependencies\]([\s\S]*?)^\[/m.exec(`${text}\n[`)?.[1] ?? "";
  const poetryNames = [...poetry.matchAll(/^([A-Za-z0-9][\w.-]*)\s*=/gm)]
    .map((m) => normalise(m[1]!))
    .filter((n) => n !== "python");
  return [...pep621, ...poetryNames].filter((n): n is string => !!n);
}

/** The manifest in `dir` ("" or "project/"), by the lockfile first. */
export function pythonManifest(repo: AppRepo, dir: string): PythonManifest | undefined {
  const at = (f: string) => (dir ? `${dir}/${f}` : f);
  const pyproject = repo.read(at("pyproject.toml"));
  if (repo.exists(at("uv.lock")) && pyproject)
    return {
      manager: "uv",
      dir,
      files: [at("pyproject.toml"), at("uv.lock")],
      packages: pyprojectPackages(pyproject),
      extras: pyprojectExtras(pyproject),
    };
  if (repo.exists(at("poetry.lock")) && pyproject)
    return {
      manager: "poetry",
      dir,
      files: [at("pyproject.toml"), at("poetry.lock")],
      packages: pyprojectPackages(pyproject),
      extras: pyprojectExtras(pyproject),
    };
  if (repo.exists(at("Pipfile.lock"))) {
    const pipfile = repo.read(at("Pipfile")) ?? "";
    const names = [...pipfile.matchAll(/^([A-Za-z0-9][\w.-]*)\s*=/gm)].map((m) => normalise(m[1]!));
    return { manager: "pipenv", dir, files: [at("Pipfile"), at("Pipfile.lock")], packages: names, extras: {} };
  }
  if (repo.exists(at("requirements.txt"))) {
    const files = requirementFiles(repo, at("requirements.txt"));
    const packages = files.flatMap((f) => (repo.read(f) ?? "").split("\n").map(requirementName));
    return { manager: "pip", dir, files, packages: packages.filter((n): n is string => !!n), extras: {} };
  }
  if (pyproject && /^\[project\]/m.test(pyproject))
    return {
      manager: "pyproject",
      dir,
      files: [at("pyproject.toml")],
      packages: pyprojectPackages(pyproject),
      extras: pyprojectExtras(pyproject),
    };
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
