// The deploy's part for processes run from other repositories' checkouts beside the app's (Taiga's
// taiga-events and taiga-protected): images built from a submodule's folder, and steps that skip a
// process whose Dockerfile does not exist yet rather than fail the whole deploy.
import { readFileSync } from "node:fs";
import path from "node:path";
import type { CicdContext } from "./context.js";
import { shellWord } from "./deploy-flags.js";

/**
 * A target built from another repository's checkout (plan.ts elsewhere) whose Dockerfile nobody has
 * written yet: its build and deploy steps skip it with a warning until that file is in the
 * repository, instead of failing the whole deploy on `docker build`.
 */
export function unlessMissing(target: string, dockerfile: string, script: string): string {
  const file = shellWord(dockerfile);
  return (
    `if [[ ! -f ${file} ]]; then\n` +
    `  echo "::warning::${dockerfile} is missing: ${target} runs from another repository and is not deployed (docs/migration/README.md)"\n` +
    "  exit 0\n" +
    "fi\n" +
    script
  );
}

/**
 * Whether an image builds from a git submodule (another repository's checkout held as a folder):
 * actions/checkout leaves submodules out unless asked, and the build would find an empty folder.
 */
export function submodules(ctx: CicdContext): boolean {
  let modules = "";
  try {
    modules = readFileSync(path.join(ctx.repoDir, ".gitmodules"), "utf8");
  } catch {
    return false;
  }
  const paths = [...modules.matchAll(/^\s*path\s*=\s*(.+?)\s*$/gm)].map((m) => m[1]!.replace(/\/+$/, ""));
  return ctx.deployment.services.some((t) => t.source && paths.includes(t.source.context));
}
