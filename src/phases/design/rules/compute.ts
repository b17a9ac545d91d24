// Cloud Run targets per process plan: HTTP apps become services (websockets with session affinity,
// the 60-minute request timeout and a warm instance), queue consumers, loops and schedulers become
// worker pools that always run, Celery pushed through Cloud Tasks becomes an HTTP worker (or a job
// when a task outlasts a push), and cron lines become jobs. Sizes come from the VM's own settings
// (worker counts, concurrency flags) and the growth target.
import { workerThreads } from "./worker-threads.js";
import type { Service } from "../../../inventory/schema.js";
import { memoryMiB, type DeployTarget } from "../../../contracts/deployment.js";
import { flagNumber, isSecretEnv, plannedPeakRps, taskLimitSeconds, webFlavour } from "./classify.js";
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
import { MAX_PUSH_SECONDS, type ProcessPlan } from "./processes.js";
import { imageFor } from "../../../image/plan.js";
import { teamRun } from "../../../image/team-image.js";
import { bindsItself } from "../../../image/web-bind.js";
import { envSwitchesUwsgi } from "./uwsgi-switch.js";
import { carriesCredential, carryCredentials } from "../../../image/command-credentials.js";
import { bindSetting } from "./server-settings.js";
import { claimName, runName, serviceAccountId } from "./names.js";
import { phpMemorySizing } from "./php-memory.js";
import { guardedReason } from "./proxy-routes.js";
import { pubsubHomeFor } from "./store-homes.js";
import { databaseBus } from "./database-bus.js";
import { onlyPort } from "../../../inventory/listen.js";
import { isActiveJob } from "./in-process-jobs.js";
import { queueConsumedInProcess } from "../../../contracts/in-process-queue.js";
import { type CommandAddress, withStoreAddresses } from "./command-addresses.js";

/** Cloud Run's longest request: a websocket stays open at most this long, then the client reconnects. */
export const WEBSOCKET_TIMEOUT_SECONDS = 3600;

function secretsOf(s: Service): string[] {
  // In the case the app reads them (app-env.ts): env names are case-sensitive.
  return s.env.filter(isSecretEnv).sort();
}

/**
 * The port Cloud Run sends requests to, and sets PORT to. 8080, unless nothing would make the
 * process listen there: no server the image binds (web-bind.ts) and no PORT or bind setting in its
 * environment. Then it keeps the one port it listens on on the VM (n8n's main instance on its
 * built-in 5678, its webhook processor on N8N_PORT=5679): a service that starts on a port Cloud Run
 * does not send to never passes its startup probe. An app that does read PORT listens there too,
 * since Cloud Run sets PORT to the container port.
 * https://cloud.google.com/run/docs/container-contract#port
 */
export function containerPort(d: Draft, s: Service): number {
  if (s.env.some((n) => n.toUpperCase() === "PORT" || bindSetting(n))) return PORT;
  // uWSGI switched to an http-socket by the deploy's env (uwsgi-switch.ts) binds PORT, not the VM's socket.
  if (envSwitchesUwsgi(s)) return PORT;
  // The team's own image serves the first web process with its own CMD (deploy-flags.ts passes no
  // command for it): the port that start listens on (team-image.ts). Cloud Run sets PORT to it too.
  const image = imageFor(d.images, s);
  const first = d.inv.services.find((x) => x.role === "web" && imageFor(d.images, x) === image);
  if (image?.team?.port && first === s) return image.team.port;
  const planned = imageFor(d.images, s)?.argv[s.name];
  // With no image planned (no repository at hand) the app's own Dockerfile decides: PORT, as always;
  // unless no language is known, a prebuilt program (a release tarball's binary) whose port comes
  // from its own settings file (Mattermost's config.json ListenAddress ":8065"): no image can make it
  // read PORT, so it keeps the VM's port (Cloud Run sets PORT to that one too).
  // A plain Java server (no framework: Traccar's embedded Jetty on its web.port) reads no PORT either,
  // whoever builds its image: it keeps the VM's port.
  if (!planned?.ok) return s.runtime && !(s.runtime === "java" && !s.framework) ? PORT : vmPort(s);
  if (bindsItself(planned.argv)) return PORT;
  return vmPort(s);
}

