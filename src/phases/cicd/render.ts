// CicdResult + deployment contract -> files. Shell and YAML values all come from pattern-checked
// sources; the model's prose only reaches the README.
import { GenerationError } from "../../errors.js";
import { renderTemplateSync, templateText } from "../../render/templates.js";
import type { Artifact } from "../../write/plan.js";
import type { PhaseInput } from "../../contracts/phase.js";
import { buildContext, rolloutStrategy, serviceAccountEmail, sourceImageName, type CicdContext } from "./context.js";
import { buildArgNames, PLAIN_ENV_FILE, plainEnvFile, plainEnvNames } from "./plain-env.js";
import { type DeployTarget, isAiWorkerTarget, isPublicApi, lockedShare } from "../../contracts/deployment.js";
import { deployOrder } from "./deploy-flags.js";
import { deployerViewRoles, heldViewerRoles } from "./deploy-lookups.js";
import { deployedOnly, heldLabel, heldTopic, heldWhy } from "../../contracts/held-targets.js";
import { teamBuildText } from "./team-build.js";
import type { CicdResult } from "./schema.js";
import { IMAGE_RELEASES, type Stack } from "./runtime.js";
import { schedulesView } from "./schedules.js";
import { appImages } from "./images.js";
import { buildWorkflow, serializeWorkflow } from "./workflow.js";
import { workerTestTargets } from "./test-job.js";
import { testServices } from "./test-services.js";
import { teamSetupFor, teamSetupNote } from "./team-test-carry.js";
import { databaseView, javaTargetNames, networkView, queuesView, secretsView } from "./setup-views.js";
import { loadBalancerView } from "./url-map-view.js";
import { migrations } from "./migrations.js";
import { EMPTY_DATABASE_VAR, runOncePlan } from "./run-once-jobs.js";

export const CICD_PATHS = {
  workflow: ".github/workflows/deploy.yml",
  canary: "scripts/deploy/canary.sh",
  setupWif: "scripts/setup-wif.sh",
  setupSchedules: "scripts/setup-schedules.sh",
  setupSecrets: "scripts/setup-secrets.sh",
  /** Sourced by setup-secrets.sh; written as it ships (src/validate/shipped-scripts.ts). */
  vmSettingsLib: "scripts/lib/vm-settings.sh",
  setupQueues: "scripts/setup-queues.sh",
  setupNetwork: "scripts/setup-network.sh",
  setupDatabase: "scripts/setup-database.sh",
  setupLoadBalancer: "scripts/setup-load-balancer.sh",
  dockerfile: "Dockerfile",
  dockerignore: ".dockerignore",
  readme: "docs/migration/cicd/README.md",
} as const;

const STACK_LABEL: Record<Stack, string> = {
  python: "Python",
  node: "Node.js",
  ruby: "Ruby",
  go: "Go",
  php: "PHP",
  java: "Java",
};

/** templates/cicd/<name>, rendered. Values are validated before rendering: no HTML escaping. */
const render = (name: string, data: object): string => renderTemplateSync(`cicd/${name}`, data);

function checkRuntime(ctx: CicdContext, result: CicdResult): void {
  if (!IMAGE_RELEASES[ctx.stack].includes(result.runtimeVersion)) {
    throw new GenerationError(`runtimeVersion does not fit the detected ${ctx.stack} stack`, [result.runtimeVersion]);
  }
}

