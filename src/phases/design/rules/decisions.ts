// ADR-style decisions. Each one exists only when the inventory gives it something to decide (no
// worker → no push-vs-pull decision), and quotes the cost model where money is the trade-off.
import { isJvm } from "./compute.js";
import { billingOf } from "../cost/instance-based.js";
import type { CostEstimate } from "../cost/estimate.js";
import type { Deployment } from "../../../contracts/deployment.js";
import { isAiWorkerTarget, oneWriterNote } from "../../../contracts/deployment.js";
import { aiDecision } from "./ai-decision.js";
import type { Draft } from "./draft.js";
import type { TopicDecision } from "./topic-decision.js";
import { storageDecision, storeDecision, websocketDecision, workerDecision } from "./worker-decisions.js";
import { sqliteAdr } from "./sqlite-narrative.js";
import { uploadsDecision } from "./uploads-decision.js";
import { someNames } from "./names.js";
import { nothingDecision } from "./nothing-deploys.js";

export type { Topic, TopicDecision } from "./topic-decision.js";

const money = (x: number) => `$${x.toFixed(2)}`;

export function buildDecisions(d: Draft, dep: Deployment, cost: CostEstimate): TopicDecision[] {
  const out: TopicDecision[] = [];
  const api = dep.services.find((s) => s.kind === "api");
  const worker = dep.services.find((s) => (s.kind === "worker" || s.kind === "worker-pool") && !isAiWorkerTarget(s));
  const team = `${d.inv.team.engineers ?? "a few"} engineer${d.inv.team.engineers === 1 ? "" : "s"}`;
  const k8s = d.inv.team.kubernetes;
  if (d.nothing) out.push(nothingDecision(d, dep));
  else
    out.push({
      topic: "compute",
      element: `Cloud Run services ${someNames(dep.services.filter((s) => s.kind !== "job").map((s) => s.name))}`,
      title: "Run the application on Cloud Run, one service per role",
      context: `Everything runs on ${d.inv.host.hostname ?? "one VM"}: a kernel or disk failure stops the whole product, capacity only grows vertically, and ${team} patch the machine by hand. The target must scale ${d.inv.traffic.growth}× without anyone managing nodes.`,
      decision: `Deploy ${api ? `the API as Cloud Run service ${api.name} (${api.cpu} vCPU, ${api.memory}, concurrency ${api.concurrency}, ${api.minInstances}–${api.maxInstances} instances, startup CPU boost, ${api.probe === "tcp" ? `a TCP startup probe on port ${api.port}: no health route was found` : `probes on ${api.healthPath}`})` : "each HTTP role as a Cloud Run service"}${worker ? ` and the background work separately as ${worker.name}` : ""}. Cloud Run spreads instances across zones, scales on requests and bills per use.`,
      alternatives: [
        "Managed instance group of VMs behind a load balancer: removes the single machine but keeps OS patching, image builds and capacity planning.",
        "App Engine flexible: VM-based, slow to deploy and does not scale to zero.",
        ...(k8s
          ? [
              "GKE Autopilot: the team already runs Kubernetes, but the app needs no cluster features; Cloud Run keeps the operational surface smaller.",
            ]
          : []),
      ],
      consequences: [
        "No servers to patch; a bad zone or instance is replaced automatically.",
        "Instances are ephemeral: user files, sessions and schedules live in managed services (Cloud Storage, Memorystore, Cloud Scheduler or one always-on worker), never in one container.",
        "Cold starts appear when a service scales from zero (see the warm-instance decision).",
      ],
    });
  if (api) {
    const warm = cost.warmInstances.find((l) => l.component === api.name);
    // A websocket API (clients reconnect at any hour) or the app's one process keeps its instance
    // around the clock: no Scheduler job lowers it at night (deployment-rules.ts addWarmWindow).
    const scheduled = dep.schedules?.some((j) => j.action === "set-min-instances" && j.target === api.name);
    const allDay = warm && !scheduled;
    // CPU always allocated: a warm instance is billed at the full instance-based rate, not the idle one.
    const instanceBased = billingOf(api) === "instance-based";
    const costWord = instanceBased ? "Warm-instance cost (instance-based billing: CPU always allocated)" : "Idle cost";
    const jvm = d.inv.services.some((s) => api.replaces.includes(s.name) && isJvm(s));
    const why = api.sessionAffinity
      ? "it holds websocket connections, which clients reopen at any hour (see the websocket decision)"
      : jvm && !d.inv.services.some((s) => api.replaces.includes(s.name) && s.singleInstance)
        ? "a JVM app takes tens of seconds to minutes to start, and the first user after a quiet period would wait that long"
        : "the app runs as one process, which also does its timed work";
    out.push({
      topic: "warm",
      element: allDay
        ? `min instances on ${api.name} around the clock`
        : warm
          ? `min instances on ${api.name} in business hours`
          : `${api.name} scales to zero`,
      title: allDay
        ? "Keep one API instance warm around the clock"
        : warm
          ? "Keep one API instance warm during business hours"
          : "Let the API scale to zero",
      context: jvm
        ? `A cold Cloud Run instance of a JVM app needs tens of seconds to minutes before the first response (image pull, JVM start, class loading, the app's own start and its first database connections), even with startup CPU boost. Users notice that on the first request after a quiet period.`
        : `A cold Cloud Run instance of a Python or Node app typically needs 1–3 s before the first response (image pull, interpreter start, imports, first database connection). Users notice that on the first request after a quiet period.`,
      decision: allDay
        ? `Set min instances to ${api.minInstances} on ${api.name} at every hour: ${why}. ${costWord}: ${money(warm.monthlyUsd)}/month (${warm.formula}). Startup CPU boost shortens the cold starts of instances added under load.`
        : warm
          ? `Set min instances to ${api.minInstances} on ${api.name} from ${d.inv.target.businessHours}; two Cloud Scheduler jobs (created by scripts/setup-schedules.sh) raise the service-level minimum in the morning and lower it to 0 at night through the Cloud Run Admin API, without deploying a revision. ${costWord}: ${money(warm.monthlyUsd)}/month (${warm.formula}). Startup CPU boost shortens the cold starts that remain.`
          : `Keep min instances at 0: the inventory gives no business hours to protect, so quiet periods cost nothing. Startup CPU boost shortens cold starts.`,
      alternatives: [
        allDay
          ? "A minimum in business hours only: half the idle cost, but at night the first client waits for a cold start and a reconnecting websocket client finds no instance."
          : "Min instances around the clock: no cold start at night either, at twice the business-hours cost.",
        instanceBased
          ? `Request-based billing (CPU only while serving, the idle rate for warm instances) once ${api.name} no longer needs its CPU outside requests.`
          : "Instance-based billing: cheaper once the API is busy most of the day; revisit with a month of traffic.",
      ],
      consequences: allDay
        ? [
            `No cold start at any hour for the first instance; the ${instanceBased ? "instance-based (full) rate" : "idle rate"} is billed around the clock.`,
          ]
        : warm
          ? [
              "The first request of the day is fast; cold starts remain possible when traffic scales beyond the warm instance.",
              "A deploy outside business hours leaves one warm instance until the evening job runs.",
            ]
          : ["The first request after a quiet period waits for a cold start."],
    });
  }
  const workers = workerDecision(d, dep);
  if (workers) out.push(workers);
  const ai = aiDecision(d, dep);
  if (ai) out.push(ai);
  const queues = d.queues.filter((q) => q.target !== d.notes.ai?.worker);
  const broker = d.stores.find((h) => h.home === "cloud-tasks");
  if (broker && queues.length) {
    out.push({
      topic: "broker",
      element: `Cloud Tasks queue ${someNames(queues.map((q) => q.name))}`,
      title: `Replace the ${broker.service.software} broker with Cloud Tasks`,
      context: `${broker.service.name} (${broker.service.software}) only carries Celery messages on the VM: one more stateful process to patch, size and back up, and a single point of failure for every background job.`,
      decision: `Drop the broker. The API creates Cloud Tasks HTTP tasks directly; retries (${queues[0]!.maxAttempts} attempts, ${queues[0]!.minBackoffSeconds}–${queues[0]!.maxBackoffSeconds} s backoff) and rate limits are queue settings. Application change: replace .delay()/apply_async() with an enqueue helper, expose tasks as POST handlers, store results in the database.`,
      alternatives: [
        `Memorystore as a managed ${broker.service.software === "rabbitmq" ? "Redis" : broker.service.software} broker: keeps Celery unchanged but needs always-on consumers and a VPC connection.`,
        "Pub/Sub: suited to fan-out events rather than one-task-one-handler work.",
      ],
      consequences: [
        "No broker to operate or back up; queue depth and retries are visible in Cloud Monitoring.",
        "Celery canvas features (chords, groups) must be rewritten as explicit enqueues.",
      ],
    });
  }
  const ws = websocketDecision(d, dep);
  if (ws) out.push(ws);
  const sqlite = sqliteAdr(d, dep);
  if (sqlite) out.push(sqlite);
  if (dep.database) {
    const db = dep.database;
    // Nothing on Cloud Run: no pools to budget, the processes connect from where they run.
    const budget = d.nothing ? undefined : d.notes.connectionBudget;
    // Clients that take only a host and port (rules/database-env.ts) reach the private IP instead.
    const hostOnly = dep.services.filter((s) => s.cloudSqlPrivateIp).map((s) => s.name);
    out.push({
      topic: "database",
      element: `Cloud SQL ${db.instance} (${db.databaseVersion}${db.highAvailability ? ", HA" : ""}, PITR)`,
      title: `Move the database to Cloud SQL ${db.databaseVersion}${db.highAvailability ? " with high availability" : ""}`,
      context: `The database lives on the VM with ${d.inv.data[0]?.backups ?? "unknown"} backups. Sizing for ${d.inv.traffic.growth}× traffic; ${d.notes.replicaReason}.`,
      decision: `Cloud SQL ${db.tier}, ${db.storageGiB} GiB SSD with automatic storage increase, daily automated backups and point-in-time recovery, HA ${db.highAvailability ? "on" : "off"} because ${d.notes.dbHaReason}${db.readReplicas ? `, ${db.readReplicas} read replica(s)` : ""}. ${d.nothing ? "Nothing runs on Cloud Run yet: the app's processes reach it through the Cloud SQL Auth Proxy from where they run, with the pools they have today" : "Services connect through the Cloud SQL connector (unix socket)"}${hostOnly.length ? `; ${someNames(hostOnly)}, whose database client takes only a host and port, over the instance's private IP (Direct VPC egress), with no code change` : ""}${d.nothing ? "" : "; connection budget "}${
        d.nothing
          ? ""
          : budget
            ? `${budget.total} of ${budget.max} max_connections (${someNames(
                Object.entries(budget.perInstance).map(([n, p]) => {
                  const w = d.notes.workerThreads?.[n];
                  return `${n}: max instances × ${p}${w ? ` (a connection per thread, ${w.source})` : ""}`;
                }),
              )})`
            : "n/a"
      }${budget?.raisedFrom ? `; ${db.tier} rather than ${budget.raisedFrom}, which the traffic alone would take, because its max_connections could not hold these pools without capping the services' instances` : ""}.`,
      alternatives: [
        db.highAvailability
          ? "Zonal instance: half the compute cost, but a zone outage means a restore from backup."
          : "HA now: survives a zone outage with automatic failover, at twice the compute cost.",
        "AlloyDB / Spanner: more than this workload needs.",
        ...(hostOnly.length
          ? [
              "Cloud SQL Auth Proxy as a sidecar for the clients that take only a host: a second container in every service, canary revision and job (a job must stop it when its work ends), for what the private IP gives with the flags the deploy already passes.",
              "Change those clients to read a socket path (or add the Cloud SQL Java connector): a code change before the first deploy.",
            ]
          : []),
      ],
      consequences: [
        "Backups, patching and failover become Google's job; maintenance windows are scheduled.",
        ...(d.nothing ? [] : ["Connection count is bounded: pools must stay small and max instances capped."]),
        ...(budget?.capped.length ? [`Capped by the budget: ${someNames(budget.capped, 5)}.`] : []),
        ...(hostOnly.length
          ? [
              "The instance also has a private IP on the design's network: scripts/setup-network.sh (private services access) runs before scripts/setup-database.sh, and each deploy looks the IP up.",
            ]
          : []),
      ],
    });
  }
  return out.concat(platformDecisions(d, dep));
}

function platformDecisions(d: Draft, dep: Deployment): TopicDecision[] {
  const out: TopicDecision[] = [];
  const stores = storeDecision(d);
  if (stores) out.push(stores);
  const storage = storageDecision(d);
  if (storage) out.push(storage);
  const uploads = uploadsDecision(d);
  if (uploads) out.push(uploads);
  // Nothing on Cloud Run: no load balancer, revisions, runtime identities or uptime check to decide.
  if (d.nothing) return out;
  if (d.loadBalancer) {
    out.push({
      topic: "edge",
      element: "external Application Load Balancer with serverless NEG",
      title: "Terminate traffic at an external Application Load Balancer",
      context: `${d.topo.proxies[0]!.software} terminates TLS and routes requests on the VM.`,
      decision:
        "A global external Application Load Balancer with Google-managed certificates and a serverless NEG per Cloud Run service; API ingress stays `all` so the deploy pipeline can health-check the tagged canary revision from GitHub Actions; Cloud Armor policy ready to enable.",
      alternatives: [
        "Cloud Run domain mapping: simpler, but limited regions and no Cloud Armor or CDN.",
        "Firebase Hosting rewrites: fine for a web front end, less control over headers and WAF.",
        "Ingress `internal-and-cloud-load-balancing`: no way around the load balancer, but the canary could then only be checked from inside the VPC (a self-hosted runner or a Cloud Run job), not from a GitHub-hosted runner.",
      ],
      consequences: [
        "One static IP for DNS; certificates renew themselves.",
        "About $18/month for the forwarding rule whatever the traffic.",
        "The service's run.app URL stays reachable, bypassing Cloud Armor; tighten ingress once canary checks run inside the VPC.",
      ],
    });
  }
  if (dep.schedules?.some((j) => j.replaces.length > 0)) {
    out.push({
      topic: "scheduling",
      element: "Cloud Scheduler jobs",
      title: "Move periodic work to Cloud Scheduler",
      context: `Periodic work (${someNames([...new Set(dep.schedules!.flatMap((j) => j.replaces))])}) runs on the VM's clock today and stops with it.`,
      decision:
        "Cloud Scheduler triggers each job (a Cloud Run job for cron commands, an authenticated POST to the worker for pushed beat tasks) in the business time zone, with retries and per-execution logs; scripts/setup-schedules.sh creates or updates every job idempotently.",
      alternatives: [
        "A scheduler loop inside a Cloud Run instance: instances are ephemeral and may run twice or not at all.",
      ],
      consequences: [
        "Schedules are infrastructure: they live next to the deploy configuration.",
        "Jobs need to be idempotent: a retry after a timeout may run them twice.",
      ],
    });
  }
  out.push(
    {
      topic: "delivery",
      element: "Cloud Run revisions with traffic splitting",
      title: "Ship every change as a new revision with gradual traffic",
      context: `Deploys take ${d.inv.deploy.durationMinutes ?? "many"} minutes over SSH${d.inv.deploy.downtime ? " with downtime" : ""} and rollback is ${d.inv.deploy.rollback}.`,
      decision:
        "CI builds one image per commit, deploys it as a tagged revision with no traffic, shifts 10 % → 50 % → 100 % while the health checks and error rate hold, and rolls back by moving traffic to the previous revision.",
      alternatives: ["Blue/green with two services: heavier and duplicates configuration."],
      consequences: [
        ...dep.services
          .filter((t) => !t.held)
          .map((t) => oneWriterNote(t))
          .filter((n): n is string => n !== undefined),
        "Zero-downtime deploys and a one-command rollback.",
        "Database migrations must be backward compatible with the previous revision (expand, then contract).",
      ],
    },
    {
      topic: "identity",
      element: "one service account per service + Secret Manager",
      title: "One runtime identity per service; secrets in Secret Manager",
      context: "Secrets sit in environment files on the VM and every process runs with the same rights.",
      decision: withEdits(
        `Each Cloud Run service runs as its own service account with only the roles it needs (Cloud SQL ` +
          `client, Cloud Tasks enqueuer, invoker on the worker); ` +
          `${someNames([...new Set(dep.services.flatMap((s) => s.secrets))], 10) || "secret values"} come from ` +
          `Secret Manager as env vars (version \`latest\`, read when an instance starts: a new version ` +
          `reaches the services with the next deploy).` +
          (dep.secretFiles?.length
            ? ` ${someNames(
                dep.secretFiles.map((f) => `${f.sourcePath} (secret ${f.secret}, at ${f.mountPath})`),
                4,
              )}: a file on the VM holding a secret the repository lacks, which every instance needs the same: ` +
              `setup-secrets.sh --from-vm copies its bytes into Secret Manager (never printed), each service mounts it ` +
              `as a file in a folder of its own (a secret volume hides what the image has in its folder), and the image ` +
              `links the app's path to it, or the command names the mount.`
            : ""),
        dep.secretFiles ?? [],
      ),
      alternatives: ["Env vars set at deploy time: secrets leak into revision metadata and CI logs."],
      consequences: [
        "Rotating a secret is a new version plus a redeploy.",
        "A leaked worker credential cannot call the API's resources.",
      ],
    },
    {
      topic: "observability",
      element: "Cloud Logging/Monitoring, uptime check and alerts",
      title: "Use the built-in logs, metrics and an uptime check",
      context: "Today logs live on the VM disk and nobody is paged when the product is down.",
      decision: `Structured JSON logs to Cloud Logging, an uptime check on ${dep.services.find((s) => s.kind === "api")?.healthPath ?? "/healthz"}, alerts on 5xx rate, p95 latency, Cloud SQL CPU/connections and queue age, a budget alert at 120 % of the estimate.`,
      alternatives: ["Self-hosted Grafana/Prometheus: more to run for a small team."],
      consequences: ["Incidents are visible without SSH; alert thresholds need a week of tuning."],
    },
  );
  return out;
}

/**
 * The identity decision with what each secret file's stored version changes: every edit while the
 * text fits the decision's 2,000 characters, else how many per file (the plan's first deploy and
 * the deployment's secretFiles[].edits name each one).
 */
function withEdits(text: string, files: NonNullable<Deployment["secretFiles"]>): string {
  const edited = files.filter((f) => f.edits?.length);
  const full = edited
    .map((f) => ` In ${f.sourcePath}, before the cut-over: ${f.edits!.join("; ")} (a new version of ${f.secret}).`)
    .join("");
  if (text.length + full.length <= 2000) return text + full;
  return (
    text +
    edited
      .map(
        (f) =>
          ` In ${f.sourcePath}, before the cut-over: ${f.edits!.length} settings change, each named in the plan's first deploy (a new version of ${f.secret}).`,
      )
      .join("")
  );
}
