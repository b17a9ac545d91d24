// mapping.json: every inventory service, where it goes, why, and what the application must change.
// Processes follow their plan (processes.ts); brokers and caches their homes (store-homes.ts);
// what nothing managed replaces is an open decision with options (open-decisions.ts), never dropped.
import type { Service } from "../../../inventory/schema.js";
import { isAppApi, reachesMemorystore, type DatabaseTarget } from "../../../contracts/deployment.js";
import type { MappingEntry } from "../schema.js";
import { memorystoreVersion } from "./data.js";
import type { Draft, ServedFolder } from "./draft.js";
import { extensionChanges, extensionFit } from "./db-extensions.js";
import { alwaysOnEntry, beatToSchedulerEntry, clipText, cronEntry, pushEntry, webEntry } from "./mapping-processes.js";
import { taskQueues } from "./mapping-shared.js";
import { runName, someNames } from "./names.js";
import { filestoreEntry, inPlaceDecision } from "./in-place-decision.js";
import { commandDecision, commandDecisionName } from "./command-hold.js";
import { servedFolderHomes, servedFolderText, unservedFolderText } from "./served-folders.js";
import { mailSenders, outboundMailDecision } from "./mail-decision.js";
import { brokerDecision, databaseDecision, processDecision, sideListenerDecision } from "./open-decisions.js";
import { objectStoreDecision } from "./object-store-decision.js";
import { searchEngineDecision } from "./search-engine-decision.js";
import { isSearchEngine } from "../../../contracts/search-engine.js";
import { isObjectStore } from "../../../contracts/object-store.js";
import { runOnceEntry } from "./mapping-run-once.js";
import { sideListener } from "../../../contracts/process-homes.js";
import { exposedGuards } from "./proxy-routes.js";
import { sqliteAppChanges } from "./sqlite-narrative.js";
import { proxyFollowsApp, storeFollowsApp } from "./nothing-deploys.js";
import { envChanges } from "./app-env.js";
import { movedFolderSettings } from "./storage.js";
import { describeUses, memorystoreSizeGiB, type StoreHome } from "./store-homes.js";
import { memorystoreName } from "./memorystore-name.js";
export { memorystoreName };

/**
 * The targets that reach this store: those replacing a process that depends on it, and those that
 * reach Memorystore through their peers' settings (a crontab line with no env of its own). A store
 * beside another (a VM's Redis for pub/sub beside the broker moved to Memorystore) no longer names
 * every target that reaches any Memorystore.
 */
function usersOf(d: Draft, home: StoreHome): string[] {
  const onMemorystore = new Set(d.stores.filter((h) => h.home.startsWith("memorystore")).map((h) => h.service.name));
  const dependents = new Map(d.inv.services.map((u) => [u.name, u.dependsOn]));
  return d.services
    .filter((t) => {
      if (!reachesMemorystore(t)) return false;
      const deps = t.replaces.flatMap((r) => dependents.get(r) ?? []);
      return deps.includes(home.service.name) || !deps.some((n) => onMemorystore.has(n));
    })
    .map((t) => t.name);
}

