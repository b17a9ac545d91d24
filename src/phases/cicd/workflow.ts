// .github/workflows/deploy.yml, built as an object and serialised with `yaml`; comments are
// attached to nodes, never glued into strings. Only pinned actions, only pattern-checked values.
import { Document, isMap, isPair, isScalar, visit, type Pair } from "yaml";
import { requestServiceLevel } from "../../contracts/service-levels.js";
import { heldWhy } from "../../contracts/held-targets.js";
import { rolloutStrategy, sourceImageName, type CicdContext } from "./context.js";
import {
  isAiGatewayTarget,
  isAiWorkerTarget,
  isAppApi,
  isPublicApi,
  lockedShare,
  type Cache,
  type DeployTarget,
  type Filestore,
} from "../../contracts/deployment.js";
import {
  AI_GATEWAY_URL_VAR,
  AI_WORKER_URL_VAR,
  cacheAddrVar,
  commandCaches,
  takesAddress,
  cacheHostVar,
  cacheUrlVar,
  CLOUD_SQL_PRIVATE_IP_VAR,
  deployOrder,
  deployScript,
  filestoreIpVar,
  shellWord,
} from "./deploy-flags.js";
import { submodules, unlessMissing } from "./checkout-images.js";
import { PINNED_ACTIONS, usesRef } from "./pinned-actions.js";
import type { CicdResult } from "./schema.js";
import { deployLookups } from "./deploy-lookups.js";
import { migrations } from "./migrations.js";
import { EMPTY_DATABASE_VAR, runOncePlan, type RunOnceJob } from "./run-once-jobs.js";
import { buildArgNames, loadPlainEnvStep, plainEnvNames } from "./plain-env.js";
import { appTestJob, CHECKOUT, RUNNER, workerTestJob, workerTestTargets } from "./test-job.js";
import { BUILD_AUTH, DEPLOY_AUTH, setupGcloudStep } from "./workflow-auth.js";

const NOTIFY_SCRIPT = `if [ -z "\${SLACK_WEBHOOK_URL}" ]; then
  echo "SLACK_WEBHOOK_URL is not set: skipping the Slack notification."
  exit 0
fi
status=success
for result in \${NEEDS_RESULTS}; do
  if [ "\${result}" != success ]; then status="\${result}"; break; fi
done
run_url="\${GITHUB_SERVER_URL}/\${GITHUB_REPOSITORY}/actions/runs/\${GITHUB_RUN_ID}"
payload=$(printf '{"text":"Deploy of %s@%s: %s (%s)"}' "\${GITHUB_REPOSITORY}" "\${GITHUB_SHA:0:7}" "\${status}" "\${run_url}")
curl --fail --silent --show-error --retry 3 --max-time 10 \\
  -H 'Content-Type: application/json' --data "\${payload}" "\${SLACK_WEBHOOK_URL}"
`;

/** Names the workflow's jobs and the runner set: a step's env of that name would change them. */
const JOB_ENV = /^(IMAGE|REGISTRY|REGION|PROJECT_ID|PATH|HOME|CI|GITHUB_\w*|RUNNER_\w*|ACTIONS_\w*)$/;

/**
 * The app image's build. A prebuilt release's Dockerfile (image/release-image.ts) downloads the
 * release the repository variables RELEASE_URL and RELEASE_SHA256 name: unset, the step stops with
 * what to set instead of a docker error about an empty ADD source.
 */