function setupWif(ctx: CicdContext): string {
  const { deployment } = ctx;
  // Grants go to what deploys (held-targets.ts), as in setup-secrets.sh: a held target's account
  // is created (an identity with no role can do nothing, and other scripts may name it) but the
  // deployer may not act as it and it gets no role until the target deploys and this script reruns.
  const deployed = deployedOnly(deployment).services;
  const runtime = [...new Set(deployed.map((s) => s.serviceAccount))].sort();
  const heldOnly = [...new Set(deployment.services.map((s) => s.serviceAccount))].filter((a) => !runtime.includes(a));
  // The held targets setup-secrets.sh names: their secrets stored, no grant to read them.
  const heldReaders = secretsView(deployment)?.heldReaders ?? [];
  const sql = [...new Set(deployed.filter((s) => s.cloudSqlInstance).map((s) => s.serviceAccount))].sort();
  const apis = [
    "artifactregistry.googleapis.com",
    "iam.googleapis.com",
    "iamcredentials.googleapis.com",
    // The canary reads the new revision's request metrics.
    "monitoring.googleapis.com",
    "run.googleapis.com",
    "sts.googleapis.com",
  ];
  if (sql.length > 0) apis.push("sqladmin.googleapis.com");
  return render("setup-wif.sh.hbs", {
    project: deployment.project,
    region: deployment.region,
    artifactRepository: deployment.artifactRepository,
    githubRepo: ctx.githubRepo ?? "",
    branch: ctx.branch,
    builder: ctx.builderAccount,
    deployer: ctx.deployerAccount,
    runtimeAccounts: runtime,
    heldAccounts: heldOnly.sort(),
    held: deployment.services
      .filter((s) => s.held)
      .map((s) => ({
        label: heldLabel(s),
        account: s.serviceAccount,
        shared: runtime.includes(s.serviceAccount),
        readsSecrets: heldReaders.includes(heldLabel(s)),
      })),
    cloudSqlAccounts: sql,
    // The deploy job reads each cache's address and Cloud SQL's private IP (workflow lookup steps),
    // for what it deploys: a held target's come when the decision brings it (rerun this script).
    deployerViewRoles: deployerViewRoles(deployment),
    heldViewerRoles: heldViewerRoles(deployment),
    apis: apis.sort(),
  });
}