function memorystore(d: Draft, home: StoreHome): MappingEntry {
  const s = home.service;
  const users = usersOf(d, home);
  const memcached = home.home === "memorystore-memcached";
  const uses = describeUses(home);
  const name = memorystoreName(d, home);
  const urlEnv = d.caches.find((c) => c.name === name)?.urlEnv ?? [];
  const changes = [
    urlEnv.length
      ? `Each deploy looks the Memorystore address up and sets ${someNames(urlEnv)} to it (plain config, no secret); the VM's 127.0.0.1 values are not copied.`
      : `Point the ${memcached ? "Memcached" : "Redis"} settings at the Memorystore private IP (plain config, no secret): no env name of the services that use it carries the address, so it lives in a config file today.`,
  ];
  if (home.usesUnread)
    changes.push(
      `Check what ${s.name} holds: nothing on the VM or in the app names its uses, so it is not taken for a cache alone. Basic tier (no replica: maintenance or a restart empties it) is enough only if it holds nothing but cache: then set usedFor: [cache] on it in the inventory and run the design again. If it holds job queues, set usedFor: [broker] (with any other uses): with no worker to consume them, a web process that depends on it runs them, and the design then keeps its CPU allocated.`,
    );
  else if (home.uses.includes("cache") && home.uses.length === 1)
    changes.push("Tolerate a cold cache after maintenance: Basic tier has no replica.");
  const size = memorystoreSizeGiB(d.inv, s);
  if (size.over)
    changes.push(
      `${s.name} holds ${size.over} GiB on the VM; one Memorystore instance stops at ${size.sizeGiB} GiB: keep less in it (expiry, eviction) or split it across instances.`,
    );
  if (home.brokerSwitch)
    changes.push(
      `Celery's broker moves from ${home.brokerSwitch} to this Redis: set CELERY_BROKER_URL to redis://ADDRESS:6379/0 and install celery[redis].`,
    );
  return {
    service: s.name,
    target: { kind: "memorystore", name },
    reason: `${home.brokerSwitch ? `${s.software} carries Celery's tasks today; Google Cloud has no managed ${s.software}, and Celery speaks Redis, so the broker becomes Memorystore for Redis` : home.usesUnread ? `Nothing read names what ${s.software} holds (init took it for a cache)` : `${s.software} serves as ${uses}`}: ${memcached ? "Memorystore for Memcached" : `Memorystore for Redis (${home.usesUnread ? "Standard tier: a replica with automatic failover, because it may hold job queues or sessions a flush would lose; Basic is enough only if it holds nothing but cache" : home.tier === "STANDARD_HA" ? "Standard tier: a replica with automatic failover, because losing it loses queued jobs, sessions or results" : "Basic tier: a cache survives a flush"})`} keeps every use on a private IP, reached from ${someNames(users) || "the services"} through Direct VPC egress.`,
    settings: {
      tier: memcached ? "BASIC" : home.tier,
      sizeGiB: size.sizeGiB,
      version: memcached ? memorystoreVersion(s) : home.brokerSwitch ? "REDIS_7_X" : memorystoreVersion(s),
      uses,
      vpcEgress: "private-ranges-only",
    },
    appChanges: changes,
  };
}