function buildStep(ctx: CicdContext): { name: string; env?: Record<string, string>; run: string } {
  const file = ctx.mainDockerfile === "Dockerfile" ? "" : `--file ${shellWord(ctx.mainDockerfile)} `;
  const team = ctx.mainBuild;
  // Public settings the bundler inlines into the browser code (design `buildArgs`): repository
  // variables, passed to the build by name; unset, the step stops rather than build a front end
  // that calls nowhere. `printenv` reads a name in any case without the shell expanding it.
  const publicArgs = buildArgNames(ctx.deployment).filter((n) => !JOB_ENV.test(n) && !(team?.args && n in team.args));
  const publicEnv = Object.fromEntries(publicArgs.map((n) => [n, `\${{ vars.${n} }}`]));
  const publicCheck = publicArgs
    .map(
      (n) =>
        `[ -n "$(printenv ${n})" ] || { echo "::error::Set the repository variable ${n} (Settings > Secrets and variables > Actions > Variables): the front end's bundler writes it into the browser code when the image is built"; exit 1; }\n`,
    )
    .join("");
  const publicFlags = publicArgs.map((n) => `--build-arg ${n} `).join("");
  if (team) {
    // The compose file's build: its folder, its stage, its arguments. The arguments' values go in
    // the step's env (data, never parsed by the shell) and `--build-arg NAME` reads them from there;
    // a name the job's own env uses (IMAGE) is passed inline instead, where it must be a plain word.
    const args = Object.entries(team.args ?? {});
    const inline = (name: string) => JOB_ENV.test(name);
    const flags = args.map(([name, value]) => `--build-arg ${inline(name) ? shellWord(`${name}=${value}`) : name} `);
    const env = { ...Object.fromEntries(args.filter(([name]) => !inline(name))), ...publicEnv };
    return {
      name: `Build image (your ${ctx.mainDockerfile}${team.target ? `, target ${team.target}` : ""})`,
      ...(Object.keys(env).length ? { env } : {}),
      run: `${publicCheck}docker build --pull ${file}${team.target ? `--target ${shellWord(team.target)} ` : ""}${flags.join("")}${publicFlags}--tag "\${IMAGE}:\${GITHUB_SHA}" ${shellWord(team.context)}\n`,
    };
  }
  // A published image the VM pulls (no source here): copied as it is, under the deploy's own tag.
  if (ctx.mainPulled && !ctx.release)
    return {
      name: "Copy the published image the VM runs (no build)",
      env: { SOURCE_IMAGE: ctx.mainPulled },
      run: 'docker pull "${SOURCE_IMAGE}"\ndocker tag "${SOURCE_IMAGE}" "${IMAGE}:${GITHUB_SHA}"\n',
    };
  if (!ctx.release)
    return {
      name: "Build image (multi-stage Dockerfile)",
      ...(publicArgs.length ? { env: publicEnv } : {}),
      run: `${publicCheck}docker build --pull ${file}${publicFlags}--tag "\${IMAGE}:\${GITHUB_SHA}" .\n`,
    };
  return {
    name: "Build image (downloads the release the VM runs)",
    env: { RELEASE_URL: "${{ vars.RELEASE_URL }}", RELEASE_SHA256: "${{ vars.RELEASE_SHA256 }}" },
    run:
      'if [ -z "${RELEASE_URL}" ] || [ -z "${RELEASE_SHA256}" ]; then\n' +
      `  echo "::error::Set the repository variables RELEASE_URL and RELEASE_SHA256 (Settings > Secrets and variables > Actions > Variables) to the download URL and SHA-256 of the release the VM runs (${ctx.release.program}): the migration plan, docs/migration/README.md, says how"\n` +
      "  exit 1\n" +
      "fi\n" +
      `docker build --pull ${file}--build-arg RELEASE_URL --build-arg RELEASE_SHA256 --tag "\${IMAGE}:\${GITHUB_SHA}" .\n`,
  };
}

/**
 * What the team's image workflow builds before its `docker build` (team-prebuild.ts), in the same
 * folders: the team's Dockerfile copies that output rather than building it.
 */
function preBuildSteps(ctx: CicdContext): object[] {
  const pre = ctx.teamPreBuild;
  if (!pre) return [];
  const node = pre.node
    ? [{ name: "Set up Node.js", uses: usesRef("setupNode"), with: { "node-version": pre.node } }]
    : [];
  return [
    ...node,
    ...pre.steps.map((s) => ({
      name: `${s.name} (before the image, as ${pre.workflow} does)`,
      ...(s.dir === "." ? {} : { "working-directory": s.dir }),
      run: s.run,
    })),
  ];
}

