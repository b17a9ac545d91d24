// mapping.json entries for the processes: where each one runs, why, and what the app must change.
import { commandAddressesOf, isJvm, jvmHeapMiB } from "./compute.js";
import { commandAddressChange } from "./command-addresses.js";
import type { Service } from "../../../inventory/schema.js";
import { type DeployTarget, hasCanary, lockedShare, startText } from "../../../contracts/deployment.js";
import type { MappingEntry } from "../schema.js";
import { embedsCeleryBeat, flagNumber, isBrokerEnv, plannedPeakRps, taskLimitSeconds } from "./classify.js";
import { carriesCredential, carryCredentials } from "../../../image/command-credentials.js";
import { cronArgv } from "./cron-command.js";
import { foreignProgram } from "./foreign-program.js";
import { commandDecisionName } from "./command-hold.js";
import { serverSlots } from "./compute.js";
import type { Draft } from "./draft.js";
import { dropModelKeys, taskQueues } from "./mapping-shared.js";
import type { ProcessPlan } from "./processes.js";
import { QUEUE_LABEL, SCHEDULER_LABEL, usesRedisBroker } from "../../../contracts/queue-systems.js";
import { runName } from "./names.js";
import { imageFor } from "../../../image/plan.js";
import { phpMemoryNote } from "./php-memory.js";
import { forkedWorkersChange } from "./forked-workers.js";
import { isAmqp, pubsubHomeFor, speaksKafka } from "./store-homes.js";
import { databaseBus } from "./database-bus.js";
import { websocketFanOutAdvice } from "./websocket-fanout.js";
import { servesUwsgiProtocol, uwsgiPortChange } from "./uwsgi-switch.js";
import {
  inProcessJobsChange,
  inProcessJobsReason,
  inProcessQueueChange,
  inProcessQueueReason,
} from "./in-process-jobs.js";
import { queueConsumedInProcess } from "../../../contracts/in-process-queue.js";
import { secondHttpPortChange } from "./second-http-port.js";
import { ownTlsChange } from "./own-tls.js";

const PUSH_LIMITS =
  "Cloud Tasks HTTP targets wait at most 30 min for a reply (dispatch deadline 15 s–30 min) and a Cloud Run request may last up to 60 min";

export const targetOf = (d: Draft, s: Service): DeployTarget | undefined =>
  d.services.find((t) => t.replaces.includes(s.name));

export function clipText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** How to add a cheap health route, in the app's own framework. */
export function healthRouteHint(s: Service): string {
  const f = `${s.framework ?? ""} ${s.software} ${s.runtime ?? ""}`.toLowerCase();
  if (/django/.test(f)) return '`path("healthz", lambda request: HttpResponse("ok"))` in the root urls.py';
  if (/fastapi|uvicorn/.test(f)) return '`@app.get("/healthz")` returning `{"ok": True}` in the app module';
  if (/flask/.test(f)) return '`@app.get("/healthz")` returning `"ok"` in the app module';
  if (/rails|puma|ruby/.test(f)) return '`get "up" => "rails/health#show"` in config/routes.rb (Rails 7.1+)';
  if (/laravel|artisan/.test(f)) return "`health: '/up'` in bootstrap/app.php's withRouting (Laravel 11+)";
  // Symfony has no built-in health route: a controller action returning a constant Response.
  if (/symfony/.test(f))
    return "a controller action `#[Route('/healthz')]` returning `new Response('ok')` (no database)";
  if (/php/.test(f)) return "a healthz.php in the document root that prints `ok` without touching the database";
  if (/spring/.test(f)) return "the spring-boot-starter-actuator dependency (/actuator/health)";
  // A servlet container (Tomcat, Jetty) or another JVM framework: a servlet is what every one of them serves.
  if (/java|tomcat|jetty|jvm/.test(f))
    return '`@WebServlet("/healthz")` on a servlet whose doGet writes "ok" (or the framework\'s own health endpoint: Spring Boot\'s actuator, Quarkus\'s smallrye-health)';
  if (/\bgo\b/.test(f)) return '`http.HandleFunc("/healthz", …)` writing "ok" in main.go';
  if (/node|express|next|nest/.test(f)) return '`app.get("/healthz", (req, res) => res.send("ok"))` in the entry file';
  return "a GET /healthz that answers 200 without touching the database";
}

/**
 * What the app changes to answer on Cloud Run's port. An image that serves the app itself (PHP's
 * Apache, Spring Boot started with --server.port) needs nothing; PHP-FPM speaks FastCGI, not HTTP,
 * so "listen on PORT" would be wrong advice for it.
 */
