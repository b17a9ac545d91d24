// The part of the design result that later phases (cicd, llmops) build on. Everything here
// ends up in shell scripts, workflow YAML or Python, so every value is pattern-checked: a bad
// model answer fails loudly at the schema instead of flowing into a generated file.
import { z } from "zod";

export const CLOUD_RUN_NAME = /^[a-z]([a-z0-9-]{0,47}[a-z0-9])?$/;
export const SA_ACCOUNT_ID = /^[a-z]([a-z0-9-]{4,28}[a-z0-9])$/;
export const HTTP_PATH = /^\/[A-Za-z0-9._~\/-]{0,100}$/;
export const GCP_REGION = /^[a-z]+-[a-z]+\d+$/;
export const GCP_PROJECT = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
export const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
export const CPU = /^(1|2|4|6|8)$|^0\.(08|1|2|25|5|75)$/;
export const MEMORY = /^\d{2,5}Mi$|^\d{1,2}Gi$/;
/** A path inside the target repository: relative, no `..`, no leading dot segments, no spaces. */
export const REPO_PATH =
  /^(?!.*(^|\/)\.\.?(\/|$))[A-Za-z0-9_][A-Za-z0-9._-]{0,99}(\/[A-Za-z0-9_][A-Za-z0-9._-]{0,99}){0,9}$/;
/** A plain env value: no commas (gcloud list separator), quotes, spaces or shell characters. */
export const ENV_VALUE = /^[A-Za-z0-9_.:\/@+-]{1,200}$/;

export const deployTargetSchema = z.object({
  /** Cloud Run service or job name. */
  name: z.string().regex(CLOUD_RUN_NAME),
  kind: z.enum(["api", "worker", "job"]),
  /** The inventory service(s) this replaces. */
  replaces: z.array(z.string().regex(/^[a-z][a-z0-9-]*$/)).min(1),
  port: z.number().int().min(1).max(65535),
  healthPath: z.string().regex(HTTP_PATH),
  cpu: z.string().regex(CPU),
  memory: z.string().regex(MEMORY),
  concurrency: z.number().int().min(1).max(1000),
  timeoutSeconds: z.number().int().min(1).max(3600),
  minInstances: z.number().int().min(0).max(100),
  maxInstances: z.number().int().min(1).max(1000),
  cpuBoost: z.boolean(),
  /** Runtime service account id (the part before @PROJECT.iam.gserviceaccount.com). */
  serviceAccount: z.string().regex(SA_ACCOUNT_ID),
  ingress: z.enum(["all", "internal-and-cloud-load-balancing", "internal"]),
  /** Env var names served from Secret Manager. */
  secrets: z.array(z.string().regex(ENV_NAME)).default([]),
  /** Cloud SQL instance name (not the connection name) when the service talks to the DB. */
  cloudSqlInstance: z.string().regex(CLOUD_RUN_NAME).optional(),
  /** Start command for the container (argv), e.g. ["uvicorn","app.main:app","--host","0.0.0.0"]. */
  command: z
    .array(z.string().regex(/^[A-Za-z0-9_.:=\/@%+,-]{1,200}$/))
    .max(40)
    .optional(),
  /** Direct VPC egress, set when the service reaches a private IP (Memorystore, private Cloud SQL). */
  vpcEgress: z.enum(["private-ranges-only", "all-traffic"]).optional(),
  /** Build this target from its own Dockerfile (e.g. the AI worker) instead of the app image. */
  source: z.object({ context: z.string().regex(REPO_PATH), dockerfile: z.string().regex(REPO_PATH) }).optional(),
  /** Plain (non-secret) env vars the target needs at runtime. */
  env: z.record(z.string().regex(ENV_NAME), z.string().regex(ENV_VALUE)).optional(),
});
export type DeployTarget = z.infer<typeof deployTargetSchema>;

