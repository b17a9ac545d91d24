// Turns one pattern-checked DeployTarget into the gcloud flags canary.sh passes to
// `gcloud run deploy` / `gcloud run jobs deploy`, and into the shell words of its workflow step.
// Every word is re-checked here: this is the last stop before text lands in a `run:` script.
import type { CanaryGate } from "../../contracts/service-levels.js";
import { GenerationError } from "../../errors.js";
import {
  isAiGatewayTarget,
  isAiWorkerTarget,
  isAppApi,
  reachesMemorystore,
  type DeployTarget,
  type Deployment,
  type Volume,
  ADDRESS_PLACEHOLDER,
  FILESTORE_SHARE,
} from "../../contracts/deployment.js";

/** Set by the workflow step that looks the AI worker's URL up after deploying it. */
export const AI_WORKER_URL_VAR = "AI_WORKER_URL";
/** Set by the workflow step that looks the AI gateway's URL up after deploying it. */
export const AI_GATEWAY_URL_VAR = "AI_GATEWAY_URL";
/** Set by the workflow step that looks the Cloud SQL instance's private IP up. */
export const CLOUD_SQL_PRIVATE_IP_VAR = "CLOUD_SQL_PRIVATE_IP";
/** Set by the workflow step that looks cache `index`'s address up. */
export const cacheUrlVar = (index: number): string => `CACHE_${index}_URL`;
/** Set beside it for a Redis instance: its host alone, for a name that takes a host (QUEUE_BULL_REDIS_HOST). */
export const cacheHostVar = (index: number): string => `CACHE_${index}_HOST`;
/** A name that holds a host, not a URL: n8n's QUEUE_BULL_REDIS_HOST, REDIS_HOST, CACHE_HOSTNAME. */
const HOST_ONLY = /_HOST(NAME)?$/i;
/** Set beside it for a Redis instance: `host:port`, for a name that takes an address (Go's go-redis and asynq `Addr`). */
export const cacheAddrVar = (index: number): string => `CACHE_${index}_ADDR`;
/** A name that holds `host:port` with no scheme: REDIS_ADDR, CACHE_ADDRESS. */
const ADDRESS_ONLY = /_ADDR(ESS)?$/i;
export const takesAddress = (name: string): boolean => ADDRESS_ONLY.test(name);

/**
 * The Memorystore instances the targets' commands name by placeholder (a store's VM address on the
 * command line: design command-addresses.ts), each with the forms used (URL, HOST, ADDR).
 */
export function commandCaches(targets: readonly DeployTarget[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const t of targets)
    for (const word of [...(t.command ?? []), ...(t.args ?? [])])
      for (const m of word.matchAll(ADDRESS_PLACEHOLDER)) out.set(m[2]!, (out.get(m[2]!) ?? new Set()).add(m[1]!));
  return out;
}

/**
 * A deploy flag with the Memorystore addresses its command's placeholders stand for, as a
 * double-quoted word bash fills from the lookup step's variables; other flags unchanged.
 */
function withDeployAddresses(flag: string, deployment: Deployment): string {
  if (!flag.match(ADDRESS_PLACEHOLDER)) return flag;
  const plain = flag.replace(/^'|'$/g, "");
  const filled = plain.replace(ADDRESS_PLACEHOLDER, (_, form: string, name: string) => {
    const index = (deployment.caches ?? []).findIndex((c) => c.name === name && c.engine === "redis");
    if (index < 0) throw new GenerationError("A command names a Memorystore instance the deployment has not", [name]);
    return `\${${form === "URL" ? cacheUrlVar(index) : form === "HOST" ? cacheHostVar(index) : cacheAddrVar(index)}}`;
  });
  return `"${filled}"`;
}

/** Set by the workflow step that looks Filestore instance `index`'s address up. */
export const filestoreIpVar = (index: number): string => `FILESTORE_${index}_IP`;

/**
 * NFS volumes for the Filestore shares a target mounts (data written in place whose decision chose
 * Filestore): the share's IP comes from a lookup step, so the volume flag is a double-quoted word.
 * https://cloud.google.com/run/docs/configuring/services/nfs-volume-mounts
 */
