// The AI gateway: for an API that cannot mount the generated FastAPI router (src/contracts/
// ai-enqueue.ts says why one gateway beats code per framework), the enqueue side runs as a Cloud
// Run service of its own, from the AI worker's image with another command. It may enqueue on the
// AI queue and read and write task records; it holds no Vertex AI grant (only the worker does).
import type { DeployTarget } from "../../../contracts/deployment.js";
import { clamp, type Draft, HEALTH_PATH, PORT } from "./draft.js";
import { runName, serviceAccountId } from "./names.js";

/** The gateway answers in milliseconds (a row insert and one Cloud Tasks call): many at once. */
const GATEWAY_CONCURRENCY = 80;

/** uvicorn serves gateway.py's app factory; Cloud Run's PORT is the contract's fixed 8080. */
export const GATEWAY_COMMAND = [
  "uvicorn",
  "--factory",
  "gateway:app_from_env",
  "--host",
  "0.0.0.0",
  "--port",
  String(PORT),
];

export interface GatewayPlan {
  replaces: string[];
  workerDir: string;
  dbSecret: string;
  aiEnv: Record<string, string>;
  maxDispatchesPerSecond: number;
}

export function planAiGateway(d: Draft, plan: GatewayPlan): DeployTarget {
  const name = runName(d.base, "ai-gateway");
  const gateway: DeployTarget = {
    name,
    kind: "api",
    replaces: plan.replaces,
    port: PORT,
    healthPath: HEALTH_PATH,
    // gateway.py serves /healthz itself, so the startup probe can ask for it.
    probe: "http",
    cpu: "1",
    memory: "512Mi",
    concurrency: GATEWAY_CONCURRENCY,
    timeoutSeconds: 30,
    minInstances: 0,
    // Requests arrive at about the rate tasks leave the queue; a few instances absorb bursts.
    maxInstances: clamp(Math.ceil(plan.maxDispatchesPerSecond / 10) + 2, 2, 20),
    cpuBoost: true,
    serviceAccount: serviceAccountId(name),
    // "internal" would refuse the app's calls: a request from another Cloud Run service counts as
    // internal only when it leaves through a VPC (cloud.google.com/run/docs/securing/ingress).
    // IAM is the guard instead: no allUsers binding, roles/run.invoker for the app's identity only
    // (cloud.google.com/run/docs/authenticating/service-to-service).
    ingress: "all",
    secrets: [plan.dbSecret],
    ...(d.database ? { cloudSqlInstance: d.database.instance } : {}),
    source: { context: plan.workerDir, dockerfile: `${plan.workerDir}/Dockerfile` },
    command: GATEWAY_COMMAND,
    env: plan.aiEnv,
  };
  d.services.push(gateway);
  return gateway;
}