function readme(ctx: CicdContext, result: CicdResult, imageNotices: string[]): string {
  const { deployment } = ctx;
  const services = deployOrder(deployment.services).map((s) => {
    const strategy = rolloutStrategy(s);
    return {
      name: s.name,
      kind: s.kind,
      rollout: s.held
        ? `held: not deployed until ${heldTopic(s)} is taken`
        : strategy === "canary"
          ? s.singleInstance
            ? "100% at once after the tagged-URL check (the app runs as one instance), rollback on failure"
            : `canary ${result.canarySteps.join(" / ")}`
          : strategy === "job"
            ? "job update"
            : strategy === "worker-pool"
              ? "worker pool update (always on)"
              : lockedShare(s) && isPublicApi(s) && s.ingress === "all"
                ? `direct (readiness gate), no canary: one writer to the locked files on ${lockedShare(s)!.filestore}`
                : "direct (readiness gate)",
      health: s.held
        ? "none (not deployed)"
        : strategy === "canary"
          ? s.probe === "tcp"
            ? `\`${s.healthPath}\` on the tagged URL answers below 500 (no health route)`
            : `\`${s.healthPath}\` on the tagged URL`
          : "Cloud Run readiness",
    };
  });
  const secrets = [...new Set(deployment.services.flatMap((s) => s.secrets))].sort();
  const api = deployment.services.find((s) => rolloutStrategy(s) === "canary");
  // The jobs the deploy runs to the end around the services, in their order (run-once-jobs.ts).
  const once = runOncePlan(ctx);
  const row = (when: string) => (j: { job: { name: string; command?: string[]; args?: string[] } }) => ({
    name: j.job.name,
    when,
    // Through the image's ENTRYPOINT script: its arguments, after the script's name.
    command: j.job.command?.length ? j.job.command.join(" ") : `ENTRYPOINT ${(j.job.args ?? []).join(" ")}`,
  });
  const onlyEmpty = `only while the repository variable \`${EMPTY_DATABASE_VAR}\` is \`true\``;
  // A job whose owner is held is listed with the decision it waits for, never as if it ran.
  const waits = (j: { job: DeployTarget; owner: string }) =>
    `not run yet: it runs ${j.owner}'s code, which the deploy holds until the open decision ${heldWhy(j.job).decision} is taken`;
  const all = migrations(ctx);
  const runOnce = [
    ...once.setup.map(row(`before the migrations, ${onlyEmpty}`)),
    ...all.map((m) => row(m.job.held ? waits(m) : "before anything deploys (schema migrations)")(m)),
    ...once.seed.map((j) =>
      row(
        j.step.seed?.repeatSafe
          ? "after the migrations (each release; safe to repeat)"
          : `after the migrations, ${onlyEmpty}`,
      )(j),
    ),
    ...once.release.map(row("after the migrations, before the services (each release)")),
    ...once.registration.map(row("after the services (each release)")),
    ...once.held.map((j) => row(waits(j))(j)),
  ];
  const teamSetup = teamSetupFor(ctx, result.testCommand, result.runtimeVersion);
  return render("README.md.hbs", {
    branch: ctx.branch,
    project: deployment.project,
    region: deployment.region,
    testCommand: result.testCommand,
    nothingToTest: ctx.nothingToTest,
    runtimeLabel: `${STACK_LABEL[ctx.stack]} ${result.runtimeVersion}`,
    imagePath: ctx.imagePath,
    services,
    runOnce,
    notifyOnSuccess: result.notifyOnSuccess,
    healthPathExample: api?.healthPath ?? "/",
    // Traffic moves between a service's revisions; a design of jobs only (or of open decisions
    // only) has no service to roll back that way.
    rollbackService: (api ?? deployOrder(deployment.services).find((s) => s.kind !== "job"))?.name,
    stepsLabel: result.canarySteps.map((s) => `${s}%`).join(" -> "),
    stepsArg: result.canarySteps.join(","),
    bakeSeconds: result.bakeSeconds,
    retries: result.healthCheck.retries,
    timeoutSeconds: result.healthCheck.timeoutSeconds,
    rationale: result.rationale.trim(),
    artifactRepository: deployment.artifactRepository,
    deployerEmail: serviceAccountEmail(ctx.deployerAccount, deployment.project),
    builderEmail: serviceAccountEmail(ctx.builderAccount, deployment.project),
    testServices: Object.values(
      teamSetup && !teamSetup.blocked.length ? teamSetup.services : testServices(ctx).services,
    ).map((s) => (s as { image: string }).image),
    teamSetupNote: teamSetupNote(teamSetup),
    hasBuildStep: ctx.stack === "node" || ctx.stack === "go",
    workerTests: workerTestTargets(ctx).map((t) => t.source!.context),
    dockerfileNote: [
      ...(ctx.release
        ? [
            `The VM runs a prebuilt release (\`${ctx.release.program}\`) with no source here: the build downloads the release the repository variables \`RELEASE_URL\` and \`RELEASE_SHA256\` name (\`docker build --build-arg RELEASE_URL --build-arg RELEASE_SHA256\`), checks its SHA-256, and stops with an error while they are unset; set them to the exact release the VM runs (the migration plan says how).`,
          ]
        : []),
      ...(ctx.mainBuild && ctx.hasDockerfile ? [teamBuildText(ctx.mainDockerfile, ctx.mainBuild)] : []),
      ...(ctx.mainPulled || ctx.release ? [] : publicArgsNote(buildArgNames(deployment))),
      ...(ctx.teamPreBuild
        ? [
            `Your \`Dockerfile\` packages what \`${ctx.teamPreBuild.workflow}\` builds before it, so the build job runs the same steps first: ${ctx.teamPreBuild.steps.map((s) => `\`${s.run.trim().replace(/\n/g, "; ")}\`${s.dir === "." ? "" : ` in \`${s.dir}\``}`).join(", then ")}${ctx.teamPreBuild.node ? ` (Node.js ${ctx.teamPreBuild.node})` : ""}.`,
          ]
        : []),
      ...imageNotices,
    ].join(" "),
    mainDockerfile: ctx.mainDockerfile,
    githubRepoLabel: ctx.githubRepo ?? "your repository (pass --github-repo owner/repo)",
    secretsLabel: secrets.length > 0 ? secrets.map((s) => `\`${s}\``).join(", ") : "none",
    hasSecrets: secrets.length > 0,
    plainEnv: plainEnvNames(deployment),
    plainEnvLabel: plainEnvNames(deployment)
      .map((n) => `\`${n}\``)
      .join(", "),
    repointedLabel: (secretsView(deployment)?.repointed ?? []).map((n) => `\`${n}\``).join(", "),
    queues: queuesView(deployment)?.queues.map((q) => q.name) ?? [],
    // Everyone may call a public API, canary or not (a locked share deploys it straight); a held one is not deployed.
    publicServices: deployment.services
      .filter((s) => isPublicApi(s) && s.ingress === "all" && !s.held)
      .map((s) => s.name),
    ownImages: deployment.services
      .filter((s) => s.source)
      .map((s) => ({
        name: s.name,
        image: sourceImageName(s, deployment),
        // Another target's image, run with this target's own command (the AI gateway).
        shared: sourceImageName(s, deployment) !== s.name,
        dockerfile: s.source!.dockerfile,
        context: s.source!.context,
      })),
    schedules: schedulesView(deployment) ?? false,
    aiWorker: deployment.services.find(isAiWorkerTarget)?.name ?? false,
  });
}

