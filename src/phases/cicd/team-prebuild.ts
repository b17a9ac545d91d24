// What the team's own image workflow does before it builds the Dockerfile the deploy builds too.
// Some Dockerfiles only package what the workflow built first: Tandoor's copies the repository
// with the Vue front end already built into cookbook/static/vue3 by `yarn install` and `yarn build`
// in vue3/ (its build-docker.yml), and builds no front end itself. Our build job runs the same
// package-manager steps, in the same folders, before `docker build`, or the image would serve
// pages without their scripts. Only plain install/build commands are taken, never a step's
// expressions or secrets.
import { runLines, teamWorkflows } from "./team-workflows.js";

export interface TeamPreBuild {
  /** The team's workflow the steps come from (.github/workflows/build-docker.yml). */
  workflow: string;
  /** actions/setup-node's node-version, when the workflow sets one up. */
  node?: string;
  steps: { name: string; dir: string; run: string }[];
}

interface Step {
  name?: unknown;
  uses?: unknown;
  run?: unknown;
  with?: Record<string, unknown>;
  "working-directory"?: unknown;
}

/** `yarn install --frozen-lockfile`, `npm ci`, `pnpm run build`, `yarn build`: one per line. */
const PACKAGE_COMMAND = /^(yarn|npm|pnpm)( (install|ci|build|run [\w:.-]+))?( --?[\w-]+(=[\w.-]+)?)*$/;
const FOLDER = /^(\.\/)?[\w-][\w.-]*(\/[\w.-]+)*\/?$/;
const NODE_VERSION = /^(\d+(\.\d+){0,2}|lts\/\*|lts\/[a-z]+)$/;

/** The step that builds the root Dockerfile: docker/build-push-action or `docker build`. */
function buildsDockerfile(step: Step, matrix: string): boolean {
  if (typeof step.uses === "string" && /^docker\/build-push-action@/.test(step.uses)) {
    const file = step.with?.file;
    const context = step.with?.context;
    if (context !== undefined && !/^\.\/?$/.test(String(context))) return false;
    if (file === undefined || /^(\.\/)?Dockerfile$/.test(String(file))) return true;
    // `file: ${{ matrix.dockerfile }}`: the matrix must name the root Dockerfile.
    return /\$\{\{/.test(String(file)) && /"Dockerfile"/.test(matrix);
  }
  return (
    typeof step.run === "string" &&
    /\bdocker (buildx )?build\b/.test(step.run) &&
    !/(-f|--file)[ =](?!(\.\/)?Dockerfile\b)/.test(step.run)
  );
}

/** `${{ matrix.node-version }}` with a matrix of one value: that value. */
function fromMatrix(value: string, matrix: Record<string, unknown>): string {
  const key = /^\$\{\{\s*matrix\.([\w-]+)\s*\}\}$/.exec(value)?.[1];
  const options = key !== undefined ? matrix[key] : undefined;
  const list = Array.isArray(options) ? options : options !== undefined ? [options] : [];
  return list.length === 1 ? String(list[0]) : value;
}

function fromJob(
  steps: Step[],
  strategy: unknown,
  isTarget: (step: Step, matrix: string) => boolean,
): Omit<TeamPreBuild, "workflow"> | undefined {
  const matrix = JSON.stringify(strategy ?? {});
  const at = steps.findIndex((s) => isTarget(s, matrix));
  if (at <= 0) return undefined;
  const values = ((strategy as { matrix?: Record<string, unknown> } | undefined)?.matrix ?? {}) as Record<
    string,
    unknown
  >;
  let node: string | undefined;
  const out: TeamPreBuild["steps"] = [];
  for (const step of steps.slice(0, at)) {
    if (typeof step.uses === "string" && /^actions\/setup-node@/.test(step.uses)) {
      const version = fromMatrix(String(step.with?.["node-version"] ?? ""), values);
      if (NODE_VERSION.test(version)) node = version;
      continue;
    }
    if (typeof step.run !== "string") continue;
    const lines = runLines(step);
    if (!lines.length || !lines.every((l) => PACKAGE_COMMAND.test(l))) continue;
    const dir = step["working-directory"] === undefined ? "." : String(step["working-directory"]);
    if (!FOLDER.test(dir) && dir !== ".") continue;
    if (dir.split("/").includes("..")) continue;
    const name = typeof step.name === "string" && /^[\w .,:()/-]{1,80}$/.test(step.name) ? step.name : lines[0]!;
    out.push({ name, dir: dir.replace(/^\.\/|\/$/g, "") || ".", run: `${lines.join("\n")}\n` });
  }
  return out.length ? { ...(node ? { node } : {}), steps: out } : undefined;
}

/** The package-manager steps the team's image workflow runs before building the root Dockerfile. */
export function teamPreBuild(repoDir: string, generated?: ReadonlySet<string>): TeamPreBuild | undefined {
  return beforeStep(repoDir, generated, buildsDockerfile);
}

/**
 * The package-manager steps the team's CI runs before its tests (Tandoor's ci.yml builds vue3/
 * before pytest: pages render through the front end's manifest), so our test job runs them too.
 */
export function teamPreTest(
  repoDir: string,
  testCommand: string,
  generated?: ReadonlySet<string>,
): TeamPreBuild | undefined {
  const command = testCommand.trim();
  return beforeStep(
    repoDir,
    generated,
    (step) => typeof step.run === "string" && (TEST_RUNNER.test(step.run) || (!!command && step.run.includes(command))),
  );
}

/** A step that runs an app's tests, whatever runner our job picked. */
const TEST_RUNNER =
  /(^|[\s;&|])(pytest|py\.test|python3? -m pytest|tox|nox|rspec|phpunit|go test|(python3? )?manage\.py test|(bundle exec )?rails test|(npm|yarn|pnpm)( run)? test)(\s|$)/m;

function beforeStep(
  repoDir: string,
  generated: ReadonlySet<string> | undefined,
  isTarget: (step: Step, matrix: string) => boolean,
): TeamPreBuild | undefined {
  for (const { rel, jobs } of teamWorkflows<{ steps?: Step[]; strategy?: unknown }>(repoDir, generated)) {
    for (const job of Object.values(jobs)) {
      if (!Array.isArray(job?.steps)) continue;
      const found = fromJob(job.steps, job.strategy, isTarget);
      if (found) return { workflow: rel, ...found };
    }
  }
  return undefined;
}
