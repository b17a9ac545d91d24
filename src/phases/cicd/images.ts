// The app's images: one Dockerfile per runtime its processes run (src/image), written only where
// the repository has none of its own, and proved by the static build check before anything is
// written. An image the repository does not say enough for (no manifest, a Java WAR, a PHP
// extension without a recipe) gets a notice in the README instead of a guessed Dockerfile.
import { existsSync } from "node:fs";
import path from "node:path";
import { templateText } from "../../render/templates.js";
import { checkImageBuild, type ImageCommand } from "../../image/build-check.js";
import { vmAppRoot } from "../../image/app-root.js";
import { ignoredBuildInputs } from "../../image/ignored-inputs.js";
import { planImages, type RuntimeImage } from "../../image/plan.js";
import { inTeamImage } from "../../image/team-image.js";
import { isAppApi } from "../../contracts/deployment.js";
import { migrations } from "./migrations.js";
import { secretFileCommands } from "../../image/code-links.js";
import { openRepo, type AppRepo } from "../../image/repo.js";
import { osPythonVersion } from "../../image/runtime-versions.js";
import type { PhaseInput } from "../../contracts/phase.js";
import type { Artifact } from "../../write/plan.js";
import type { CicdContext } from "./context.js";

export interface AppImages {
  artifacts: Artifact[];
  /** Why no Dockerfile was written for an image the deploy builds (README). */
  notices: string[];
  /** The images the deploy builds with no Dockerfile, written or the team's: the plan asks for them. */
  missing: { dockerfile: string; runtime: string; reason: string; checkout?: string }[];
  /** Written Dockerfiles whose server may serve a front end the image does not build (image/front-end.ts). */
  frontEndGaps: { dockerfile: string; gap: string }[];
  /** Written Dockerfiles whose start command names files the image does not hold (image/java-image.ts). */
  startGaps: { dockerfile: string; gap: string }[];
  /** Written Dockerfiles' inputs the repository's .gitignore leaves out of a checkout (image/ignored-inputs.ts). */
  checkoutGaps: { dockerfile: string; files: string[] }[];
}

function theirs(input: PhaseInput, file: string): boolean {
  return existsSync(path.join(input.repoDir, file)) && !(input.generatedFiles?.has(file) ?? false);
}

/** The buildpacks commands for an image we write no Dockerfile for, with this project's names. */
function buildpacks(ctx: CicdContext, dockerfile: string): string {
  const { project, region } = ctx.deployment;
  const target = ctx.deployment.services.find((t) =>
    t.source ? t.source.dockerfile === dockerfile : dockerfile === ctx.mainDockerfile,
  );
  const image = target?.source ? `${ctx.registry}/${target.name}` : ctx.imagePath;
  return (
    `With buildpacks: \`gcloud builds submit --project ${project} --pack image=${image}:buildpacks\`, ` +
    `or build and deploy in one step with \`gcloud run deploy ${target?.name ?? ctx.imageName} --source . --project ${project} --region ${region}\`; ` +
    "the deploy workflow's `docker build` needs a Dockerfile either way."
  );
}

