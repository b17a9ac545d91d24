// The part of the design result that later phases (cicd, llmops) build on. Everything here
// ends up in shell scripts, workflow YAML or Python, so every value is pattern-checked: a bad
// model answer fails loudly at the schema instead of flowing into a generated file.
import { z } from "zod";
import { DATABASE_ENGINES } from "./database-engine.js";
import { ROUTE_HOST, ROUTE_HOST_HINT, ROUTE_PATH } from "./url-path.js";

export const CLOUD_RUN_NAME = /^[a-z]([a-z0-9-]{0,47}[a-z0-9])?$/;
export const SA_ACCOUNT_ID = /^[a-z]([a-z0-9-]{4,28}[a-z0-9])$/;
export const HTTP_PATH = /^\/[A-Za-z0-9._~\/-]{0,100}$/;
export const GCP_REGION = /^[a-z]+-[a-z]+\d+$/;
export const GCP_PROJECT = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
/** GCP resource names we print (queues, instances, LB, buckets) and the design's open decisions: lowercase, digits, dashes. */
export const RESOURCE_NAME = /^[a-z][a-z0-9-]{0,61}[a-z0-9]$/;
/**
 * An env var name, in the case the app reads it (nconf, Ghost: `database__connection__host`). It
 * doubles as the Secret Manager secret id, which may hold letters of either case, digits, `_` and
 * `-` (at most 255): https://cloud.google.com/secret-manager/docs/reference/rest/v1/projects.secrets/create (secretId)
 */
/**
 * The one shell script a command may carry (`sh -c SCRIPT`): plain words, and an argument's value
 * read from an env var where the VM's command line held a credential (image/command-credentials.ts).
 */
export const CREDENTIAL_SCRIPT = /^exec(?: [A-Za-z0-9_.:=/@%+,-]*(?:"\$[A-Z][A-Z0-9_]*")?)+$/;
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;
export const CPU = /^(1|2|4|6|8)$|^0\.(08|1|2|25|5|75)$/;
export const MEMORY = /^\d{2,5}Mi$|^\d{1,2}Gi$/;
/** A memory value as Cloud Run writes it (`512Mi`, `2Gi`), in MiB; undefined for any other form. */
export function memoryMiB(memory: string): number | undefined {
  const m = /^(\d+)(Mi|Gi)$/.exec(memory);
  return m ? Number(m[1]) * (m[2] === "Gi" ? 1024 : 1) : undefined;
}
/** A path inside the target repository: relative, no `..`, no leading dot segments, no spaces. */
export const REPO_PATH =
  /^(?!.*(^|\/)\.\.?(\/|$))[A-Za-z0-9_][A-Za-z0-9._-]{0,99}(\/[A-Za-z0-9_][A-Za-z0-9._-]{0,99}){0,9}$/;
/** A build context: a folder in the repository, or the repository itself ("."). */
export const REPO_DIR = new RegExp(`^\\.$|${REPO_PATH.source}`);
/**
 * A plain env value: no commas (gcloud list separator), quotes, spaces or shell characters; or a
 * lone "*" (FORWARDED_ALLOW_IPS: trust any peer), which the deploy script always quotes; or empty
 * (a name the VM sets to "", which Secret Manager could not hold); or a one-word JSON array
 * (`["stdout"]`: nconf parses a value as JSON, and Ghost's `logging__transports` must be an
 * array), which the deploy script quotes too.
 */
export const ENV_VALUE = /^(?:[A-Za-z0-9_.:\/@+-]{0,200}|\*|\["[A-Za-z0-9_.-]{1,50}"\])$/;
/** A Cloud Storage bucket name (the DNS-free form: lowercase letters, digits, dashes, underscores). */
export const BUCKET_NAME = /^[a-z0-9][a-z0-9_-]{1,61}[a-z0-9]$/;
/** An absolute path in a container or on the VM: plain characters, no `..` segment. */
export const ABSOLUTE_PATH = /^(?!.*\/\.\.?(\/|$))\/[A-Za-z0-9._@+-]{1,100}(\/[A-Za-z0-9._@+-]{1,100}){0,15}\/?$/;

/** One folder name: plain characters, not "." or "..". */
export const FOLDER_NAME = /^(?!\.\.?$)[A-Za-z0-9._@+-]{1,100}$/;