function nfsVolumeWords(target: DeployTarget, deployment: Deployment): string[] {
  return (target.nfsVolumes ?? []).flatMap((v) => {
    const index = (deployment.filestores ?? []).findIndex((f) => f.name === v.filestore);
    if (index < 0)
      throw new GenerationError("An NFS volume names no Filestore instance", [`${target.name}: ${v.filestore}`]);
    const mount = `--add-volume-mount=volume=${v.filestore},mount-path=${v.mountPath}`;
    if (!DEPLOY_FLAG.test(mount)) throw new GenerationError("Unsafe deploy flag", [`${target.name}: ${mount}`]);
    return [
      `"--add-volume=name=${v.filestore},type=nfs,location=\${${filestoreIpVar(index)}}:/${FILESTORE_SHARE}"`,
      mount,
    ];
  });
}

/** `[env name, workflow variable]` pairs a target gets at deploy time. */
export function dynamicEnv(target: DeployTarget, deployment: Deployment): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  // Whoever enqueues AI tasks needs the worker's URL (the tasks' target and OIDC audience): the
  // AI gateway when there is one, else the app's APIs. The app then needs the gateway's URL.
  const gateway = deployment.services.some(isAiGatewayTarget);
  if (deployment.services.some(isAiWorkerTarget)) {
    if (isAiGatewayTarget(target) || (isAppApi(target) && !gateway)) out.push(["AI_WORKER_URL", AI_WORKER_URL_VAR]);
    if (isAppApi(target) && gateway) out.push(["AI_GATEWAY_URL", AI_GATEWAY_URL_VAR]);
  }
  const plainVars = plainEnvVars(plainEnvNames(deployment));
  for (const name of target.plainEnv ?? []) out.push([name, plainVars.get(name)!]);
  // A client that takes only a host: the instance's private IP, reached over Direct VPC egress.
  for (const name of target.cloudSqlPrivateIp?.hostEnv ?? []) out.push([name, CLOUD_SQL_PRIVATE_IP_VAR]);
  if (reachesMemorystore(target)) {
    (deployment.caches ?? []).forEach((cache, i) => {
      for (const name of cache.urlEnv) {
        // A name the target also mounts as a secret stays a secret (gcloud refuses both).
        if (target.secrets.includes(name) || name in (target.env ?? {})) continue;
        const redis = cache.engine === "redis";
        out.push([
          name,
          redis && HOST_ONLY.test(name)
            ? cacheHostVar(i)
            : redis && takesAddress(name)
              ? cacheAddrVar(i)
              : cacheUrlVar(i),
        ]);
      }
    });
  }
  return out;
}
import { imageRef, rolloutStrategy, scheduledMinTargets, serviceAccountEmail, sourceImageName } from "./context.js";
import { plainEnvNames, plainEnvVars } from "./plain-env.js";
import type { CicdResult } from "./schema.js";