export function appImages(ctx: CicdContext, input: PhaseInput): AppImages {
  const os = osPythonVersion(ctx.inventory.host.os);
  const plan = planImages(ctx.inventory, input.repoDir, {
    ...(os ? { osPython: os } : {}),
    ...(input.generatedFiles ? { generated: input.generatedFiles } : {}),
  });
  const wanted = new Set([
    ctx.mainDockerfile,
    ...ctx.deployment.services.flatMap((t) => (t.source ? [t.source.dockerfile] : [])),
  ]);
  const artifacts: Artifact[] = [];
  const notices: string[] = [];
  const missing: AppImages["missing"] = [];
  const frontEndGaps: AppImages["frontEndGaps"] = [];
  const startGaps: AppImages["startGaps"] = [];
  const checkoutGaps: AppImages["checkoutGaps"] = [];
  /** Each written Dockerfile's build context. */
  const contexts = new Map<string, string>();
  const root = vmAppRoot(ctx.inventory, input.repoDir);
  // The team's Dockerfile serves no HTTP (image/serves-http.ts): left alone, ours is built beside it.
  if (ctx.teamDockerfileNotHttp)
    notices.push(
      `The repository's \`Dockerfile\` is not built: ${ctx.teamDockerfileNotHttp}. The deploy builds \`${ctx.mainDockerfile}\` instead (written here, serving HTTP on \`$PORT\`); make yours build from a checkout and serve HTTP, and delete \`${ctx.mainDockerfile}\` to build yours again.`,
    );
  for (const image of plan.images.filter((i) => wanted.has(i.dockerfile))) {
    const migrates = image.team?.startMigrates;
    // The deploy migrates once, in a job, before the new revision; a start script that migrates too
    // runs it again in every instance as it starts, several at once on a scale-out.
    if (theirs(input, image.dockerfile) && migrates && ctx.deployment.database)
      notices.push(
        `\`${migrates.file}\`, which your \`${image.dockerfile}\` starts, also runs \`${migrates.command}\` at every container start: every new instance runs it again, several at once when Cloud Run scales out, after the deploy's migrate job already did. ${migrates.skip ? `Set \`${migrates.skip.name}=${migrates.skip.value}\` on the services (the script's own switch), or take it out of the script` : "Take it out of the script"} (the job keeps the schema current).`,
      );
    // Our Dockerfiles link each secret file's path to its mount (image/code-links.ts); the team's
    // does not, so the app would look for the file where only an empty folder (or nothing) is.
    // In the team's image the repository is where its Dockerfile copies it (team-image.ts), and
    // the folders made as root for the links must stay the image user's (the app writes beside them).
    const links =
      image.dockerfile === ctx.mainDockerfile
        ? secretFileCommands(ctx.inventory, root, (p) => inTeamImage(p, image.team))
        : [];
    if (theirs(input, image.dockerfile) && links.length)
      notices.push(
        `Your \`${image.dockerfile}\` is built as it is, and Cloud Run mounts each secret file in a folder of its own (a secret volume hides the rest of its folder), not where the app reads it: add \`RUN ${[...links, ...userOwns(links, image)].join(" && ")}\` before its last \`USER\`, or the app starts without the file.`,
      );
    const bypassed =
      theirs(input, image.dockerfile) && image.dockerfile === ctx.mainDockerfile ? skipsSetUp(image, ctx) : undefined;
    if (bypassed) notices.push(bypassed);
    if (theirs(input, image.dockerfile)) continue;
    // A published image the deploy copies (workflow.ts): nothing is missing, the notice says what runs.
    if (!image.content && image.pulled && image.pulled === ctx.mainPulled) {
      if (image.notice) notices.push(image.notice);
      continue;
    }
    if (!image.content) {
      const reason = image.notice ?? `No ${image.dockerfile} was written.`;
      // Buildpacks would build this repository, not the other checkout: the deploy skips it instead.
      notices.push(
        image.checkout
          ? `${reason} Until then the deploy skips ${image.checkout.service} with a warning.`
          : `${reason} ${buildpacks(ctx, image.dockerfile)}`,
      );
      missing.push({
        dockerfile: image.dockerfile,
        runtime: image.runtime,
        reason,
        ...(image.checkout ? { checkout: image.checkout.service } : {}),
      });
      continue;
    }
    const unstartable = startProblems(image.content, image.dockerfile, ctx, contextRepo(image.dockerfile, ctx, input));
    if (unstartable.length) {
      const more = unstartable.length > 3 ? `; and ${unstartable.length - 3} more` : "";
      const reason = `No ${image.dockerfile} was written: the image built from the repository would not start ${unstartable.slice(0, 3).join("; ")}${more}.`;
      notices.push(`${reason} ${buildpacks(ctx, image.dockerfile)}`);
      missing.push({ dockerfile: image.dockerfile, runtime: image.runtime, reason });
      continue;
    }
    artifacts.push({ path: image.dockerfile, kind: "dockerfile", content: image.content, policy: "create-only" });
    if (image.frontEndGap) {
      frontEndGaps.push({ dockerfile: image.dockerfile, gap: image.frontEndGap });
      notices.push(`\`${image.dockerfile}\` builds the server only. ${image.frontEndGap}`);
    }
    if (image.startGap) {
      startGaps.push({ dockerfile: image.dockerfile, gap: image.startGap });
      notices.push(`\`${image.dockerfile}\`: ${image.startGap}`);
    }
    const ignored = ignoredBuildInputs(
      image.content,
      contextRepo(image.dockerfile, ctx, input),
      "",
      secretFilesInContext(ctx, input),
    );
    if (ignored.length) {
      checkoutGaps.push({ dockerfile: image.dockerfile, files: ignored });
      notices.push(
        `\`${image.dockerfile}\` builds from ${ignored.map((f) => `\`${f}\``).join(", ")}, which the repository's .gitignore leaves out: the checkout the pipeline builds from lacks ${ignored.length > 1 ? "them" : "it"}, so the first build fails until ${ignored.length > 1 ? "they are" : "it is"} committed (\`git add -f\`; the migration plan's prepare steps say how).`,
      );
    }
    contexts.set(image.dockerfile, image.context ?? ".");
  }
  if (artifacts.length > 0 && !theirs(input, ".dockerignore"))
    artifacts.push(ignoreFile(".dockerignore", secretFilesInContext(ctx, input)));
  artifacts.push(...checkoutIgnores(contexts, input));
  return { artifacts, notices, missing, frontEndGaps, startGaps, checkoutGaps };
}

const ignoreFile = (file: string, secrets: string[] = []): Artifact => ({
  path: file,
  kind: "text",
  content:
    templateText("cicd/dockerignore") +
    (secrets.length
      ? `# The VM's secret files: Cloud Run mounts them from Secret Manager, the image never holds them\n${secrets.join("\n")}\n`
      : ""),
  policy: "create-only",
});