export function renderCicd(result: CicdResult, input: PhaseInput): Artifact[] {
  const ctx = buildContext(input);
  checkRuntime(ctx, result);
  const images = appImages(ctx, input);
  const unwritten = new Set(images.missing.filter((m) => m.checkout).map((m) => m.dockerfile));
  const artifacts: Artifact[] = [
    { path: CICD_PATHS.workflow, kind: "yaml", content: serializeWorkflow(buildWorkflow(ctx, result, unwritten)) },
    { path: CICD_PATHS.canary, kind: "shell", content: templateText("cicd/canary.sh"), executable: true },
    { path: CICD_PATHS.setupWif, kind: "shell", content: setupWif(ctx), executable: true },
  ];
  const plain = plainEnvNames(ctx.deployment);
  // The team's values live here once filled in: written once, never overwritten.
  if (plain.length)
    artifacts.push({ path: PLAIN_ENV_FILE, kind: "text", content: plainEnvFile(plain), policy: "create-only" });
  const database = databaseView(
    ctx.deployment,
    ctx.stack,
    ctx.inventory.metadata.name,
    ctx.repoDir,
    ctx.generated,
    javaTargetNames(ctx.deployment, ctx.inventory),
  );
  // The URL form setup-database.sh writes: JDBC or Go's DSN when that is the only kind the app reads.
  const form =
    database &&
    (database.urlSecrets.length
      ? database.urlForm
      : database.jdbcUrlSecrets.length
        ? database.jdbcForm
        : database.dsnUrlSecrets.length
          ? database.dsnForm
          : (database.storeSettings[0]?.form ?? database.urlForm));
  const secrets = secretsView(ctx.deployment, form, database !== undefined);
  if (secrets) {
    artifacts.push({
      path: CICD_PATHS.setupSecrets,
      kind: "shell",
      content: render("setup-secrets.sh.hbs", secrets),
      executable: true,
    });
    artifacts.push({ path: CICD_PATHS.vmSettingsLib, kind: "shell", content: templateText("cicd/lib/vm-settings.sh") });
  }
  if (database) {
    artifacts.push({
      path: CICD_PATHS.setupDatabase,
      kind: "shell",
      content: render("setup-database.sh.hbs", database),
      executable: true,
    });
  }
  const network = networkView(ctx.deployment);
  if (network) {
    artifacts.push({
      path: CICD_PATHS.setupNetwork,
      kind: "shell",
      content: render("setup-network.sh.hbs", network),
      executable: true,
    });
  }
  const peak = (ctx.inventory.traffic.peakRps ?? ctx.inventory.traffic.averageRps ?? 1) * ctx.inventory.traffic.growth;
  const lb = loadBalancerView(ctx.deployment, peak);
  if (lb) {
    artifacts.push({
      path: CICD_PATHS.setupLoadBalancer,
      kind: "shell",
      content: render("setup-load-balancer.sh.hbs", lb),
      executable: true,
    });
  }
  const queues = queuesView(ctx.deployment);
  if (queues) {
    artifacts.push({
      path: CICD_PATHS.setupQueues,
      kind: "shell",
      content: render("setup-queues.sh.hbs", queues),
      executable: true,
    });
  }
  const schedules = schedulesView(ctx.deployment);
  if (schedules) {
    artifacts.push({
      path: CICD_PATHS.setupSchedules,
      kind: "shell",
      content: render("setup-schedules.sh.hbs", schedules),
      executable: true,
    });
  }
  artifacts.push(...images.artifacts);
  artifacts.push({ path: CICD_PATHS.readme, kind: "markdown", content: readme(ctx, result, images.notices) });
  return artifacts;
}

/** The README's word on build-time public settings (design buildArgs): where the build gets them. */
function publicArgsNote(names: readonly string[]): string[] {
  if (names.length === 0) return [];
  const one = names.length === 1;
  const list = names.map((n) => `\`${n}\``).join(", ");
  return [
    `${list} ${one ? "is a public setting" : "are public settings"} the front end's bundler writes into the browser code, so the image build takes ${one ? "it" : "them"} (\`docker build --build-arg\` from the repository ${one ? "variable" : "variables"} of the same name; an \`ARG\` before the build in the Dockerfile) and stops while ${one ? "it is" : "one is"} unset. Set ${one ? "it" : "them"} under Settings > Secrets and variables > Actions > Variables (not ${one ? "a secret" : "secrets"}: every visitor downloads ${one ? "it" : "them"}); a new value takes effect with the next build.`,
  ];
}