/** A Cloud Storage bucket mounted into a target as a volume (Cloud Storage FUSE). */
export const volumeSchema = z.object({
  bucket: z.string().regex(BUCKET_NAME).describe("Cloud Storage bucket name."),
  mountPath: z.string().regex(ABSOLUTE_PATH).describe("Absolute path in the container where the app reads and writes."),
  onlyDir: z
    .string()
    .regex(FOLDER_NAME)
    .optional()
    .describe(
      "Mount only this folder of the bucket (Cloud Storage FUSE only-dir): a folder that also holds code is mounted per subfolder of user files.",
    ),
  owner: z
    .object({
      uid: z.number().int().min(0).max(2147483647).describe("The container user's uid (the image's USER)."),
      gid: z.number().int().min(0).max(2147483647).optional().describe("Its primary group's gid, when known."),
    })
    .optional()
    .describe(
      "Who owns the mounted files: the user the image runs as, so a non-root app can write its uploads. Absent when the image's user is not known: the mount is then writable by every user.",
    ),
});
export type Volume = z.infer<typeof volumeSchema>;

/** A Filestore share mounted into a target as an NFS volume (data written in place: git, indexes). */
export const nfsVolumeSchema = z.object({
  filestore: z.string().regex(CLOUD_RUN_NAME).describe("The Filestore instance (deployment.filestores) it mounts."),
  mountPath: z.string().regex(ABSOLUTE_PATH).describe("Absolute path in the container where the app keeps the data."),
  locks: z
    .string()
    .max(300)
    .optional()
    .describe(
      "What on the share takes file locks (SQLite, an index, LevelDB queues): two revisions must never run at once, so the target deploys without a canary.",
    ),
});
export type NfsVolume = z.infer<typeof nfsVolumeSchema>;

/** What a held target waits for, as data (design/rules/in-place-home.ts sets it with `held`). */
export const heldForSchema = z.object({
  decision: z
    .string()
    .regex(RESOURCE_NAME)
    .describe("The open decision the hold waits for, as the design's decisions name it (gitea-disk)."),
  short: z
    .string()
    .max(300)
    .describe(
      "The reason without the remedy, for lists and notes: what the folder keeps in place and why no Cloud Storage mount carries it.",
    ),
  topic: z
    .enum(["disk", "command"])
    .optional()
    .describe(
      "What the decision is about: disk (absent too) = data written in place has no home; command = a job's or always-on process's command cannot run as a container command, and without one Cloud Run would run the image's default (the web server).",
    ),
});
export type HeldFor = z.infer<typeof heldForSchema>;

