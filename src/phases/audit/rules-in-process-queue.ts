// A job queue no worker process consumes (contracts/in-process-queue.ts): the web process runs the
// jobs itself. On the VM it always has CPU; on Cloud Run's default request-based billing its CPU is
// throttled between requests and at zero instances nothing takes the jobs
// (https://cloud.google.com/run/docs/configuring/billing-settings).
import { queueConsumedInProcess, queueEvidence } from "../../contracts/in-process-queue.js";
import type { AuditRule } from "./rules.js";

export const inProcessQueueRisk: AuditRule = (inv) => {
  const found = inv.services.flatMap((s) => {
    const broker = queueConsumedInProcess(inv, s);
    return broker ? [{ s, broker }] : [];
  });
  if (found.length === 0) return undefined;
  const names = found.map((x) => x.s.name);
  const brokers = [...new Set(found.map((x) => x.broker.name))];
  const shown = names.length > 3 ? `${names.slice(0, 3).join(", ")} and ${names.length - 3} more` : names.join(", ");
  return {
    title:
      "Queued jobs run inside the web process: with CPU allocated only during requests they stall, and at zero instances none runs",
    category: "operations",
    severity: "medium",
    likelihood: "likely",
    mttrMinutes: { min: 30, max: 240 },
    businessImpact: `No worker process consumes the job queues on ${brokers.slice(0, 3).join(", ")}, so ${shown} run${names.length === 1 ? "s" : ""} those jobs itself. With Cloud Run's default CPU allocation they stall between requests, and with no instance up none runs: the app's background work (mails, media processing, imports, scheduled jobs) is late or never done, with no error anywhere.`,
    // Cut to the schema's 12 lines of 300 characters with every other risk's (offline.ts fitToSchema).
    evidence: [
      ...new Set(
        found.flatMap(({ s, broker }) => [
          queueEvidence(broker, s),
          `services.${s.name}.dependsOn: ${s.dependsOn.join(", ")}`,
        ]),
      ),
    ],
    mitigation:
      "The design keeps CPU always allocated (instance-based billing) and one instance up on these services. Where the app can run its queue workers as a process of their own, a worker pool from the same image lets the web service go back to CPU per request; a worker the inventory does not list belongs in it (role: worker).",
    affects: [...names, ...brokers].slice(0, 50),
    growthSensitive: true,
  };
};