export const queueSchema = z.object({
  name: z.string().regex(CLOUD_RUN_NAME),
  /** DeployTarget.name of the worker the queue pushes to. */
  target: z.string().regex(CLOUD_RUN_NAME),
  /** Path on the worker that receives tasks. */
  path: z.string().regex(HTTP_PATH),
  maxAttempts: z.number().int().min(1).max(100),
  minBackoffSeconds: z.number().min(0.1).max(3600),
  maxBackoffSeconds: z.number().min(1).max(3600),
  maxDispatchesPerSecond: z.number().min(0.1).max(500),
  maxConcurrentDispatches: z.number().int().min(1).max(5000),
  /** Cloud Tasks dispatch deadline for HTTP targets: 15 s to 30 min. */
  dispatchDeadlineSeconds: z.number().int().min(15).max(1800),
  /** Identity in the OIDC token Cloud Tasks attaches; when set, the only invoker of the target. */
  oidcServiceAccount: z.string().regex(SA_ACCOUNT_ID).optional(),
});
export type Queue = z.infer<typeof queueSchema>;

export const databaseTargetSchema = z.object({
  instance: z.string().regex(CLOUD_RUN_NAME),
  engine: z.enum(["mysql", "postgres", "sqlserver"]),
  /** Cloud SQL database version enum, e.g. MYSQL_8_0, POSTGRES_15. */
  databaseVersion: z.string().regex(/^(MYSQL_\d+_\d+|POSTGRES_\d+|SQLSERVER_\d+_[A-Z]+)$/),
  tier: z.string().regex(/^db-[a-z0-9-]+$/),
  highAvailability: z.boolean(),
  readReplicas: z.number().int().min(0).max(10),
  storageGiB: z.number().int().min(10).max(65536),
  pointInTimeRecovery: z.boolean(),
});
export type DatabaseTarget = z.infer<typeof databaseTargetSchema>;

/** IANA time zone, e.g. America/Sao_Paulo or Etc/UTC. */
export const TIME_ZONE = /^[A-Za-z_]{1,30}(\/[A-Za-z0-9_+-]{1,30}){0,2}$/;
/** Five-field cron: digits, `*`, `/`, `,`, `-` only (no names, no shell metacharacters). */
export const CRON_5 = /^[0-9*\/,-]{1,20}( [0-9*\/,-]{1,20}){4}$/;

export const scheduleSchema = z.object({
  /** Cloud Scheduler job name. */
  name: z.string().regex(CLOUD_RUN_NAME),
  schedule: z.string().regex(CRON_5),
  timeZone: z.string().regex(TIME_ZONE),
  /** run-job: execute a Cloud Run job; http: POST to a service path (OIDC); set-min-instances: warm/cool the API. */
  action: z.enum(["run-job", "http", "set-min-instances"]),
  /** DeployTarget.name the job acts on. */
  target: z.string().regex(CLOUD_RUN_NAME),
  path: z.string().regex(HTTP_PATH).optional(),
  minInstances: z.number().int().min(0).max(100).optional(),
  /** The inventory service(s) this replaces (cron, celery beat); empty for new jobs. */
  replaces: z.array(z.string().regex(/^[a-z][a-z0-9-]*$/)).default([]),
});
export type Schedule = z.infer<typeof scheduleSchema>;

export const deploymentSchema = z.object({
  project: z.string().regex(GCP_PROJECT),
  region: z.string().regex(GCP_REGION),
  /** Artifact Registry Docker repository name. */
  artifactRepository: z.string().regex(CLOUD_RUN_NAME),
  services: z.array(deployTargetSchema).min(1),
  queues: z.array(queueSchema).default([]),
  database: databaseTargetSchema.optional(),
  /** Cloud Scheduler jobs (optional: older results have none). */
  schedules: z.array(scheduleSchema).optional(),
});
export type Deployment = z.infer<typeof deploymentSchema>;

/**
 * The AI worker is the worker whose name carries an `ai`/`llm`/`genai`/`ml` segment: the design
 * names it so, and llmops finds it by that convention (it holds the only Vertex AI grant).
 */
export function isAiWorkerTarget(target: Pick<DeployTarget, "kind" | "name">): boolean {
  return target.kind === "worker" && /(^|-)(ai|llm|genai|ml)(-|$)/.test(target.name);
}