export const deployTargetSchema = z.object({
  name: z.string().regex(CLOUD_RUN_NAME).describe("Cloud Run service or job name."),
  kind: z
    .enum(["api", "worker", "job", "worker-pool"])
    .describe(
      "api: serves users over HTTP; worker: receives tasks pushed by Cloud Tasks; job: runs to completion; worker-pool: always-on instances with no endpoint (queue consumers, loops, schedulers), minInstances = maxInstances = the fixed count.",
    ),
  replaces: z
    .array(z.string().regex(/^[a-z][a-z0-9-]*$/))
    .min(1)
    .describe("Inventory service names this target replaces."),
  port: z.number().int().min(1).max(65535).describe("Container port the process listens on (Cloud Run sets PORT)."),
  healthPath: z.string().regex(HTTP_PATH).describe("HTTP path that answers 200 when the service is ready."),
  cpu: z.string().regex(CPU).describe("vCPUs per instance: 0.08–0.75 in steps, or 1, 2, 4, 6, 8."),
  memory: z.string().regex(MEMORY).describe("Memory per instance, e.g. 512Mi or 2Gi."),
  concurrency: z.number().int().min(1).max(1000).describe("Requests one instance serves at once."),
  timeoutSeconds: z.number().int().min(1).max(3600).describe("Request timeout in seconds (Cloud Run allows 3600)."),
  minInstances: z.number().int().min(0).max(100).describe("Instances kept warm (billed while idle); 0 scales to zero."),
  maxInstances: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .describe("Upper bound on instances: protects the database and the bill."),
  cpuBoost: z.boolean().describe("Startup CPU boost, for slow cold starts."),
  serviceAccount: z
    .string()
    .regex(SA_ACCOUNT_ID)
    .describe("Runtime service account id, the part before @PROJECT.iam.gserviceaccount.com; one per service."),
  ingress: z
    .enum(["all", "internal-and-cloud-load-balancing", "internal"])
    .describe("Who may reach it: workers and jobs are internal."),
  iamOnly: z
    .string()
    .trim()
    .min(3)
    .max(300)
    .optional()
    .describe(
      "Why only callers with roles/run.invoker may reach it (no allUsers binding, no load-balancer route): the VM's proxy asked for a login on its paths.",
    ),
  secrets: z
    .array(z.string().regex(ENV_NAME))
    .default([])
    .describe("Environment variable names whose values come from Secret Manager."),
  cloudSqlInstance: z
    .string()
    .regex(CLOUD_RUN_NAME)
    .optional()
    .describe("Cloud SQL instance name (not the connection name) when the service uses the database."),
  command: z
    .array(
      z
        .string()
        .regex(/^[A-Za-z0-9_.:=\/@%+,-]{1,200}$/)
        .or(z.string().max(2000).regex(CREDENTIAL_SCRIPT)),
    )
    .max(40)
    .optional()
    .describe('Container start command as argv, e.g. ["uvicorn","app.main:app","--host","0.0.0.0"].'),
  args: z
    .array(z.string().regex(/^[A-Za-z0-9_.:=\/@%+,-]{1,200}$/))
    .min(1)
    .max(40)
    .optional()
    .describe(
      "Instead of `command`: arguments to the image's own ENTRYPOINT, a start script that dispatches them (pretix's `pretix cron`), so its set-up (cd, exports) runs first.",
    ),
  vpcEgress: z
    .enum(["private-ranges-only", "all-traffic"])
    .optional()
    .describe("Direct VPC egress, when the service reaches a private IP (Memorystore, private Cloud SQL)."),
  cloudSqlPrivateIp: z
    .object({
      hostEnv: z
        .array(z.string().regex(ENV_NAME))
        .max(5)
        .describe("Env names the deploy sets to the instance's private IP, looked up at each deploy."),
      onlyEgress: z
        .boolean()
        .optional()
        .describe(
          "True when the private IP is the target's only reason for Direct VPC egress: it reaches no Memorystore.",
        ),
    })
    .optional()
    .describe(
      "Reaches Cloud SQL over the instance's private IP (Direct VPC egress, vpcEgress set), not the unix socket: its client takes only a host and port (JDBC without the Cloud SQL connector, a MySQL client with no socket setting).",
    ),
  source: z
    .object({
      context: z.string().regex(REPO_DIR).describe('Build context: a folder in the repository, or "." for its root.'),
      dockerfile: z.string().regex(REPO_PATH).describe("Dockerfile path in the repository."),
    })
    .optional()
    .describe("Build this target from its own Dockerfile (e.g. the AI worker) instead of the app image."),
  env: z
    .record(z.string().regex(ENV_NAME), z.string().regex(ENV_VALUE))
    .optional()
    .describe("Plain (non-secret) environment variables the target needs at runtime."),
  plainEnv: z
    .array(z.string().regex(ENV_NAME))
    .max(40)
    .optional()
    .describe(
      "Non-secret settings carried from the VM (DEBUG, RAILS_ENV, ALLOWED_HOSTS…): plain env vars whose values the deploy reads from deploy/cloud-run.env, never Secret Manager.",
    ),
  buildArgs: z
    .array(z.string().regex(ENV_NAME))
    .max(40)
    .optional()
    .describe(
      "Public settings the front end's bundler inlines when the image is built (NEXT_PUBLIC_*, VITE_*, REACT_APP_*): the image build takes them as build args from repository variables; never runtime env or secrets.",
    ),
  // Absent in results written before these fields existed: `probe` then means http.
  probe: z
    .enum(["http", "tcp"])
    .optional()
    .describe(
      "Services only: http = the startup probe GETs healthPath, a route the app has; tcp = only the port is checked, for apps with no known health route.",
    ),
  http2: z
    .boolean()
    .optional()
    .describe(
      "Services only: end-to-end HTTP/2 (h2c) to the container, for gRPC; Cloud Run otherwise downgrades requests to HTTP/1.",
    ),
  sessionAffinity: z
    .boolean()
    .optional()
    .describe("Send a client back to the same instance when possible (websockets, in-memory sessions)."),
  cpuAlwaysAllocated: z
    .boolean()
    .optional()
    .describe("Keep CPU allocated outside requests (instance-based billing), for work that outlives a request."),
  singleInstance: z
    .boolean()
    .optional()
    .describe(
      "The app's docs allow one process at a time (Ghost), or its websockets' events reach only the clients of the same process (no shared pub/sub): a deploy moves 100% of traffic to the new revision at once, never a stepped canary that runs two revisions side by side.",
    ),
  volumes: z
    .array(volumeSchema)
    .max(10)
    .optional()
    .describe("Cloud Storage buckets mounted as folders: user files that lived on the VM's disk."),
  nfsVolumes: z
    .array(nfsVolumeSchema)
    .max(5)
    .optional()
    .describe(
      "Filestore shares mounted over NFS (second-generation environment, Direct VPC egress): data written in place whose open decision chose Filestore.",
    ),
  held: z
    .string()
    .max(600)
    .optional()
    .describe(
      "Why this target is not deployed yet: it keeps data written in place that no volume carries until its open decision is taken (the deploy skips it and says this).",
    ),
  heldFor: heldForSchema
    .optional()
    .describe(
      "Set with `held`, the same hold as fields code reads: the open decision it waits for and the reason in one sentence.",
    ),
});
export type DeployTarget = z.infer<typeof deployTargetSchema>;

