// Package names (and pinned versions) from requirements.txt and pyproject.toml. There is no TOML
// parser among our dependencies, and we need only names: PEP 621 `[project]` dependencies and
// Poetry's `[tool.poetry.dependencies]` table, read line by line.

/** Normalised like pip does: lowercase, runs of `-_.` become `-` (PEP 503). */
export function normalisePackage(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

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

function unquote(value: string): string | undefined {
  return /^\s*["']([^"']*)["']/.exec(value)?.[1];
}

/** `"psycopg[binary]>=3",` must not close the array: look for `]` outside quoted strings. */
function withoutStrings(line: string): string {
  return line.replace(/"[^"]*"|'[^']*'/g, "");
}

export function parsePyproject(text: string): Pyproject {
  const packages: PackageVersions = new Map();
  let name: string | undefined;
  let table = "";
  let inArray = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\s+#.*$/, "").trim();
    if (!line) continue;
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header && !inArray) {
      table = header[1]!.trim();
      continue;
    }
    if (inArray) {
      for (const m of line.matchAll(/["']([^"']+)["']/g)) {
        const parsed = parseRequirement(m[1]!);
        if (parsed) packages.set(parsed[0], parsed[1]);
      }
      if (withoutStrings(line).includes("]")) inArray = false;
      continue;
    }
    const kv = /^([A-Za-z0-9_.-]+)\s*=\s*(.*)$/.exec(line);
    if (!kv) continue;
    const [, key, value] = kv as unknown as [string, string, string];
    if ((table === "project" || table === "tool.poetry") && key === "name") name ??= unquote(value);
    if (table === "project" && key === "dependencies" && value.startsWith("[")) {
      for (const m of value.matchAll(/["']([^"']+)["']/g)) {
        const parsed = parseRequirement(m[1]!);
        if (parsed) packages.set(parsed[0], parsed[1]);
      }
      inArray = !withoutStrings(value).includes("]");
    }
    if (/^tool\.poetry(\.group\.[^.]+)?\.dependencies$/.test(table) && normalisePackage(key) !== "python") {
      const pin = /^\s*["']=?=?(\d[\w.]*)["']/.exec(value)?.[1];
      packages.set(normalisePackage(key), pin);
    }
  }
  return { name, packages };
}