/** The one port a process listens on on the VM, else 8080. */
function vmPort(s: Service): number {
  return onlyPort(s.listen) ?? PORT;
}

/** A JVM process: it starts in tens of seconds (class loading, JIT, the app's own start), not in one or two. */
export const isJvm = (s: Service): boolean => /java|spring|tomcat|jetty/i.test(`${s.software} ${s.runtime ?? ""}`);

/**
 * The heap the VM's command gives the JVM (`-Xmx2g`, `-Xmx1536m`), in MiB. The container needs the
 * heap plus the JVM's own memory (metaspace, thread stacks, code cache, direct buffers): with a
 * limit no higher than the heap, Cloud Run kills the instance when the heap fills.
 */
export function jvmHeapMiB(command: string | undefined): number | undefined {
  const m = /(?:^|\s)-Xmx(\d+)([kKmMgG])?(?=\s|$)/.exec(command ?? "");
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = (m[2] ?? "").toLowerCase();
  const mib = unit === "g" ? n * 1024 : unit === "m" ? n : unit === "k" ? n / 1024 : n / 1024 / 1024;
  return mib > 0 ? Math.ceil(mib) : undefined;
}

/** The GiB a JVM needs for a heap of `heapMiB`: the heap plus ~1 GiB of its own, at most Cloud Run's 32. */
const jvmRoomGi = (heapMiB: number): number => Math.min(32, Math.ceil(heapMiB / 1024 + 1));

/**
 * The fewest vCPUs Cloud Run gives that much memory: 4 GiB per vCPU at most, in its CPU steps.
 * https://cloud.google.com/run/docs/configuring/services/memory-limits
 */
const cpuForGi = (gi: number): number => (gi > 4 ? Math.min(8, 2 ** Math.ceil(Math.log2(gi / 4))) : 1);

/**
 * A JVM process's memory and CPU raised to hold the heap its VM command gives it (`-Xmx1g`) plus
 * ~1 GiB for the JVM itself, for a worker pool, a pushed worker or a job whose default (1Gi, 512Mi)
 * is no larger than the heap: Cloud Run kills the instance once the heap fills. Cloud Run allows
 * 4 GiB per vCPU at most, so the CPU follows. Anything else keeps the default.
 */
export function heapSized(s: Service, cpu: string, memory: string): { cpu: string; memory: string } {
  const heap = isJvm(s) ? jvmHeapMiB(s.command) : undefined;
  if (!heap) return { cpu, memory };
  const needGi = jvmRoomGi(heap);
  if (needGi * 1024 <= (memoryMiB(memory) ?? 0)) return { cpu, memory };
  return { cpu: String(Math.max(Number(cpu), cpuForGi(needGi))), memory: `${needGi}Gi` };
}

/** Memory for a JVM web process: 2Gi, or the VM's heap plus 1 GiB for the JVM itself. */
function jvmMemoryGi(s: Service): number {
  const heap = jvmHeapMiB(s.command);
  return Math.max(2, heap ? jvmRoomGi(heap) : 2);
}

/** Requests the VM's synchronous server serves at once (workers × threads), when init read them. */
export function serverSlots(s: Service): number | undefined {
  return s.capacity ? clamp(s.capacity.workers * s.capacity.threads, 1, 1000) : undefined;
}