/**
 * What a target starts, as people read it: its command, or its arguments to the image's ENTRYPOINT
 * script (`pretix cron` in pretix's image reads "the image's ENTRYPOINT with `cron`").
 */
/**
 * In a command word, a Memorystore instance's address the deploy fills in when it deploys (the
 * VM's command named the store by its loopback address: design command-addresses.ts): URL is
 * redis://host:port/0, HOST the host, ADDR host:port.
 */
export const ADDRESS_PLACEHOLDER = /%CACHE_(URL|HOST|ADDR):([a-z][a-z0-9-]{0,62})%/g;
const ADDRESS_SHOWN = { URL: "URL", HOST: "host", ADDR: "host:port" } as const;
/** A command word as a person reads it: each placeholder as `<name's host:port>`. */
export const shownWord = (word: string): string =>
  word.replace(
    ADDRESS_PLACEHOLDER,
    (_, form: keyof typeof ADDRESS_SHOWN, name: string) => `<${name}'s ${ADDRESS_SHOWN[form]}>`,
  );

export function startText(t: Pick<DeployTarget, "command" | "args">): string | undefined {
  if (t.command?.length) return `\`${t.command.map(shownWord).join(" ")}\``;
  if (t.args?.length) return `the image's ENTRYPOINT script with \`${t.args.map(shownWord).join(" ")}\``;
  return undefined;
}

export const queueSchema = z.object({
  name: z.string().regex(CLOUD_RUN_NAME).describe("Cloud Tasks queue name."),
  target: z.string().regex(CLOUD_RUN_NAME).describe("Name of the worker (a deployment service) the queue pushes to."),
  path: z.string().regex(HTTP_PATH).describe("Path on the worker that receives tasks."),
  maxAttempts: z.number().int().min(1).max(100).describe("Attempts per task before it is dropped."),
  minBackoffSeconds: z.number().min(0.1).max(3600).describe("First retry delay, seconds."),
  maxBackoffSeconds: z.number().min(1).max(3600).describe("Longest retry delay, seconds."),
  maxDispatchesPerSecond: z.number().min(0.1).max(500).describe("Rate limit of the queue."),
  maxConcurrentDispatches: z.number().int().min(1).max(5000).describe("Tasks in flight at once."),
  dispatchDeadlineSeconds: z
    .number()
    .int()
    .min(15)
    .max(1800)
    .describe("How long Cloud Tasks waits for the worker's answer (HTTP targets: 15 s to 30 min)."),
  oidcServiceAccount: z
    .string()
    .regex(SA_ACCOUNT_ID)
    .optional()
    .describe("Service account id in the OIDC token Cloud Tasks attaches; then the only invoker of the worker."),
});
export type Queue = z.infer<typeof queueSchema>;

export const databaseTargetSchema = z.object({
  instance: z.string().regex(CLOUD_RUN_NAME).describe("Cloud SQL instance name."),
  engine: z.enum(DATABASE_ENGINES).describe("Same engine as today."),
  databaseVersion: z
    .string()
    .regex(/^(MYSQL_\d+_\d+|POSTGRES_\d+|SQLSERVER_\d+_[A-Z]+)$/)
    .describe("Cloud SQL version, e.g. MYSQL_8_0 or POSTGRES_15: today's major version."),
  tier: z
    .string()
    .regex(/^db-[a-z0-9-]+$/)
    .describe("Machine tier, e.g. db-custom-2-7680."),
  highAvailability: z.boolean().describe("Regional (HA) instance with a standby in another zone."),
  readReplicas: z.number().int().min(0).max(10).describe("Read replicas."),
  storageGiB: z.number().int().min(10).max(65536).describe("Provisioned storage, GiB, with room to grow."),
  pointInTimeRecovery: z.boolean().describe("Point-in-time recovery (binary logs / WAL kept)."),
  databases: z
    .array(
      z.object({
        name: z
          .string()
          .regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/)
          .describe("The database's name, the same as on the VM's server (the copy keeps it)."),
        user: z
          .string()
          .regex(/^[A-Za-z_][A-Za-z0-9_]{0,31}$/)
          .describe("The Cloud SQL user setup-database.sh creates for it."),
        targets: z.array(z.string().regex(CLOUD_RUN_NAME)).describe("The targets that use it."),
        secrets: z
          .array(z.string().regex(ENV_NAME))
          .describe("Its targets' database settings (URL, user, password, name) setup-database.sh stores for it."),
        jdbc: z.boolean().optional().describe("Its URL settings are read by JDBC (a Java process)."),
      }),
    )
    .min(1)
    .max(20)
    .optional()
    .describe(
      "Set when the server holds several databases (inventory data[].databases): each one's name, user, targets and settings; the first takes every target none names.",
    ),
});
export type DatabaseTarget = z.infer<typeof databaseTargetSchema>;

