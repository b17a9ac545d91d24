// package.json: the project name, its dependencies, and whether it is a web app we can run.
import { parseMaskedJson } from "./masked-json.js";
import { normalisePackage, type PackageVersions } from "./python-deps.js";

export interface PackageJsonFacts {
  name?: string;
  packages: PackageVersions;
  startCommand?: string;
  scripts: Record<string, string>;
}

export function parsePackageJson(text: string): PackageJsonFacts | undefined {
  const value = parseMaskedJson(text);
  if (!value || typeof value !== "object") return undefined;
  const pkg = value as { name?: unknown; dependencies?: unknown; scripts?: unknown; main?: unknown };
  const packages: PackageVersions = new Map();
  if (pkg.dependencies && typeof pkg.dependencies === "object") {
    for (const [dep, range] of Object.entries(pkg.dependencies as Record<string, unknown>)) {
      const pin = typeof range === "string" ? /^[~^]?(\d[\w.]*)$/.exec(range)?.[1] : undefined;
      packages.set(normalisePackage(dep), pin);
    }
  }
  const scripts = pkg.scripts && typeof pkg.scripts === "object" ? (pkg.scripts as Record<string, unknown>) : {};
  const start =
    typeof scripts.start === "string" ? scripts.start : typeof pkg.main === "string" ? `node ${pkg.main}` : undefined;
  const name = typeof pkg.name === "string" ? pkg.name.replace(/^@[^/]+\//, "") : undefined;
  const strings = Object.fromEntries(
    Object.entries(scripts).filter((e): e is [string, string] => typeof e[1] === "string"),
  );
  return { name, packages, startCommand: start, scripts: strings };
}
