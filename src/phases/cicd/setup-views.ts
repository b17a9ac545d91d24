// What scripts/setup-secrets.sh and scripts/setup-queues.sh need from the design's deployment.
// Every value is a pattern-checked name from the deployment contract; nothing else reaches them.
import { DATABASE_URL_NAME, isAiWorkerTarget, type Deployment } from "../../contracts/deployment.js";

export interface SecretsView {
  project: string;
  secrets: string[];
  /** `SECRET:runtime-account` pairs. */
  grants: string[];
  dbUrlSecrets: string[];
  dbUrlForm: string;
}

/** The Cloud SQL URL, over the unix socket Cloud Run mounts, in the SQLAlchemy form. */
export function cloudSqlUrlForm(deployment: Deployment): string {
  const db = deployment.database;
  if (!db) return "the URL of your database";
  const socket = `/cloudsql/${deployment.project}:${deployment.region}:${db.instance}`;
  return db.engine === "postgres"
    ? `postgresql://USER:PASSWORD@/DATABASE?host=${socket}`
    : `mysql+pymysql://USER:PASSWORD@/DATABASE?unix_socket=${socket}`;
}

export function secretsView(deployment: Deployment): SecretsView | undefined {
  const secrets = [...new Set(deployment.services.flatMap((s) => s.secrets))].sort();
  if (secrets.length === 0) return undefined;
  const grants = [...new Set(deployment.services.flatMap((s) => s.secrets.map((x) => `${x}:${s.serviceAccount}`)))];
  return {
    project: deployment.project,
    secrets,
    grants: grants.sort(),
    // Never copied from the VM: there they point at the VM's own database.
    dbUrlSecrets: secrets.filter((s) => DATABASE_URL_NAME.test(s)),
    dbUrlForm: cloudSqlUrlForm(deployment),
  };
}

export interface QueueView {
  name: string;
  target: string;
  path: string;
  maxAttempts: number;
  minBackoff: string;
  maxBackoff: string;
  rate: number;
  concurrency: number;
  /** Identity in each task's OIDC token: the only caller the worker admits. */
  invoker: string;
  /** Runtime accounts that enqueue (the APIs). */
  enqueuers: string[];
}

export interface QueuesView {
  project: string;
  region: string;
  queues: QueueView[];
}

/** The app's queues; the AI worker's own queue is set up by scripts/setup-ai-worker.sh. */
export function queuesView(deployment: Deployment): QueuesView | undefined {
  const byName = new Map(deployment.services.map((s) => [s.name, s]));
  const apis = [...new Set(deployment.services.filter((s) => s.kind === "api").map((s) => s.serviceAccount))].sort();
  const queues = deployment.queues
    .filter((q) => !isAiWorkerTarget(byName.get(q.target) ?? { kind: "job", name: "" }))
    .map((q) => {
      const invoker = q.oidcServiceAccount ?? apis[0] ?? byName.get(q.target)!.serviceAccount;
      return {
        name: q.name,
        target: q.target,
        path: q.path,
        maxAttempts: q.maxAttempts,
        minBackoff: `${q.minBackoffSeconds}s`,
        maxBackoff: `${q.maxBackoffSeconds}s`,
        rate: q.maxDispatchesPerSecond,
        concurrency: q.maxConcurrentDispatches,
        invoker,
        enqueuers: apis,
      };
    });
  return queues.length ? { project: deployment.project, region: deployment.region, queues } : undefined;
}