/** Build + push steps for targets with their own Dockerfile (the AI worker), one image each. */
function sourceImageSteps(ctx: CicdContext, unwritten: ReadonlySet<string>): object[] {
  return deployOrder(ctx.deployment.services)
    .filter((t) => t.source && sourceImageName(t, ctx.deployment) === t.name)
    .flatMap((t) => {
      const { dockerfile, context } = t.source!;
      const tag = `"\${REGISTRY}/${shellWord(t.name)}:\${GITHUB_SHA}"`;
      const guard = (script: string) =>
        unwritten.has(dockerfile) ? unlessMissing(t.name, dockerfile, script) : script;
      return [
        {
          name: `Build ${t.name} image (${context})`,
          run: guard(`docker build --pull --file ${shellWord(dockerfile)} --tag ${tag} ${shellWord(context)}\n`),
        },
        { name: `Push ${t.name} image`, run: guard(`docker push ${tag}\n`) },
      ];
    });
}

/** Puts a Memorystore instance's address into $CACHE_<i>_URL for the deploys that reach it. */
function cacheUrlStep(cache: Cache, index: number, commandAddr: boolean): { name: string; run: string } {
  const describe = (group: string, format: string) =>
    `gcloud ${group} instances describe ${shellWord(cache.name)} --region "$REGION" --project "$PROJECT_ID" --format='value(${format})'`;
  // Three lines to one file read better as one redirect (ShellCheck SC2129).
  const lines = [
    `echo "${cacheUrlVar(index)}=redis://\${host}:\${port}/0"`,
    `echo "${cacheHostVar(index)}=\${host}"`,
    ...(commandAddr || cache.urlEnv.some(takesAddress) ? [`echo "${cacheAddrVar(index)}=\${host}:\${port}"`] : []),
  ];
  const redis = `host="$(${describe("redis", "host")})"
port="$(${describe("redis", "port")})"
${lines.length > 2 ? `{\n${lines.map((l) => `  ${l}\n`).join("")}} >> "$GITHUB_ENV"\n` : lines.map((l) => `${l} >> "$GITHUB_ENV"\n`).join("")}`;
  const run =
    cache.engine === "redis"
      ? redis
      : `endpoint="$(${describe("memcache", "discoveryEndpoint")})"
echo "${cacheUrlVar(index)}=\${endpoint}" >> "$GITHUB_ENV"
`;
  return { name: `Look up the ${cache.name} address (Memorystore, private IP)`, run };
}

/**
 * Puts the Cloud SQL instance's private IP into $CLOUD_SQL_PRIVATE_IP for the targets whose client
 * takes only a host (scripts/setup-database.sh gave the instance one; an empty answer means it
 * has not run, and a deploy with an empty host would start an app that cannot connect).
 */
function privateIpStep(instance: string): { name: string; run: string } {
  return {
    name: `Look up the ${instance} private IP (Cloud SQL, for clients that take only a host)`,
    run:
      `ip="$(gcloud sql instances describe ${shellWord(instance)} --project "$PROJECT_ID" --format='value(ipAddresses.filter("type=PRIVATE").extract(ipAddress).flatten())')"\n` +
      `[[ -n $ip ]] || { echo "::error::${instance} has no private IP: run scripts/setup-network.sh, then scripts/setup-database.sh"; exit 1; }\n` +
      `echo "${CLOUD_SQL_PRIVATE_IP_VAR}=\${ip}" >> "$GITHUB_ENV"\n`,
  };
}

/**
 * Puts a Filestore share's IP into $FILESTORE_<i>_IP for the deploys that mount it over NFS
 * (scripts/setup-network.sh created it; an empty answer means it has not run).
 */
