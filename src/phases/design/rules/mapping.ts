// mapping.json: every inventory service, where it goes, why, and what the application must change.
import type { Service } from "../../../inventory/schema.js";
import type { MappingEntry } from "../schema.js";
import { isLlmKey } from "./ai-worker.js";
import { isBrokerEnv, taskLimitSeconds } from "./classify.js";
import { cronArgv } from "./cron-command.js";
import type { Draft } from "./draft.js";
import type { WorkerInfo } from "./deployment-rules.js";
import { memorystoreVersion } from "./data.js";
import { cleanName, runName } from "./names.js";

const PUSH_LIMITS =
  "Cloud Tasks HTTP targets wait at most 30 min for a reply (dispatch deadline 15 s–30 min) and a Cloud Run request may last up to 60 min";

function targetOf(d: Draft, s: Service) {
  return d.services.find((t) => t.replaces.includes(s.name));
}

function web(d: Draft, s: Service): MappingEntry {
  const t = targetOf(d, s)!;
  const changes = [
    `Serve a cheap GET ${t.healthPath} (200 without touching the database) for the startup and liveness probes.`,
    `Listen on the PORT environment variable (${t.port}) on 0.0.0.0.`,
  ];
  if (t.secrets.length)
    changes.push(`Read ${t.secrets.join(", ")} from the environment; Cloud Run injects them from Secret Manager.`);
  const brokerEnv = s.env.filter(isBrokerEnv);
  if (taskQueues(d).length)
    changes.push(
      `Enqueue background work with the Cloud Tasks client (HTTP target = the worker URL + /tasks, OIDC ` +
        `token of ${t.serviceAccount}) instead of ` +
        `task.delay()${brokerEnv.length ? `; drop ${brokerEnv.join(", ")}` : ""}.`,
    );
  const settings: MappingEntry["settings"] = {
    cpu: t.cpu,
    memory: t.memory,
    concurrency: t.concurrency,
    timeoutSeconds: t.timeoutSeconds,
    minInstances: t.minInstances,
    maxInstances: t.maxInstances,
    cpuBoost: t.cpuBoost,
    port: t.port,
    startupProbe: t.healthPath,
    livenessProbe: t.healthPath,
    ingress: t.ingress,
    serviceAccount: t.serviceAccount,
  };
  const ai = d.notes.ai;
  if (ai) {
    changes.push(
      `Stop calling the model inside requests: accept AI requests with 202 and a status URL, enqueue them ` +
        `on ${ai.queue} (the llmops phase's api_handler.py router does both); ${ai.worker} makes the call.`,
    );
    settings.aiWorker = ai.worker;
    settings.aiQueue = ai.queue;
  }
  changes.push(...dropModelKeys(d, s));
  return {
    service: s.name,
    target: { kind: "cloud-run-service", name: t.name },
    reason:
      `${s.software} is a stateless HTTP app: Cloud Run runs it as revisions behind one URL, scales on ` +
      `concurrent requests (${t.concurrency} per instance, ${t.cpu} vCPU) up to ${t.maxInstances} ` +
      `instances for the growth target, and shifts traffic between revisions without downtime.`,
    settings,
    appChanges: changes,
  };
}

/** Queues that replace the broker (the AI worker's queue is new, not a broker replacement). */
const taskQueues = (d: Draft) => d.queues.filter((q) => q.target !== d.notes.ai?.worker);

/** The app change for a service that held a model credential: it loses it to the AI worker. */
function dropModelKeys(d: Draft, s: Service): string[] {
  const ai = d.notes.ai;
  const keys = s.env.filter(isLlmKey);
  if (!ai || keys.length === 0) return [];
  return [
    `Remove ${keys.join(", ")} from ${s.name}: only ${ai.worker} calls Vertex AI, as service account ${ai.serviceAccount} (the one identity with roles/aiplatform.user), without an API key.`,
  ];
}

