// What no managed service replaces as it is — an inbound SMTP listener, a raw TCP port, a process
// the rules cannot name, a broker nothing on Google Cloud speaks, a second database — is not
// dropped: it becomes a "needs a decision" entry with the options, the work each takes and what
// each costs, priced from the same price book as the rest of the estimate.
import type { Service } from "../../../inventory/schema.js";
import { alwaysOnCost } from "../cost/always-on.js";
import { loadPriceBook, pickRegion } from "../../../contracts/gcp-prices.js";
import type { DecisionOption, MappingEntry } from "../schema.js";
import type { Draft } from "./draft.js";
import { cleanName } from "./names.js";
import type { OpenTopic } from "./processes.js";
import { fileLabel } from "../../../contracts/sqlite-plan.js";
import { sqliteFileText } from "./sqlite.js";
import { rawPortList, rawTransports } from "../../../contracts/process-homes.js";
import { speaksKafka } from "./store-homes.js";
import { isMongo, mongoDiskGiB, mongoOptions, mongoReason } from "./mongodb-decision.js";
import { sideStoreOption } from "./sqlite-side-store.js";
import { foreignProgram } from "./foreign-program.js";
import { cronArgv } from "./cron-command.js";

const money = (x: number) => `$${x.toFixed(2)}`;

/** A shared-core VM kept for what Cloud Run cannot host: e2-small, an external IPv4 address, a 10 GiB disk. */
export function smallVm(d: Draft, diskGiB = 10): DecisionOption["cost"] {
  const book = loadPriceBook();
  const p = pickRegion(book.computeEngine.regions, d.inv.target.region).value;
  const h = book.hoursPerMonth;
  const usd = h * (p.e2SmallPerHour + p.externalIpPerHour) + diskGiB * p.balancedDiskPerGibMonth;
  return `about ${money(usd)}/month (${h} h × ($${p.e2SmallPerHour} e2-small + $${p.externalIpPerHour} external IPv4) + ${diskGiB} GiB × $${p.balancedDiskPerGibMonth} disk)`;
}

function workerPoolCost(d: Draft): string {
  const c = alwaysOnCost({ cpu: "1", memory: "512Mi", instances: 1 }, loadPriceBook(), d.inv.target.region);
  return `about ${money(c.monthlyUsd)}/month (${c.formula})`;
}

const nameFor = (s: Service): string => {
  const c = cleanName(s.name, 62);
  return c.length >= 2 ? c : `${c}0`;
};

function entry(s: Service, subject: string, reason: string, options: DecisionOption[]): MappingEntry {
  return {
    service: s.name,
    target: { kind: "needs-decision", name: nameFor(s) },
    reason,
    settings: {},
    appChanges: [],
    options,
    subject,
  };
}