function filestoreIpStep(fs: Filestore, index: number): { name: string; run: string } {
  return {
    name: `Look up the ${fs.name} address (Filestore, NFS)`,
    run:
      `ip="$(gcloud filestore instances describe ${shellWord(fs.name)} --zone ${shellWord(fs.zone)} --project "$PROJECT_ID" --format='value(networks[0].ipAddresses[0])')"\n` +
      `[[ -n $ip ]] || { echo "::error::${fs.name} has no address: run scripts/setup-network.sh"; exit 1; }\n` +
      `echo "${filestoreIpVar(index)}=\${ip}" >> "$GITHUB_ENV"\n`,
  };
}

/**
 * A held target (its data written in place has no home yet: design/rules/in-place-home.ts; its
 * command cannot run in a container: design/rules/command-hold.ts) is not deployed: the step says
 * why in the run's summary and the job goes on.
 */
function heldStep(target: DeployTarget): { name: string; env: Record<string, string>; run: string } {
  // A command whose program the image lacks (design/rules/foreign-program.ts) has one that cannot run.
  const until =
    heldWhy(target).topic !== "command"
      ? "its data written in place has a home"
      : target.command?.length
        ? "its image has the program its command runs"
        : "it has a command it can run (without one it would run the web server)";
  return {
    name: `Hold ${target.name}: not deployed until ${until}`,
    env: { HELD_REASON: target.held! },
    run: `echo "::notice title=${target.name} is not deployed::\${HELD_REASON}"\n`,
  };
}

/** Puts a service's run.app URL into $variable for the deploy steps that follow. */
function urlStep(service: string, variable: string, why: string): { name: string; run: string } {
  return {
    name: `Look up the ${service} URL (${why})`,
    run:
      `url="$(gcloud run services describe ${shellWord(service)} --region "$REGION" --project "$PROJECT_ID" --format='value(status.url)')"\n` +
      `echo "${variable}=\${url}" >> "$GITHUB_ENV"\n`,
  };
}