function worker(d: Draft, s: Service, info: WorkerInfo): MappingEntry {
  const t = targetOf(d, s)!;
  const limit = taskLimitSeconds(s);
  const settings: MappingEntry["settings"] = {
    cpu: t.cpu,
    memory: t.memory,
    concurrency: t.concurrency,
    timeoutSeconds: t.timeoutSeconds,
    maxInstances: t.maxInstances,
    ingress: t.ingress,
    serviceAccount: t.serviceAccount,
  };
  if (info.model === "push") {
    settings.queue = info.queue!;
    return {
      service: s.name,
      target: { kind: "cloud-run-worker", name: t.name },
      reason:
        `Tasks are short enough to push: ${PUSH_LIMITS}; ` +
        `${limit ? `the worker's own limit is ${limit} s` : `tasks are expected to finish well under ${t.timeoutSeconds} s`}. Cloud Tasks retries with backoff, rate-limits dispatch and scales the worker to zero between bursts.`,
      settings,
      appChanges: [
        `Expose each task as POST /tasks (JSON body names the task and its arguments) and reply 2xx only when it is done; a 429/503 reply slows the queue.`,
        `Make tasks idempotent: delivery is at least once; name tasks (task id) to de-duplicate enqueues.`,
        // Commands can be long (inventory allows 4,000 chars); the schema caps this text at 600.
        `Stop running "${clipText(s.command ?? `${s.software} worker`, 160)}"; the HTTP handler replaces the consumer loop.`,
        ...dropModelKeys(d, s),
      ],
    };
  }
  if (info.model === "job") {
    return {
      service: s.name,
      target: { kind: "cloud-run-job", name: t.name },
      reason: `A task may run ${limit} s, beyond what a push can wait (${PUSH_LIMITS}). A Cloud Run job execution runs to completion (task timeout up to 24 h) and is started per batch.`,
      settings,
      appChanges: [
        `Turn the long task into a job entry point that reads its input from arguments or the database and exits 0 when done.`,
        `Start executions through the Cloud Run Admin API (jobs.run with overrides) instead of enqueueing to the broker.`,
        ...dropModelKeys(d, s),
      ],
    };
  }
  return {
    service: s.name,
    target: { kind: "cloud-run-worker-pool", name: t.name },
    reason: `The worker pulls from a stream rather than receiving pushes; a Cloud Run worker pool keeps pull consumers running without an HTTP endpoint, fed by a Pub/Sub subscription.`,
    settings,
    appChanges: [
      `Consume from a Pub/Sub pull subscription instead of the current broker; acknowledge after the work is committed.`,
      ...dropModelKeys(d, s),
    ],
  };
}

function cache(d: Draft, s: Service): MappingEntry {
  const users = d.services.filter((t) => t.vpcEgress).map((t) => t.name);
  const alsoBroker = d.topo.cachesUsedAsBroker.includes(s);
  return {
    service: s.name,
    target: { kind: "memorystore", name: runName(d.base, "cache") },
    reason:
      `Used as a cache: Memorystore (Basic tier; a cache survives a flush) gives a managed ${s.software} ` +
      `on a private IP, reached from ${users.join(", ") || "the services"} through Direct VPC ` +
      `egress.${alsoBroker ? " Its role as the task broker ends: Cloud Tasks carries the tasks." : ""}`,
    settings: {
      tier: "BASIC",
      sizeGiB: Math.max(1, Math.ceil(d.inv.data.find((x) => x.service === s.name)?.sizeGiB ?? 1)),
      version: memorystoreVersion(s),
      vpcEgress: "private-ranges-only",
    },
    appChanges: [
      `Point the cache URL at the Memorystore private IP (plain config, no secret) and tolerate a cold cache after maintenance.`,
      ...(alsoBroker
        ? [`Remove the Celery broker setting that points at ${s.name}; tasks go through Cloud Tasks.`]
        : []),
    ],
  };
}