/**
 * The VM's secret files (deployment `secretFiles`: wallabag's site-credentials key) that sit in
 * the app's folder, as paths in the build context. Git lacks them, but a build from a copy of the
 * VM's folder (or a checkout the team dropped the file into) would copy the key into every image
 * layer and registry that holds it; .dockerignore keeps it out whatever the context is.
 */
function secretFilesInContext(ctx: CicdContext, input: PhaseInput): string[] {
  const root = vmAppRoot(ctx.inventory, input.repoDir);
  if (!root) return [];
  return [
    ...new Set(
      (ctx.deployment.secretFiles ?? [])
        .map((f) => f.sourcePath)
        .filter((p) => p.startsWith(`${root}/`))
        .map((p) => p.slice(root.length + 1)),
    ),
  ].sort();
}

/**
 * A Dockerfile built from another checkout's folder (Taiga's taiga-events) does not see the
 * repository's .dockerignore, only one at its context's root: where that folder has none (its
 * repository is someone else's, not ours to write into), `<Dockerfile>.dockerignore` beside our
 * Dockerfile keeps its .env, keys and node_modules out of the image the same way. BuildKit (the
 * default builder, on GitHub's runners too) reads that file first.
 * https://docs.docker.com/build/concepts/context/#dockerignore-files
 */
function checkoutIgnores(contexts: Map<string, string>, input: PhaseInput): Artifact[] {
  return [...contexts]
    .filter(([dockerfile, context]) => context !== "." && !theirs(input, `${dockerfile}.dockerignore`))
    .filter(([, context]) => !existsSync(path.join(input.repoDir, context, ".dockerignore")))
    .map(([dockerfile]) => ignoreFile(`${dockerfile}.dockerignore`));
}

/**
 * The targets whose `--command` replaces the team image's ENTRYPOINT script that sets things up
 * (`cd`, exports) before it starts a process: Cloud Run runs their command without that set-up.
 * Said, with what the script does, since no flag gives a container a working folder.
 */
