// ADRs for what runs in the background and what holds shared state: queue workers on their own
// terms (Celery keep-or-push with both costs; RQ, Sidekiq, BullMQ… as always-on workers), each
// Redis use's home, websockets, and user files on Cloud Storage.
import type { Deployment } from "../../../contracts/deployment.js";
import { alwaysOnCost } from "../cost/always-on.js";
import { defaultAssumptions, num } from "../cost/assumptions.js";
import { cloudRunTier, loadPriceBook, pickRegion } from "../../../contracts/gcp-prices.js";
import type { Draft, StoragePlan } from "./draft.js";
import { splitNote } from "./storage.js";
import { storageOnVm } from "../../../inventory/schema.js";
import { describeUses } from "./store-homes.js";
import { QUEUE_LABEL, SCHEDULER_LABEL } from "../../../contracts/queue-systems.js";
import type { TopicDecision } from "./topic-decision.js";
import { someNames } from "./names.js";
import { databaseBus } from "./database-bus.js";

const money = (x: number) => `$${x.toFixed(2)}`;

/** Celery pushed through Cloud Tasks: request-based worker time plus two Cloud Tasks operations per task. */
function pushCost(d: Draft): string {
  const book = loadPriceBook();
  const a = defaultAssumptions(d.inv, book.hoursPerMonth);
  const rps = d.inv.traffic.averageRps ?? (d.inv.traffic.peakRps ?? 0) * a.averageToPeak;
  const tasks = rps * a.tasksPerRequest * book.hoursPerMonth * 3600;
  const p = book.cloudRun.tiers[cloudRunTier(book, d.inv.target.region)].requestBased;
  const compute = tasks * a.taskSeconds * (p.cpuPerVcpuSecond + p.memoryPerGibSecond);
  const ops = ((tasks * 2) / 1_000_000) * book.cloudTasks.perMillionOperations;
  return `about ${money(compute + ops)}/month today (${num(Math.round(tasks))} tasks × ${a.taskSeconds} s on 1 vCPU/1 GiB request-based, plus ${num(Math.round(tasks * 2))} Cloud Tasks operations), scaling to zero when idle`;
}

function poolCost(dep: Deployment, names: string[]): { usd: number; text: string } {
  const book = loadPriceBook();
  const pools = dep.services.filter((s) => s.kind === "worker-pool" && names.includes(s.name));
  const usd = pools.reduce(
    (t, s) =>
      t + alwaysOnCost({ cpu: s.cpu, memory: s.memory, instances: s.minInstances }, book, dep.region).monthlyUsd,
    0,
  );
  return {
    usd,
    text: `${money(usd)}/month for ${someNames(pools.map((s) => `${s.name} (${s.minInstances} × ${s.cpu} vCPU/${s.memory})`))}`,
  };
}

function redisCost(d: Draft): string {
  const book = loadPriceBook();
  const p = pickRegion(book.memorystore.regions, d.inv.target.region).value;
  return `${money(book.hoursPerMonth * p.standardPerGibHour)}/month for 1 GiB of Memorystore Standard tier`;
}