function portChange(d: Draft, s: Service, port: number): string {
  const image = imageFor(d.images, s);
  if (image?.content && image.serves) return `Nothing to change for the port: ${image.serves}.`;
  if (servesUwsgiProtocol(s)) return uwsgiPortChange(d, s, port);
  if (/php-fpm/i.test(`${s.software} ${s.command ?? ""}`))
    return `PHP-FPM speaks FastCGI, not HTTP: the image needs a web server that answers HTTP on the PORT environment variable (${port}) and runs the PHP code (Apache with mod_php, FrankenPHP, or nginx with PHP-FPM under one supervisor).`;
  // The listener is set in a settings file the command names (Gitea's [server], listmonk's
  // [app] address) or one the app reads from its folder (HedgeDoc's config.json, a secret file of
  // every app process): the app reads it there, not PORT; the file's edits say what changes.
  const file = (d.inv.secretFiles ?? []).find(
    (f) => f.server && (f.services?.length ? f.services.includes(s.name) : true),
  );
  if (file?.server) {
    const keys = [...new Set([file.server.addrKey, file.server.portKey].filter(Boolean))].join(" and ");
    return `Listen on 0.0.0.0:${port}, set in ${file.path} ([${file.server.section}] ${keys}), not from PORT: the stored copy of that secret file takes the edit the plan gives.`;
  }
  return `Listen on the PORT environment variable (${port}) on 0.0.0.0.`;
}

