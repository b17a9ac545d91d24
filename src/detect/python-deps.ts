// Package names (and pinned versions) from requirements.txt and pyproject.toml (parsed with
// smol-toml): PEP 621 `[project]` dependencies and Poetry's `[tool.poetry.dependencies]` tables.
import { normalise as normalisePackage } from "../image/python-dependency-tables.js";
import { readToml, tomlAt, tomlString, tomlTable } from "../image/toml-file.js";

export { normalisePackage };

export type PackageVersions = Map<string, string | undefined>;

/** "fastapi==0.110.0" → ["fastapi", "0.110.0"]; "celery[redis]>=5" → ["celery", undefined]. */
export function parseRequirement(spec: string): [string, string | undefined] | undefined {
  const m = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(?:===?\s*([A-Za-z0-9.*+!-]+))?/.exec(spec);
  if (!m) return undefined;
  return [normalisePackage(m[1]!), m[3]];
}

export function parseRequirementsTxt(text: string): PackageVersions {
  const packages: PackageVersions = new Map();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)#.*$/, "").trim();
    if (!line || line.startsWith("-") || line.includes("://")) continue;
    const parsed = parseRequirement(line);
    if (parsed) packages.set(parsed[0], parsed[1]);
  }
  return packages;
}

export interface Pyproject {
  name?: string;
  packages: PackageVersions;
}

/** A pyproject.toml that is not valid TOML gives nothing (pip and Poetry would refuse it too). */
export function parsePyproject(source: string): Pyproject {
  const packages: PackageVersions = new Map();
  const parsed = readToml(source, "pyproject.toml");
  if (!parsed.ok) return { packages };
  const { doc } = parsed;
  const project = tomlTable(doc.project);
  const poetry = tomlTable(tomlAt(doc, "tool", "poetry"));
  const add = (spec: unknown) => {
    const pin = typeof spec === "string" ? parseRequirement(spec) : undefined;
    if (pin) packages.set(pin[0], pin[1]);
  };
  if (Array.isArray(project?.dependencies)) project.dependencies.forEach(add);
  const groups = Object.values(tomlTable(poetry?.group) ?? {}).map((group) =>
    tomlTable(tomlTable(group)?.dependencies),
  );
  for (const deps of [tomlTable(poetry?.dependencies), ...groups]) {
    for (const [key, value] of Object.entries(deps ?? {})) {
      if (normalisePackage(key) === "python") continue;
      // Only an exact version string is a pin: "0.110.0" or "==0.110.0", not "^0.110" or a table.
      packages.set(normalisePackage(key), /^=?=?(\d[\w.]*)$/.exec(tomlString(value)?.trim() ?? "")?.[1]);
    }
  }
  return { name: tomlString(project?.name) ?? tomlString(poetry?.name), packages };
}
