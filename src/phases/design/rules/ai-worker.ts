// Model calls leave the API: when the inventory calls an LLM (an `llm` section or a service that
// holds a model key), the design plans a dedicated AI worker on Cloud Run, fed by its own Cloud
// Tasks queue, as the only identity allowed to call Vertex AI. The llmops phase writes the code
// for exactly this service, queue and path (sizes come from the shared llmops sizing).
import type { Risk } from "../../../contracts/audit-result.js";
import { aiWorkerSizing, LLM_KEY_ENV, modelKeyHolders, needsAiWorker } from "../../../contracts/ai-worker-sizing.js";
import { aiEnqueueSide } from "../../../contracts/ai-enqueue.js";
import { databaseUrlSecret, type DeployTarget, REPO_PATH } from "../../../contracts/deployment.js";
import { planAiGateway } from "./ai-gateway.js";
import { clamp, type Draft, HEALTH_PATH, PORT } from "./draft.js";
import { cleanName, runName, serviceAccountId } from "./names.js";

export const DEFAULT_AI_WORKER_DIR = "services/ai-worker";
/** An I/O-bound handler mostly waits on the model; the worker's threadpool runs 40 at once. */
const AI_CONCURRENCY = 20;

export const isLlmKey = (env: string): boolean => LLM_KEY_ENV.test(env.toUpperCase());

/** Invoker identity for a worker: `<worker>-invoker`, within the 30-character account id limit. */
export function invokerAccountId(worker: string): string {
  return `${cleanName(worker, 22)}-invoker`;
}

export function planAiWorker(d: Draft, workerDirOption: unknown): void {
  if (!needsAiWorker(d.inv)) {
    const holders = modelKeyHolders(d.inv);
    if (holders.length)
      d.assumptions.push(
        `${holders.join(", ")} hold${holders.length === 1 ? "s" : ""} a model provider key, but the inventory has no \`llm\` section: model calls stay where they are, and no AI worker is planned. Describe them in \`llm\` (or confirm the detected model SDK in \`infra-migrate init\`) to move them to an asynchronous worker on Vertex AI.`,
      );
    return;
  }
  let workerDir = typeof workerDirOption === "string" ? workerDirOption.replace(/\/+$/, "") : DEFAULT_AI_WORKER_DIR;
  if (!REPO_PATH.test(workerDir)) {
    d.assumptions.push(
      `The worker directory option is not a plain relative path; the AI worker is built from ${DEFAULT_AI_WORKER_DIR}.`,
    );
    workerDir = DEFAULT_AI_WORKER_DIR;
  }
  const sizing = aiWorkerSizing(d.inv);
  const name = runName(d.base, "ai-worker");
  const queueName = runName(d.base, "ai-tasks");
  const serviceAccount = serviceAccountId(name);
  const invoker = invokerAccountId(name);
  const holders = d.inv.services.filter((s) => s.env.some(isLlmKey)).map((s) => s.name);
  const webs = d.topo.webs.map((s) => s.name);
  const keyEnv = [...new Set(d.inv.services.flatMap((s) => s.env.filter(isLlmKey)))].sort();
  // Only the AI worker may call a model: every other service loses its model credential.
  for (const t of d.services) t.secrets = t.secrets.filter((e) => !isLlmKey(e));
  const q = sizing.queue;
  const dbSecret = d.services.map(databaseUrlSecret).find(Boolean) ?? "DATABASE_URL";
  d.services.push({
    name,
    kind: "worker",
    replaces: holders.length ? holders : webs.length ? webs : [d.inv.services[0]!.name],
    port: PORT,
    healthPath: HEALTH_PATH,
    cpu: "1",
    memory: "512Mi",
    concurrency: AI_CONCURRENCY,
    // Cloud Run must not cut a request Cloud Tasks still waits for.
    timeoutSeconds: q.dispatchDeadlineSeconds,
    minInstances: 0,
    maxInstances: clamp(Math.ceil(q.maxConcurrentDispatches / AI_CONCURRENCY) + 1, 2, 100),
    cpuBoost: true,
    serviceAccount,
    // "internal" still admits Cloud Tasks (and Cloud Scheduler, Pub/Sub, Eventarc, Workflows) from
    // the same project at the run.app URL (cloud.google.com/run/docs/securing/ingress).
    ingress: "internal",
    // Task records live in the application database, reached through the app's own URL secret
    // (llmops' generated code reads the same name).
    secrets: [dbSecret],
    ...(d.database ? { cloudSqlInstance: d.database.instance } : {}),
    source: { context: workerDir, dockerfile: `${workerDir}/Dockerfile` },
    env: { GOOGLE_CLOUD_PROJECT: d.project.id, AI_QUEUE: queueName },
  });
  d.queues.push({ name: queueName, target: name, path: sizing.workerPath, ...q, oidcServiceAccount: invoker });
  // Whoever enqueues reads these (services/ai-worker/api_handler.py); AI_WORKER_URL is only known
  // once the worker exists, so the deploy workflow looks it up and adds it (see cicd).
  const aiEnv = {
    GOOGLE_CLOUD_PROJECT: d.project.id,
    AI_QUEUE: queueName,
    AI_QUEUE_LOCATION: d.inv.target.region,
    AI_INVOKER_SERVICE_ACCOUNT: `${invoker}@${d.project.id}.iam.gserviceaccount.com`,
  };
  const side = aiEnqueueSide(d.inv);
  const replaced = holders.length ? holders : webs.length ? webs : [d.inv.services[0]!.name];
  let gateway: DeployTarget | undefined;
  if (side.kind === "router") {
    // The FastAPI app mounts the router and enqueues itself.
    for (const t of d.services.filter((x) => x.kind === "api")) t.env = { ...t.env, ...aiEnv };
  } else {
    gateway = planAiGateway(d, {
      replaces: replaced,
      workerDir,
      dbSecret,
      aiEnv,
      maxDispatchesPerSecond: q.maxDispatchesPerSecond,
    });
  }
  d.notes.ai = {
    worker: name,
    queue: queueName,
    serviceAccount,
    invoker,
    keyEnv,
    holders: holders.length ? holders : webs,
    ...(gateway && side.kind === "gateway"
      ? { gateway: { name: gateway.name, serviceAccount: gateway.serviceAccount, why: side.why } }
      : {}),
  };
  if (sizing.assumed.latency) d.assumptions.push(`AI worker: ${sizing.assumed.latency}`);
  if (sizing.assumed.rate) d.assumptions.push(`AI worker: ${sizing.assumed.rate}`);
}

/** The audit's "model calls inside API requests" risk: coupling, affecting only model-key holders. */
export function isModelCallRisk(d: Draft, r: Risk): boolean {
  const holders = d.notes.ai?.holders ?? [];
  return r.category === "coupling" && r.affects.length > 0 && r.affects.every((a) => holders.includes(a));
}