export function workerDecision(d: Draft, dep: Deployment): TopicDecision | undefined {
  const background = d.plans.filter((p) => !["web", "decision", "cron", "run-once"].includes(p.target.kind));
  if (background.length === 0) return undefined;
  const targets = (pred: (p: (typeof background)[number]) => boolean) =>
    background
      .filter(pred)
      .map((p) => dep.services.find((t) => t.replaces.includes(p.service.name))?.name)
      .filter((n): n is string => !!n);
  const celery = background.filter((p) => p.queue === "celery");
  const queues = [...new Set(background.map((p) => p.queue).filter((q) => q !== undefined))].map((q) => QUEUE_LABEL[q]);
  const singles = background.filter((p) => p.target.kind === "always-on" && p.target.singleton);
  const pushed = d.celery === "push" && celery.length > 0;
  const kept = poolCost(
    dep,
    targets((p) => p.target.kind === "always-on"),
  );
  const singleText = singles.length
    ? ` ${singles.map((p) => (p.scheduler ? `${SCHEDULER_LABEL[p.scheduler]} (${p.service.name})` : p.service.name)).join(", ")} run${singles.length === 1 ? "s" : ""} as exactly one instance: ${singles.some((p) => p.scheduler) ? "a second scheduler would fire every job twice" : "a loop that runs twice does its work twice"}.`
    : "";
  const celeryChoice = celery.length
    ? pushed
      ? `Celery is rewritten to Cloud Tasks push (option celery: push): each task becomes POST /tasks on a Cloud Run worker that scales to zero; cost ${pushCost(d)}. Code change: an enqueue helper replaces .delay()/apply_async(), each task becomes an HTTP handler, beat entries become Cloud Scheduler jobs, chords and chains become explicit enqueues.`
      : `Celery stays as it is, on Memorystore for Redis, with its workers in always-on worker pools: no code change, only the broker URL; cost ${kept.text} plus ${redisCost(d)}. The alternative is rewriting it to Cloud Tasks push (option celery: push, see below).`
    : "";
  return {
    topic: "workers",
    element: `background processes: ${background.map((p) => p.service.name).join(", ")}`,
    title: celery.length
      ? pushed
        ? "Rewrite Celery to Cloud Tasks push"
        : "Keep Celery on Memorystore with always-on workers (a rewrite to Cloud Tasks is the alternative)"
      : `Run ${queues.length ? `the ${queues.join(", ")} workers` : "the background processes"} as always-on worker pools`,
    context: `${someNames(background.map((p) => p.service.name))} run${background.length === 1 ? "s" : ""} beside the API on one machine today, so a burst of background work slows user requests. A Cloud Run service only has CPU while it answers a request: a process that pulls jobs, loops or keeps time needs instances that always run (a worker pool), unless the work is rewritten to arrive as requests (Cloud Tasks push: 15 s–30 min per task; a Cloud Run job: up to 24 h).`,
    decision: [
      celeryChoice,
      queues.filter((q) => q !== "Celery").length
        ? `${queues.filter((q) => q !== "Celery").join(", ")} keep their own queues: their workers pull from Memorystore (or the database, for database-backed queues) in worker pools that always run, with no request timeout.`
        : "",
      singleText,
      !pushed && celery.length === 0 && kept.usd > 0 ? `Always-on cost: ${kept.text}.` : "",
    ]
      .filter(Boolean)
      .join(" "),
    alternatives: [
      ...(celery.length
        ? [
            pushed
              ? `Keep Celery on Memorystore with always-on workers: no code change, ${kept.usd > 0 ? `${kept.text} plus ` : ""}${redisCost(d)}.`
              : `Rewrite Celery to Cloud Tasks push (option celery: push): ${pushCost(d)}; code change: an enqueue helper instead of .delay(), each task an HTTP handler that answers 2xx when done, beat entries as Cloud Scheduler jobs, tasks idempotent and under 30 min.`,
          ]
        : [
            `Rewrite the jobs to Cloud Tasks push: workers scale to zero, but every job becomes an HTTP handler and the enqueue calls change.`,
          ]),
      "Cloud Run services with CPU always allocated and a minimum instance: also always on, but a worker has no port to answer the startup probe.",
    ],
    consequences: [
      "Worker pools do not autoscale: raise the instance count when queue latency grows (Cloud Monitoring shows it).",
      "A deploy replaces worker instances: jobs in progress must be safe to retry (the queue redelivers unacknowledged ones).",
      ...(pushed ? ["Tasks must be idempotent (at-least-once delivery) and finish inside the deadline."] : []),
    ],
  };
}

