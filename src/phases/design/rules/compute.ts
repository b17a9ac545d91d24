// Web apps become Cloud Run services; task workers become Cloud Run services fed by Cloud Tasks
// (push), worker pools (pull) or jobs (longer than a push can wait). Sizes come from the VM's own
// settings (worker counts, concurrency flags) and the growth target.
import type { Service } from "../../../inventory/schema.js";
import type { DeployTarget } from "../../../contracts/deployment.js";
import { flagNumber, isSecretEnv, isStreamConsumer, plannedPeakRps, taskLimitSeconds, webFlavour } from "./classify.js";
import { cronArgv } from "./cron-command.js";
import {
  clamp,
  type Draft,
  HEALTH_PATH,
  PORT,
  REQUEST_SECONDS,
  safeArgv,
  TARGET_UTILISATION,
  TASKS_PER_REQUEST,
  taskSeconds,
} from "./draft.js";
import { runName, serviceAccountId } from "./names.js";

/** Cloud Tasks dispatch deadline for HTTP targets tops out at 30 minutes. */
const MAX_PUSH_SECONDS = 1800;

const APP_MODULE = /^[A-Za-z_][\w.]*:[A-Za-z_][\w.()]*$/;

function secretsOf(s: Service): string[] {
  return s.env
    .filter(isSecretEnv)
    .map((e) => e.toUpperCase())
    .sort();
}

function startCommand(s: Service, cpu: number): string[] | undefined {
  const flavour = webFlavour(s);
  const tokens = (s.command ?? "").split(/\s+/).filter(Boolean);
  const app = tokens.find((t) => APP_MODULE.test(t));
  if (flavour === "python-async" && app)
    return safeArgv(["uvicorn", app, "--host", "0.0.0.0", "--port", PORT, "--workers", cpu]);
  if (flavour === "python-wsgi" && app)
    return safeArgv(["gunicorn", app, "--bind", `0.0.0.0:${PORT}`, "--workers", cpu, "--threads", 8, "--timeout", 0]);
  if (flavour === "node" && tokens.length > 0) return safeArgv(tokens);
  return undefined;
}

export function webTarget(d: Draft, s: Service, index: number): DeployTarget {
  const flavour = webFlavour(s);
  const workers = flagNumber(s.command, "--workers", "-w") ?? d.inv.host.cpus ?? 2;
  const python = flavour === "python-async" || flavour === "python-wsgi";
  const cpu = python && workers >= 2 ? 2 : 1;
  const memory = python
    ? `${cpu}Gi`
    : flavour === "node"
      ? "512Mi"
      : /java|spring|tomcat/i.test(s.software)
        ? "2Gi"
        : "1Gi";
  const concurrency =
    flavour === "python-async" ? 20 * cpu : flavour === "python-wsgi" ? 8 * cpu : flavour === "node" ? 80 : 40;
  const needed = Math.ceil((plannedPeakRps(d.inv) * REQUEST_SECONDS) / (concurrency * TARGET_UTILISATION));
  const name = index === 0 ? d.base : runName(d.base, s.name);
  return {
    name,
    kind: "api",
    replaces: [s.name],
    port: PORT,
    healthPath: HEALTH_PATH,
    cpu: String(cpu),
    memory,
    concurrency,
    timeoutSeconds: d.topo.workers.length > 0 ? 60 : 300,
    minInstances: d.inv.target.businessHours ? 1 : 0,
    maxInstances: clamp(needed * 2, 3, 100),
    cpuBoost: true,
    serviceAccount: serviceAccountId(name),
    // `all`, not LB-only: the deploy pipeline health-checks the tagged canary revision on its
    // run.app URL from a GitHub runner, which LB-only ingress would block (see decision "edge").
    ingress: "all",
    secrets: secretsOf(s),
    command: startCommand(s, cpu),
  };
}

export type WorkerModel = "push" | "pull" | "job";

export function workerModel(d: Draft, s: Service): WorkerModel {
  const brokerIsStream = d.topo.brokers.some(
    (b) => s.dependsOn.includes(b.name) && /kafka|nats|pulsar|kinesis/i.test(b.software),
  );
  if (isStreamConsumer(s) || brokerIsStream) return "pull";
  const limit = taskLimitSeconds(s);
  return limit !== undefined && limit > MAX_PUSH_SECONDS ? "job" : "push";
}

export function workerTarget(
  d: Draft,
  s: Service,
  index: number,
): { target: DeployTarget; model: WorkerModel; deadline: number } {
  const model = workerModel(d, s);
  const limit = taskLimitSeconds(s);
  const llmMax = d.inv.llm?.latencySeconds?.[1];
  const deadline = clamp(
    limit ?? (llmMax ? Math.max(60, llmMax * 4) : 600),
    15,
    model === "job" ? 3600 : MAX_PUSH_SECONDS,
  );
  const concurrency = model === "job" ? 1 : clamp(flagNumber(s.command, "--concurrency", "-c") ?? 4, 1, 1000);
  const inFlight = plannedPeakRps(d.inv) * TASKS_PER_REQUEST * taskSeconds(d.inv);
  const name = index === 0 ? runName(d.base, "worker") : runName(d.base, s.name);
  return {
    model,
    deadline,
    target: {
      name,
      kind: model === "job" ? "job" : "worker",
      replaces: [s.name],
      port: PORT,
      healthPath: HEALTH_PATH,
      cpu: "1",
      memory: "1Gi",
      concurrency,
      timeoutSeconds: deadline,
      minInstances: 0,
      maxInstances: clamp(Math.ceil((inFlight / concurrency) * 2), 3, 100),
      cpuBoost: true,
      serviceAccount: serviceAccountId(name),
      // Cloud Tasks pushes from the same project count as internal (cloud.google.com/run/docs/securing/ingress).
      ingress: "internal",
      secrets: secretsOf(s),
    },
  };
}

/** A cron entry becomes a Cloud Run job running the same command in the app's image. */
export function cronJobTarget(d: Draft, s: Service): DeployTarget {
  const name = runName(d.base, s.name);
  return {
    name,
    kind: "job",
    replaces: [s.name],
    port: PORT,
    healthPath: HEALTH_PATH,
    cpu: "1",
    memory: "512Mi",
    concurrency: 1,
    timeoutSeconds: 3600,
    minInstances: 0,
    maxInstances: 1,
    cpuBoost: false,
    serviceAccount: serviceAccountId(name),
    ingress: "internal",
    secrets: secretsOf(s),
    // The VM's command, as the image runs it (cron-command.ts); none when it needs a shell.
    command: ((r) => (r.ok ? r.argv : undefined))(cronArgv(s.command)),
  };
}