function broker(d: Draft, s: Service): MappingEntry {
  const stream = /kafka|nats|pulsar|kinesis/i.test(s.software);
  if (stream) {
    return {
      service: s.name,
      target: { kind: "pubsub", name: runName(d.base, "events") },
      reason: `${s.software} carries a stream that consumers pull; Pub/Sub is the managed equivalent (at-least-once, ordering keys when needed).`,
      settings: {},
      appChanges: [`Publish with the Pub/Sub client instead of the ${s.software} producer.`],
    };
  }
  const queue = taskQueues(d)[0];
  if (!queue)
    return {
      service: s.name,
      target: { kind: "removed", name: cleanFor(s.name) },
      reason: `No worker consumes from ${s.name}; it is not carried over.`,
      settings: {},
      appChanges: [],
    };
  return {
    service: s.name,
    target: { kind: "cloud-tasks", name: queue.name },
    reason:
      `${s.software} only carries task messages between the API and the worker. Cloud Tasks replaces it: ` +
      `durable queue, retries with exponential backoff ` +
      `(${queue.minBackoffSeconds}–${queue.maxBackoffSeconds} s, ${queue.maxAttempts} attempts), rate ` +
      `limits, and nothing to patch or back up.`,
    settings: {
      maxAttempts: queue.maxAttempts,
      maxDispatchesPerSecond: queue.maxDispatchesPerSecond,
      maxConcurrentDispatches: queue.maxConcurrentDispatches,
      dispatchDeadlineSeconds: queue.dispatchDeadlineSeconds,
    },
    appChanges: [
      `Replace task.delay()/apply_async() calls with a small enqueue helper that creates an HTTP task (URL = worker + ${queue.path}, OIDC token, JSON body).`,
      `Remove the broker URL settings and the ${s.software} client library; results are written to the database, not a result backend.`,
      `Countdown/eta becomes the task's schedule_time; chains and chords become explicit follow-up enqueues.`,
    ],
  };
}

const cleanFor = (n: string): string => {
  const c = cleanName(n, 62);
  return c.length >= 2 ? c : `${c}0`;
};