export function storeDecision(d: Draft): TopicDecision | undefined {
  const homes = d.stores.filter((h) => h.home.startsWith("memorystore"));
  if (homes.length === 0) return undefined;
  const memcached = homes.filter((h) => h.home === "memorystore-memcached");
  const redis = homes.filter((h) => h.home !== "memorystore-memcached");
  // What a Redis holding more than cache can split or rewrite; a cache alone has neither.
  const beyondCache = redis.some((h) => h.usesUnread || h.uses.some((u) => u !== "cache"));
  return {
    topic: "cache",
    element: `Memorystore: ${homes.map((h) => `${h.service.name} (${describeUses(h)})`).join("; ")}`,
    title: `Give every use of ${redis.length && memcached.length ? "Redis and Memcached" : redis.length ? "Redis" : "Memcached"} a home on Memorystore`,
    context: `${someNames(
      homes.map((h) =>
        h.usesUnread
          ? `${h.service.name}'s uses are unknown (nothing read names them)`
          : `${h.service.name} is ${describeUses(h)}`,
      ),
      4,
    )}. Cloud Run instances share no memory, so none of these uses can move into the app's instances.`,
    decision: `${someNames(
      homes.map(
        (h) =>
          `${h.service.name} → Memorystore ${h.home === "memorystore-memcached" ? "for Memcached" : `for Redis, ${h.usesUnread ? "Standard tier (replica, failover: its uses are unknown, and a Basic flush would lose any jobs or sessions in it)" : h.tier === "STANDARD_HA" ? "Standard tier (replica, failover: it holds jobs, sessions or results)" : "Basic tier (a cache)"}`}`,
      ),
      4,
    )}. Services reach it on a private IP with Direct VPC egress (private ranges only), no connector VMs.`,
    alternatives: [
      ...(beyondCache
        ? [
            "Split the uses: a Basic-tier cache and a Standard-tier broker, so a cache flush never touches queued jobs (two instances to pay for).",
            "Rewrite the broker use to Cloud Tasks and the pub/sub use to Pub/Sub: code changes in every producer and consumer.",
          ]
        : []),
      ...(memcached.length
        ? [
            "Memorystore for Redis as the cache (Basic tier): one engine for every cache and a replica on Standard, but the app's Memcached client and settings change.",
          ]
        : []),
      ...(beyondCache
        ? []
        : [
            "A cache in each instance's own memory: no instance to pay for, but every instance warms its own copy, a scale-out starts cold and instances disagree until entries expire.",
          ]),
    ],
    consequences: [
      ...(redis.length
        ? ["A maintenance event on Basic tier flushes the cache; Standard tier fails over in seconds."]
        : []),
      ...(memcached.length
        ? ["Memorystore for Memcached keeps no replica: a node's maintenance or restart empties what it held."]
        : []),
      "Services that use it need a VPC subnet for egress.",
    ],
  };
}

export function websocketDecision(d: Draft, dep: Deployment): TopicDecision | undefined {
  const ws = dep.services.filter((s) => s.sessionAffinity);
  if (ws.length === 0) return undefined;
  const bus = d.stores.filter((h) => h.home === "memorystore-redis" && h.uses.includes("pubsub"));
  const dbBus = d.inv.services.find((s) => ws.some((t) => t.replaces.includes(s.name)) && databaseBus(d, s));
  const cable = dbBus && databaseBus(d, dbBus);
  return {
    topic: "websockets",
    element: `websocket services ${ws.map((s) => s.name).join(", ")}`,
    title: "Serve websockets from Cloud Run with affinity, long requests and a shared pub/sub",
    context: `${someNames(ws.map((s) => s.name))} keep websocket connections open. On Cloud Run a websocket is a request: it ends at the request timeout, and new connections may land on any instance.`,
    decision: `Request timeout ${ws[0]!.timeoutSeconds} s (the maximum), session affinity on, at least ${ws[0]!.minInstances} instance around the clock, many connections per instance. Clients reconnect when a connection ends. ${bus.length ? `Events reach every instance through Redis pub/sub on Memorystore (${bus.map((h) => h.service.name).join(", ")}).` : cable ? `Events reach every instance through ${cable.adapter}: each broadcast is a row in the cable database (${cable.setting}) on Cloud SQL that every instance polls.` : "With no shared pub/sub in the inventory, the service is capped at one instance until one is added, and a deploy moves all traffic to the new revision at once: a stepped canary would split the clients between two revisions that never see each other's events."} https://cloud.google.com/run/docs/triggering/websockets`,
    alternatives: [
      "A worker pool or VM holding the connections: no 60-minute limit, but no load balancing or revisions.",
      "Server-sent events or polling: simpler on Cloud Run, but a client change.",
    ],
    consequences: [
      "An instance with an open connection is billed as active: the warm instance costs its full rate.",
      "Every deploy closes open connections once: clients must reconnect with backoff.",
    ],
  };
}