function store(d: Draft, home: StoreHome): MappingEntry {
  const s = home.service;
  if (home.home === "unused") return storeFollowsApp(d, s, describeUses(home));
  if (home.home === "memorystore-redis" || home.home === "memorystore-memcached") return memorystore(d, home);
  if (home.home === "pubsub")
    return {
      service: s.name,
      target: { kind: "pubsub", name: runName(d.base, "events") },
      reason: `${s.software} carries a stream that consumers pull; Pub/Sub is the managed equivalent (at-least-once, ordering keys when needed).`,
      settings: {},
      appChanges: [`Publish with the Pub/Sub client instead of the ${s.software} producer.`],
    };
  const queue = taskQueues(d)[0];
  if (home.home === "cloud-tasks" && queue)
    return {
      service: s.name,
      target: { kind: "cloud-tasks", name: queue.name },
      reason: `Celery is rewritten to push (decision "workers"), and ${s.name} carries nothing else (${describeUses(home)}). Cloud Tasks replaces it: durable queue, retries with exponential backoff (${queue.minBackoffSeconds}–${queue.maxBackoffSeconds} s, ${queue.maxAttempts} attempts), rate limits, and nothing to patch or back up.`,
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
  return brokerDecision(d, s);
}

/** " Its URL map keeps the proxy's path routing: /api/v1/streaming to mastodon-streaming." (a few paths). */
function routeText(d: Draft): string {
  const routes = d.loadBalancer?.routes ?? [];
  if (routes.length === 0) return "";
  // A host's own routes name the host (app.example.com/* to the app), as the URL map's host rules do.
  const host = (r: (typeof routes)[number]) =>
    r.hosts?.length ? `${r.hosts.slice(0, 2).join(", ")}${r.hosts.length > 2 ? ", …" : ""} ` : "";
  const shown = routes
    .slice(0, 4)
    .map((r) => `${host(r)}${r.path}${r.exact ? "" : r.path.endsWith("/") ? "*" : "/*"} to ${r.backend}`);
  const more = routes.length > shown.length ? ` and ${routes.length - shown.length} more` : "";
  const rootBucket = d.loadBalancer?.folderBuckets?.find((f) => f.path === "/")?.backendBucket;
  return ` Its URL map keeps the proxy's path routing: ${shown.join(", ")}${more}; every other path goes to ${rootBucket ? `the backend bucket ${rootBucket} (the front end the proxy served at /)` : d.loadBalancer!.backends[0]}.`;
}

function proxy(d: Draft, s: Service): MappingEntry {
  // The load balancer's backends: the public APIs (not the AI gateway, not an IAM-only admin tool).
  const apis = d.loadBalancer?.backends ?? d.services.filter(isAppApi).map((t) => t.name);
  // Nothing it fronts runs on Cloud Run (a SQLite-only app, an SMTP listener): no load balancer to route to.
  if (apis.length === 0) return proxyFollowsApp(d, s);
  return {
    service: s.name,
    target: { kind: "load-balancer", name: runName(d.base, "lb") },
    reason: `An external Application Load Balancer with a serverless NEG takes over TLS termination and routing from ${s.software}: Google-managed certificates, HTTP→HTTPS redirect, health-checked backends (${someNames(apis)}), Cloud Armor when abuse shows up.${routeText(d)}`,
    settings: {
      type: "global-external-application",
      // A setting holds 200 characters: a long list is counted instead (deployment.loadBalancer names them all).
      backends: apis.join(",").length <= 200 ? apis.join(",") : `${apis.length} services`,
      tls: "google-managed",
      cloudArmor: "optional",
    },
    appChanges: [
      `Move ${s.software} rules (redirects, headers, body size) into the URL map or the app; trust X-Forwarded-For from the load balancer.`,
      ...exposedChange(d, s),
      ...internalFolderChange(d, s),
      ...servedFolderChange(d, s, apis[0]!),
    ],
  };
}

/**
 * The proxy's logins and address rules on paths of services that stay public: the load balancer
 * keeps none of them, so the entry names them (the open questions say what to decide).
 */
function exposedChange(d: Draft, s: Service): string[] {
  const mine = exposedGuards(d, s.routes ?? []);
  const named = (gs: typeof mine) => {
    const all = gs.map((g) => `${g.where} of ${g.service}, where it ${g.asked}`);
    return `${all.slice(0, 3).join("; ")}${all.length > 3 ? ` and ${all.length - 3} more` : ""}`;
  };
  const closed = mine.filter((g) => g.addressOnly);
  const open = mine.filter((g) => !g.addressOnly);
  const texts = [
    closed.length
      ? `On the VM, ${s.software} guarded ${named(closed)}. The load balancer's Cloud Armor policy keeps them closed with enforced rules (setup-load-balancer.sh, priorities 900 on) that refuse every other client; host names and IPv6 ranges cannot be named there, so they are refused too, and the services' run.app URLs still bypass the load balancer until ingress is tightened.`
      : "",
    open.length
      ? `${s.software} kept strangers out of ${named(open)}. The load balancer and Cloud Run have no login there, so these are public as designed: give each the app's own check, Identity-Aware Proxy or another decision before cut-over (see the open questions).`
      : "",
  ];
  return texts.filter(Boolean).map((t) => (t.length <= 600 ? t : `${t.slice(0, 599)}…`));
}

/**
 * The proxy served some folders only to X-Accel-Redirect answers (inventory internalFolders); the
 * load balancer reads no such header, so those answers would reach browsers empty
 * (https://nginx.org/en/docs/http/ngx_http_core_module.html#internal).
 */
function internalFolderChange(d: Draft, s: Service): string[] {
  const folders = s.internalFolders ?? [];
  if (!folders.length) return [];
  const near = (a: string, b: string) => a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
  const buckets = (d.notes.storage ?? [])
    .filter((p) => folders.some((f) => near(f, p.storage.path.replace(/\/+$/, ""))))
    .map((p) => `gs://${p.bucket}`);
  const apps = s.dependsOn.filter((n) => d.inv.services.some((x) => x.name === n && x.role === "web"));
  return [
    `${s.software} served ${folders.join(", ")} only to answers carrying X-Accel-Redirect (internal locations); the load balancer reads no such header, so those downloads would arrive empty. ${apps.length ? `Whichever of ${apps.join(", ")} sent it` : "The app"} must answer them itself: a redirect to a short-lived V4 signed URL of the object${buckets.length ? ` in ${buckets.join(", ")}` : ""}, or the file streamed from the mounted folder.`,
  ];
}

/**
 * The proxy served some URL paths from folders on disk itself (inventory servedFolders): the load
 * balancer serves no files, so without a home each path reaches the app and answers 404. Each
 * path's home (rules/served-folders.ts) is what the setup script creates for it, or says none is.
 */
function servedFolderChange(d: Draft, s: Service, backend: string): string[] {
  if (!s.servedFolders?.length) return [];
  const homes = servedFolderHomesOf(d, s);
  const unserved = unservedFolderText(homes, backend);
  return [
    clipText(
      `${s.software} served ${homes.map((f) => f.path).join(", ")} from disk; the load balancer serves no files, so without a home each would reach ${backend} and answer 404: ${homes.map((f) => servedFolderText(f, backend)).join("; ")}.`,
      600,
    ),
    ...(unserved ? [unserved] : []),
  ];
}

/** The homes planServedFolders gave this proxy's folders (or, without a load balancer, computed here). */
function servedFolderHomesOf(d: Draft, s: Service): ServedFolder[] {
  const planned = d.notes.servedFolders?.filter((f) => s.servedFolders!.some((x) => x.path === f.path));
  return planned?.length ? planned : servedFolderHomes(d, s);
}

function database(d: Draft, s: Service): MappingEntry {
  const db = d.database;
  if (!db || d.notes.databaseService !== s.name) return databaseDecision(d, s);
  const fit = extensionFit(s, db.engine);
  const sameEngine = fit?.missing.length
    ? `Cloud SQL ${db.databaseVersion} keeps the engine and major version, but not every extension of the VM's server (${fit.missing.join(", ")}): the schema does not move unchanged (below).`
    : `Cloud SQL ${db.databaseVersion} keeps the engine and major version, so the schema and queries move unchanged.`;
  return {
    service: s.name,
    target: { kind: "cloud-sql", name: db.instance },
    reason: `${d.notes.sourceEngine ? `Cloud SQL ${db.databaseVersion} is the closest engine to ${d.notes.sourceEngine} (Cloud SQL has no MariaDB): test the schema and queries in staging before the move.` : sameEngine} HA: ${db.highAvailability ? "yes" : "no"} (${d.notes.dbHaReason}). ${backupsLine(d.inv.data.find((x) => x.service === s.name)?.backups)}`,
    settings: {
      tier: db.tier,
      highAvailability: db.highAvailability,
      readReplicas: db.readReplicas,
      storageGiB: db.storageGiB,
      pointInTimeRecovery: true,
      maxConnections: d.notes.connectionBudget?.max ?? 0,
      ...(d.nothing
        ? { connection: "Cloud SQL Auth Proxy from where the app's processes run" }
        : {
            connectionBudget: d.notes.connectionBudget?.total ?? 0,
            connection: "Cloud SQL connector (unix socket /cloudsql/PROJECT:REGION:INSTANCE)",
          }),
    },
    appChanges: [
      d.nothing
        ? `Nothing runs on Cloud Run: the app's processes, where they run (the VM until their decisions are taken), reach ${db.instance} through the Cloud SQL Auth Proxy (instance ${d.project.id}:${d.inv.target.region}:${db.instance}) with the pools they have today${d.notes.connectionBudget ? ` (the instance takes ${d.notes.connectionBudget.max} connections)` : ""}.`
        : `Connect through the Cloud SQL unix socket (/cloudsql/${d.project.id}:${d.inv.target.region}:${db.instance}) with a pool of at most ${Math.max(0, ...Object.values(d.notes.connectionBudget?.perInstance ?? {}))} connections per instance.`,
      ...(d.nothing ? [] : poolChanges(d)),
      ...(fit ? extensionChanges(fit, db.instance) : []),
      ...(db.databases ? [serverDatabasesChange(db.instance, db.databases)] : []),
    ],
  };
}

/**
 * The processes whose client library opens more connections than the budget counts for them
 * (or has no limit): each is told the size and the setting its library reads (rules/client-pools.ts).
 */
function poolChanges(d: Draft): string[] {
  const pools = Object.entries(d.notes.connectionBudget?.pools ?? {});
  if (pools.length === 0) return [];
  const each = pools.map(
    ([name, p]) =>
      `${name} (${p.library}: ${p.max === undefined ? "no limit" : `up to ${p.max}`} by default): ${poolSetting(p.setting, p.count)}`,
  );
  return [
    clipText(
      `Set the pool size the connection budget counts, which these libraries exceed by default, or the instance runs out of connections as instances scale: ${each.join("; ")}.`,
      600,
    ),
  ];
}

/** A library's setting with the size in it: N, or N and M when two pools share the count (pg-boss beside the ORM). */
function poolSetting(setting: string, count: number): string {
  if (!/\bM\b/.test(setting)) return setting.replace(/\bN\b/g, String(count));
  const m = Math.max(1, Math.floor(count / 2));
  return setting
    .replace(/ \(N \+ M,[^)]*\)/, ` (${count - m} + ${m}, the ${count} the budget counts)`)
    .replace(/\bN\b/g, String(count - m))
    .replace(/\bM\b/g, String(m));
}