export function processDecision(d: Draft, s: Service, topic: OpenTopic): MappingEntry {
  const port = s.listen[0]?.split(":").pop();
  const rules = s.rawPorts?.length
    ? ` and firewall rules for ports ${rawPortList(s.rawPorts)}`
    : port
      ? ` and a firewall rule for port ${port}`
      : "";
  const vm = {
    option: `Keep ${s.name} on a small Compute Engine VM`,
    change: `Run the same command on an e2-small VM with a static external IP${rules}; it reaches Cloud SQL through the Cloud SQL Auth Proxy. No code change, but one machine to patch again.`,
    cost: smallVm(d),
  };
  const drop = {
    option: `Retire ${s.name}`,
    change: `Confirm nobody relies on it (logs, users), announce it, and remove it with the VM.`,
    cost: "$0/month",
  };
  if (topic === "sqlite-file") return sqliteDecision(d, s);
  if (topic === "inbound-mail")
    return entry(
      s,
      `${s.name}'s inbound mail (SMTP${port ? ` on port ${port}` : ""})`,
      `${s.name} receives mail over SMTP${port ? ` on port ${port}` : ""}. Cloud Run only accepts HTTP, gRPC and websockets, so no Cloud Run target can receive mail.`,
      [
        {
          option:
            "Inbound mail through a provider's webhook (SendGrid Inbound Parse, Mailgun Routes, Postmark Inbound)",
          change: `Point the MX record at the provider and add an HTTP endpoint to the app that takes the provider's POST and does what ${s.name} does with a message; ${s.name} is then retired.`,
          cost: "the provider's plan (free tiers cover low volumes); nothing on Google Cloud",
        },
        vm,
        drop,
      ],
    );
  if (topic === "raw-tcp")
    return entry(
      s,
      `${s.name}'s raw ${s.rawPorts?.length ? `ports ${rawPortList(s.rawPorts)}` : rawTransports(s)}`,
      `${s.name} listens for a protocol Cloud Run cannot serve${s.rawPorts?.length ? ` on ports ${rawPortList(s.rawPorts)}` : ` (raw ${rawTransports(s)})`}: only HTTP, gRPC and websockets reach a Cloud Run service${rawTransports(s).includes("UDP") ? ", and no serverless Google Cloud product receives UDP" : ""}.`,
      [
        vm,
        {
          option: `Put ${s.name}'s protocol behind HTTP or gRPC`,
          change:
            "Rewrite the listener as an HTTP or gRPC endpoint and update its clients; it then runs on Cloud Run like the app.",
          cost: "Cloud Run request pricing, like the API",
        },
        drop,
      ],
    );
  // A process the VM's proxy sends requests to, on a port of its own (Celery's Flower under /flower/):
  // a web UI or API, which a worker pool (no endpoint) cannot serve.
  const paths = d.inv.services.flatMap((p) =>
    p.role === "reverse-proxy" ? (p.routes ?? []).filter((r) => r.service === s.name).map((r) => r.path) : [],
  );
  const proxied = d.inv.services.some((p) => p.role === "reverse-proxy" && p.dependsOn.includes(s.name));
  // The command as the VM runs it, read as every cron line and fallback command is (cron-command.ts).
  const argv = cronArgv(s.command);
  const foreign = foreignProgram(d, s, argv.ok ? argv.argv : undefined);
  const served =
    port && !s.image && (paths.length > 0 || proxied)
      ? `The VM's proxy sends ${paths.length ? paths.join(", ") : "requests"} to ${s.name} on port ${port}`
      : undefined;
  return entry(
    s,
    `where ${s.name} (${s.software}) runs`,
    s.image && (s.role === "web" || s.role === "worker" || s.role === "scheduler" || s.role === "cron")
      ? `${s.name} runs a published image of its own (${s.image}) beside the app's: the app's image does not hold it, so it is not deployed from that image, and the deploy copies no image but the app's.`
      : foreign
        ? `${s.name} runs ${foreign}, a program the VM installed outside the app's folder (a vendor's server, not the app's code): the app's image does not hold it, so it is not deployed from that image.${served ? ` ${served}, so it answers HTTP: a worker pool (no endpoint) would not serve it.` : ""}`
        : `The rules cannot tell what ${s.name} (${s.software}, role "${s.role}") does, so they do not guess a target for it.${served ? ` ${served}, so it answers HTTP: a worker pool (no endpoint) would not serve it.` : ""}`,
    [
      ...(served && foreign
        ? [
            {
              // A vendor's program the VM installed (/usr/local/bin/mercure, /opt/keycloak/bin/kc.sh): not in the app's image.
              option: `Run ${s.name} on Cloud Run from its vendor's image (it answers HTTP on port ${port})`,
              change: `${foreign} is installed on the VM outside the app's folder, so the app's image does not hold it. Deploy the vendor's published container image of the version the VM runs as a Cloud Run service of its own (copied into Artifact Registry, listening on port ${port}, its settings as env vars and secrets)${paths.length ? `, and route ${paths.join(", ")} to it on the load balancer` : ""}; or install the program in the app's Dockerfile, then set its role to web and run the design again.`,
              cost: "Cloud Run request pricing: billed only while it answers",
            },
          ]
        : served
          ? [
              {
                option: `Run ${s.name} as a Cloud Run service from the app's image (it answers HTTP on port ${port})`,
                change: `${served}: set its role to web (its command and listen stay) and run the design again: it gets a Cloud Run service of its own on that port${paths.length ? `, and the load balancer routes ${paths.join(", ")} to it` : ""}. If it is an operators' tool (a dashboard, a queue monitor), keep it off the public internet: internal ingress, or Identity-Aware Proxy on its backend.`,
                cost: "Cloud Run request pricing: billed only while it answers (an operators' page stays within the free tier)",
              },
            ]
          : []),
      s.image
        ? {
            // A published image of its own (Immich's machine-learning service): not the app's image,
            // and it may answer the app's other processes over HTTP, which a worker pool cannot.
            option: `Run ${s.name} on Cloud Run from its own image (${s.image})`,
            change: `Copy ${s.image} into Artifact Registry and deploy it as it is. If the app's other processes call it over HTTP, give its port (services[].listen) and role web: a Cloud Run service with internal ingress that they reach at its URL, with one warm instance if they cannot wait for a cold start; if it only works in the background, a worker pool with one instance.`,
            cost: workerPoolCost(d),
          }
        : {
            option: `Run ${s.name} in a Cloud Run worker pool from the app's image`,
            change: `If it is part of the app and keeps running, give it a worker pool with its command (services[].command) and one instance.${foreign ? ` ${foreign} is not in the app's image today: install it in the Dockerfile first.` : ""}`,
            cost: workerPoolCost(d),
          },
      {
        option: "Replace it with a managed service",
        change: `If it is infrastructure (a monitoring agent, a mail relay, a proxy), Google Cloud's own service usually takes its place (Cloud Monitoring, Cloud Logging, the load balancer).`,
        cost: "depends on the service (its pricing page); usually within the free tiers for one app",
      },
      drop,
    ],
  );
}