export function webEntry(d: Draft, plan: ProcessPlan & { target: { kind: "web" } }): MappingEntry {
  const s = plan.service;
  const t = targetOf(d, s)!;
  const route = d.images.health[s.name];
  // Only a public service gets a canary (cicd's rolloutStrategy): an IAM-only one is deployed
  // straight to 100% behind the readiness gate, so its text must not promise a canary check.
  const canary = hasCanary(t);
  const checks = canary
    ? "the canary GETs it and wants a 2xx"
    : lockedShare(t)
      ? "its deploys go straight to the new revision once it is ready (no canary: a second revision would also write the locked files on its share)"
      : "its deploys go straight to the new revision once it is ready (no canary: its URL is private)";
  const changes = [
    route && t.probe === "http"
      ? `Keep ${t.healthPath} cheap (found in ${route.source}): the startup and liveness probes${canary ? " and the canary GET it and want" : " GET it and want"} a 2xx${canary ? "" : `; ${checks}`}.`
      : route
        ? `Keep ${t.healthPath} cheap (found in ${route.source}): ${checks}; the startup probe checks only port ${t.port} (see the gRPC change below).`
        : `No health route was found, so the startup probe only checks that port ${t.port} accepts connections${canary ? ` and the canary only asks that ${t.healthPath} answers below 500` : `; ${checks}`}.${t.http2 ? "" : imageFor(d.images, s)?.release ? ` ${s.name} runs a prebuilt release: no route can be added to its code here. If its documentation names a health endpoint, probe that one: \`--startup-probe=httpGet.path=PATH,port=${t.port}\` on its deploy and \`--health-path PATH --health-mode route\` (in place of \`reachable\`) on its canary step in the deploy workflow.` : ` Add one for real probes: ${healthRouteHint(s)}; run the design again and it switches to HTTP probes on it.`}`,
    portChange(d, s, t.port),
  ];
  const start = d.notes.startNotes?.[t.name];
  if (start) changes.push(start);
  const addresses = commandAddressChange(s, commandAddressesOf(d, s));
  if (addresses) changes.push(addresses);
  // https://cloud.google.com/run/docs/triggering/grpc, https://cloud.google.com/run/docs/configuring/http2
  if (t.http2)
    changes.push(
      `It speaks gRPC: the service runs with end-to-end HTTP/2 (--use-http2), so the container gets cleartext HTTP/2 (h2c) on PORT for every request, gRPC or not. gRPC servers (grpc-go, grpcio, @grpc/grpc-js, grpc-java) serve h2c as they are; plain HTTP routes on that port need an h2c-capable server (Go: golang.org/x/net/http2/h2c). Check with curl --http2-prior-knowledge http://localhost:PORT. HTTP probes need HTTP/1, so the startup probe checks the port only; implement grpc.health.v1 for a real probe.`,
    );
  if (/django/i.test(`${s.framework ?? ""} ${s.software}`))
    changes.push(
      canary
        ? "Add .run.app to ALLOWED_HOSTS next to the public domain: the canary checks each new revision at its run.app URL, and Django answers 400 to a host it does not know."
        : "Add .run.app to ALLOWED_HOSTS: the service is reached only at its run.app URL (gcloud run services proxy sends that host), and Django answers 400 to a host it does not know.",
    );
  // A service's URL serves it at /; keeping a path below it takes a load balancer whose URL map
  // routes that path to the service (https://cloud.google.com/load-balancing/docs/url-map-concepts).
  if (s.urlPath)
    changes.push(
      `On the VM this app answers under ${s.urlPath}; Cloud Run serves it at /, and so does the generated image. Either give it a host name of its own and set the app's base path (the URL its links, redirects and rewrite rules start from) to /, or keep ${s.urlPath}: a load balancer route for ${s.urlPath}/* to this service, and the image serving the app under ${s.urlPath} (an Apache Alias, or its server's path prefix setting).`,
    );
  const brokerEnv = s.env.filter(isBrokerEnv);
  if (taskQueues(d).length && d.plans.some((p) => p.target.kind === "push"))
    changes.push(
      `Enqueue background work with the Cloud Tasks client (HTTP target = the worker URL + /tasks, OIDC token of ${t.serviceAccount}) instead of task.delay()${brokerEnv.length ? `; drop ${brokerEnv.join(", ")}` : ""}.`,
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
    startupProbe: t.probe === "tcp" ? `tcp:${t.port}` : t.healthPath,
    ...(t.probe === "tcp" ? {} : { livenessProbe: t.healthPath }),
    ingress: t.ingress,
    serviceAccount: t.serviceAccount,
  };
  const php = [capacityNote(s, t, plan.target.websocket === true), phpMemoryNote(s, t), vmInstancesNote(s, t)]
    .filter(Boolean)
    .join(" ");
  let reason = `${s.software} is a stateless HTTP app: Cloud Run runs it as revisions behind one URL, scales on concurrent requests (${t.concurrency} per instance, ${t.cpu} vCPU) up to ${t.maxInstances} instances for the growth target, and shifts traffic between revisions without downtime.${php ? ` ${php}` : ""}`;
  const heap = heapChange(s, t);
  if (heap) changes.push(heap);
  const forked = forkedWorkersChange(d, s, t);
  if (forked) changes.push(forked);
  if (t.http2) {
    settings.http2 = true;
    reason += " It speaks gRPC, over end-to-end HTTP/2.";
  }
  if (t.iamOnly) {
    reason += ` It stays private: ${t.iamOnly}.`;
    changes.push(
      `Open ${t.name} with \`gcloud run services proxy ${t.name} --region=${d.inv.target.region} --project=${d.project.id}\` (your own Google login, with roles/run.invoker on it), or put Identity-Aware Proxy in front of it; never add an allUsers binding: it would be open to everyone without the login the proxy asked for.`,
    );
  }
  if (s.singleInstance) {
    settings.cpuAlwaysAllocated = true;
    reason = `${s.name} runs as one instance only: ${s.singleInstance}. Cloud Run keeps exactly one (min and max instances 1, CPU allocated between requests, as the process also does the app's timed work such as publishing scheduled posts); more traffic is for a CDN in front, not for more instances.${t.iamOnly ? ` It stays private: ${t.iamOnly}.` : ""}`;
    changes.push(
      `Keep max-instances at 1 for ${t.name}: a second instance would run the app's scheduled work twice and serve from caches the first never sees.${canary ? " For the same reason its deploys move 100% of traffic to the new revision at once after its tagged URL answers, not a 10/50/100 canary that runs both revisions for the bake (newsletters sent twice); a failed check still rolls back to the previous revision." : ""}`,
    );
  }
  if (plan.target.websocket) {
    const home = pubsubHomeFor(d.stores, s);
    const dbBus = home ? undefined : databaseBus(d, s);
    const bus = home?.service.name ?? (dbBus && `${dbBus.adapter} on Cloud SQL`);
    const amqp = home && isAmqp(home.service);
    settings.sessionAffinity = true;
    reason = `${s.software} holds websocket connections. Cloud Run serves websockets as long requests: request timeout ${t.timeoutSeconds} s (the maximum), session affinity so a reconnecting client tends to return to its instance, ${t.minInstances} instance kept warm, ${t.concurrency} connections per instance. Affinity is best effort, so events must reach clients on every instance: ${amqp ? `each instance subscribes to ${bus} (${home.service.software}) itself, so every instance receives every event` : dbBus ? `${dbBus.adapter} keeps every broadcast in the cable database (${dbBus.setting}) on Cloud SQL, which every instance polls` : bus ? `they travel over Redis pub/sub on Memorystore (${bus})` : "there is no shared pub/sub yet, so the service is capped at one instance"}.`;
    // The reason stays short (the mapping caps it): what the threads mean for HTTP is a change to weigh.
    const slots = capacityNote(s, t, true);
    if (slots) changes.push(slots);
    // Capped at one instance for want of a bus: that instance carries the growth target alone.
    if (!bus && t.maxInstances === 1)
      changes.push(
        `One instance takes all of ${t.name}'s traffic at the growth target (about ${Math.round(plannedPeakRps(d.inv))} requests/s at peak, and every open connection): load-test one instance (${t.cpu} vCPU, ${t.memory}) at that rate before the cut-over, and raise its CPU and memory, or give the fan-out a shared bus and lift the cap, if it cannot keep up.`,
      );
    changes.push(
      "Clients must reconnect when a connection closes: Cloud Run ends every websocket at the request timeout (60 minutes at most).",
      amqp
        ? `Its events arrive over AMQP from ${bus}: keep one queue per instance bound to the exchange (exclusive, auto-delete), never one shared queue that would hand each event to one instance only; where ${bus} runs is decided in its own entry.`
        : dbBus
          ? `Keep Action Cable on ${dbBus.adapter} (config/cable.yml's production adapter) with ${dbBus.setting} naming the cable database on Cloud SQL, never the async adapter: every instance polls that database, so another instance's clients get each broadcast; a Redis is not needed for it.`
          : bus
            ? `Keep the websocket fan-out (Channels' Redis channel layer, ActionCable's redis adapter, socket.io's Redis adapter, or the app's own Redis subscriber) pointed at Memorystore (${bus}), never at in-process memory.`
            : websocketFanOutAdvice(d, s),
    );
  }
  // Its own TLS on 443 beside a port-80 redirect is one listener's job moving to Google's front
  // end, not a second port whose paths need a home.
  const ownTls = ownTlsChange(d.inv, s);
  const secondPort = ownTls ? undefined : secondHttpPortChange(s);
  if (ownTls) changes.push(ownTls);
  if (secondPort) changes.push(secondPort);
  if (s.inProcessJobs) {
    settings.cpuAlwaysAllocated = true;
    if (!s.singleInstance) reason = fitReason([reason, inProcessJobsReason(s)]);
    changes.push(inProcessJobsChange(s, t));
  }
  const broker = queueConsumedInProcess(d.inv, s);
  if (broker) {
    settings.cpuAlwaysAllocated = true;
    reason = fitReason([reason, inProcessQueueReason(broker)]);
    changes.push(inProcessQueueChange(s, t, broker));
  }
  const ai = d.notes.ai;
  if (ai && t.kind === "api") {
    changes.push(
      ai.gateway
        ? `Stop calling the model inside requests: after the app's own authentication, forward AI requests server-side to the private AI gateway ${ai.gateway.name} (AI_GATEWAY_URL, with a Google-signed ID token of ${t.serviceAccount}); it answers 202 with a status URL and enqueues on ${ai.queue}, and ${ai.worker} makes the call. ${ai.gateway.why}, so the enqueue side is a service of its own (llmops' gateway.py).`
        : `Stop calling the model inside requests: accept AI requests with 202 and a status URL, enqueue them on ${ai.queue} (the llmops phase's api_handler.py router does both); ${ai.worker} makes the call.`,
    );
    settings.aiWorker = ai.worker;
    settings.aiQueue = ai.queue;
    if (ai.gateway) settings.aiGateway = ai.gateway.name;
  }
  changes.push(...dropModelKeys(d, s));
  return {
    service: s.name,
    target: { kind: "cloud-run-service", name: t.name },
    reason,
    settings,
    appChanges: changes,
  };
}