/** `unwritten`: Dockerfiles of other checkouts' images that nobody wrote (cicd/images.ts missing). */
export function buildWorkflow(
  ctx: CicdContext,
  result: CicdResult,
  unwritten: ReadonlySet<string> = new Set(),
): Record<string, unknown> {
  const { deployment } = ctx;
  const ownImages = sourceImageSteps(ctx, unwritten);
  const plain = plainEnvNames(deployment);
  const once = runOncePlan(ctx);
  const runJob = (j: RunOnceJob, what: string) => ({
    name: `${what} (${j.step.argv!.join(" ")}, Cloud Run job ${j.job.name})`,
    run: deployScript(j.job, deployment, result, { execute: true, imageOf: j.owner }),
  });
  // Only what the deploy deploys is looked up: a held target's addresses wait with it.
  const looks = deployLookups(deployment);
  // Memorystore instances a deployed command names by its address (command-addresses.ts).
  const named = commandCaches(deployment.services);
  const deploySteps: { name: string; run: string; env?: Record<string, string>; if?: string }[] = [
    ...(plain.length ? [loadPlainEnvStep(plain)] : []),
    ...(deployment.caches ?? [])
      .map((c, i) => ({ c, i }))
      .filter(({ c }) => looks.caches && (c.urlEnv.length > 0 || named.has(c.name)))
      .map(({ c, i }) => cacheUrlStep(c, i, named.get(c.name)?.has("ADDR") ?? false)),
    ...(deployment.filestores ?? [])
      .map((f, i) => ({ f, i }))
      .filter(({ f }) => looks.filestores.includes(f.name))
      .map(({ f, i }) => filestoreIpStep(f, i)),
    ...(deployment.database && looks.cloudSqlPrivateIp ? [privateIpStep(deployment.database.instance)] : []),
    // An empty database first gets what the app's own entrypoint gives it before its first migration.
    ...once.setup.map((j) => ({
      ...runJob(j, `Set up the empty database, only while ${EMPTY_DATABASE_VAR} is true`),
      if: `\${{ vars.${EMPTY_DATABASE_VAR} == 'true' }}`,
    })),
    // Schema first: no new revision may meet an old schema.
    // A migration borrows its owner's image and identity: held with it (it would run code whose service waits).
    ...migrations(ctx).map((m) =>
      m.job.held
        ? heldStep(m.job)
        : {
            name: `Migrate the database (${m.tool}, Cloud Run job ${m.job.name})`,
            run: deployScript(m.job, deployment, result, { execute: true, imageOf: m.owner }),
          },
    ),
    // Seed data needs the tables: after the migrations; into an empty database only unless it repeats safely.
    ...once.seed.map((j) =>
      j.step.seed?.repeatSafe
        ? runJob(j, "Load the app's seed data (safe to repeat)")
        : {
            ...runJob(j, `Load the app's seed data into the empty database, only while ${EMPTY_DATABASE_VAR} is true`),
            if: `\${{ vars.${EMPTY_DATABASE_VAR} == 'true' }}`,
          },
    ),
    // The release's own upgrade steps run on the new schema, before any new revision takes traffic.
    ...once.release.map((j) => runJob(j, "Run the release's upgrade step")),
    // Jobs that run the code of a held owner wait with it (the plan names their commands).
    ...once.held.map((j) => heldStep(j.job)),
  ];
  // Workers deploy first; whoever enqueues AI tasks (the AI gateway, else the APIs) then needs the
  // AI worker's URL, and the APIs need the gateway's.
  const aiWorker = deployment.services.find(isAiWorkerTarget);
  const aiGateway = deployment.services.find(isAiGatewayTarget);
  let workerUrlDone = !aiWorker;
  let gatewayUrlDone = !aiGateway;
  for (const target of deployOrder(deployment.services)) {
    if (target.held) {
      deploySteps.push(heldStep(target));
      continue;
    }
    if (!workerUrlDone && target.kind === "api") {
      const who = aiGateway ? "the AI gateway" : "the API";
      deploySteps.push(urlStep(aiWorker!.name, AI_WORKER_URL_VAR, `${who} enqueues tasks to it`));
      workerUrlDone = true;
    }
    if (!gatewayUrlDone && isAppApi(target)) {
      deploySteps.push(urlStep(aiGateway!.name, AI_GATEWAY_URL_VAR, "the app forwards AI requests to it"));
      gatewayUrlDone = true;
    }
    const script = deployScript(target, deployment, result, {
      gate:
        rolloutStrategy(target) === "canary"
          ? requestServiceLevel(target, ctx.inventory, deployment).canary
          : undefined,
    });
    const dockerfile = target.source?.dockerfile;
    const locked = lockedShare(target);
    deploySteps.push({
      name: `Deploy ${target.name} (${isAiGatewayTarget(target) ? "private api" : target.kind})${
        locked && isPublicApi(target) && target.ingress === "all"
          ? `, no canary: one writer to the locked files on ${locked.filestore}`
          : ""
      }`,
      run: dockerfile && unwritten.has(dockerfile) ? unlessMissing(target.name, dockerfile, script) : script,
    });
  }
  // Registrations record work in the new stores (repeatable jobs in Redis) once the services run the release.
  deploySteps.push(...once.registration.map((j) => runJob(j, "Register the release's background work")));
  const workerTests = workerTestTargets(ctx);
  const testJobs = ["test", ...workerTests.map((t) => `test-${t.name}`)];
  return {
    name: "deploy",
    on: { push: { branches: [ctx.branch] }, workflow_dispatch: {} },
    permissions: {},
    concurrency: { group: "deploy-production", "cancel-in-progress": false },
    defaults: { run: { shell: "bash" } },
    env: {
      PROJECT_ID: deployment.project,
      REGION: deployment.region,
      IMAGE: ctx.imagePath,
      ...(ownImages.length ? { REGISTRY: ctx.registry } : {}),
    },
    jobs: {
      test: appTestJob(ctx, result),
      ...Object.fromEntries(workerTests.map((t) => [`test-${t.name}`, workerTestJob(t)])),
      build: {
        name: "Build and push images",
        needs: testJobs.length === 1 ? "test" : testJobs,
        "runs-on": RUNNER,
        permissions: { contents: "read", "id-token": "write" },
        "timeout-minutes": 30,
        steps: [
          submodules(ctx) ? { ...CHECKOUT, with: { ...CHECKOUT.with, submodules: true } } : CHECKOUT,
          ...preBuildSteps(ctx),
          ...BUILD_AUTH,
          buildStep(ctx),
          { name: "Push image tagged with the commit SHA", run: 'docker push "${IMAGE}:${GITHUB_SHA}"\n' },
          ...ownImages,
        ],
      },
      deploy: {
        name: "Deploy to Cloud Run",
        needs: "build",
        "runs-on": RUNNER,
        environment: "production",
        permissions: { contents: "read", "id-token": "write" },
        "timeout-minutes": result.deployTimeoutMinutes,
        steps: [CHECKOUT, ...DEPLOY_AUTH, setupGcloudStep(ctx), ...deploySteps],
      },
      notify: {
        name: "Notify Slack",
        needs: [...testJobs, "build", "deploy"],
        if: result.notifyOnSuccess ? "${{ always() }}" : "${{ failure() }}",
        "runs-on": RUNNER,
        permissions: {},
        "timeout-minutes": 5,
        steps: [
          {
            name: "Post the result to Slack",
            env: {
              SLACK_WEBHOOK_URL: "${{ secrets.SLACK_WEBHOOK_URL }}",
              NEEDS_RESULTS: "${{ join(needs.*.result, ' ') }}",
            },
            run: NOTIFY_SCRIPT,
          },
        ],
      },
    },
  };
}