/** Which database of the instance each target uses, with its own user (inventory data[].databases). */
function serverDatabasesChange(instance: string, databases: NonNullable<DatabaseTarget["databases"]>): string {
  const each = databases.map((x) => `${x.name} (user ${x.user}: ${x.targets.join(", ") || "no target"})`);
  return clipText(
    `${instance} holds ${databases.length} databases, each under the name it has on the VM and with its own user: ${each.join("; ")}. scripts/setup-database.sh creates each and stores each target's own settings for its database; the copy moves every one.`,
    600,
  );
}

/** Each process's entry also says what its environment becomes (rules/app-env.ts). */
export function buildMapping(d: Draft): MappingEntry[] {
  return d.inv.services.flatMap((s) => {
    const entries = [mappedEntry(d, s)];
    // A web process's second, non-HTTP listener (or an always-on worker's raw ports) is an open
    // decision of its own, beside its service: nothing on Cloud Run receives it.
    const kind = d.plans.find((p) => p.service === s)?.target.kind;
    const side = kind === "web" || kind === "always-on" ? sideListener(s) : undefined;
    if (side) entries.push(sideListenerDecision(d, s, side));
    // Mail sent through the VM (an MTA on localhost, sendmail) or to port 25: decided beside the first sender.
    const senders = mailSenders(d, s);
    if (senders) entries.push(outboundMailDecision(senders));
    // A job or worker pool held for want of a command it can run (command-hold.ts): decided beside it.
    const held = d.services.find((t) => t.replaces.includes(s.name) && t.heldFor?.decision === commandDecisionName(s));
    if (held?.heldFor?.topic === "command") entries.push(commandDecision(d, s, held));
    // A folder written in place is decided beside the first process that uses it.
    for (const plan of d.notes.inPlace ?? [])
      if (plan.services[0] === s.name)
        entries.push(plan.decided ? filestoreEntry(d, s, plan) : inPlaceDecision(d, s, plan));
    return entries;
  });
}