/** The VM's -Xmx against the target's memory limit (compute.ts heapSized gave it room), for any JVM process. */
function heapChange(s: Service, t: DeployTarget): string | undefined {
  const heap = jvmHeapMiB(s.command);
  if (!heap) return jvmOptionsChange(s, t);
  return `The VM gives ${s.name}'s JVM a heap of ${heap >= 1024 && heap % 1024 === 0 ? `${heap / 1024} GiB` : `${heap} MiB`} (-Xmx): ${t.memory} leaves the JVM about 1 GiB of its own beyond it (metaspace, threads, buffers), since Cloud Run kills an instance that passes its memory limit. Keep -Xmx below the limit in the image's command (or set -XX:MaxRAMPercentage=75 in JAVA_TOOL_OPTIONS instead), and raise both together.`;
}

/**
 * Env names the JVM (or its launcher: Tomcat's catalina.sh, Elasticsearch's ES_JAVA_OPTS) reads its
 * flags from. Their values come from the VM's env file, heap and all.
 */
const JVM_OPTIONS_ENV =
  /^(JAVA_OPTS|JAVA_OPTIONS|JDK_JAVA_OPTIONS|JAVA_TOOL_OPTIONS|_JAVA_OPTIONS|CATALINA_OPTS|[A-Z0-9]+_JAVA_OPTS)$/;

