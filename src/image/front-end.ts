// A Node server that serves a front end another package builds (Twenty's NestJS server serves
// packages/twenty-front's build from its own dist/front): building the server alone leaves the UI
// answering 404. The app's own Dockerfile, wherever it sits in the tree, is its truth: a COPY
// --from another stage into the server's folder names the output and the place it is served from,
// and the package that holds that output builds it. Without such a Dockerfile, server code that
// serves a static folder beside a workspace package that builds a front end is a gap the plan
// names, never a guess.
import { readdirSync } from "node:fs";
import path from "node:path";
import { copySpec, parseDockerfile, type Stage } from "./dockerfile-parse.js";
import { isWorkspaceRoot, memberBuild } from "./node-workspace.js";
import { readJson, type AppRepo } from "./repo.js";

export interface FrontEndBuild {
  /** The package that builds it (packages/twenty-front). */
  package: string;
  /** Its build, run from the repository root. */
  build: string;
  /** Repository paths of the build's output and of the folder the server serves it from. */
  from: string;
  to: string;
  /** The Dockerfile that says so. */
  source: string;
}

export type FrontEnd = { build: FrontEndBuild } | { gap: string };

interface Manager {
  exec: string;
  run: string;
}

/** The front end the server in `dir` serves from another package's build, or why it may be missing. */
export function frontEndOf(repo: AppRepo, dir: string, pm: Manager): FrontEnd | undefined {
  for (const folder of repo.foldersWith("Dockerfile", 4)) {
    const file = path.posix.join(folder, "Dockerfile");
    const found = fromDockerfile(repo, file, dir, pm);
    if (found) return found;
  }
  return staticGap(repo, dir, pm);
}

/** `COPY --from=<stage> <another package's output> <the server's folder>` in one Dockerfile. */
function fromDockerfile(repo: AppRepo, file: string, dir: string, pm: Manager): FrontEnd | undefined {
  const stages = parseDockerfile(repo.read(file) ?? "");
  const root = imageRoot(stages, repo);
  if (!root) return undefined;
  const inRepo = (abs: string) =>
    abs === root ? "" : abs.startsWith(`${root}/`) ? abs.slice(root.length + 1).replace(/\/+$/, "") : undefined;
  for (const { copy, workdir } of copies(stages)) {
    if (!copy.from || !stages.some((s) => s.name === copy.from) || copy.sources.length !== 1) continue;
    const from = inRepo(path.posix.resolve(workdir, copy.sources[0]!));
    const target = path.posix.resolve(workdir, copy.dest);
    const to = inRepo(copy.dest.endsWith("/") ? path.posix.join(target, path.posix.basename(from ?? "")) : target);
    if (from === undefined || to === undefined || (dir !== "" && !to.startsWith(`${dir}/`))) continue;
    const owner = packageOf(repo, from);
    if (owner === undefined || owner === dir || owner === "" || dir.startsWith(`${owner}/`)) continue;
    const build = packageBuild(repo, owner, pm);
    if (!build)
      return {
        gap: `${file} copies ${from} (the build of ${owner}) to ${to}, where the server serves it, but ${owner} has no build infra-migrate can run from here (no build script or Nx build target, or a Yarn or pnpm install of its own): the image has no front end and the UI answers 404 until its build and \`cp -R /app/${from} /app/${to}\` are added to the build stage.`,
      };
    return { build: { package: owner, build, from, to, source: file } };
  }
  return undefined;
}

/** Each COPY with the WORKDIR it runs in. */
function copies(stages: Stage[]) {
  const out: { copy: ReturnType<typeof copySpec>; workdir: string }[] = [];
  for (const stage of stages) {
    // A stage built FROM another inherits its WORKDIR.
    let workdir = stages.find((s) => s.name === stage.from) ? lastWorkdir(stages, stage.from) : "/";
    for (const ins of stage.instructions) {
      if (ins.keyword === "WORKDIR") workdir = path.posix.resolve(workdir, ins.args);
      if (ins.keyword === "COPY") out.push({ copy: copySpec(ins), workdir });
    }
  }
  return out;
}

function lastWorkdir(stages: Stage[], name: string): string {
  const stage = stages.find((s) => s.name === name);
  if (!stage) return "/";
  let workdir = stage.from !== name ? lastWorkdir(stages, stage.from) : "/";
  for (const ins of stage.instructions.filter((i) => i.keyword === "WORKDIR"))
    workdir = path.posix.resolve(workdir, ins.args);
  return workdir;
}

/**
 * The image folder that holds the repository root: where `COPY . .` or `COPY ./packages/x
 * /app/packages/x` put it (the most common answer among copies of paths the repository has).
 */
function imageRoot(stages: Stage[], repo: AppRepo): string | undefined {
  const votes = new Map<string, number>();
  for (const { copy, workdir } of copies(stages)) {
    if (copy.from) continue;
    const dest = path.posix.resolve(workdir, copy.dest);
    const intoFolder = copy.dest.endsWith("/") || copy.sources.length > 1;
    for (const raw of copy.sources) {
      const src = path.posix.normalize(raw.replace(/^\.\/+/, "")).replace(/\/+$/, "");
      if (src.startsWith("..") || src.includes("*") || (src !== "." && !repo.exists(src))) continue;
      // A folder's contents land in the destination; a file lands in it by name when it is a folder.
      const placed =
        src === "." || repo.isDir(src) || !intoFolder ? dest : path.posix.join(dest, path.posix.basename(src));
      const root =
        src === "." ? dest : placed.endsWith(`/${src}`) ? placed.slice(0, -src.length - 1) || "/" : undefined;
      if (root) votes.set(root, (votes.get(root) ?? 0) + 1);
    }
  }
  return [...votes].sort((a, b) => b[1] - a[1])[0]?.[0];
}

