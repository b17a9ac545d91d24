// Today's architecture as a Mermaid flowchart: users → proxy → app → data, workers and broker,
// scheduled jobs, the SSH deploy path, with single points of failure in red.
import type { Inventory, Service } from "../../inventory/schema.js";
import { buildFlowchart, type FlowEdge, type FlowNode, type Flowchart, type NodeShape } from "../../render/mermaid.js";
import { fitFlowchart } from "../../render/mermaid-collapse.js";

import type { AuditResult } from "../../contracts/audit-result.js";
import { portOf } from "../../inventory/listen.js";

const SHAPE: Record<Service["role"], NodeShape> = {
  "reverse-proxy": "round",
  web: "rect",
  worker: "subroutine",
  scheduler: "parallelogram",
  cron: "parallelogram",
  database: "cylinder",
  cache: "cylinder",
  broker: "queue",
  other: "rect",
};

const port = (s: Service): string | undefined => {
  const first = s.listen[0];
  return first ? String(portOf(first)) : undefined;
};

export function currentArchitectureDiagram(inv: Inventory, audit: AuditResult): string {
  const spof = new Set<string>(
    ["database", "broker"].flatMap((role) => inv.services.filter((s) => s.role === role).map((s) => s.name)),
  );
  for (const risk of audit.risks) {
    if (risk.category === "single-point-of-failure" && risk.affects.length < inv.services.length)
      risk.affects.forEach((a) => spof.add(a));
  }
  // Inventory names match ^[a-z][a-z0-9-]*$, so swapping - for _ keeps ids readable and distinct.
  const svc = (name: string) => `svc_${name.replace(/-/g, "_")}`;
  const nodes: FlowNode[] = [
    { id: "users", label: "Users", shape: "stadium" },
    { id: "engineer", label: "Engineer (SSH)", shape: "stadium" },
  ];
  for (const s of inv.services) {
    const detail = [s.software, s.version].filter(Boolean).join(" ");
    const listen = port(s) ? ` :${port(s)}` : "";
    nodes.push({
      id: svc(s.name),
      label: `${s.name}\n${detail}${listen}${spof.has(s.name) ? "\nsingle point of failure" : ""}`,
      shape: SHAPE[s.role],
      classes: spof.has(s.name) ? ["spof"] : undefined,
    });
  }
  nodes.push({
    id: "systemd",
    label: `systemd on ${inv.host.hostname ?? "the VM"}`,
    shape: "hexagon",
    classes: ["spof"],
  });

  const edges: FlowEdge[] = [];
  const entry = inv.services.filter((s) => s.role === "reverse-proxy");
  const targets = entry.length ? entry : inv.services.filter((s) => s.role === "web");
  for (const s of targets) {
    const ports = s.listen.map((l) => String(portOf(l)));
    edges.push({
      from: "users",
      to: svc(s.name),
      label: ports.includes("443") ? "HTTPS" : `HTTP${ports[0] ? ` :${ports[0]}` : ""}`,
    });
  }
  const known = new Set(inv.services.map((s) => s.name));
  for (const s of inv.services) {
    for (const dep of s.dependsOn.filter((d) => known.has(d))) {
      const target = inv.services.find((x) => x.name === dep)!;
      edges.push({
        from: svc(s.name),
        to: svc(dep),
        label:
          target.role === "broker" && s.role === "worker"
            ? "consumes"
            : target.role === "broker"
              ? "enqueues"
              : undefined,
      });
    }
  }
  const d = inv.deploy;
  edges.push({
    from: "engineer",
    to: "systemd",
    label: `${d.method}${d.durationMinutes ? `, ${d.durationMinutes} min` : ""}${d.rollback === "none" ? ", no rollback" : ""}`,
    style: "dotted",
  });
  for (const s of inv.services.filter((x) => x.role === "web" || x.role === "worker" || x.role === "scheduler")) {
    edges.push({ from: "systemd", to: svc(s.name), label: "restart", style: "dotted" });
  }
  if (inv.llm) {
    nodes.push({ id: "llm", label: `${inv.llm.provider} (LLM API)`, shape: "stadium" });
    for (const s of inv.services.filter(
      (x) =>
        (x.role === "web" || x.role === "worker") && x.env.some((e) => /GEMINI|OPENAI|VERTEX|ANTHROPIC|LLM/i.test(e)),
    )) {
      edges.push({ from: svc(s.name), to: "llm", label: "model calls", style: "dotted" });
    }
  }
  const chart: Flowchart = {
    direction: "LR",
    title: `${inv.metadata.name}: today's architecture (one VM)`,
    nodes,
    edges,
    subgraphs: [
      {
        id: "vm",
        label: `VM ${inv.host.hostname ?? ""}${inv.host.os ? ` (${inv.host.os})` : ""}${inv.host.cpus ? `, ${inv.host.cpus} vCPU` : ""}`,
        nodes: [...inv.services.map((s) => svc(s.name)), "systemd"],
      },
    ],
    classDefs: { spof: "fill:#fde2e1,stroke:#c0392b,stroke-width:2px,color:#000" },
  };
  // A VM with dozens of services: one node per role ("120 × worker"), or Mermaid refuses the diagram.
  const byId = new Map(inv.services.map((x) => [svc(x.name), x]));
  const keyOf = (id: string) => {
    const s = byId.get(id);
    return s ? `svc_all_${s.role.replace(/-/g, "_")}` : id;
  };
  return buildFlowchart(fitFlowchart(chart, inv.services.length, keyOf));
}