/**
 * The non-HTTP listener of a process whose HTTP side runs on Cloud Run (process-homes.ts
 * sideListener): nothing reaches that port once the VM is gone, so it is decided, not dropped.
 */
export function sideListenerDecision(d: Draft, s: Service, side: { topic: OpenTopic; ports: string[] }): MappingEntry {
  const raw = side.ports.some((p) => p.includes("/"));
  const listed = raw ? rawPortList(side.ports) : side.ports.join(", ");
  const ports = side.ports.length
    ? `port${side.ports.length > 1 || listed.includes("–") ? "s" : ""} ${listed}`
    : "a second port";
  const transports = raw ? rawTransports(s) : "TCP";
  const what =
    side.topic === "inbound-mail"
      ? "SMTP (inbound mail)"
      : raw
        ? `its own protocols over raw ${transports} (clients and devices connect there directly, not through the proxy)`
        : "a protocol other than HTTP (raw TCP, such as its own SSH server for git)";
  const udp = transports.includes("UDP");
  const base = entry(
    s,
    `${s.name}'s ${side.topic === "inbound-mail" ? "inbound mail listener" : raw ? "raw listeners" : "non-HTTP listener"} on ${ports}`,
    `${s.name} ${d.plans.find((p) => p.service === s)?.target.kind === "web" ? "runs on Cloud Run for HTTP, but it also listens" : "listens"} on ${ports} for ${what}. Cloud Run only passes HTTP, gRPC and websockets to one port${udp ? " and receives no UDP at all" : ""}, so nothing reaches ${raw ? "those listeners" : "that listener"} after the cut-over: keep them on a machine that takes ${transports}, or retire them knowingly.`,
    [
      {
        option: `Serve those clients over HTTP and turn the listener off`,
        change: raw
          ? `Only where every client can switch: move each one to an HTTP endpoint of ${s.name} (devices whose firmware speaks one protocol cannot), switch the listeners off in ${s.name}'s settings, and announce it before the cut-over.`
          : `Switch the listener off in ${s.name}'s settings and move its users to the HTTP endpoint (git over HTTPS with a token instead of git over SSH); announce it before the cut-over.`,
        cost: "$0/month",
      },
      {
        option: `Keep ${ports} on a small Compute Engine VM`,
        change: raw
          ? `Run ${s.name}'s command on an e2-small VM with a static external IP, firewall rules for those ports (${transports}) and the same Cloud SQL database. If ${s.name} keeps what its clients send in memory and serves it over HTTP (live positions on a websocket), run all of it there, HTTP too, and point the domain at the VM.${udp ? " UDP has no serverless home on Google Cloud: only VMs (behind a passthrough Network Load Balancer for more than one) take it." : ""}`
          : `Run ${s.name}'s command on an e2-small VM with a static external IP and firewall rules for ${ports}, reading the same Cloud SQL database and the same files as the Cloud Run service (files that a Cloud Storage mount cannot share safely with it need one disk: then the VM serves HTTP too).`,
        cost: smallVm(d),
      },
    ],
  );
  return { ...base, target: { ...base.target, name: nameFor({ ...s, name: `${s.name}-${side.topic}` }) } };
}

