// A Node monorepo whose server is one of its packages (Yarn/npm/pnpm workspaces, Nx, Turborepo:
// Twenty's packages/twenty-server): dependencies are installed once at the repository root (a
// workspace member has no lockfile of its own), and the package is built by the tool that knows
// the order of its workspace dependencies: Nx's `nx run <project>:build` when the package is an Nx
// project with a build target (project.json, or the package.json scripts Nx infers targets from),
// Turborepo's `turbo run build --filter=<package>` (dependsOn ^build builds the packages it uses
// first), else the package's own build script.
// https://nx.dev/reference/project-configuration, https://turbo.build/repo/docs/reference/run#--filter
import path from "node:path";
import { type AppRepo, readJson } from "./repo.js";

interface Manifest {
  name?: string;
  scripts?: Record<string, string>;
  workspaces?: unknown;
  nx?: { targets?: Record<string, unknown> };
}

/** Whether the repository root is a workspace root (its members share one install). */
export function isWorkspaceRoot(repo: AppRepo): boolean {
  const root = readJson<Manifest>(repo, "package.json");
  return (
    root?.workspaces !== undefined ||
    ["pnpm-workspace.yaml", "nx.json", "turbo.json", "lerna.json"].some((f) => repo.exists(f))
  );
}

/**
 * How to build the workspace member in `dir`, run from the root, with the package manager's `exec`
 * (npx, yarn, pnpm exec) and `run` (npm run…); undefined when it has no build.
 */
export function memberBuild(repo: AppRepo, dir: string, pm: { exec: string; run: string }): string | undefined {
  const { exec } = pm;
  const manifest = readJson<Manifest>(repo, path.posix.join(dir, "package.json")) ?? {};
  const project = readJson<{ name?: string; targets?: Record<string, unknown> }>(
    repo,
    path.posix.join(dir, "project.json"),
  );
  const name = project?.name ?? manifest.name;
  if (!name) return undefined;
  const script = manifest.scripts?.build !== undefined;
  if (repo.exists("nx.json") && (project?.targets?.build || manifest.nx?.targets?.build || script))
    return `${exec} nx run ${name}:build`;
  const turbo = readJson<{ tasks?: Record<string, unknown>; pipeline?: Record<string, unknown> }>(repo, "turbo.json");
  if (script && (turbo?.tasks?.build || turbo?.pipeline?.build)) return `${exec} turbo run build --filter=${name}`;
  return script ? `cd ${dir} && ${pm.run} build` : undefined;
}

/** The command that runs a package's binaries (nx, turbo) for a package manager. */
export function execFor(manager: string): string {
  return manager === "pnpm" ? "pnpm exec" : manager.startsWith("yarn") ? "yarn" : "npx";
}

/** Whether a folder's package.json has `script` (a start command's `yarn worker:prod`). */
export function hasScript(repo: AppRepo, dir: string, script: string): boolean {
  return readJson<Manifest>(repo, path.posix.join(dir, "package.json"))?.scripts?.[script] !== undefined;
}

/** Whether a workspace member builds (its own script or an Nx project's build target). */
export function memberBuilds(repo: AppRepo, dir: string): boolean {
  return dir !== "" && isWorkspaceRoot(repo) && memberBuild(repo, dir, { exec: "npx", run: "npm run" }) !== undefined;
}