/** What canary.sh accepts for a flag after `--`; mirrored there. */
// `*` only as an env value (FORWARDED_ALLOW_IPS=*), `;` between a volume's mount options, `[ " ]`
// in a one-word JSON array value (ENV_VALUE): not PLAIN_WORDs, so shellWord quotes them.
export const DEPLOY_FLAG = /^--[a-z][a-z0-9-]*(=[A-Za-z0-9_.:=/@%+,^|*;"[\]-]*)?$/;
/**
 * `--args` of a command that reads a credential from its env var (`sh -c 'exec … password="$X"'`,
 * image/command-credentials.ts): spaces, `$` and `"` in this one shape, single-quoted in the workflow
 * so bash never expands it; sh does, in the container. Mirrored in canary.sh.
 */
export const CREDENTIAL_ARGS_FLAG =
  /^--args=(?:\^\|\^-c\||-c,)exec(?: [A-Za-z0-9_.:=/@%+,-]*(?:"\$[A-Z][A-Z0-9_]*")?)+$/;
/** Words that need no quoting in bash. */
const PLAIN_WORD = /^[A-Za-z0-9_.:=/@%+,-]+$/;

/** A literal shell word, single-quoted when it holds `|` or `^` (gcloud's list-delimiter escape). */
export function shellWord(word: string): string {
  if (PLAIN_WORD.test(word)) return word;
  if (DEPLOY_FLAG.test(word) || CREDENTIAL_ARGS_FLAG.test(word)) return `'${word}'`;
  throw new GenerationError("Refusing to put an unsafe word into a workflow script", [JSON.stringify(word)]);
}

/** gcloud list flag: commas separate items unless we switch the delimiter (`^|^a|b`). */
function listValue(items: readonly string[]): string {
  return items.some((i) => i.includes(",")) ? `^|^${items.join("|")}` : items.join(",");
}

/**
 * Cloud Storage FUSE flags that let the app write the mount. gcsfuse gives every file and folder
 * the owner --uid/--gid name, by default its own user (root: "everything is going to be owned by
 * root", gcsfuse cmd/mount.go), with --file-mode 644 and --dir-mode 755, and mounts with FUSE's
 * default_permissions, so the kernel enforces those bits (jacobsa/fuse mount_config.go). Our
 * images run as a non-root user: the mount names that user's ids, or, when the image's user is
 * not known, opens the bits to every user of the (single-app) container.
 * Cloud Run passes a volume's mount options to gcsfuse as its flags without the leading dashes
 * (Cloud Run Admin API v2, GCSVolumeSource.mountOptions); gcloud takes them as `mount-options`,
 * separated by semicolons, only in its beta track (`gcloud beta run deploy --help`, gcloud 528):
 * see usesBetaGcloud and canary.sh.
 */
export function mountOptions(volume: Volume): string {
  const { owner, onlyDir } = volume;
  // only-dir mounts one folder of the bucket (gcsfuse --only-dir): a folder that also holds code
  // is mounted per subfolder of user files (design/rules/storage.ts).
  const only = onlyDir ? [`only-dir=${onlyDir}`] : [];
  if (!owner) return [...only, "file-mode=666", "dir-mode=777"].join(";");
  return [...only, `uid=${owner.uid}`, ...(owner.gid !== undefined ? [`gid=${owner.gid}`] : [])].join(";");
}

/** A volume's name: the bucket's, with the folder it mounts when it mounts one (names are unique per target). */
export function volumeName(volume: Volume): string {
  if (!volume.onlyDir) return volume.bucket;
  const folder = volume.onlyDir
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return `${volume.bucket.slice(0, 62 - folder.length)}-${folder}`.replace(/_/g, "-").slice(0, 63);
}

/** A deploy that mounts a bucket sets its mount options: a `gcloud beta` flag (canary.sh picks the track). */
export const usesBetaGcloud = (target: DeployTarget): boolean => (target.volumes ?? []).length > 0;

/** Volume flags for the Cloud Storage buckets a target mounts (keyed by name and path: redeploys replace them). */
function volumeFlags(target: DeployTarget): string[] {
  return (target.volumes ?? []).flatMap((v) => [
    `--add-volume=name=${volumeName(v)},type=cloud-storage,bucket=${v.bucket},mount-options=${mountOptions(v)}`,
    `--add-volume-mount=volume=${volumeName(v)},mount-path=${v.mountPath}`,
  ]);
}

/**
 * Startup probe: a GET on a route the app has (`http`), or only the port accepting connections
 * (`tcp`) when the app has no known health route, so a deploy is not judged on a route it lacks.
 * https://cloud.google.com/run/docs/configuring/healthchecks
 */
function probeFlags(target: DeployTarget): string[] {
  // Direct VPC egress "might experience connection establishment delays of a minute or more on
  // instance startup"; Cloud Run's advice is a startup probe whose period and threshold act as the
  // retry. A target on the VPC (Memorystore, Cloud SQL's private IP) gets the longest window a
  // startup probe may have, 240 s (failureThreshold × periodSeconds), instead of 120 s.
  // https://cloud.google.com/run/docs/configuring/vpc-direct-vpc#limitations
  const tries = target.vpcEgress ? 48 : 24;
  if (target.probe === "tcp")
    return [`--startup-probe=tcpSocket.port=${target.port},periodSeconds=5,timeoutSeconds=3,failureThreshold=${tries}`];
  const http = `httpGet.path=${target.healthPath},httpGet.port=${target.port}`;
  return [
    `--startup-probe=${http},periodSeconds=5,timeoutSeconds=3,failureThreshold=${tries}`,
    `--liveness-probe=${http},periodSeconds=30,timeoutSeconds=5,failureThreshold=3`,
  ];
}

export function deployFlags(target: DeployTarget, deployment: Deployment): string[] {
  const flags: string[] = [];
  if (target.kind === "worker-pool") {
    // A worker pool has no endpoint and no autoscaling: a fixed instance count.
    flags.push(`--scaling=${target.minInstances}`);
  } else if (target.kind === "job") {
    flags.push(`--task-timeout=${target.timeoutSeconds}s`);
  } else {
    flags.push(`--port=${target.port}`, `--concurrency=${target.concurrency}`, `--timeout=${target.timeoutSeconds}`);
    // A scheduled minimum is set at service level (scripts/setup-schedules.sh); a revision-level
    // minimum on top would also keep every tagged canary revision warm, and Google advises
    // against combining the two: https://cloud.google.com/run/docs/configuring/min-instances
    const min = scheduledMinTargets(deployment).has(target.name) ? 0 : target.minInstances;
    flags.push(`--min-instances=${min}`, `--max-instances=${target.maxInstances}`);
    flags.push(target.cpuBoost ? "--cpu-boost" : "--no-cpu-boost", `--ingress=${target.ingress}`);
    // Websockets: a reconnecting client tends to return to its instance (best effort).
    if (target.sessionAffinity) flags.push("--session-affinity");
    // gRPC: h2c to the container (https://cloud.google.com/run/docs/configuring/http2).
    if (target.http2) flags.push("--use-http2");
    if (target.cpuAlwaysAllocated) flags.push("--no-cpu-throttling");
    if (target.kind === "api") flags.push(...probeFlags(target));
  }
  flags.push(`--cpu=${target.cpu}`, `--memory=${target.memory}`);
  // NFS volumes need the second-generation execution environment, a flag services alone take
  // (jobs and worker pools run in it already: gcloud run jobs deploy has no such flag).
  if (target.nfsVolumes?.length && target.kind !== "job" && target.kind !== "worker-pool")
    flags.push("--execution-environment=gen2");
  flags.push(`--service-account=${serviceAccountEmail(target.serviceAccount, deployment.project)}`);
  // A file secret is mounted at an absolute path (`/secrets/ID/FILE=ID:latest`), in a folder of its
  // own: a secret volume hides what the image has in its folder (design/rules/secret-files.ts).
  // A job runs its owner's code (a migration, an upgrade step): it reads the owner's files too.
  const owners =
    target.kind === "job"
      ? deployment.services
          .filter((s) => s.kind !== "job" && s.replaces.some((r) => target.replaces.includes(r)))
          .map((s) => s.name)
      : [];
  const files = (deployment.secretFiles ?? []).filter(
    (f) => f.targets.includes(target.name) || owners.some((o) => f.targets.includes(o)),
  );
  if (target.secrets.length > 0 || files.length > 0) {
    // Secret Manager secret ids equal the env names; setup-wif.sh grants access to each.
    flags.push(
      `--set-secrets=${[
        ...[...target.secrets].sort().map((s) => `${s}=${s}:latest`),
        ...files.map((f) => `${f.mountPath}=${f.secret}:latest`),
      ].join(",")}`,
    );
  }
  const env = Object.entries(target.env ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (env.length > 0) flags.push(`--set-env-vars=${env.map(([k, v]) => `${k}=${v}`).join(",")}`);
  if (target.cloudSqlInstance) {
    flags.push(`--set-cloudsql-instances=${deployment.project}:${deployment.region}:${target.cloudSqlInstance}`);
  }
  if (target.vpcEgress) {
    // Direct VPC egress into the subnet scripts/setup-network.sh creates (private IPs: Memorystore,
    // Cloud SQL's private IP). In the project's own network the Cloud Run service agent's default
    // role may use the subnet: the deployer needs no network role. A new instance's connections
    // can take a minute or more to establish; the startup probe allows four (probeFlags).
    // https://cloud.google.com/run/docs/configuring/vpc-direct-vpc
    const net = deployment.network ?? { network: "default", subnet: "default" };
    flags.push(`--network=${net.network}`, `--subnet=${net.subnet}`, `--vpc-egress=${target.vpcEgress}`);
  }
  flags.push(...volumeFlags(target));
  // The first API runs the image's own CMD (it honours $PORT); every other target that names a
  // command (a second web process, workers, jobs) overrides it. The API's own `args` are a start of
  // the team's ENTRYPOINT script the design chose over its CMD (design/rules/supervised-start.ts).
  const imageApi = deployment.services.find(isAppApi);
  if (target.args?.length) {
    // Through the image's ENTRYPOINT (a start script that dispatches its arguments): `--args`
    // replaces only the CMD, and an empty `--command` resets one an earlier deploy set, which an
    // update would otherwise keep (gcloud run deploy --help: "To reset this field to its default,
    // pass an empty string").
    flags.push("--command=", `--args=${listValue(target.args)}`);
  } else if (target !== imageApi && target.command && target.command.length > 0) {
    const [command, ...args] = target.command;
    flags.push(`--command=${command}`);
    if (args.length > 0) flags.push(`--args=${listValue(args)}`);
  }
  for (const flag of flags) {
    // A credential's place (image/command-credentials.ts) is never deployed as a literal.
    if (flag.includes("%CREDENTIAL%") || !(DEPLOY_FLAG.test(flag) || CREDENTIAL_ARGS_FLAG.test(flag)))
      throw new GenerationError("Unsafe deploy flag", [`${target.name}: ${JSON.stringify(flag)}`]);
  }
  return flags;
}

/**
 * The traffic steps of a canary. An app that allows one process (target.singleInstance) takes 100%
 * in one step: the tagged URL is still checked first and every failure rolls back to the previous
 * revision (canary.sh), but two revisions never share the traffic for a bake.
 */
export function rolloutSteps(target: DeployTarget, result: CicdResult): number[] {
  return target.singleInstance ? [100] : result.canarySteps;
}

/**
 * The `run:` script of one deploy step. A canary with a `gate` is also judged on its real traffic,
 * by the service levels the observe phase's SLOs use (src/contracts/service-levels.ts).
 * `execute` (migration jobs): run the job to the end after deploying it, once, before anything
 * else deploys.
 */
export function deployScript(
  target: DeployTarget,
  deployment: Deployment,
  result: CicdResult,
  options: { execute?: boolean; imageOf?: string; gate?: CanaryGate } = {},
): string {
  const strategy = rolloutStrategy(target);
  const head = [
    "bash scripts/deploy/canary.sh",
    `--service ${shellWord(target.name)} --strategy ${strategy}${options.execute ? " --execute" : ""}`,
    `--region "$REGION" --project "$PROJECT_ID" --image ${imageRef(target, options.imageOf ?? sourceImageName(target, deployment))}`,
  ];
  if (strategy === "canary") {
    head.push(
      // No health route (a TCP startup probe): the canary asks only that the app answers below 500.
      `--health-path ${shellWord(target.healthPath)}${target.probe === "tcp" ? " --health-mode reachable" : ""} --steps ${rolloutSteps(target, result).join(",")}`,
      `--bake-seconds ${result.bakeSeconds} --health-retries ${result.healthCheck.retries}`,
      `--health-timeout ${result.healthCheck.timeoutSeconds} --health-interval ${result.healthCheck.intervalSeconds}`,
    );
    const gate = options.gate;
    if (gate) {
      head.push(
        `--max-5xx-ratio ${gate.max5xxRatio} --max-latency-ms ${gate.maxLatencyMs}`,
        `--latency-percentile ${gate.latencyPercentile} --min-requests ${gate.minRequests}`,
      );
    }
  }
  const flags = deployFlags(target, deployment)
    .map(shellWord)
    .map((f) => withDeployAddresses(f, deployment));
  // A half-applied migration is for a person to look at, not for an automatic second run.
  if (options.execute) flags.push("--max-retries=0");
  // Values only known at deploy time come from lookup steps ($GITHUB_ENV variables, never
  // expressions) and join the target's other env vars: gcloud takes one --set-env-vars per deploy.
  const dynamic = dynamicEnv(target, deployment).map(([name, variable]) => `${name}=\${${variable}}`);
  if (dynamic.length > 0) {
    const at = flags.findIndex((f) => f.startsWith("--set-env-vars=") || f.startsWith("'--set-env-vars="));
    const fixed = at >= 0 ? flags[at]!.replace(/^'|'$/g, "").slice("--set-env-vars=".length).split(",") : [];
    // A plain setting may hold commas (ALLOWED_HOSTS=a.example,b.example): gcloud then needs
    // another list delimiter; `|` is one no value may contain (the loading step refuses it).
    const sep = target.plainEnv?.length ? "|" : ",";
    // Inside the double quotes a JSON value's own quotes are escaped (fixed values hold no $ or `).
    const quoted = fixed.map((pair) => pair.replace(/"/g, '\\"'));
    const value = `--set-env-vars=${sep === "|" ? "^|^" : ""}${[...quoted, ...dynamic].join(sep)}`;
    if (at >= 0) flags[at] = `"${value}"`;
    else flags.push(`"${value}"`);
  }
  flags.push(...nfsVolumeWords(target, deployment));
  const lines = [...head, "--", ...chunk(flags, 2).map((group) => group.join(" "))];
  return `${lines.join(" \\\n  ")}\n`;
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Deploy order: jobs and workers (push or pull) before APIs, so a new API never enqueues work an
 * old worker cannot handle; the AI gateway between the two (it enqueues to the worker, the app
 * calls it).
 */
export function deployOrder(services: readonly DeployTarget[]): DeployTarget[] {
  const rank = (t: DeployTarget) =>
    isAiGatewayTarget(t) ? 1.5 : { job: 0, worker: 1, "worker-pool": 1, api: 2 }[t.kind];
  return [...services].sort((a, b) => rank(a) - rank(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
