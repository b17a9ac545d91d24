// Background work a web process runs on its own threads after the response (services[].inProcessJobs:
// Rails' Active Job with its default :async adapter). On the VM the process lives on and its CPU is
// always there; on Cloud Run request-based CPU stalls the threads once the response is sent, and an
// instance that is stopped (scale-in, a deploy) drops what is queued
// (https://cloud.google.com/run/docs/configuring/billing-settings).
import type { AuditRule } from "./rules.js";

export const IN_PROCESS_JOBS_RISK = "Mails and background jobs run on threads inside the web process";

export const inProcessJobsRisk: AuditRule = (inv) => {
  const found = inv.services.filter((s) => s.inProcessJobs);
  if (found.length === 0) return undefined;
  const names = found.map((s) => s.name);
  // Cut to the schema's 300 characters a line with every other risk's (offline.ts fitToSchema).
  const evidence = found.map((s) => `services.${s.name}.inProcessJobs: ${s.inProcessJobs}`);
  // Cron workers a settings file starts in the process (Odoo's max_cron_threads), not Rails' threads.
  if (!found.some((s) => /Active Job/.test(s.inProcessJobs ?? "")))
    return {
      title:
        "Scheduled jobs run on cron workers inside the web process: Cloud Run starves them and runs none at zero instances",
      category: "operations",
      severity: "medium",
      likelihood: "likely",
      mttrMinutes: { min: 30, max: 240 },
      businessImpact: `${names.join(", ")} run${found.length === 1 ? "s" : ""} the app's scheduled jobs itself, with no crontab or timer on the VM. With Cloud Run's default CPU allocation those workers stall between requests, and with no instance up none runs: scheduled mails, reminders and recurring tasks are late or never happen, with no error anywhere.`,
      evidence,
      mitigation:
        "The design keeps CPU always allocated and one instance up on these services. More instances each start their own cron workers: only safe when the app locks each job before running it.",
      affects: names,
      growthSensitive: true,
    };
  return {
    title: `${IN_PROCESS_JOBS_RISK}: Cloud Run starves them and drops them on scale-in`,
    category: "operations",
    severity: "medium",
    likelihood: "likely",
    mttrMinutes: { min: 30, max: 240 },
    businessImpact: `${names.join(", ")} queue${found.length === 1 ? "s" : ""} notification mails and jobs in memory and run${found.length === 1 ? "s" : ""} them after answering. With Cloud Run's default CPU allocation they stall until the next request, and a scale-in or deploy drops what is still queued: notifications arrive late or never, with no error anywhere.`,
    evidence,
    mitigation:
      "The design keeps CPU always allocated on these services (instance-based billing). To stop losing queued work on scale-in, give Active Job a real backend run as a worker: Solid Queue on the Cloud SQL database, or Sidekiq on Memorystore for Redis.",
    affects: names,
    growthSensitive: true,
  };
};