const COMMENTS: Array<[string[], string]> = [
  [["on"], " Deploy every push to the default branch; workflow_dispatch re-runs a deploy by hand."],
  [["permissions"], " No token permissions by default; each job asks for the least it needs."],
  [["concurrency"], " One deploy at a time; a running rollout is never cancelled halfway (it could strand a canary)."],
  [["env"], " Values from the design's deployment contract (pattern-checked); never from event payloads."],
  [
    ["jobs", "build", "permissions"],
    " id-token: write lets google-github-actions/auth exchange GitHub's OIDC token (WIF). No JSON keys;\n" +
      " this identity may only push to the Artifact Registry repository.",
  ],
  [
    ["jobs", "deploy", "environment"],
    " Only jobs in this environment can act as the deployer (its WIF provider requires it): protect it\n" +
      " with required reviewers and a deployment branch rule in the repository settings.",
  ],
  [
    ["jobs", "deploy", "steps"],
    " Rollout logic lives in scripts/deploy/canary.sh (tested): first deploy -> 100%, later -> canary with rollback.",
  ],
  [
    ["jobs", "notify"],
    " Slack on failure; the webhook comes from a secret through env, and the step is skipped when it is unset.",
  ],
];

function pairAt(doc: Document, path: string[]): Pair | undefined {
  const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
  if (!isMap(parent)) return undefined;
  return parent.items.find((p) => isScalar(p.key) && p.key.value === path[path.length - 1]);
}

export function serializeWorkflow(workflow: Record<string, unknown>): string {
  const doc = new Document(workflow, { aliasDuplicateObjects: false });
  doc.commentBefore =
    " Build, test and deploy to Cloud Run with a canary\n" +
    " rollout and automatic rollback. One-time setup: docs/migration/cicd/README.md";
  for (const [path, text] of COMMENTS) {
    const pair = pairAt(doc, path);
    if (pair && isScalar(pair.key)) pair.key.commentBefore = text;
  }
  const versions = new Map(Object.values(PINNED_ACTIONS).map((a) => [`${a.repo}@${a.sha}`, a.version]));
  visit(doc, {
    Pair(_, pair) {
      if (isPair(pair) && isScalar(pair.key) && pair.key.value === "uses" && isScalar(pair.value)) {
        const version = versions.get(String(pair.value.value));
        if (version) pair.value.comment = ` ${version}`;
      }
    },
  });
  return doc.toString({ lineWidth: 0, blockQuote: "literal" });
}