/**
 * A JVM process whose flags come from an env setting rather than its command: the values are copied
 * from the VM, where a heap sized for the VM's memory (-Xmx6g on an 8 GiB host) is normal and the
 * instance's limit kills the JVM before its heap fills.
 */
function jvmOptionsChange(s: Service, t: DeployTarget): string | undefined {
  if (!isJvm(s)) return undefined;
  const names = s.env.filter((e) => JVM_OPTIONS_ENV.test(e.toUpperCase()));
  if (!names.length) return undefined;
  return `${names.map((n) => `\`${n}\``).join(", ")} carr${names.length === 1 ? "ies" : "y"} ${s.name}'s JVM flags from the VM, where a heap is sized for the whole host: check any -Xmx or -Xms in ${names.length === 1 ? "it" : "them"} before the first deploy. ${t.memory} must hold the heap plus about 1 GiB of the JVM's own (metaspace, threads, buffers), since Cloud Run kills an instance that passes its memory limit; -XX:MaxRAMPercentage=75 in place of -Xmx follows the limit.`;
}

export function pushEntry(d: Draft, plan: ProcessPlan): MappingEntry {
  const s = plan.service;
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
  if (plan.target.kind === "long-job")
    return {
      service: s.name,
      target: { kind: "cloud-run-job", name: t.name },
      reason: `Celery is rewritten to push (decision "workers"), but a task may run ${limit} s, beyond what a push can wait (${PUSH_LIMITS}). A Cloud Run job execution runs to completion (task timeout up to 24 h) and is started per batch.`,
      settings,
      appChanges: [
        `Turn the long task into a job entry point that reads its input from arguments or the database and exits 0 when done.`,
        `Start executions through the Cloud Run Admin API (jobs.run with overrides) instead of enqueueing to the broker.`,
        ...dropModelKeys(d, s),
      ],
    };
  const queue = taskQueues(d).find((q) => q.target === t.name);
  if (queue) settings.queue = queue.name;
  return {
    service: s.name,
    target: { kind: "cloud-run-worker", name: t.name },
    reason: fitReason([
      `Celery is rewritten to push (decision "workers"): ${PUSH_LIMITS}; ${limit ? `the worker's own limit is ${limit} s` : `tasks are expected to finish well under ${t.timeoutSeconds} s`}. Cloud Tasks retries with backoff, rate-limits dispatch and scales the worker to zero between bursts.`,
      vmInstancesNote(s, t),
    ]),
    settings,
    appChanges: [
      `Expose each task as POST /tasks (JSON body names the task and its arguments) and reply 2xx only when it is done; a 429/503 reply slows the queue.`,
      `Make tasks idempotent: delivery is at least once; name tasks (task id) to de-duplicate enqueues.`,
      // Commands can be long (inventory allows 4,000 chars); the schema caps this text at 600.
      `Stop running "${clipText(s.command ?? `${s.software} worker`, 160)}"; the HTTP handler replaces the consumer loop.`,
      ...(embedsCeleryBeat(s.command)
        ? [
            "Beat ran inside this worker (-B): each periodic task of the app's beat schedule becomes a Cloud Scheduler job that POSTs it to the worker, as a separate beat's would; without them the periodic tasks stop.",
          ]
        : []),
      ...dropModelKeys(d, s),
    ],
  };
}

/**
 * Where a pulling worker's jobs live after the move, read from the broker's own home (store-homes.ts)
 * rather than from the queue system's name: a Celery worker whose broker is not on the VM keeps
 * that broker, and Laravel's database queue (BookStack) has no broker to move.
 */
function jobsHome(d: Draft, plan: ProcessPlan): string {
  const broker = d.stores.find((h) => h.consumers.some((c) => c.service === plan.service));
  if (!usesRedisBroker(plan.queue!)) return "its jobs stay in the application database";
  if (broker?.home === "memorystore-redis")
    return broker.brokerSwitch
      ? `its broker moves from ${broker.brokerSwitch} to Memorystore for Redis`
      : "its broker moves to Memorystore for Redis";
  if (broker?.home === "none")
    return speaksKafka(broker.service)
      ? `its broker ${broker.service.name} (${broker.service.software}) goes where the decision on ${broker.service.name} puts it (Managed Service for Apache Kafka keeps its clients)`
      : `its broker ${broker.service.name} (${broker.service.software}) has no managed equivalent on Google Cloud: see the decision on ${broker.service.name}`;
  // A stream consumer's broker goes to Pub/Sub; Cloud Tasks and Memcached carry no pulled jobs.
  if (broker) return `its broker ${broker.service.name} moves to ${broker.home === "pubsub" ? "Pub/Sub" : broker.home}`;
  if (plan.queue === "laravel")
    return "its jobs stay in the database queue (no Redis among its dependencies), which moves with the database";
  // Messenger with no broker among its dependencies consumes the Doctrine transport: a table in the
  // app's database (https://symfony.com/doc/current/messenger.html#doctrine-transport).
  if (plan.queue === "symfony_messenger")
    return "its messages stay in the Doctrine transport's table (no broker among its dependencies), which moves with the database";
  return "its broker is not one of the VM's services, so it keeps the broker URL its settings name (reach it from Cloud Run, or move it)";
}

/**
 * Why the concurrency follows the VM's server: its workers × threads. With websockets on Puma,
 * Action Cable holds the connections off the threads, so the concurrency counts connections, and
 * plain HTTP requests beyond the threads wait: say so, and the way out (/cable on its own service).
 */
export function capacityNote(s: Service, t: DeployTarget, websocket: boolean): string | undefined {
  const slots = serverSlots(s);
  if (!s.capacity || !slots) return undefined;
  const { workers, threads } = s.capacity;
  const server = /php-fpm/.test(s.software)
    ? `PHP-FPM's pool runs at most ${workers} PHP process${workers === 1 ? "" : "es"} on the VM (pm.max_children), one request each`
    : `${s.software} runs ${workers} worker${workers === 1 ? "" : "s"} × ${threads} thread${threads === 1 ? "" : "s"} on the VM`;
  if (t.concurrency === slots)
    return `Concurrency ${slots}: ${server}, so one instance serves ${slots} request${slots === 1 ? "" : "s"} at once; Cloud Run sends it no more and adds instances instead of queueing requests inside one.`;
  if (websocket && s.runtime === "ruby")
    return `Concurrency ${t.concurrency} counts open websockets: Action Cable takes each connection off Puma's threads (Rack socket hijacking, its own event loop), so they do not hold the ${slots} request slot${slots === 1 ? "" : "s"} (${server}). Plain HTTP requests do: Cloud Run may send one instance up to ${t.concurrency} at once, and those beyond ${slots} wait inside it. If HTTP latency rises under load, serve /cable from a Cloud Run service of its own (same image, a load balancer route for /cable) and give this one concurrency ${slots}.`;
  return undefined;
}