export function webTarget(d: Draft, s: Service, index: number, websocket: boolean): DeployTarget {
  const flavour = webFlavour(s);
  const workers = flagNumber(s.command, "--workers", "-w") ?? d.inv.host.cpus ?? 2;
  const python = flavour === "python-async" || flavour === "python-wsgi";
  const jvm = isJvm(s);
  const inProcessCron = Boolean(s.inProcessJobs) && !isActiveJob(s);
  // A broker no worker consumes: this process runs its jobs (in-process-queue.ts).
  const inProcessQueue = queueConsumedInProcess(d.inv, s) !== undefined;
  const jvmGi = jvm ? jvmMemoryGi(s) : 0;
  const cpu = python && workers >= 2 ? 2 : jvm ? cpuForGi(jvmGi) : 1;
  const plannedMemory = python ? `${cpu}Gi` : flavour === "node" ? "512Mi" : jvm ? `${jvmGi}Gi` : "1Gi";
  // A synchronous server serves workers × threads requests at once (s.capacity, read by init from
  // its flags and config): Cloud Run sends an instance no more, or they would wait inside it while
  // Cloud Run saw no reason to add an instance. https://cloud.google.com/run/docs/about-concurrency
  const slots = serverSlots(s);
  const requestConcurrency =
    slots ??
    (flavour === "python-async" ? 20 * cpu : flavour === "python-wsgi" ? 8 * cpu : flavour === "node" ? 80 : 40);
  // An open websocket holds a request slot for as long as it lives: an event loop holds thousands,
  // and so does Action Cable, which takes the socket off Puma's thread (Rack hijack) into its own
  // event loop (guides.rubyonrails.org/action_cable_overview.html). A WSGI server's websocket
  // (flask-sock, simple-websocket) keeps its worker thread for as long as it is open: its slots.
  // A PHP app's requests each hold up to memory_limit: as many as the memory holds (php-memory.ts).
  const eventLoop = websocket && !(flavour === "python-wsgi" && slots !== undefined);
  const { memory, concurrency } = eventLoop
    ? { memory: plannedMemory, concurrency: flavour === "node" ? 1000 : Math.max(requestConcurrency, 250) }
    : phpMemorySizing(s, { cpu, memory: plannedMemory, concurrency: requestConcurrency });
  const needed = Math.ceil((plannedPeakRps(d.inv) * REQUEST_SECONDS) / (concurrency * TARGET_UTILISATION));
  const name = claimName(d, index === 0 ? d.base : runName(d.base, s.name));
  const hasBackground = d.plans.some((p) => !["web", "decision", "run-once"].includes(p.target.kind));
  // Events reach clients on other instances only through a shared pub/sub; without one, one instance.
  const sharedBus = pubsubHomeFor(d.stores, s) !== undefined || databaseBus(d, s) !== undefined;
  // Probe a route the app has; with none found, only the port (a TCP startup probe), and the canary
  // asks only that the app answers: an invented /healthz would fail every deploy.
  const route = d.images.health[s.name];
  // gRPC needs HTTP/2 all the way to the container (Cloud Run downgrades other requests to HTTP/1),
  // and an HTTP probe wants HTTP/1: such a service is probed on its port only.
  // https://cloud.google.com/run/docs/triggering/grpc, https://cloud.google.com/run/docs/configuring/healthchecks
  const grpc = (s.protocols ?? []).includes("grpc");
  const guarded = guardedReason(d, s);
  return {
    name,
    kind: "api",
    replaces: [s.name],
    port: containerPort(d, s),
    healthPath: route?.path ?? "/",
    probe: route && !grpc ? "http" : "tcp",
    cpu: String(cpu),
    memory,
    concurrency,
    // Websockets are requests that last: Cloud Run ends them at the request timeout (max 60 min).
    // https://cloud.google.com/run/docs/triggering/websockets
    // A PHP app whose php.ini let a request run longer (Pixelfed's documented 600 s) keeps that
    // time: Cloud Run would otherwise cut requests the VM finished (its maximum is 3600 s).
    timeoutSeconds: websocket
      ? WEBSOCKET_TIMEOUT_SECONDS
      : Math.max(hasBackground ? 60 : 300, Math.min(s.phpIni?.maxExecutionTime ?? 0, 3600)),
    // A websocket service keeps one instance around the clock: clients reconnect at any hour.
    // One instance of an app its docs keep to one process also does the app's timed work (Ghost's
    // default scheduling adapter publishes scheduled posts from inside it): it stays up, with CPU.
    // So does a JVM app: a cold start takes it tens of seconds to minutes, which no user should wait for.
    // Cron workers the process starts itself (in-process-jobs.ts) run only while an instance is up,
    // and so does the queue worker of a broker nothing else consumes.
    minInstances:
      websocket || s.singleInstance || jvm || inProcessCron || inProcessQueue || d.inv.target.businessHours ? 1 : 0,
    // An app whose docs allow one process (s.singleInstance) stays at one, whatever the traffic.
    // The VM's N processes of it (pm2 instances, a Node cluster, a template unit) each served requests.
    maxInstances:
      s.singleInstance || (websocket && !sharedBus) ? 1 : clamp(Math.max(needed * 2, s.instances ?? 1), 3, 100),
    cpuBoost: true,
    serviceAccount: serviceAccountId(name),
    // `all`, not LB-only: the deploy pipeline health-checks the tagged canary revision on its
    // run.app URL from a GitHub runner, which LB-only ingress would block (see decision "edge").
    ingress: "all",
    ...(guarded ? { iamOnly: guarded } : {}),
    ...withImage(d, s),
    ...(websocket ? { sessionAffinity: true } : {}),
    ...(grpc ? { http2: true } : {}),
    ...(s.singleInstance ? { cpuAlwaysAllocated: true, singleInstance: true } : {}),
    // Rails' :async Active Job runs its work on the web process's threads after the response; a
    // queue worker inside the process takes jobs whether a request is in flight or not.
    ...(s.inProcessJobs || inProcessQueue ? { cpuAlwaysAllocated: true } : {}),
    // Without a shared pub/sub a websocket's events reach only the clients of its own process
    // (socket.io's rooms, a collaborative editor's open documents live in that process's memory):
    // a stepped canary would run two revisions side by side, each with its own clients, for the
    // whole bake, so the deploy moves all traffic at once, as for an app its docs keep to one.
    ...(websocket && !sharedBus && !s.singleInstance ? { singleInstance: true } : {}),
  };
}

