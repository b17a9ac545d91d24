// Every audit risk (all of the critical ones at least) must land on a design element or be
// accepted in writing. Category and affected services pick the decision that answers it.
import type { Risk } from "../../../contracts/audit-result.js";
import type { Decision, RiskTrace } from "../schema.js";
import type { Topic, TopicDecision } from "./topic-decision.js";
import { isModelCallRisk } from "./ai-worker.js";
import { isLargeUploadRisk } from "../../../inventory/upload-limit.js";
import type { Draft } from "./draft.js";
import { MAIL_RISKS, OUTBOUND_MAIL_RISK, RAW_LISTENER_RISK } from "../../../contracts/process-homes.js";

function candidates(d: Draft, r: Risk): Topic[] {
  const hits = (names: { name: string }[]) => names.some((s) => r.affects.includes(s.name));
  const db = hits(d.topo.databases);
  const sched = hits([...d.topo.beats, ...d.topo.crons]);
  if (isLargeUploadRisk(r)) return ["uploads", "storage"];
  switch (r.category) {
    case "single-point-of-failure": {
      const onlyDb = db && r.affects.length === 1;
      if (onlyDb) return ["database"];
      const extra: Topic[] = [...(db ? (["database"] as const) : []), ...(sched ? (["scheduling"] as const) : [])];
      return hits([...d.topo.brokers, ...d.topo.caches]) && r.affects.length === 1
        ? ["broker", "cache", "compute"]
        : ["compute", ...extra];
    }
    case "deployment":
    case "rollback":
      return ["delivery"];
    case "coupling":
      // "Model calls inside API requests" is closed by the AI worker, not the task worker.
      return isModelCallRisk(d, r) ? ["ai", "compute"] : ["workers", "compute"];
    case "scalability":
      return db ? ["compute", "database"] : ["compute", "workers"];
    case "security":
      return ["identity", "edge"];
    case "data-protection":
      return hits(d.topo.databases) || (d.notes.storage ?? []).length === 0 ? ["database"] : ["storage", "database"];
    case "observability":
      return ["observability"];
    case "operations":
      return sched ? ["scheduling", "compute"] : ["compute", "delivery"];
  }
}

export function numberDecisions(topics: TopicDecision[]): (Decision & { topic: Topic; element: string })[] {
  return topics.map((t, i) => ({ ...t, id: `D${i + 1}`, closesRisks: [] }));
}

/** A risk no Cloud Run element closes, left to an open decision (architecture.md, "Needs a decision"). */
function onOpenDecision(riskId: string, what: string, reason: string): RiskTrace {
  return {
    riskId,
    status: "accepted",
    element: `needs a decision: ${what}`.slice(0, 200),
    decisionIds: [],
    reason: reason.slice(0, 600),
  };
}

export function traceRisks(d: Draft, decisions: (Decision & { topic: Topic; element: string })[]): RiskTrace[] {
  const risks = d.audit?.risks ?? [];
  return risks.map((r) => {
    // Raw TCP/UDP listeners: no Cloud Run element closes them; their open decisions say where they go.
    if (r.title.startsWith(RAW_LISTENER_RISK))
      return onOpenDecision(
        r.id,
        `${r.affects.join(", ")}'s raw ports`,
        `Not closed by Cloud Run, which receives none of these ports: the open decision for ${r.affects.join(", ")}'s raw listeners (architecture.md, "Needs a decision") keeps them on a VM or moves their clients to HTTP. Until it is taken, keep the VM and the DNS name its clients use.`,
      );
    // Mail through the VM or port 25: no Cloud Run element sends it; the mail decision says how.
    if (MAIL_RISKS.includes(r.title))
      return onOpenDecision(
        r.id,
        `${r.affects.join(", ")}'s outgoing mail`,
        r.title === OUTBOUND_MAIL_RISK
          ? `Not closed by Cloud Run, which has no mail server or sendmail and no outbound port 25: the open decision for ${r.affects.join(", ")}'s mail (architecture.md, "Needs a decision") moves it to a provider's port 587/465 or HTTP API. Until the settings change, mail stops at the cut-over.`
          : `Not closed by Cloud Run: a development mail catcher delivers nothing, on the VM or anywhere. The open decision for ${r.affects.join(", ")}'s mail (architecture.md, "Needs a decision") points it at a provider's port 587/465 or HTTP API.`,
      );
    const matched = candidates(d, r)
      .map((t) => decisions.find((x) => x.topic === t))
      .filter((x): x is (typeof decisions)[number] => x !== undefined)
      .slice(0, 3);
    // Nothing on Cloud Run: only the database's move answers a risk, and only one about the database.
    const onlyData =
      !d.nothing ||
      r.category === "data-protection" ||
      r.affects.every((n) => d.topo.databases.some((s) => s.name === n));
    const decision = onlyData ? matched[0] : undefined;
    if (!decision) {
      return {
        riskId: r.id,
        status: "accepted" as const,
        element: "accepted",
        decisionIds: [],
        reason: d.nothing
          ? `Nothing runs on Cloud Run yet, so "${r.title}" stays as it is until the open decisions in architecture.md are taken and the design is rerun.`.slice(
              0,
              600,
            )
          : `No component of this design addresses "${r.title}" (category ${r.category}); accepted until a follow-up plan exists.`,
      };
    }
    for (const m of matched) m.closesRisks.push(r.id);
    return {
      riskId: r.id,
      status: "mitigated" as const,
      element: decision.element.slice(0, 200),
      decisionIds: matched.map((m) => m.id),
      reason: `${r.title}: closed by ${matched.map((m) => `${m.id} (${m.title})`).join(" and ")}.`.slice(0, 600),
    };
  });
}
