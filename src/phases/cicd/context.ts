// What the cicd phase derives from its input before any file is rendered: the design's
// deployment contract (re-validated here: it is the only source of names that reach scripts),
// the application stack, and the names of the pipeline's own resources.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { GenerationError } from "../../errors.js";
import type { Inventory, TeamBuild } from "../../inventory/schema.js";
import { type DeployTarget, type Deployment, hasCanary } from "../../contracts/deployment.js";
import type { PhaseInput } from "../../contracts/phase.js";
import { detectStack, nothingToTest, type Stack } from "./runtime.js";
import { mainDockerfile } from "../../image/serves-http.js";
import { vmAppRoot } from "../../image/app-root.js";
import { releaseArtifact, type ReleaseArtifact } from "../../image/release-image.js";
import { openRepo } from "../../image/repo.js";
import { pulledImageOf, runtimeOf, teamBuildOf } from "../../image/plan.js";
import { teamImage, type TeamImage } from "../../image/team-image.js";
import { teamPreBuild, type TeamPreBuild } from "./team-prebuild.js";
import { upstreamDeployment } from "../../contracts/upstream-deployment.js";

export { detectStack, type Stack } from "./runtime.js";
const BRANCH = /^[A-Za-z0-9._-]{1,100}(\/[A-Za-z0-9._-]{1,100}){0,4}$/;

export interface CicdContext {
  inventory: Inventory;
  deployment: Deployment;
  stack: Stack;
  /** Application image name inside the Artifact Registry repository. */
  imageName: string;
  /** `REGION-docker.pkg.dev/PROJECT/REPO/IMAGE`, without a tag. */
  imagePath: string;
  /** `REGION-docker.pkg.dev/PROJECT/REPO`: targets with their own `source` push `REGISTRY/<target>`. */
  registry: string;
  /** Branch that deploys (push trigger, WIF attribute condition). */
  branch: string;
  /** GitHub `owner/repo` from the inventory, when known. */
  githubRepo?: string;
  /** Build job's service account id: pushes images, nothing else. */
  builderAccount: string;
  /** Deploy job's service account id (production environment only). */
  deployerAccount: string;
  /** True when the target repo already has a Dockerfile that serves HTTP (we then never render one). */
  hasDockerfile: boolean;
  /** The Dockerfile the deploy builds the app's image from (image/serves-http.ts). */
  mainDockerfile: string;
  /**
   * The team's image the VM's compose services run (inventory `build`): the deploy builds
   * `mainDockerfile` from this folder, with this target and these build arguments.
   */
  mainBuild?: TeamBuild;
  /** The published image the app's web process runs (no source, no build): the deploy copies it instead of building. */
  mainPulled?: string;
  /** What the team's Dockerfile, when built, makes of the app: its folder, a venv off PATH (team-image.ts). */
  team?: TeamImage;
  /** The package-manager steps the team's image workflow runs before `docker build` (team-prebuild.ts). */
  teamPreBuild?: TeamPreBuild;
  /** Why the team's Dockerfile is not built: its final stage serves no HTTP. */
  teamDockerfileNotHttp?: string;
  /** The target repository (read-only), to recognise its manifests and tools. */
  repoDir: string;
  /** Paths a previous run generated there (the manifest): never the app's own files. */
  generated?: ReadonlySet<string>;
  /** Why the test job runs no test command: the repository holds no project of the stack (runtime.ts). */
  nothingToTest?: string;
  /**
   * The prebuilt release our main Dockerfile downloads (image/release-image.ts): the build passes
   * the repository variables RELEASE_URL and RELEASE_SHA256 to it.
   */
  release?: ReleaseArtifact;
  /** Python dependency manifest found in the target repo. */
  pythonManifest: "requirements.txt" | "pyproject.toml";
}

/** A file of the repository as text, when it is one. */
function repoFile(repoDir: string, file: string): string | undefined {
  const at = path.join(repoDir, file);
  try {
    return existsSync(at) ? readFileSync(at, "utf8") : undefined;
  } catch {
    return undefined;
  }
}

const contexts = new WeakMap<PhaseInput, CicdContext>();

/**
 * The phase's context, built once per input: the runner hands render, validate and the plan's
 * steps the same input, and what they derive from the repository (the run-once plan:
 * run-once-jobs.ts) is then read once per phase run.
 */
export function buildContext(input: PhaseInput): CicdContext {
  const known = contexts.get(input);
  if (known) return known;
  const ctx = contextOf(input);
  contexts.set(input, ctx);
  return ctx;
}