/** IANA time zone, e.g. America/Sao_Paulo or Etc/UTC. */
export const TIME_ZONE = /^[A-Za-z_]{1,30}(\/[A-Za-z0-9_+-]{1,30}){0,2}$/;
/** Five-field cron: digits, `*`, `/`, `,`, `-` only (no names, no shell metacharacters). */
export const CRON_5 = /^[0-9*\/,-]{1,20}( [0-9*\/,-]{1,20}){4}$/;

export const scheduleSchema = z.object({
  name: z.string().regex(CLOUD_RUN_NAME).describe("Cloud Scheduler job name."),
  schedule: z.string().regex(CRON_5).describe("Five-field cron with digits, *, /, , and - only."),
  timeZone: z.string().regex(TIME_ZONE).describe("IANA time zone, e.g. America/Sao_Paulo or Etc/UTC."),
  action: z
    .enum(["run-job", "http", "set-min-instances"])
    .describe(
      "run-job: execute a Cloud Run job; http: POST to a service path (OIDC); set-min-instances: warm or cool the API.",
    ),
  target: z.string().regex(CLOUD_RUN_NAME).describe("Name of the deployment service or job it acts on."),
  path: z.string().regex(HTTP_PATH).optional().describe("For http: the path to POST to."),
  minInstances: z.number().int().min(0).max(100).optional().describe("For set-min-instances: the new minimum."),
  replaces: z
    .array(z.string().regex(/^[a-z][a-z0-9-]*$/))
    .default([])
    .describe("Inventory services it replaces (cron, celery beat); empty for new jobs."),
});
export type Schedule = z.infer<typeof scheduleSchema>;

/**
 * A DNS name for a managed certificate, lowercase, or a wildcard (`*.example.org`): Certificate
 * Manager issues those with a DNS authorization for the name under it.
 * https://cloud.google.com/certificate-manager/docs/domain-authorization
 */
