// Where the AI worker lives: its own Cloud Run service, queue and service accounts. Names come
// from the design's deployment when it has them; otherwise they are derived here and the result
// records which ones were derived, so a reader knows what the design did not decide.
import type { Inventory } from "../../inventory/schema.js";
import type { Deployment, DeployTarget, Queue } from "../../contracts/deployment.js";
import { CLOUD_RUN_NAME, isAiWorkerTarget, isAppApi, SA_ACCOUNT_ID } from "../../contracts/deployment.js";
import type { Topology } from "./schema.js";

export const DEFAULT_WORKER_SA = "ai-worker-runtime";
export const DEFAULT_INVOKER_SA = "ai-worker-invoker";

export interface ResolvedTopology {
  topology: Topology;
  /** The deployment's queue for the worker, when the design planned one. */
  designQueue?: Queue;
  worker?: DeployTarget;
  assumptions: string[];
}

/** Reads the design result the runner passes as `upstream.design` (undefined when absent). */
export function deploymentFrom(upstream: unknown): Deployment | undefined {
  const design = upstream as { deployment?: Deployment } | undefined;
  return design?.deployment;
}

/** `name` + suffix, trimmed so the result still is a valid Cloud Run / queue name. */
export function withSuffix(base: string, suffix: string, max = 49): string {
  const room = max - suffix.length;
  const trimmed = base.slice(0, room).replace(/-+$/, "");
  const name = `${trimmed}${suffix}`;
  return CLOUD_RUN_NAME.test(name) ? name : `app${suffix}`;
}

export function resolveTopology(
  inventory: Inventory,
  deployment: Deployment | undefined,
  taskKebab: string,
): ResolvedTopology {
  const derived: Topology["derived"] = [];
  const assumptions: string[] = [];
  // The app's API, never the AI gateway (which serves the router on the app's behalf).
  const api = deployment?.services.find(isAppApi);
  const base = api?.name ?? inventory.target.service ?? inventory.metadata.name;

  if (!api) {
    derived.push("apiService", "apiServiceAccount");
    assumptions.push(`The design has no API service; assumed Cloud Run service "${base}".`);
  }
  const derivedApiSa = withSuffix(base, "-api", 30);
  const apiServiceAccount =
    api?.serviceAccount ?? (SA_ACCOUNT_ID.test(derivedApiSa) ? derivedApiSa : "app-api-runtime");

  const worker = deployment?.services.find(isAiWorkerTarget);
  if (!worker) {
    derived.push("workerService", "workerServiceAccount");
    assumptions.push(
      "The design has no dedicated AI worker service; derived one with its own service account so only it holds Vertex AI access.",
    );
  }
  const workerService = worker?.name ?? withSuffix(base, "-ai-worker");

  const designQueue = deployment?.queues.find((q) => q.target === workerService);
  if (!designQueue) {
    derived.push("queue", "workerPath");
    assumptions.push(
      "The design has no queue for the AI worker; derived one (settings in docs/migration/llmops/architecture.md).",
    );
  }
  // The design names the identity Cloud Tasks puts in the OIDC token when it planned the queue.
  const invoker = designQueue?.oidcServiceAccount;
  if (!invoker) derived.push("invokerServiceAccount");

  return {
    topology: {
      apiService: api?.name ?? base,
      apiServiceAccount,
      workerService,
      workerServiceAccount: worker?.serviceAccount ?? DEFAULT_WORKER_SA,
      invokerServiceAccount: invoker ?? DEFAULT_INVOKER_SA,
      queue: designQueue?.name ?? withSuffix(base, "-ai-tasks"),
      workerPath: designQueue?.path ?? `/tasks/${taskKebab}`,
      derived,
    },
    designQueue,
    worker,
    assumptions,
  };
}
