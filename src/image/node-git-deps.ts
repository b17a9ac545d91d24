// Dependencies a Node manifest takes from a git repository rather than the registry
// (`git+https://github.com/…#commit=…`, `github:owner/repo`, `owner/repo#tag`): npm, yarn and pnpm
// hand such a spec to git, or fetch a hosted tarball and fall back to git, and the slim Node image
// the build stage starts from has no git, so the install stops there. HedgeDoc 1.x takes four of
// its packages this way; its own container image installs git for the build.
// https://docs.npmjs.com/cli/configuring-npm/package-json#git-urls-as-dependencies
// https://yarnpkg.com/protocol/git
import path from "node:path";
import type { AppRepo } from "./repo.js";

const DEPENDENCY_FIELDS = ["dependencies", "devDependencies", "optionalDependencies"] as const;
/** git URLs and hosted shortcuts; `owner/repo` (npm's GitHub shorthand) with an optional #ref. */
const GIT_SPEC =
  /^(git\+[a-z]+:|git:\/\/|git@|(github|gitlab|bitbucket):|https?:\/\/\S+\.git(#\S*)?$|[A-Za-z0-9][\w.-]*\/[\w.-]+(#\S*)?$)/;

/** Whether a dependency's version spec fetches it from git. */
export const isGitSpec = (spec: string): boolean => GIT_SPEC.test(spec.trim());

/** The names of the packages package.json (in `dir`) takes from git, sorted. */
export function gitDependencies(repo: AppRepo, dir: string): string[] {
  let pkg: Record<string, unknown>;
  try {
    pkg = JSON.parse(repo.read(path.posix.join(dir, "package.json")) ?? "{}") as Record<string, unknown>;
  } catch {
    return [];
  }
  const names = new Set<string>();
  for (const field of DEPENDENCY_FIELDS) {
    const deps = pkg[field];
    if (typeof deps !== "object" || deps === null || Array.isArray(deps)) continue;
    for (const [name, spec] of Object.entries(deps)) if (typeof spec === "string" && isGitSpec(spec)) names.add(name);
  }
  return [...names].sort();
}