function contextOf(input: PhaseInput): CicdContext {
  const deployment = upstreamDeployment(input, "cicd");
  const { inventory } = input;
  const branch = typeof input.options.branch === "string" ? input.options.branch : "main";
  if (!BRANCH.test(branch)) throw new GenerationError("Invalid deploy branch", [`branch: ${JSON.stringify(branch)}`]);
  const imageName = inventory.metadata.name;
  const has = (f: string) => existsSync(path.join(input.repoDir, f));
  const theirs = (f: string) => has(f) && !(input.generatedFiles?.has(f) ?? false);
  const main = mainDockerfile(
    (f) => (theirs(f) ? readFileSync(path.join(input.repoDir, f), "utf8") : undefined),
    teamBuildOf(inventory),
  );
  const teamFile = theirs(main.file) && !main.notHttp ? main.file : undefined;
  const stack = detectStack(inventory, input.repoDir);
  const untestable = nothingToTest(inventory, stack, input.repoDir);
  // Only our Dockerfile downloads a release: a team's own builds however it builds.
  const release = theirs(main.file)
    ? undefined
    : releaseArtifact(
        inventory,
        openRepo(input.repoDir, input.generatedFiles),
        vmAppRoot(inventory, input.repoDir),
        runtimeOf,
      );
  // A published image with no Dockerfile of anyone's to build instead: the deploy copies it.
  const pulled = theirs(main.file) || main.build || release ? undefined : pulledImageOf(inventory);
  // The team's image workflow is matched on the root Dockerfile it builds (team-prebuild.ts).
  const preBuild = teamFile === "Dockerfile" ? teamPreBuild(input.repoDir, input.generatedFiles) : undefined;
  return {
    inventory,
    deployment,
    stack,
    ...(untestable ? { nothingToTest: untestable } : {}),
    ...(release ? { release } : {}),
    imageName,
    imagePath: `${deployment.region}-docker.pkg.dev/${deployment.project}/${deployment.artifactRepository}/${imageName}`,
    registry: `${deployment.region}-docker.pkg.dev/${deployment.project}/${deployment.artifactRepository}`,
    branch,
    githubRepo: inventory.target.github,
    builderAccount: "github-builder",
    deployerAccount: "github-deployer",
    // The team's own Dockerfile, not the one a previous run generated.
    repoDir: input.repoDir,
    hasDockerfile: teamFile !== undefined,
    ...(teamFile
      ? {
          team: teamImage(
            readFileSync(path.join(input.repoDir, teamFile), "utf8"),
            (f) => repoFile(input.repoDir, f),
            main.build?.target ? { target: main.build.target } : {},
          ),
        }
      : {}),
    ...(main.build ? { mainBuild: main.build } : {}),
    ...(pulled ? { mainPulled: pulled } : {}),
    ...(preBuild ? { teamPreBuild: preBuild } : {}),
    mainDockerfile: main.file,
    ...(main.notHttp ? { teamDockerfileNotHttp: main.notHttp } : {}),
    ...(input.generatedFiles ? { generated: input.generatedFiles } : {}),
    pythonManifest: !has("requirements.txt") && has("pyproject.toml") ? "pyproject.toml" : "requirements.txt",
  };
}

/**
 * Canary needs a URL the runner can reach: only an `api` with public ingress has one. Everything
 * else is deployed straight to 100% behind Cloud Run's readiness gate (a revision that never
 * becomes ready never receives traffic, so the previous one keeps serving).
 */
export function rolloutStrategy(target: DeployTarget): "canary" | "direct" | "job" | "worker-pool" {
  if (target.kind === "job") return "job";
  if (target.kind === "worker-pool") return "worker-pool";
  // The AI gateway and a service the proxy guarded with a login are private (IAM): no public
  // canary, no allUsers binding; canary.sh's probes of their URL would be refused anyway.
  return hasCanary(target) ? "canary" : "direct";
}

export function serviceAccountEmail(account: string, project: string): string {
  return `${account}@${project}.iam.gserviceaccount.com`;
}

/**
 * Targets with a `source` (the AI worker) are built from their own Dockerfile and pushed as
 * `REGISTRY/<target name>` (a migration job runs its owner's image); every other target runs the
 * app image built from the repo root.
 */
export function imageRef(target: DeployTarget, imageName = target.name): string {
  return target.source ? `"$REGISTRY/${imageName}:$GITHUB_SHA"` : '"$IMAGE:$GITHUB_SHA"';
}

/**
 * Targets built from the same Dockerfile share one image (the AI gateway runs the AI worker's
 * image with another command): it is built once, named after the first of them in the deployment.
 */
export function sourceImageName(target: DeployTarget, deployment: Deployment): string {
  if (!target.source) return target.name;
  return deployment.services.find((t) => t.source?.dockerfile === target.source!.dockerfile)?.name ?? target.name;
}

/** Targets whose minimum instances Cloud Scheduler sets at service level (see setup-schedules.sh). */
export function scheduledMinTargets(deployment: Deployment): Set<string> {
  return new Set((deployment.schedules ?? []).filter((j) => j.action === "set-min-instances").map((j) => j.target));
}