function skipsSetUp(image: RuntimeImage, ctx: CicdContext): string | undefined {
  const entry = image.team?.entry;
  if (!entry) return undefined;
  const env = Object.keys(entry.env);
  if (!entry.cd && env.length === 0) return undefined;
  const api = ctx.deployment.services.find(isAppApi);
  const names = [...ctx.deployment.services, ...migrations(ctx).map((m) => m.job)]
    .filter((t) => t !== api && !t.source && t.command?.length)
    .map((t) => `${t.name} (\`${t.command!.join(" ")}\`)`);
  if (names.length === 0) return undefined;
  const does = [
    ...(entry.cd ? [`changes to \`${entry.cd}\``] : []),
    ...(env.length ? [`exports ${env.map((e) => `\`${e}\``).join(", ")}`] : []),
  ].join(" and ");
  return `\`${entry.file}\`, your \`${image.dockerfile}\`'s ENTRYPOINT, ${does} before it starts a process, and it starts none of ${names.join(", ")}: their \`--command\` replaces it, so they run without that set-up. Make the script start them (a subcommand of its own), or give them the same settings (\`--set-env-vars\`, paths from that folder).`;
}

/** `chown` of the folders the links' `mkdir -p` makes in the app's folder, for the image's user. */
function userOwns(links: string[], image: RuntimeImage): string[] {
  const dir = image.team?.appDir;
  const made = (/^mkdir -p (.*)$/.exec(links[0] ?? "")?.[1] ?? "")
    .split(" ")
    .filter((p) => dir && p.startsWith(`${dir}/`));
  if (!image.user || made.length === 0) return [];
  return [`chown ${image.user.uid}${image.user.gid !== undefined ? `:${image.user.gid}` : ""} ${made.join(" ")}`];
}

/** The commands the deploy runs in an image (workers, jobs, a second web process): they must start too. */
function commandsFor(dockerfile: string, ctx: CicdContext): ImageCommand[] {
  const own = ctx.deployment.services.filter((t) =>
    t.source ? t.source.dockerfile === dockerfile : dockerfile === ctx.mainDockerfile,
  );
  return own.flatMap((t) => (t.command?.length ? [{ name: `${t.kind} ${t.name}`, argv: t.command }] : []));
}

/**
 * What the inventory asks an image to run that it cannot (a script that lives only on the VM, a
 * program of another runtime): the static build check's findings for the processes' commands. The
 * Dockerfile's own lines (COPY of a missing path, no CMD) stay a validation failure: those are ours.
 */
function startProblems(content: string, dockerfile: string, ctx: CicdContext, repo: AppRepo): string[] {
  if (!repo.present) return [];
  return checkImageBuild(content, repo, commandsFor(dockerfile, ctx)).filter(
    (f) => !/^line \d+: COPY |^no CMD/.test(f),
  );
}

/** A Dockerfile's build context: the repository, or another checkout's folder in it. */
function contextRepo(dockerfile: string, ctx: CicdContext, input: PhaseInput): AppRepo {
  const context = ctx.deployment.services.find((t) => t.source?.dockerfile === dockerfile)?.source?.context ?? ".";
  return context === "." ? openRepo(input.repoDir, input.generatedFiles) : openRepo(path.join(input.repoDir, context));
}

/** Static build check of every Dockerfile we write (src/image/build-check.ts). */
export function checkAppImages(artifacts: Artifact[], ctx: CicdContext, input: PhaseInput): string[] {
  if (!openRepo(input.repoDir, input.generatedFiles).present) return [];
  // Each Dockerfile against its build context: another checkout's image builds from its folder.
  return artifacts
    .filter((a) => a.kind === "dockerfile")
    .flatMap((a) =>
      checkImageBuild(a.content, contextRepo(a.path, ctx, input), commandsFor(a.path, ctx)).map(
        (f) => `${a.path}: ${f}`,
      ),
    );
}
