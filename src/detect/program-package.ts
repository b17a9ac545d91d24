// The package.json that ships a process's program as one of its `bin` entries: a workspace package
// of a Node monorepo run straight from its bin folder (n8n built from source runs
// `/opt/n8n/packages/cli/bin/n8n worker`, the `n8n` bin of packages/cli/package.json). The program
// is then Node, and that package's dependencies (bull, ws, express), not the monorepo root's
// build tools, say what the process is.
import path from "node:path";
import { splitCommand } from "./command.js";
import type { ServiceFinding } from "./types.js";

/** How far above the program a package.json is looked for (bin/x, or bin/sub/x, in a package). */
const LEVELS = 3;

export interface ProgramPackage {
  /** The package.json read, as the process names it. */
  file: string;
  /** Its runtime dependencies (dependencies and optionalDependencies). */
  dependencies: Set<string>;
}

function binsOf(json: unknown): string[] {
  const bin = (json as { bin?: unknown } | null)?.bin;
  if (typeof bin === "string") return [bin];
  if (bin && typeof bin === "object") return Object.values(bin).filter((b): b is string => typeof b === "string");
  return [];
}

export async function programPackage(
  s: ServiceFinding,
  readConfig: (service: ServiceFinding, file: string) => Promise<string | undefined>,
): Promise<ProgramPackage | undefined> {
  const exe = splitCommand(s.command ?? "")[0];
  if (!exe?.includes("/")) return undefined;
  let dir = path.posix.dirname(exe);
  for (let level = 0; level < LEVELS && dir !== "/" && dir !== "."; level++, dir = path.posix.dirname(dir)) {
    const file = `${dir}/package.json`;
    const text = await readConfig(s, file);
    if (text === undefined) continue;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return undefined;
    }
    // The nearest package.json decides: it ships the program, or the program is not a Node bin.
    const rel = path.posix.relative(dir, exe);
    if (!binsOf(json).some((b) => path.posix.normalize(b) === rel)) return undefined;
    const deps = json as { dependencies?: object; optionalDependencies?: object };
    return {
      file,
      dependencies: new Set([...Object.keys(deps.dependencies ?? {}), ...Object.keys(deps.optionalDependencies ?? {})]),
    };
  }
  return undefined;
}