/** The nearest folder at or above `rel` with a package.json. */
function packageOf(repo: AppRepo, rel: string): string | undefined {
  for (let d = rel; ; d = path.posix.dirname(d)) {
    const folder = d === "." ? "" : d;
    if (repo.exists(path.posix.join(folder, "package.json"))) return folder;
    if (folder === "") return undefined;
  }
}

/**
 * A workspace member's build from the root (nx, turbo, its script); a package of its own (a
 * client/ beside a server at the root) installs from its npm lockfile and runs its build script.
 * Yarn or pnpm there is left to the plan: the image's corepack is set up for the server's manager.
 */
function packageBuild(repo: AppRepo, dir: string, pm: Manager): string | undefined {
  if (isWorkspaceRoot(repo)) return memberBuild(repo, dir, pm);
  const scripts = readJson<{ scripts?: Record<string, string> }>(repo, path.posix.join(dir, "package.json"))?.scripts;
  if (!scripts?.build || ["yarn.lock", "pnpm-lock.yaml"].some((f) => repo.exists(path.posix.join(dir, f))))
    return undefined;
  const install = repo.exists(path.posix.join(dir, "package-lock.json")) ? "npm ci" : "npm install";
  return `cd ${dir} && ${install} && npm run build`;
}

const SERVES_STATIC =
  /ServeStaticModule|express\.static\s*\(|@fastify\/static|fastify-static|['"]serve-static['"]|koa-static/;
const FRONT_END_DEPENDENCY = /"(react|react-dom|vue|svelte|@angular\/core|solid-js|preact|vite)"\s*:/;
const FRONT_END_BUILD = /\b(vite|webpack|next|ng|react-scripts|vue-cli-service|parcel|astro|svelte-kit)\s+build\b/;

/** A package that builds a browser app: a front-end framework or bundler, or a Vite-style index.html. */
function buildsFrontEnd(repo: AppRepo, dir: string): boolean {
  const text = repo.read(path.posix.join(dir, "package.json")) ?? "";
  const build = readJson<{ scripts?: { build?: unknown } }>(repo, path.posix.join(dir, "package.json"))?.scripts?.build;
  return (
    FRONT_END_DEPENDENCY.test(text) ||
    (typeof build === "string" && FRONT_END_BUILD.test(build)) ||
    repo.exists(path.posix.join(dir, "index.html"))
  );
}

/**
 * Server code that serves a static folder while another workspace package builds a front end: the
 * folder may be that build, which the image does not have. Not sure enough to build it: say so.
 */
function staticGap(repo: AppRepo, dir: string, pm: Manager): FrontEnd | undefined {
  if (dir === "" || !isWorkspaceRoot(repo)) return undefined;
  const serving = sourceFiles(repo, dir).find((f) => SERVES_STATIC.test(repo.read(f) ?? ""));
  if (!serving) return undefined;
  // A front end the server depends on is built before it by Nx or Turborepo (^build) and reached
  // through node_modules (n8n's editor-ui): nothing to add for it.
  const server = readJson<Record<string, unknown>>(repo, path.posix.join(dir, "package.json")) ?? {};
  const used = new Set(
    ["dependencies", "devDependencies"].flatMap((k) => Object.keys((server[k] as Record<string, string>) ?? {})),
  );
  const graphBuild = /\b(nx|turbo) run\b/.test(memberBuild(repo, dir, pm) ?? "");
  const builtFirst = (p: string) =>
    graphBuild && used.has(readJson<{ name?: string }>(repo, path.posix.join(p, "package.json"))?.name ?? "");
  const fronts = repo
    .foldersWith("package.json", 3)
    .filter((p) => p !== "" && p !== dir && buildsFrontEnd(repo, p) && !builtFirst(p))
    .map((p) => ({ p, build: memberBuild(repo, p, pm) }))
    .filter((f): f is { p: string; build: string } => f.build !== undefined);
  if (!fronts.length) return undefined;
  return {
    gap: `The server serves a static folder (${serving}) and the workspace package${fronts.length > 1 ? "s" : ""} ${fronts.map((f) => f.p).join(", ")} build${fronts.length > 1 ? "" : "s"} a front end, but no Dockerfile in the repository says which build the server serves or where, so the image builds the server only: if that folder is the front end's build, the UI answers 404. Add to the Dockerfile's build stage, after the server's build, the front end's build and a copy of its output to the folder the server serves (for example \`RUN ${fronts[0]!.build} && cp -R /app/${fronts[0]!.p}/<its output folder> /app/${dir}/<the folder it serves>\`).`,
  };
}

/** The server package's source files (src/ and its top level), a bounded walk. */
function sourceFiles(repo: AppRepo, dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string, depth: number) => {
    let entries;
    try {
      entries = readdirSync(path.join(repo.dir, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const child = path.posix.join(rel, e.name);
      if (e.isFile() && /\.(ts|js|mjs|cjs)$/.test(e.name) && !/\.(spec|test)\./.test(e.name)) out.push(child);
      else if (e.isDirectory() && depth > 0 && !/^(node_modules|dist|build|\..*)$/.test(e.name) && out.length < 2000)
        walk(child, depth - 1);
    }
  };
  walk(dir, 0);
  walk(path.posix.join(dir, "src"), 6);
  return out;
}