export function buildMapping(d: Draft, workers: WorkerInfo[]): MappingEntry[] {
  const lb = runName(d.base, "lb");
  const apis = d.services.filter((t) => t.kind === "api").map((t) => t.name);
  return d.inv.services.map((s): MappingEntry => {
    switch (s.role) {
      case "web":
        return web(d, s);
      case "worker":
        return worker(
          d,
          s,
          workers.find((w) => w.service === s)!,
        );
      case "cache":
        return cache(d, s);
      case "broker":
        return broker(d, s);
      case "reverse-proxy":
        return {
          service: s.name,
          target: { kind: "load-balancer", name: lb },
          reason:
            `An external Application Load Balancer with a serverless NEG takes over TLS termination and routing ` +
            `from ${s.software}: Google-managed certificates, HTTP→HTTPS redirect, health-checked backends ` +
            `(${apis.join(", ")}), Cloud Armor when abuse shows up. Static files served by ${s.software} move to ` +
            `a Cloud Storage bucket behind the same load balancer with Cloud CDN.`,
          settings: {
            type: "global-external-application",
            backends: apis.join(","),
            tls: "google-managed",
            cloudArmor: "optional",
          },
          appChanges: [
            `Move ${s.software} rules (redirects, headers, body size) into the URL map or the app; trust X-Forwarded-For from the load balancer.`,
          ],
        };
      case "database": {
        const db = d.database;
        if (!db || d.notes.databaseService !== s.name) {
          return {
            service: s.name,
            target: { kind: "removed", name: cleanFor(s.name) },
            reason: `${s.software} has no Cloud SQL engine; keep it where it is until it is planned by hand.`,
            settings: {},
            appChanges: [],
          };
        }
        return {
          service: s.name,
          target: { kind: "cloud-sql", name: db.instance },
          reason:
            (d.notes.sourceEngine
              ? `Cloud SQL ${db.databaseVersion} is the closest engine to ${d.notes.sourceEngine} (Cloud SQL has no ` +
                `MariaDB): test the schema and queries in staging before the move.`
              : `Cloud SQL ${db.databaseVersion} keeps the engine and major version, so the schema and queries move ` +
                `unchanged.`) +
            ` HA: ${db.highAvailability ? "yes" : "no"} (${d.notes.dbHaReason}). Automated daily ` +
            `backups and point-in-time recovery replace ` +
            `${d.inv.data.find((x) => x.service === s.name)?.backups ?? "the current"} backups.`,
          settings: {
            tier: db.tier,
            highAvailability: db.highAvailability,
            readReplicas: db.readReplicas,
            storageGiB: db.storageGiB,
            pointInTimeRecovery: true,
            maxConnections: d.notes.connectionBudget?.max ?? 0,
            connectionBudget: d.notes.connectionBudget?.total ?? 0,
            connection: "Cloud SQL connector (unix socket /cloudsql/PROJECT:REGION:INSTANCE)",
          },
          appChanges: [
            `Connect through the Cloud SQL unix socket ` +
              `(/cloudsql/${d.project.id}:${d.inv.target.region}:${db.instance}) with a pool of at most ` +
              `${Math.max(0, ...Object.values(d.notes.connectionBudget?.perInstance ?? {}))} connections per ` +
              `instance.`,
          ],
        };
      }
      case "scheduler": {
        const job = d.schedules.find((j) => j.replaces.includes(s.name));
        return {
          service: s.name,
          target: { kind: "cloud-scheduler", name: job?.name ?? runName(d.base, `${s.name}-trigger`) },
          reason:
            `A beat process is a single point of failure that must run exactly once. Cloud Scheduler is a ` +
            `managed cron: each periodic task becomes one job that POSTs to the worker with an OIDC token, with ` +
            `retries.`,
          settings: job
            ? { schedule: job.schedule, timeZone: job.timeZone, target: job.target }
            : { jobs: "one per beat_schedule entry" },
          appChanges: [
            `List the entries of beat_schedule and create one Cloud Scheduler job per entry (POST /tasks/scheduled with the task name); stop running beat.`,
          ],
        };
      }
      case "cron": {
        const job = d.schedules.find((j) => j.replaces.includes(s.name));
        const runJob = d.services.find((t) => t.replaces.includes(s.name))!;
        return {
          service: s.name,
          target: { kind: "cloud-scheduler", name: job?.name ?? runName(d.base, `${s.name}-trigger`) },
          reason:
            `A crontab entry on one VM stops when the VM does and logs nowhere. Cloud Scheduler triggers the ` +
            `Cloud Run job ${runJob.name} on the same schedule, with retries and logs per execution.`,
          settings: {
            schedule: job?.schedule ?? "set by hand",
            timeZone: job?.timeZone ?? "Etc/UTC",
            runs: runJob.name,
          },
          appChanges: cronAppChanges(s),
        };
      }
      default:
        return {
          service: s.name,
          target: { kind: "removed", name: cleanFor(s.name) },
          reason: `No managed counterpart is proposed for ${s.software} (role "${s.role}"); decide by hand whether it is still needed.`,
          settings: {},
          appChanges: [],
        };
    }
  });
}

function cronAppChanges(s: Service): string[] {
  if (!s.command?.trim()) {
    return [
      `The inventory gives no command for ${s.name}: add it (services[].command), or the job runs the image's default command (the web server) and never finishes on its own.`,
    ];
  }
  const argv = cronArgv(s.command);
  if (!argv.ok) {
    return [
      `"${clipText(s.command, 160)}" cannot run as a plain container command (${argv.reason}): put it in a ` +
        `script in the image (e.g. bin/${s.name}.sh), set the job's command to that script, and add it to ` +
        `services[].command.`,
    ];
  }
  const changes = [
    `The job runs \`${argv.argv.join(" ")}\` in the app's image; it must exit non-zero on failure so the execution is marked failed.`,
  ];
  if (argv.dropped.length)
    changes.push(
      `Left out of the VM's command: ${argv.dropped.join("; ")} (the image's WORKDIR, PATH and Cloud Logging take their place).`,
    );
  return changes;
}

function clipText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