/**
 * A process that opens the app's SQLite file, in an app whose settings take no server database
 * the rules know of. The file needs one local disk and working POSIX locks (sqlite.org/useovernet.html);
 * no Cloud Run volume offers both, so the recommended home is a small VM with a persistent disk.
 */
function sqliteDecision(d: Draft, s: Service): MappingEntry {
  const label = d.sqlite ? fileLabel(d.sqlite) : "SQLite";
  const file = d.sqlite ? sqliteFileText(d.sqlite) : "the SQLite file";
  const openers = d.sqlite?.openers.join(", ") ?? s.name;
  const side = sideStoreOption(d, d.sqlite?.openers ?? [s.name], file);
  return entry(
    s,
    `${s.name}'s ${label} data`,
    `${s.name} keeps its data in ${file}. A Cloud Run instance's disk is memory, its own and gone on restart, so on Cloud Run the app would start empty and lose every write; the Cloud Run volumes are not safe for ${label} either (Cloud Storage FUSE has no file locking; NFS volumes are mounted without locks, and a deploy runs two revisions on the file at once).`,
    [
      ...(side ? [side] : []),
      {
        option: `Keep ${openers} on a small Compute Engine VM with a persistent disk${side ? "" : " (recommended)"}`,
        change: `Run the app as today on an e2-small VM; put ${d.sqlite?.store.path ?? "the database file"} on a balanced persistent disk with a daily snapshot schedule (gcloud compute resource-policies create snapshot-schedule, attached with gcloud compute disks add-resource-policies) and stop the app for a consistent copy when moving it. Single writer, local locks: ${label}'s documented setup. One machine to patch, as today, but its data is protected.`,
        cost: smallVm(d),
      },
      ...(side
        ? []
        : [
            {
              option: "Switch the app to a server database, if its own documentation supports one",
              change: `Configure the app for PostgreSQL or MySQL on Cloud SQL (only through a setting its docs name), move the data with the app's own export/import or pgloader, then set data[].engine in the inventory and rerun: ${openers} then run on Cloud Run like any stateless app. Not chosen by the rules: they know no documented switch for this app (Cloud SQL has no MariaDB).`,
              cost: "the Cloud SQL and Cloud Run prices cost-estimate.md shows once the inventory names the engine",
            },
          ]),
      {
        option: "Cloud Run with one instance and a Filestore (NFS) volume (not recommended)",
        change: `max-instances=1, no canary${label === "SQLite" ? ", the journal in DELETE mode (WAL needs every process on one host)" : ""}. Cloud Run mounts NFS without locks, and a deploy starts the new revision before the old one stops, so two processes can write the file at once and corrupt it; only for data you can rebuild.`,
        cost: "Filestore's price for its smallest basic instance (1 TiB minimum), far above the VM's; plus the service",
      },
    ],
  );
}