/** Cloud Tasks push worker (Celery rewritten) or, when a task outlasts a push, a Cloud Run job. */
export function pushTarget(d: Draft, plan: ProcessPlan, name: string): { target: DeployTarget; deadline: number } {
  const s = plan.service;
  const job = plan.target.kind === "long-job";
  const limit = taskLimitSeconds(s);
  const llmMax = d.inv.llm?.latencySeconds?.[1];
  const deadline = clamp(limit ?? (llmMax ? Math.max(60, llmMax * 4) : 600), 15, job ? 3600 : MAX_PUSH_SECONDS);
  const concurrency = job ? 1 : clamp(flagNumber(s.command, "--concurrency", "-c") ?? 4, 1, 1000);
  const inFlight = plannedPeakRps(d.inv) * TASKS_PER_REQUEST * taskSeconds(d.inv);
  return {
    deadline,
    target: {
      name,
      kind: job ? "job" : "worker",
      replaces: [s.name],
      port: PORT,
      healthPath: HEALTH_PATH,
      ...heapSized(s, "1", "1Gi"),
      concurrency,
      timeoutSeconds: deadline,
      minInstances: 0,
      // The VM's N processes of this kind (s.instances) each took `concurrency` tasks at once.
      maxInstances: clamp(Math.max(Math.ceil((inFlight / concurrency) * 2), s.instances ?? 1), 3, 100),
      cpuBoost: true,
      serviceAccount: serviceAccountId(name),
      // Cloud Tasks pushes from the same project count as internal (cloud.google.com/run/docs/securing/ingress).
      ingress: "internal",
      secrets: secretsOf(s),
    },
  };
}

/**
 * A process that must keep running with no request to wake it: a Cloud Run worker pool (no
 * endpoint, no request timeout, a fixed instance count). Schedulers and loops run one instance,
 * as on the VM; queue consumers as many as today's peak needs. A pool does not autoscale and
 * bills every second, so it is sized for today and raised as traffic grows (the decision says so).
 * https://cloud.google.com/run/docs/deploy-worker-pools
 */