function mappedEntry(d: Draft, s: Service): MappingEntry {
  const entry = mappingEntry(d, s);
  const target = d.services.find((t) => t.replaces.includes(s.name));
  const found = target ? d.notes.env?.[target.name] : undefined;
  // A folder setting whose value must become the mount path leads the env lines (first kept when they
  // share one), and is not also said to keep its VM value.
  const moved = movedFolderSettings(d, s, target);
  const plan =
    found && moved.names.length ? { ...found, readdressed: [...(found.readdressed ?? []), ...moved.names] } : found;
  const env = target ? [...moved.lines, ...envChanges(plan, target)] : [];
  // Changes without which the app cannot reach Cloud SQL stand on their own, never clipped away;
  // the schema caps an entry at 10 changes of 600 characters, so the env lines share one when short of room.
  const blocking = [...sqliteAppChanges(d, s, target), ...(plan?.changes ?? [])].map((c) => clipText(c, 600));
  const lines = env.map((e) => clipText(e, 600));
  const tail =
    entry.appChanges.length + blocking.length + lines.length <= 10
      ? [...blocking, ...lines]
      : [...blocking, ...(env.length ? [clipText(env.join(" "), 600)] : [])];
  const changes = [...entry.appChanges.slice(0, 10 - tail.length), ...tail];
  return changes.length !== entry.appChanges.length || env.length ? { ...entry, appChanges: changes } : entry;
}

function mappingEntry(d: Draft, s: Service): MappingEntry {
  const plan = d.plans.find((p) => p.service === s);
  if (plan) {
    const target = plan.target;
    switch (target.kind) {
      case "web":
        return webEntry(d, { ...plan, target });
      case "push":
      case "long-job":
        return pushEntry(d, plan);
      case "always-on":
        return alwaysOnEntry(d, plan);
      case "cron":
        return cronEntry(d, s);
      case "scheduler-jobs":
        return beatToSchedulerEntry(d, s);
      case "decision":
        return target.topic === "object-store"
          ? objectStoreDecision(d, s)
          : target.topic === "search-engine"
            ? searchEngineDecision(d, s)
            : processDecision(d, s, target.topic);
      case "run-once":
        return runOnceEntry(d, s, target.step);
    }
  }
  // An object store given a store's role (database, cache) is still decided as one: its objects go to Cloud Storage.
  if (isObjectStore(s)) return objectStoreDecision(d, s);
  // A search engine given a store's role (database) is decided as one too, not as a second database.
  if (isSearchEngine(s)) return searchEngineDecision(d, s);
  const home = d.stores.find((h) => h.service === s);
  if (home) return store(d, home);
  if (s.role === "reverse-proxy") return proxy(d, s);
  if (s.role === "database") return database(d, s);
  return processDecision(d, s, "unknown-process");
}

/** What Cloud SQL's backups replace, in words: "none" on the VM is no backups, not "none backups". */
function backupsLine(vm: string | undefined): string {
  if (vm === "none") return "Automated daily backups and point-in-time recovery replace having no backups at all.";
  return `Automated daily backups and point-in-time recovery replace ${vm ?? "the current"} backups.`;
}