/** The mapping's reason (at most 800 characters): the parts that fit, in order. */
function fitReason(parts: Array<string | undefined>): string {
  let out = "";
  for (const part of parts.filter(Boolean)) if (`${out} ${part}`.trim().length <= 800) out = `${out} ${part}`.trim();
  return out;
}

/** A process the VM runs N times (a template unit enabled as @1, @2): what the target does about it. */
export function vmInstancesNote(s: Service, t: DeployTarget): string | undefined {
  const n = s.instances;
  if (!n) return undefined;
  const how = s.systemdUnit?.endsWith("@.service")
    ? `${s.systemdUnit} is enabled ${n} times`
    : `${n} processes run ${s.software}`;
  const each = flagNumber(s.command, "--concurrency", "-c", "--threads", "--workers", "-w");
  const work = each ? `${n} × ${each} = ${n * each} jobs at once` : `${n}× the work of one`;
  const sized =
    t.kind === "worker-pool"
      ? t.minInstances >= n
        ? `the pool keeps ${t.minInstances} instances, at least one per VM process`
        : `the pool is pinned at ${t.minInstances} instance${t.minInstances === 1 ? "" : "s"} (see above), fewer than the VM ran`
      : `it scales up to ${t.maxInstances} instances, no fewer than the VM's processes`;
  return `On the VM ${how} with the same command: ${work}. ${t.name} is one target for all of them; ${sized}.`;
}