export function alwaysOnTarget(d: Draft, plan: ProcessPlan, name: string): DeployTarget {
  const s = plan.service;
  const singleton = plan.target.kind === "always-on" && plan.target.singleton;
  const counted = workerThreads(s, d.repoDir);
  const threads = counted.threads;
  // Each thread holds its own database connection: the connection budget counts them (data.ts).
  if (counted.source !== "assumed" && counted.connectionEach)
    d.notes.workerThreads = { ...d.notes.workerThreads, [name]: counted };
  const inFlight = (plannedPeakRps(d.inv) / d.inv.traffic.growth) * TASKS_PER_REQUEST * taskSeconds(d.inv);
  // The VM runs N of these (a template unit enabled N times): one pool instance each does the same work.
  const instances = singleton ? 1 : clamp(Math.max(Math.ceil(inFlight / threads), s.instances ?? 1), 1, 10);
  return {
    name,
    kind: "worker-pool",
    replaces: [s.name],
    port: PORT,
    healthPath: HEALTH_PATH,
    // Many threads or forked children each hold their own memory; a JVM its heap (heapSized).
    ...heapSized(s, "1", threads > 4 ? "2Gi" : "1Gi"),
    concurrency: 1,
    timeoutSeconds: 3600,
    minInstances: instances,
    maxInstances: instances,
    cpuBoost: false,
    serviceAccount: serviceAccountId(name),
    ingress: "internal",
    ...withImage(d, s),
  };
}

/** A cron entry becomes a Cloud Run job running the same command in the app's image. */
export function cronJobTarget(d: Draft, s: Service): DeployTarget {
  const name = claimName(d, runName(d.base, s.name));
  return {
    name,
    kind: "job",
    replaces: [s.name],
    port: PORT,
    healthPath: HEALTH_PATH,
    ...heapSized(s, "1", "512Mi"),
    concurrency: 1,
    timeoutSeconds: 3600,
    minInstances: 0,
    maxInstances: 1,
    cpuBoost: false,
    serviceAccount: serviceAccountId(name),
    ingress: "internal",
    ...withImage(d, s),
  };
}

/**
 * The process's command in its image (src/image: tools on PATH, the app's paths under the image's
 * WORKDIR, web servers on 0.0.0.0:8080), else the VM's command cleaned up (cron-command.ts); none
 * when it needs a shell. A process of another runtime than the app's main one (Mastodon's Node
 * streaming server) is built from that runtime's own Dockerfile. A command whose VM form held a
 * credential runs through sh -c reading it from a secret of its own (image/command-credentials.ts).
 */
export function withImage(
  d: Draft,
  s: Service,
): Pick<DeployTarget, "command" | "args" | "source"> & { secrets: string[] } {
  const image = imageFor(d.images, s);
  const own = image && ((d.images.main && image.runtime !== d.images.main) || image.checkout);
  const source = own ? { source: { context: image.context ?? ".", dockerfile: image.dockerfile } } : {};
  const command = processCommand(d, s);
  // A credential the VM's command line held: read from its secret, or no command at all (never an empty one).
  if (command && carriesCredential(command)) {
    const carried = carryCredentials(s.name, command);
    return carried.ok
      ? { command: carried.argv, secrets: [...new Set([...secretsOf(s), ...carried.secrets])].sort(), ...source }
      : { secrets: secretsOf(s), ...source };
  }
  // The team's image may start it through its ENTRYPOINT script (image/team-image.ts teamRun).
  // A store's VM address on the command line becomes the deploy's placeholder (command-addresses.ts).
  const addressed = command && withStoreAddresses(d, command).argv;
  const run = addressed ? teamRun(addressed, image?.team) : undefined;
  return {
    ...(run && "args" in run ? { args: run.args } : addressed ? { command: addressed } : {}),
    secrets: secretsOf(s),
    ...source,
  };
}

/** The store addresses a process's command names on the VM, which its deploy replaces. */
export function commandAddressesOf(d: Draft, s: Service): CommandAddress[] {
  const command = processCommand(d, s);
  if (!command || carriesCredential(command)) return [];
  return withStoreAddresses(d, command).replaced;
}

function processCommand(d: Draft, s: Service): string[] | undefined {
  const image = imageFor(d.images, s);
  const planned = image?.argv[s.name];
  const fallback = cronArgv(s.command, d.images.root);
  // A process from another checkout runs its own image's start command: the VM's paths mean nothing there.
  return image?.checkout ? undefined : planned?.ok ? safeArgv(planned.argv) : fallback.ok ? fallback.argv : undefined;
}