/**
 * The processes that reach a broker for pub/sub over its own protocol (Taiga's taiga-events reads
 * AMQP only): a Redis in its place would leave them without events.
 */
function busUsers(d: Draft, s: Service): string[] {
  if (!(s.usedFor ?? []).includes("pubsub")) return [];
  return d.inv.services
    .filter((x) => x.dependsOn.includes(s.name) && (x.protocols ?? []).includes("websocket"))
    .map((x) => x.name);
}

/** A broker no managed service speaks (RabbitMQ consumed by something other than Celery, or also a pub/sub bus). */
/**
 * A Kafka-protocol broker: Managed Service for Apache Kafka keeps the protocol, so producers and
 * consumers keep their client and change only where they connect and how they log in
 * (https://cloud.google.com/managed-service-for-apache-kafka/docs/overview); Pub/Sub is a rewrite.
 */
function kafkaDecision(d: Draft, s: Service): MappingEntry {
  const users = d.inv.services.filter((u) => u !== s && u.dependsOn.includes(s.name)).map((u) => u.name);
  const who = users.length ? users.join(", ") : "its producers and consumers";
  return entry(
    s,
    `${s.name} (${s.software}), the event stream`,
    `${s.name} is a Kafka-protocol broker ${users.length ? `that ${who} ${users.length === 1 ? "uses" : "use"}` : "the app uses"}. Google Cloud's Managed Service for Apache Kafka runs the same protocol, so the clients stay; Pub/Sub would be a rewrite of every producer and consumer (no partitions, offsets or consumer groups, no replay by offset).`,
    [
      {
        option: "Managed Service for Apache Kafka (recommended)",
        change: `Create a cluster in ${d.inv.target.region} (gcloud managed-kafka clusters create, at least 3 vCPU and 3 GiB) on the design's subnet, and its topics with the VM's partition counts. ${who} keep their Kafka client: point the bootstrap servers at the cluster's bootstrap address and log in with SASL (OAUTHBEARER through Google's login handler, as each runtime account) over TLS; they reach it over Direct VPC egress. Move the data by draining (stop the producers, let the consumers finish, switch) or by mirroring the topics with MirrorMaker 2 until the switch.`,
        cost: "the cluster's vCPU, memory and storage at Managed Service for Apache Kafka's list prices (its pricing page); more than a small VM, with no broker to patch",
      },
      {
        option: "Move the stream to Pub/Sub",
        change: `Replace the Kafka producers with Pub/Sub publishers and each consumer group with a subscription (ordering keys for what one partition kept in order); replay by offset becomes seek to a time or snapshot. A code change in every producer and consumer.`,
        cost: "Pub/Sub throughput pricing",
      },
      {
        option: `Keep ${s.software} on a Compute Engine VM`,
        change:
          "No code change; the clients reach the VM's private IP over Direct VPC egress (the deploy runs them in the design's subnet, which scripts/setup-network.sh creates: put the VM in that network); its advertised listeners must name that IP. One broker to patch and back up, and no replica.",
        cost: smallVm(d),
      },
    ],
  );
}

