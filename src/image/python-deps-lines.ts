// The fallback for a pyproject.toml or Pipfile that is not valid TOML: its dependencies read line
// by line, as the image planner did before it parsed TOML. Rough (a one-line array, a dev table or
// a comment with quotes fools it), so the Dockerfile says when it was used.
import type { DeclaredDependencies } from "./python-dependency-tables.js";
import { normalise, specName } from "./python-dependency-tables.js";

function pyprojectExtras(text: string): Record<string, string[]> {
  const section = /^\[project\.optional-dependencies\]\s*$([\s\S]*?)(?=^\[|$(?![\s\S]))/m.exec(text)?.[1] ?? "";
  const out: Record<string, string[]> = {};
  for (const m of section.matchAll(/^([A-Za-z0-9][\w.-]*)\s*=\s*\[([\s\S]*?)^\]/gm))
    out[m[1]!] = [...m[2]!.matchAll(/["']([^"']+)["']/g)].map((x) => specName(x[1]!)).filter((n): n is string => !!n);
  return out;
}

export function pyprojectLines(text: string): DeclaredDependencies {
  const project = /^\[project\][\s\S]*?^dependencies\s*=\s*\[([\s\S]*?)^\]/m.exec(text)?.[1] ?? "";
  const pep621 = [...project.matchAll(/["']([^"']+)["']/g)].map((m) => specName(m[1]!));
  const poetry = /^\[tool\.poetry\.dependencies\]([\s\S]*?)^\[/m.exec(`${text}\n[`)?.[1] ?? "";
  const poetryNames = [...poetry.matchAll(/^([A-Za-z0-9][\w.-]*)\s*=/gm)]
    .map((m) => normalise(m[1]!))
    .filter((n) => n !== "python");
  return {
    packages: [...pep621, ...poetryNames].filter((n): n is string => !!n),
    extras: pyprojectExtras(text),
    groups: [],
  };
}

export function pipfileLines(text: string): DeclaredDependencies {
  const packages = [...text.matchAll(/^([A-Za-z0-9][\w.-]*)\s*=/gm)].map((m) => normalise(m[1]!));
  return { packages, extras: {}, groups: [] };
}