/** Who mounts the buckets; nobody when nothing runs on Cloud Run (rules/nothing-deploys.ts). */
function mountedBy(plans: { targets: string[] }[]): string {
  const targets = [...new Set(plans.flatMap((p) => p.targets))];
  return targets.length
    ? `mounted as a Cloud Storage volume by ${someNames(targets)}: the app keeps reading and writing the same paths, no code change.`
    : "not mounted yet: nothing runs on Cloud Run, so the processes mount it (a Cloud Run volume, or Cloud Storage FUSE on a VM) where their decisions put them.";
}

/**
 * A folder inside the process's working directory is where a relative setting puts it (an uploads
 * folder "uploads", "./media"): the image runs the process in its WORKDIR, so say where that is.
 */
function workingDirNote(p: StoragePlan): string {
  const w = p.workingDir;
  if (!w) return "";
  const at = ` ${p.storage.path} is ${w.relative} inside ${w.service}'s working directory on the VM (${w.vm}), where a relative setting such as "${w.relative}" resolves:`;
  return w.vm === w.image
    ? `${at} the image runs it in the same folder (WORKDIR ${w.image}), so that setting lands on the mount.`
    : `${at} the image runs it in ${w.image} (WORKDIR), so the bucket is mounted at ${p.mountPath}, where that setting lands; a setting naming the absolute path ${p.storage.path} must name ${p.mountPath} instead.`;
}

export function storageDecision(d: Draft): TopicDecision | undefined {
  const plans = d.notes.storage ?? [];
  if (plans.length === 0) return undefined;
  return {
    topic: "storage",
    element: `Cloud Storage buckets ${plans.map((p) => p.bucket).join(", ")}`,
    title: "Move user files to Cloud Storage, mounted where the app expects them",
    context: `${someNames(plans.map((p) => storageOnVm(p.storage)))} hold user files on the VM's disk. A Cloud Run instance's disk is memory and vanishes with the instance, and instances do not share it.`,
    decision: `One bucket per folder (${someNames(
      // A folder that also holds code is mounted per subfolder of user files (splitNote says why).
      plans.map(
        (p) =>
          `${storageOnVm(p.storage)}${p.storage.hostPath ? ` (the container's ${p.storage.path})` : ""} → gs://${p.bucket} at ${p.mountPath}${p.folders?.length ? `/{${p.folders.join(",")}}` : ""}`,
      ),
      4,
    )}), ${mountedBy(plans)} The runbook copies the files with gcloud storage rsync before the cut-over and once more during it.${plans.map((p) => splitNote(p.storage)).join("")}${plans.map(workingDirNote).join("")}`,
    alternatives: [
      "Code change to the object storage API (django-storages with Google Cloud Storage, Active Storage's GCS service, Laravel's gcs disk, S3-compatible clients with GCS interoperability): no FUSE limits, signed URLs for downloads, but code and configuration to change.",
      "Filestore (NFS) volume: full POSIX semantics and locking, from about $200/month for the smallest instance.",
    ],
    consequences: [
      "Cloud Storage FUSE is not POSIX: no file locking (the last writer wins), a rename is a copy, and writes are staged in the instance's memory until the file closes (size memory for the largest upload).",
      "Folder watchers get no file events (inotify) on the mount: a watcher must poll.",
      "Storage costs per GiB-month (see cost-estimate.md); files are in one region with object versioning off unless enabled.",
    ],
  };
}