export function brokerDecision(d: Draft, s: Service): MappingEntry {
  if (speaksKafka(s)) return kafkaDecision(d, s);
  const bus = busUsers(d, s);
  // Celery rewritten to push (Cloud Tasks) no longer needs this broker: only the bus stays.
  const celery = d.plans.some(
    (p) =>
      p.queue === "celery" &&
      p.service.dependsOn.includes(s.name) &&
      p.target.kind !== "push" &&
      p.target.kind !== "long-job",
  );
  if (bus.length)
    return entry(
      s,
      `${s.name} (${s.software}), the event bus`,
      `Google Cloud has no managed ${s.software}. It is ${celery ? "Celery's broker and " : ""}the pub/sub bus ${bus.join(", ")} ${bus.length > 1 ? "subscribe" : "subscribes"} to over AMQP to push events to browsers: ${celery ? "Memorystore for Redis could take Celery's tasks, but not these events, so the broker is not switched to Redis" : "a Redis in its place would leave them without events"}.`,
      [
        {
          option: `Keep ${s.software} on a small Compute Engine VM (recommended)`,
          change: `No code change: ${celery ? "the Celery workers, " : ""}the publishers and ${bus.join(", ")} reach its private IP over Direct VPC egress (the deploy runs them in the design's subnet, which scripts/setup-network.sh creates: put the VM in that network); its AMQP URLs point at that IP. Back up its definitions (rabbitmqctl export_definitions).`,
          cost: smallVm(d),
        },
        ...(celery
          ? [
              {
                option: `Celery on Memorystore for Redis, ${s.software} on a VM for the events only`,
                change: `Set CELERY_BROKER_URL to redis://ADDRESS:6379/0 and install celery[redis]; the events keep the VM's ${s.software}. Two systems to run instead of one.`,
                cost: `Memorystore's Standard tier price plus ${smallVm(d)}`,
              },
            ]
          : []),
        {
          option: "Move the events to Pub/Sub",
          change: `Publish with the Pub/Sub client instead of AMQP, and give each ${bus.join(", ")} instance its own subscription (created at start, deleted when it stops): a shared subscription hands each event to one instance only.${celery ? " Celery still needs a broker (Redis)." : ""}`,
          cost: "Pub/Sub throughput pricing; small for event traffic",
        },
      ],
    );
  return entry(
    s,
    `${s.name} (${s.software})`,
    `Google Cloud has no managed ${s.software}, and its consumers are not Celery (which could switch to Redis).`,
    [
      {
        option: `Run ${s.software} on a Compute Engine VM (or a marketplace offering)`,
        change:
          "No code change; the consumers run as worker pools and reach the broker's private IP over Direct VPC egress (the deploy runs them in the design's subnet, which scripts/setup-network.sh creates: put the VM in that network).",
        cost: smallVm(d),
      },
      {
        option: "Move the queues to Pub/Sub",
        change: `Replace the ${s.software} client with Pub/Sub publishers and pull subscribers (acknowledge after the work commits).`,
        cost: "Pub/Sub throughput pricing; small for task traffic",
      },
    ],
  );
}

/** Engines no Cloud SQL instance runs: a second instance is no home for them. */
const NOT_RELATIONAL = /mongo|elastic|opensearch|cassandra|scylla|neo4j|couch|influx|clickhouse/i;

/** A database the rules do not move (a second one, or an engine Cloud SQL does not run). */
export function databaseDecision(d: Draft, s: Service): MappingEntry {
  const second = d.notes.databaseService !== undefined && d.notes.databaseService !== s.name;
  const subject = `${s.name} (${s.software})${second ? ", a second database" : ""}`;
  if (isMongo(d, s)) {
    const gib = d.inv.data.find((x) => x.service === s.name)?.sizeGiB;
    return entry(s, subject, mongoReason(s), mongoOptions(d, s, smallVm(d, mongoDiskGiB(gib))));
  }
  return entry(
    s,
    subject,
    `${s.software} is not moved by these rules: Cloud SQL runs MySQL, PostgreSQL and SQL Server, and one database per design.`,
    [
      ...(NOT_RELATIONAL.test(s.software)
        ? []
        : [
            {
              option: "A second Cloud SQL instance",
              change: "Create it like the first (see the runbook) and point the services that use it at it.",
              cost: "like the first instance's line in cost-estimate.md",
            },
          ]),
      {
        option: `A managed ${s.software} service on Google Cloud or its marketplace`,
        change: "Export, import and repoint the connection string; no code change for the same engine.",
        cost: "the provider's price for the size in the inventory",
      },
      {
        option: `Keep ${s.software} on a Compute Engine VM`,
        change: "Move the data to a VM with backups (snapshots) and reach it over Direct VPC egress.",
        cost: smallVm(d),
      },
    ],
  );
}