export const DOMAIN = /^(?=.{4,253}$)(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
/** An IPv4 range in CIDR form. */
export const CIDR = /^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/;

/** The external HTTPS load balancer in front of the public services (replaces the reverse proxy). */
export const loadBalancerSchema = z
  .object({
    name: z
      .string()
      .regex(CLOUD_RUN_NAME)
      .describe("Prefix of its resources: address, serverless NEGs, backend services, URL maps, proxies, rules."),
    backends: z
      .array(z.string().regex(CLOUD_RUN_NAME))
      .min(1)
      .describe("Cloud Run services behind it; the first takes every path the URL map does not route elsewhere."),
    domains: z
      .array(z.string().regex(DOMAIN))
      .max(10)
      .default([])
      .describe("Certificate domains when known, `*.` wildcards included (the setup script also takes --domain)."),
    cloudArmor: z
      .boolean()
      .describe("A Cloud Armor policy on the backends (created in preview mode: it logs, then you enforce)."),
    routes: z
      .array(
        z
          .object({
            path: z
              .string()
              .regex(ROUTE_PATH)
              .describe("The proxy's prefix, trailing slash included when it had one; / only for hosts of their own."),
            backend: z.string().regex(CLOUD_RUN_NAME),
            exact: z.boolean().default(false).describe("Only this path, not the paths under it."),
            rewrite: z
              .string()
              .regex(ROUTE_PATH)
              .optional()
              .describe("What the prefix becomes before the request reaches the backend, as the proxy did."),
            hosts: z
              .array(z.string().regex(ROUTE_HOST, ROUTE_HOST_HINT))
              .min(1)
              .max(20)
              .optional()
              .describe("Only requests for these host names, as the proxy routed by host; without it, every host."),
          })
          .refine((r) => r.path !== "/" || r.exact || r.hosts, {
            message: "the path / of every host is the first backend's: a route for / needs hosts",
            path: ["path"],
          }),
      )
      .max(50)
      .default([])
      .describe(
        "Paths (per host name, when the proxy routed by host) the URL map sends to a backend other than the first, as the VM's proxy did.",
      ),
    closedPaths: z
      .array(
        z.object({
          path: z
            .string()
            .regex(ROUTE_PATH)
            .describe("A path the VM's proxy opened only to some client addresses, or to none."),
          exact: z.boolean().default(false).describe("Only this path, not the paths under it."),
          allowFrom: z
            .array(z.string().regex(CIDR))
            .max(4)
            .default([])
            .describe(
              "IPv4 ranges still let through (a Cloud Armor expression holds four beside the path); none: every client.",
            ),
        }),
      )
      .max(20)
      .optional()
      .describe(
        "Paths of public services the proxy kept to some addresses: an enforced Cloud Armor rule refuses them to every other client.",
      ),
    folderBuckets: z
      .array(
        z.object({
          path: z
            .string()
            .regex(ROUTE_PATH)
            .describe(
              "The URL path the proxy served the folder at; / only when the proxy routed the app's own paths (/api/) and served / from the folder.",
            ),
          bucket: z.string().regex(BUCKET_NAME).describe("A public bucket holding the folder's files under that path."),
          backendBucket: z
            .string()
            .regex(/^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/)
            .describe("The load balancer's backend bucket over it."),
          sourcePath: z.string().regex(ABSOLUTE_PATH).describe("The folder on the VM the plan copies from."),
        }),
      )
      .max(10)
      .optional()
      .describe(
        "Static folders the proxy served from disk that are neither user files nor built from the repository: a backend bucket serves each path.",
      ),
  })
  .describe("The external HTTPS load balancer that replaces the VM's reverse proxy.");
export type LoadBalancer = z.infer<typeof loadBalancerSchema>;

/** Memorystore for Redis's largest Basic or Standard instance, in GiB. */
export const MEMORYSTORE_MAX_GIB = 300;

/** Memorystore for a cache the services reach over Direct VPC egress. */
export const cacheSchema = z
  .object({
    name: z.string().regex(CLOUD_RUN_NAME).describe("Memorystore instance name."),
    engine: z.enum(["redis", "memcached"]).describe("Memorystore for Redis or for Memcached."),
    version: z
      .string()
      .regex(/^(redis_\d+_(\d+|x)|MEMCACHE_\d+_\d+(_\d+)?)$/)
      .describe("gcloud's version value: redis_7_2, redis_6_x, or MEMCACHE_1_6_15."),
    tier: z.enum(["basic", "standard"]).describe("basic (no replica) or standard (replica, failover)."),
    sizeGiB: z.number().int().min(1).max(MEMORYSTORE_MAX_GIB).describe("Capacity in GiB."),
    urlEnv: z
      .array(z.string().regex(ENV_NAME))
      .max(10)
      .default([])
      .describe("The services' env names that carry its address (REDIS_URL…); the deploy fills them in."),
  })
  .describe("A cache moved to Memorystore, reached over Direct VPC egress.");
export type Cache = z.infer<typeof cacheSchema>;

/** The VPC network and subnet Cloud Run's Direct VPC egress uses to reach private IPs. */
export const networkSchema = z
  .object({
    network: z.string().regex(CLOUD_RUN_NAME).describe("VPC network name."),
    subnet: z.string().regex(CLOUD_RUN_NAME).describe("Subnet in the region for Direct VPC egress."),
    range: z
      .string()
      .regex(CIDR)
      .describe("The subnet's IPv4 range; Direct VPC egress takes 2 addresses per instance (a /24 serves ~100)."),
  })
  .describe("The network Cloud Run services join to reach private IPs (Memorystore).");
export type Network = z.infer<typeof networkSchema>;
/** A bucket for files that lived on the VM's disk, and where they came from (the runbook copies them). */
export const bucketSchema = z.object({
  name: z.string().regex(BUCKET_NAME).describe("Cloud Storage bucket name, globally unique."),
  sourcePath: z.string().regex(ABSOLUTE_PATH).describe("The folder on the VM the runbook copies from."),
  folders: z
    .array(z.string().regex(FOLDER_NAME))
    .max(50)
    .optional()
    .describe(
      "Only these subfolders are copied and mounted (user files); the rest of the folder is code or logs that the image or the app provides.",
    ),
});
export type Bucket = z.infer<typeof bucketSchema>;

/** Filestore's share name and the smallest Basic HDD capacity (1 TiB). */
export const FILESTORE_SHARE = "data";
/**
 * A Filestore instance for a folder whose data is written in place, when its open decision chose
 * Filestore: scripts/setup-network.sh creates it on the design's network, the deploy mounts it.
 */
export const filestoreSchema = z.object({
  name: z.string().regex(CLOUD_RUN_NAME).describe("Filestore instance name."),
  zone: z
    .string()
    .regex(/^[a-z]+-[a-z]+\d+-[a-z]$/)
    .describe("Zone of a Basic tier instance, in the region."),
  tier: z.enum(["BASIC_HDD"]).describe("Filestore tier: Basic HDD (the smallest, 1 TiB)."),
  capacityGiB: z.number().int().min(1024).max(65536).describe("Capacity; Basic HDD starts at 1 TiB."),
  sourcePath: z.string().regex(ABSOLUTE_PATH).describe("The folder on the VM the runbook copies into the share."),
});
export type Filestore = z.infer<typeof filestoreSchema>;

/** A Secret Manager secret id for a file (letters, digits, dashes, underscores). */
export const SECRET_ID = /^[A-Za-z0-9_-]{1,255}$/;
/**
 * A file on the VM that holds a secret the repository lacks (a key made at first use): copied to
 * Secret Manager by scripts/setup-secrets.sh, mounted as a file in a folder of its own (a secret
 * volume hides what the image has at its mount path), and linked from the app's path in the image.
 */
export const secretFileSchema = z.object({
  secret: z.string().regex(SECRET_ID).describe("Secret Manager secret id holding the file's bytes."),
  sourcePath: z.string().regex(ABSOLUTE_PATH).describe("The file on the VM that setup-secrets.sh copies."),
  mountPath: z.string().regex(ABSOLUTE_PATH).describe("Where the secret is mounted as a file, in a folder of its own."),
  targets: z.array(z.string().regex(CLOUD_RUN_NAME)).describe("The targets that mount it."),
  edits: z
    .array(z.string().max(400))
    .max(8)
    .optional()
    .describe("Settings in the file the move changes (its database host): the secret's version must say them."),
});
export type SecretFileMount = z.infer<typeof secretFileSchema>;

/**
 * A setting the services read whose VM value the move re-points: the VM address of a store the
 * design leaves to a decision (RabbitMQ, a second database), an S3-compatible store's endpoint and
 * keys, another app process's address. Copied from the VM, it would point the new services back at
 * the VM (or at their own loopback): scripts/setup-secrets.sh never reads it there. A secret is
 * asked for, a plain setting's line in deploy/cloud-run.env is left to fill in; `newValue` says
 * with what. Settings the deploy fills itself (caches[].urlEnv, cloudSqlPrivateIp.hostEnv, env) and
 * the database settings setup-database.sh stores are not listed: nothing copies those.
 */
export const repointedSettingSchema = z.object({
  name: z.string().regex(ENV_NAME).describe("The env name, as a service's secrets or plainEnv hold it."),
  newValue: z
    .string()
    .min(3)
    .max(400)
    .regex(/^[^\x00-\x1f\x7f]+$/)
    .describe(
      "Where its new value comes from, for the person who gives it: https://storage.googleapis.com for Cloud Storage's S3 API, the address the store's decision gives it, another service's run.app URL.",
    ),
});
export type RepointedSetting = z.infer<typeof repointedSettingSchema>;

export const deploymentSchema = z
  .object({
    project: z.string().regex(GCP_PROJECT).describe("Google Cloud project id, as given in the prompt."),
    region: z.string().regex(GCP_REGION).describe("Region for every regional resource, as given in the prompt."),
    artifactRepository: z.string().regex(CLOUD_RUN_NAME).describe("Artifact Registry Docker repository name."),
    services: z.array(deployTargetSchema).min(0).describe("Cloud Run services and jobs; names unique."),
    queues: z.array(queueSchema).default([]).describe("Cloud Tasks queues, one per background task stream."),
    database: databaseTargetSchema
      .optional()
      .describe("The Cloud SQL instance, when the inventory has a SQL database."),
    // Optional: results stored by older versions have none.
    schedules: z.array(scheduleSchema).optional().describe("Cloud Scheduler jobs: cron, beat, warm-up."),
    loadBalancer: loadBalancerSchema.optional().describe("Set when a reverse proxy fronted the public services."),
    caches: z.array(cacheSchema).optional().describe("Memorystore instances, one per cache."),
    network: networkSchema.optional().describe("Set when a service uses vpcEgress."),
    buckets: z
      .array(bucketSchema)
      .optional()
      .describe("Cloud Storage buckets for user files on the VM's disk; targets mount them as volumes."),
    secretFiles: z
      .array(secretFileSchema)
      .optional()
      .describe("Files on the VM that hold a secret the repository lacks, mounted from Secret Manager."),
    filestores: z
      .array(filestoreSchema)
      .optional()
      .describe("Filestore instances for data written in place, when its open decision chose Filestore."),
    repointed: z
      .array(repointedSettingSchema)
      .max(40)
      .optional()
      .describe(
        "Secrets and plain settings whose VM value the move re-points (a store's or another process's VM address, an object store's endpoint and keys): never copied from the VM.",
      ),
  })
  .describe("The deployment contract later phases build on: every value ends up in scripts and workflows.");
export type Deployment = z.infer<typeof deploymentSchema>;

/**
 * The AI worker is the worker whose name carries an `ai`/`llm`/`genai`/`ml` segment: the design
 * names it so, and llmops finds it by that convention (it holds the only Vertex AI grant).
 */
export function isAiWorkerTarget(target: Pick<DeployTarget, "kind" | "name">): boolean {
  return target.kind === "worker" && /(^|-)(ai|llm|genai|ml)(-|$)/.test(target.name);
}

/**
 * The AI gateway: the enqueue side of the AI worker as a Cloud Run service of its own, planned
 * when the app's API cannot mount the FastAPI router (Django, Rails, Express, Go…). It is an
 * `api` by kind (it answers HTTP requests), but private: only the app's identity may invoke it,
 * so it is never a load balancer backend, a public canary, or an uptime-check target.
 */
export function isAiGatewayTarget(target: Pick<DeployTarget, "kind" | "name">): boolean {
  return target.kind === "api" && /(^|-)(ai|llm|genai|ml)-gateway$/.test(target.name);
}

/**
 * Whether a target reaches Memorystore: Direct VPC egress that is not only for Cloud SQL's private
 * IP (results written before that path existed have egress only for caches).
 */
export function reachesMemorystore(target: Pick<DeployTarget, "vpcEgress" | "cloudSqlPrivateIp">): boolean {
  return Boolean(target.vpcEgress) && !target.cloudSqlPrivateIp?.onlyEgress;
}

/** An API that serves the product's users (not the private AI gateway). */
export function isAppApi(target: Pick<DeployTarget, "kind" | "name">): boolean {
  return target.kind === "api" && !isAiGatewayTarget(target);
}

/**
 * An API the product's users call (through the load balancer): not the AI gateway, not internal,
 * and not behind a login the VM's proxy used to ask for.
 */
export function isPublicApi(target: Pick<DeployTarget, "kind" | "name" | "ingress" | "iamOnly">): boolean {
  return isAppApi(target) && target.ingress !== "internal" && !target.iamOnly;
}

/**
 * Whether the deploy checks the target with a canary: only a public API with ingress `all` has a
 * URL the runner can reach; the rest (IAM-only, internal) go straight to 100% behind Cloud Run's
 * readiness gate. The design's texts and cicd's rollout both follow this.
 */
export function hasCanary(target: Pick<DeployTarget, "kind" | "name" | "ingress" | "iamOnly" | "nfsVolumes">): boolean {
  return isPublicApi(target) && target.ingress === "all" && !lockedShare(target);
}

/**
 * The Filestore share of a target that holds files which take locks (nfsVolumes[].locks). Cloud Run
 * mounts NFS without locks, so one instance writes them (max instances 1); a canary would run the
 * tagged revision beside the serving one, and a tagged revision outside the traffic split does not
 * count against max instances: two writers. Such a target deploys straight (the readiness gate).
 * https://cloud.google.com/run/docs/configuring/max-instances
 */
export function lockedShare(target: Pick<DeployTarget, "nfsVolumes">): NfsVolume | undefined {
  return target.nfsVolumes?.find((v) => v.locks);
}

/**
 * What a target with a locked share is promised, and what not: one instance at a time, no canary
 * beside it (a public API's deploy goes straight to 100% once the new revision is ready), but Cloud
 * Run starts the new revision's instance before the old one stops and may exceed max instances for
 * a short time, so the two can overlap for a few seconds at each deploy.
 */
export function oneWriterNote(
  target: Pick<DeployTarget, "kind" | "name" | "ingress" | "iamOnly" | "nfsVolumes">,
): string | undefined {
  const v = lockedShare(target);
  if (!v) return undefined;
  const canary =
    isPublicApi(target) && target.ingress === "all"
      ? ` ${target.name} deploys without a canary, which would run the new revision beside the serving one (two writers): straight to 100% once the new revision is ready.`
      : "";
  return `${v.locks} on the share ${v.filestore} take locks that Cloud Run's NFS mounts do not give, so one instance of ${target.name} runs (max instances 1).${canary} This narrows two writers to the moment of a deploy; it does not rule them out: Cloud Run starts the new instance before the old one stops and may briefly exceed max instances, so for a few seconds at each deploy two instances can have the files open. Deploy when it is quiet, or move the locked files off the share (the disk decision's other choices).`;
}

/** Env names that carry a database URL (DATABASE_URL, SQLALCHEMY_DATABASE_URI, DB_URL…). */
export const DATABASE_URL_NAME = /(^|_)(DATABASE_(URL|URI)|DB_(URL|URI))$/;

/** The secret through which a target reaches the database, if it mounts one. */
export function databaseUrlSecret(target: Pick<DeployTarget, "secrets">): string | undefined {
  return target.secrets.find((s) => DATABASE_URL_NAME.test(s));
}

/** The command that sends all of a Cloud Run service's traffic back to the revision that served before (runbooks and plans). */
export function previousRevisionCommand(service: string, region: string, project: string): string {
  return `gcloud run services update-traffic ${service} --region=${region} --project=${project} --to-revisions=PREVIOUS_REVISION=100`;
}