function alwaysOnReason(d: Draft, plan: ProcessPlan, t: DeployTarget): string {
  const count = `${t.minInstances} instance${t.minInstances === 1 ? "" : "s"}`;
  const pool = `A Cloud Run worker pool keeps ${count} running with no endpoint and no request timeout`;
  const target = plan.target as { kind: "always-on"; role: string };
  if (plan.queue) {
    const label = QUEUE_LABEL[plan.queue];
    const home = jobsHome(d, plan);
    return `${label} worker: it pulls jobs itself, so it must always run rather than wait for a request; ${home}. ${pool}: a long job runs to its end.`;
  }
  if (target.role === "scheduler")
    return `${SCHEDULER_LABEL[plan.scheduler ?? "generic"]} must run exactly once, or periodic work runs twice or never. ${pool}, pinned at one instance (never scaled out).`;
  if (target.role === "consumer") {
    const broker = d.inv.services.find((x) => plan.service.dependsOn.includes(x.name) && x.role === "broker");
    const what = broker && broker.software !== broker.name ? ` (${broker.software})` : "";
    return `It consumes messages${broker ? ` from ${broker.name}${what}` : ""}: it pulls its work itself, so it must always run rather than wait for a request${broker ? `, reaching the broker wherever ${broker.name}'s entry puts it` : ""}. ${pool}${t.minInstances === 1 ? ": one instance, as on the VM" : ""}.`;
  }
  if (target.role === "stream")
    return `It consumes a stream with its own offsets. ${pool}; it keeps consuming as on the VM.`;
  return `It runs in a loop and acts on its own clock (nothing calls it). ${pool}: one instance, as on the VM.`;
}

export function alwaysOnEntry(d: Draft, plan: ProcessPlan): MappingEntry {
  const s = plan.service;
  const t = targetOf(d, s)!;
  const changes: string[] = [];
  const start = startText(t);
  if (start) changes.push(`The worker pool runs ${start} in the app's image${entrySetUp(t)}.`);
  else
    changes.push(
      `"${clipText(s.command ?? s.software, 160)}" cannot run as a plain container command: put it in a script in the image, set the worker pool's command to it, and add it to services[].command.${heldNote(d, s)}`,
    );
  if (plan.queue === "celery" && embedsCeleryBeat(s.command))
    changes.push(
      `Beat runs inside this worker (-B), so the pool stays at one instance: a second would send every periodic task again. To scale the worker, run \`celery beat\` with the same app (-A) as its own one-instance worker pool and drop -B (Celery's docs: -B is for development; start beat separately in production).`,
    );
  const home = d.stores.find((h) => h.consumers.some((c) => c.service === s) && h.brokerSwitch);
  if (home)
    changes.push(
      `Point CELERY_BROKER_URL at Memorystore (redis://ADDRESS:6379/0) instead of ${home.brokerSwitch}, and install Celery's Redis support (celery[redis]).`,
    );
  if (plan.scheduler === "celery-beat")
    changes.push(
      "A deploy replaces the beat instance: keep the schedule in the database (django-celery-beat) or accept that a tick at the switch may be skipped.",
    );
  if (t.volumes?.length && plan.target.kind === "always-on" && plan.target.role === "loop")
    changes.push(
      "If it watches a folder, make it poll: file events (inotify) do not fire on a Cloud Storage volume (paperless-ngx: PAPERLESS_CONSUMER_POLLING).",
    );
  const addresses = commandAddressChange(s, commandAddressesOf(d, s));
  if (addresses) changes.push(addresses);
  const heap = heapChange(s, t);
  if (heap) changes.push(heap);
  changes.push(...dropModelKeys(d, s));
  return {
    service: s.name,
    target: { kind: "cloud-run-worker-pool", name: t.name },
    reason: fitReason([alwaysOnReason(d, plan, t), vmInstancesNote(s, t)]),
    settings: {
      instances: t.minInstances,
      cpu: t.cpu,
      memory: t.memory,
      cpuAlwaysAllocated: true,
      serviceAccount: t.serviceAccount,
    },
    appChanges: changes,
  };
}

/** Said of a target started through its image's ENTRYPOINT script: what Cloud Run's --args keep. */
const entrySetUp = (t: Pick<DeployTarget, "args">): string =>
  t.args?.length ? " (--args go to the script and --command is left empty, so its set-up runs first)" : "";

export function cronEntry(d: Draft, s: Service): MappingEntry {
  const job = d.schedules.find((j) => j.replaces.includes(s.name));
  const runJob = targetOf(d, s)!;
  return {
    service: s.name,
    target: { kind: "cloud-run-job", name: runJob.name },
    reason: `A crontab entry on one VM stops when the VM does and logs nowhere. Cloud Scheduler${job ? ` (${job.name})` : ""} starts the Cloud Run job ${runJob.name} on the same schedule, with retries and logs per execution.`,
    settings: {
      schedule: job?.schedule ?? "set by hand",
      timeZone: job?.timeZone ?? "Etc/UTC",
      trigger: job?.name ?? "none",
      timeoutSeconds: runJob.timeoutSeconds,
    },
    appChanges: [...cronAppChanges(d, s), ...[heapChange(s, runJob)].filter((c): c is string => c !== undefined)],
  };
}

