// target-architecture.mmd: the target on Google Cloud, grouped into edge, compute, async, data and
// identity/secrets. Request path = solid arrows, async path = dotted, data access = thick. A held
// target (contracts/held-targets.ts) is drawn on the VM it stays on, never as a Cloud Run service:
// the deploy skips it and what would act on it (its queues, schedules, a load balancer it is a
// backend of), so only what deploys is drawn on Google Cloud.
import {
  buildFlowchart,
  type FlowEdge,
  type FlowNode,
  type FlowSubgraph,
  type Flowchart,
} from "../../render/mermaid.js";
import { fitFlowchart } from "../../render/mermaid-collapse.js";
import {
  isAiGatewayTarget,
  isAiWorkerTarget,
  isAppApi,
  isPublicApi,
  reachesMemorystore,
} from "../../contracts/deployment.js";
import { decisionsTaken, deployedOnly, heldWhy, listNames } from "../../contracts/held-targets.js";
import type { DesignResult } from "./schema.js";

// Big designs collapse to kinds (fitFlowchart): dozens of workers, queues and schedules are
// unreadable and break Mermaid's 500-edge limit. mapping.json has them all.
const COLLAPSIBLE = ["q-", "sch-", "cache-", "ps-", "gcs-"];

export function targetArchitectureDiagram(result: DesignResult, appName: string): string {
  const full = result.deployment;
  // Google Cloud runs what deploys; the held targets stay on the VM.
  const dep = deployedOnly(full);
  const held = full.services.filter((s) => s.held);
  const nodes: FlowNode[] = [{ id: "users", label: "Users", shape: "circle" }];
  const edges: FlowEdge[] = [];
  const groups: Record<"edge" | "compute" | "held" | "open" | "async" | "data" | "identity", string[]> = {
    edge: [],
    compute: [],
    held: [],
    open: [],
    async: [],
    data: [],
    identity: [],
  };
  const add = (group: keyof typeof groups, node: FlowNode) => {
    nodes.push(node);
    groups[group].push(node.id);
  };
  const apis = dep.services.filter(isAppApi);
  const gateways = dep.services.filter(isAiGatewayTarget);
  const lb = result.mapping.find((m) => m.target.kind === "load-balancer");
  // A load balancer one of whose backends is held waits whole (deployedOnly): drawn as waiting.
  const lbWaits = Boolean(full.loadBalancer && !dep.loadBalancer);
  const lbHeld = held.filter((t) => full.loadBalancer?.backends.includes(t.name)).map((t) => t.name);
  if (lb) {
    add("edge", {
      id: "lb",
      label: `External Application LB\n${lb.target.name}${lbWaits ? `\nnot yet: waits for ${listNames(lbHeld)}` : ""}`,
      shape: "hexagon",
      classes: ["edge"],
    });
    edges.push(
      lbWaits
        ? { from: "users", to: "lb", label: "HTTPS, after the decision", style: "dotted" }
        : { from: "users", to: "lb", label: "HTTPS" },
    );
  }
  for (const s of dep.services) {
    const kind = {
      job: "Cloud Run job",
      worker: "Cloud Run worker",
      "worker-pool": "Cloud Run worker pool",
      api: "Cloud Run service",
    }[s.kind];
    const label = `${kind}\n${s.name}`;
    add("compute", { id: `svc-${s.name}`, label, shape: s.kind === "job" ? "subroutine" : "round", classes: ["run"] });
  }
  for (const s of apis)
    edges.push({ from: lb ? "lb" : "users", to: `svc-${s.name}`, label: lb ? "serverless NEG" : "HTTPS" });
  // Each held target on the VM: users keep reaching it there (DNS stays), and it waits for its decision.
  for (const t of held)
    add("held", { id: `held-${t.name}`, label: `VM process\n${t.name}\n(held)`, shape: "rect", classes: ["vm"] });
  for (const t of held.filter((x) => isPublicApi(x) && x.ingress === "all"))
    edges.push({ from: "users", to: `held-${t.name}`, label: "HTTPS, DNS stays on the VM", style: "dotted" });
  // What stays open (an SMTP listener, a process that opens a SQLite file) is shown, not dropped,
  // in a group of its own: it does not run on Cloud Run.
  const decisions = result.mapping.filter((x) => x.target.kind === "needs-decision");
  // Several services can wait for the same decision (every reverse proxy for the edge's): one node.
  for (const m of decisions.filter((x, i) => decisions.findIndex((y) => y.target.name === x.target.name) === i))
    add("open", {
      // One process can have several (its SSH listener, its data folder): one node per decision.
      id: `open-${m.target.name}`,
      label: `Needs a decision\n${m.target.name}`,
      shape: "hexagon",
      classes: ["async"],
    });
  // The AI gateway is private: only the app reaches it, server-side, with an ID token.
  for (const g of gateways)
    for (const s of apis) edges.push({ from: `svc-${s.name}`, to: `svc-${g.name}`, label: "AI request (ID token)" });
  for (const t of held) {
    const decision = `open-${heldWhy(t).decision}`;
    if (groups.open.includes(decision))
      edges.push({ from: `held-${t.name}`, to: decision, label: "waits for", style: "dotted" });
  }
  const aiWorkers = dep.services.filter(isAiWorkerTarget);
  if (aiWorkers.length) {
    add("compute", { id: "vertex", label: "Vertex AI\nGemini", shape: "hexagon", classes: ["run"] });
    for (const s of aiWorkers)
      edges.push({ from: `svc-${s.name}`, to: "vertex", label: "generateContent (only caller)" });
  }
  for (const q of dep.queues) {
    add("async", { id: `q-${q.name}`, label: `Cloud Tasks\n${q.name}`, shape: "queue", classes: ["async"] });
    // The AI worker's queue is fed by the gateway when there is one, by the app otherwise.
    const toAi = dep.services.some((s) => s.name === q.target && isAiWorkerTarget(s));
    const enqueuers = toAi && gateways.length ? gateways : apis;
    for (const s of enqueuers)
      edges.push({ from: `svc-${s.name}`, to: `q-${q.name}`, label: "enqueue", style: "dotted" });
    edges.push({ from: `q-${q.name}`, to: `svc-${q.target}`, label: `push ${q.path}`, style: "dotted" });
  }
  // Several inventory services can share one target (e.g. two caches → one Memorystore): one node each.
  const targetsOf = (kind: string) => [
    ...new Set(result.mapping.filter((x) => x.target.kind === kind).map((x) => x.target.name)),
  ];
  for (const name of targetsOf("pubsub")) {
    add("async", { id: `ps-${name}`, label: `Pub/Sub\n${name}`, shape: "queue", classes: ["async"] });
  }
  for (const j of dep.schedules ?? []) {
    add("async", {
      id: `sch-${j.name}`,
      label: `Cloud Scheduler\n${j.name}\n${j.schedule}`,
      shape: "parallelogram",
      classes: ["async"],
    });
    edges.push({ from: `sch-${j.name}`, to: `svc-${j.target}`, label: j.action, style: "dotted" });
  }
  if (dep.database) {
    const db = dep.database;
    add("data", {
      id: "db",
      label: `Cloud SQL ${db.databaseVersion}\n${db.instance}${db.highAvailability ? "\nHA" : ""}`,
      shape: "cylinder",
      classes: ["data"],
    });
    for (const s of dep.services.filter((x) => x.cloudSqlInstance === db.instance))
      edges.push({
        from: `svc-${s.name}`,
        to: "db",
        label: s.cloudSqlPrivateIp ? "private IP" : "connector",
        style: "thick",
      });
    if (db.readReplicas > 0) {
      add("data", { id: "replica", label: `Read replica x${db.readReplicas}`, shape: "cylinder", classes: ["data"] });
      edges.push({ from: "db", to: "replica", label: "replication", style: "dotted" });
    }
  }
  for (const name of targetsOf("memorystore")) {
    add("data", { id: `cache-${name}`, label: `Memorystore\n${name}`, shape: "cylinder", classes: ["data"] });
    for (const s of dep.services.filter(reachesMemorystore))
      edges.push({ from: `svc-${s.name}`, to: `cache-${name}`, label: "VPC egress", style: "thick" });
  }
  for (const b of dep.buckets ?? []) {
    add("data", { id: `gcs-${b.name}`, label: `Cloud Storage\n${b.name}`, shape: "cylinder", classes: ["data"] });
    for (const s of dep.services.filter((x) => x.volumes?.some((v) => v.bucket === b.name)))
      edges.push({ from: `svc-${s.name}`, to: `gcs-${b.name}`, label: "volume", style: "thick" });
  }
  const secrets = [...new Set(full.services.flatMap((s) => s.secrets))];
  if (secrets.length) {
    add("identity", {
      id: "secrets",
      label: `Secret Manager\n${secrets.length} secrets`,
      shape: "rect",
      classes: ["identity"],
    });
    for (const s of dep.services.filter((x) => x.secrets.length))
      edges.push({ from: "secrets", to: `svc-${s.name}`, label: "env", style: "dotted" });
  }
  // Runtime identities belong to Cloud Run targets: none when nothing runs there. A held target's
  // account is created too (setup-wif.sh), with no role until it deploys.
  if (full.services.length > 0)
    add("identity", {
      id: "iam",
      label: `IAM\n${full.services.length} service accounts`,
      shape: "rect",
      classes: ["identity"],
    });
  const labels: Record<keyof typeof groups, string> = {
    edge: "Edge",
    compute: "Compute (Cloud Run)",
    held: `Stays on the VM until ${decisionsTaken(held)}`,
    open: "Needs a decision (stays on the VM until taken)",
    async: "Async",
    data: "Data",
    identity: "Identity and secrets",
  };
  const subgraphs: FlowSubgraph[] = (Object.keys(groups) as (keyof typeof groups)[])
    .filter((g) => groups[g].length > 0)
    .map((g) => ({ id: `grp-${g}`, label: labels[g], nodes: groups[g] }));
  // When collapsed: one node per kind of service, queue, schedule, cache and topic.
  // The first service of each name, as `find` would pick it, without a scan per node and edge end.
  const byName = new Map<string, (typeof dep.services)[number]>();
  for (const s of dep.services) if (!byName.has(s.name)) byName.set(s.name, s);
  const keyOf = (id: string): string => {
    if (id.startsWith("svc-")) {
      const s = byName.get(id.slice(4));
      return s && !isAiWorkerTarget(s) && !isAiGatewayTarget(s) ? `svc-all-${s.kind}` : id;
    }
    const prefix = COLLAPSIBLE.find((p) => id.startsWith(p));
    return prefix ? `${prefix}all` : id;
  };
  const chart: Flowchart = {
    direction: "LR",
    title: `${appName}: target architecture on Google Cloud`,
    // Users reach the target only through a load balancer or a service: without either, no Users node.
    nodes: edges.some((e) => e.from === "users") ? nodes : nodes.filter((n) => n.id !== "users"),
    edges,
    subgraphs,
    classDefs: {
      edge: "fill:#e8f0fe,stroke:#1a73e8",
      run: "fill:#e6f4ea,stroke:#137333",
      async: "fill:#fef7e0,stroke:#b06000",
      data: "fill:#fce8e6,stroke:#a50e0e",
      identity: "fill:#f3e8fd,stroke:#7627bb",
      ...(held.length ? { vm: "fill:#f1f3f4,stroke:#5f6368,stroke-dasharray:5 5" } : {}),
    },
  };
  return buildFlowchart(fitFlowchart(chart, full.services.length, keyOf));
}
