// What each Python package manager installs into a production image, read from the parsed
// pyproject.toml or Pipfile: the main dependencies, the dependency groups an app's deploy installs
// (never development ones), and the optional extras to pick from.
import { type TomlTable, tomlAt, tomlString, tomlStrings, tomlTable } from "./toml-file.js";

export interface DeclaredDependencies {
  /** Normalised distribution names the install brings (main dependencies and `groups`). */
  packages: string[];
  /** Extra name → its packages (installed only when asked for). */
  extras: Record<string, string[]>;
  /** Dependency groups the install includes beyond the main dependencies. */
  groups: string[];
}

/** Normalised like pip does: lowercase, runs of `-_.` become `-` (PEP 503). */
export const normalise = (name: string): string => name.toLowerCase().replace(/[-_.]+/g, "-");

/** The distribution of a PEP 508 string: `Django[argon2]>=5 ; python_version>"3"` → "django". */
export function specName(spec: string): string | undefined {
  const m = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(spec);
  return m ? normalise(m[1]!) : undefined;
}

// A group or extra name goes into a RUN line (`--group web`, `--only main,web`): only plain names.
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Development groups by their name's words: dev, test, lint, docs, typing… (`dev-tools`, `tests`). */
const DEV_WORDS =
  /^(dev|devel|develop|development|test|tests|testing|lint|linting|linters?|docs?|documentation|typing|types|mypy|typecheck|format|formatting|style|qa|ci|pre-?commit|debug|bench|benchmarks?|notebooks?|local)$/;
export const isDevGroup = (name: string): boolean =>
  normalise(name)
    .split("-")
    .some((w) => DEV_WORDS.test(w));

const specNames = (specs: unknown): string[] =>
  tomlStrings(specs)
    .map(specName)
    .filter((n): n is string => !!n);

function extrasOf(table: unknown): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, specs] of Object.entries(tomlTable(table) ?? {}))
    if (SAFE_NAME.test(name)) out[name] = specNames(specs);
  return out;
}

/**
 * PEP 735 `[dependency-groups]`: a group's packages, following `{include-group = "…"}` entries.
 * https://packaging.python.org/en/latest/specifications/dependency-groups/
 */
export function groupPackages(doc: TomlTable, group: string, seen = new Set<string>()): string[] {
  const groups = tomlTable(doc["dependency-groups"]) ?? {};
  const key = Object.keys(groups).find((k) => normalise(k) === normalise(group));
  if (key === undefined || seen.has(normalise(key))) return [];
  seen.add(normalise(key));
  const entries = Array.isArray(groups[key]) ? (groups[key] as unknown[]) : [];
  return entries.flatMap((entry) => {
    const included = tomlString(tomlTable(entry)?.["include-group"]);
    if (included) return groupPackages(doc, included, seen);
    const name = tomlString(entry) ? specName(entry as string) : undefined;
    return name ? [name] : [];
  });
}

/** `[project]` dependencies and optional-dependencies (PEP 621), as `uv pip install -r pyproject.toml` installs them. */
export function projectDependencies(doc: TomlTable): DeclaredDependencies {
  return {
    packages: specNames(tomlAt(doc, "project", "dependencies")),
    extras: extrasOf(tomlAt(doc, "project", "optional-dependencies")),
    groups: [],
  };
}

/**
 * `uv sync`: the project's dependencies and its default groups, development ones left out
 * (`tool.uv.default-groups`, ["dev"] unless set; "all" is every group).
 * https://docs.astral.sh/uv/concepts/projects/dependencies/#default-groups
 */
export function uvDependencies(doc: TomlTable): DeclaredDependencies {
  const declared = tomlAt(doc, "tool", "uv", "default-groups");
  const all = Object.keys(tomlTable(doc["dependency-groups"]) ?? {});
  const defaults = declared === "all" ? all : Array.isArray(declared) ? tomlStrings(declared) : ["dev"];
  // Only groups the file defines: `uv sync --group` fails on any other name.
  const defined = new Set(all.map(normalise));
  const groups = defaults.filter((g) => SAFE_NAME.test(g) && !isDevGroup(g) && defined.has(normalise(g)));
  const project = projectDependencies(doc);
  return { ...project, packages: [...project.packages, ...groups.flatMap((g) => groupPackages(doc, g))], groups };
}

/** A Poetry/Pipfile table of `name = "version"` or `name = { version, optional, … }`, python itself left out. */
function namedTable(table: unknown, keep: (value: unknown) => boolean = () => true): string[] {
  return Object.entries(tomlTable(table) ?? {})
    .filter(([name, value]) => normalise(name) !== "python" && keep(value))
    .map(([name]) => normalise(name));
}

/**
 * `poetry export --only main,<groups>`: the main dependencies (PEP 621 `[project]` in Poetry 2, or
 * `[tool.poetry.dependencies]` without `optional = true` ones) and every group that is neither
 * optional nor for development, as `poetry install --without dev` would install them.
 * https://python-poetry.org/docs/managing-dependencies/#dependency-groups
 */
export function poetryDependencies(doc: TomlTable): DeclaredDependencies {
  const poetry = tomlTable(tomlAt(doc, "tool", "poetry"));
  const groupTables = Object.entries(tomlTable(poetry?.group) ?? {});
  const groups = groupTables
    .filter(([name, g]) => SAFE_NAME.test(name) && !isDevGroup(name) && tomlTable(g)?.optional !== true)
    .map(([name]) => name);
  const main = namedTable(poetry?.dependencies, (v) => tomlTable(v)?.optional !== true);
  const project = projectDependencies(doc);
  const extras = { ...project.extras };
  for (const [name, packages] of Object.entries(tomlTable(poetry?.extras) ?? {}))
    if (SAFE_NAME.test(name)) extras[name] = tomlStrings(packages).map(normalise);
  const inGroups = groups.flatMap((g) => namedTable(tomlAt(poetry, "group", g, "dependencies")));
  return { packages: [...new Set([...project.packages, ...main, ...inGroups])], extras, groups };
}

/**
 * `pipenv requirements`: the `[packages]` table only (`[dev-packages]` needs --dev; `[source]`,
 * `[requires]` and `[scripts]` are not packages). https://pipenv.pypa.io/en/latest/pipfile.html
 */
export function pipfileDependencies(doc: TomlTable): DeclaredDependencies {
  return { packages: namedTable(doc.packages), extras: {}, groups: [] };
}