export function beatToSchedulerEntry(d: Draft, s: Service): MappingEntry {
  const job = d.schedules.find((j) => j.replaces.includes(s.name));
  return {
    service: s.name,
    target: { kind: "cloud-scheduler", name: job?.name ?? runName(d.base, `${s.name}-trigger`) },
    reason: `Celery is rewritten to push (decision "workers"), and beat with it: each periodic task becomes a Cloud Scheduler job that POSTs to the worker with an OIDC token, with retries; nothing has to run exactly once.`,
    settings: job
      ? { schedule: job.schedule, timeZone: job.timeZone, target: job.target }
      : { jobs: "one per beat_schedule entry" },
    appChanges: [
      `List the entries of beat_schedule and create one Cloud Scheduler job per entry (POST /tasks/scheduled with the task name); stop running beat.`,
    ],
  };
}

/** Said when the deploy holds the process for want of a command it can run (command-hold.ts). */
function heldNote(d: Draft, s: Service): string {
  const t = targetOf(d, s);
  if (t?.heldFor?.topic !== "command") return "";
  return t.command?.length
    ? ` Until then the deploy holds ${t.name} (open decision ${commandDecisionName(s)}) rather than deploy a command that fails at start.`
    : ` Until then the deploy holds ${t.name} (open decision ${commandDecisionName(s)}) rather than run the image's default, the web server, in its place.`;
}

/** ", as its ENTRYPOINT script's `cron`…": how a job in the team's image starts the command. */
const through = (t: DeployTarget | undefined): string =>
  t?.args?.length ? `, as ${startText(t)}${entrySetUp(t)}` : "";

function cronAppChanges(d: Draft, s: Service): string[] {
  if (!s.command?.trim()) {
    return [
      `The inventory gives no command for ${s.name}: add it (services[].command); with no command the job would run the image's default command, the web server, and never finish on its own.${heldNote(d, s)}`,
    ];
  }
  // The argv the job runs (compute.ts withImage): the image plan's reading of the command, which
  // drops an `export PATH=… && cd …` set-up, else the plain reading.
  const planned = imageFor(d.images, s)?.argv[s.name];
  const argv = planned?.ok ? planned : cronArgv(s.command, d.images.root);
  if (!argv.ok) {
    return [
      `"${clipText(s.command, 160)}" cannot run as a plain container command (${argv.reason}): put it in a script in the image (e.g. bin/${s.name}.sh), set the job's command to that script, and add it to services[].command.${heldNote(d, s)}`,
    ];
  }
  const changes = carriesCredential(argv.argv)
    ? credentialChanges(d, s, argv.argv)
    : [
        `The job runs \`${argv.argv.join(" ")}\` in the app's image${through(targetOf(d, s))}; it must exit non-zero on failure so the execution is marked failed.`,
        ...[commandAddressChange(s, commandAddressesOf(d, s))].filter((c): c is string => c !== undefined),
      ];
  // Its program is a tool the VM installed outside the app's folder (foreign-program.ts): held.
  const t = targetOf(d, s);
  const program = t?.command?.length ? foreignProgram(d, s, t.command) : undefined;
  if (program)
    changes.push(
      `${program} is a program the VM has installed outside the app's folder: the app's image does not have it. Install it in the image (a Dockerfile step, the VM's version) for the job to run.${heldNote(d, s)}`,
    );
  if (argv.dropped.length)
    changes.push(
      `Left out of the VM's command: ${argv.dropped.join("; ")} (the image's WORKDIR, PATH and Cloud Logging take their place).`,
    );
  return changes;
}

/** What a command holding a credential on the VM runs instead (image/command-credentials.ts), or why it cannot. */
function credentialChanges(d: Draft, s: Service, argv: string[]): string[] {
  const carried = carryCredentials(s.name, argv);
  if (!carried.ok)
    return [
      `Its command line holds a credential the inventory redacted, and ${carried.reason}: the deploy gives the job no command rather than one with an empty credential.${heldNote(d, s)} Put the command in a script in the image that reads the credential from an environment variable, set the job's command to that script, and add it to services[].command.`,
    ];
  const names = carried.secrets.map((x) => `\`${x}\``).join(", ");
  return [
    `The job runs \`${carried.shown}\` in the app's image, through \`sh -c\` (Cloud Run does not expand variables in a container's arguments); it must exit non-zero on failure so the execution is marked failed.`,
    `Its command line on the VM holds a credential: the deploy passes it as the Secret Manager secret${carried.secrets.length > 1 ? "s" : ""} ${names} in the env var of the same name, and setup-secrets.sh asks for its value (it is in the VM's crontab or unit, not in an env file).`,
  ];
}
