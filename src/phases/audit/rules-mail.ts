// Mail the app sends through the VM (its MTA on localhost, /usr/sbin/sendmail) or to a relay on
// port 25 (services[].outboundMail, read by init): on Cloud Run a container has neither, and
// Google Cloud blocks outbound TCP port 25 (https://cloud.google.com/compute/docs/tutorials/sending-mail).
// Nothing fails loudly: password resets and notifications just stop arriving.
import type { AuditRule } from "./rules.js";
import { OUTBOUND_MAIL_RISK } from "../../contracts/process-homes.js";

const HOW = { "local-mta": "the VM's mail server on localhost", sendmail: "sendmail", "port-25": "port 25" } as const;

export const outboundMailRisk: AuditRule = (inv) => {
  const found = inv.services.filter((s) => s.outboundMail);
  if (found.length === 0) return undefined;
  const names = found.map((s) => s.name);
  return {
    title: OUTBOUND_MAIL_RISK,
    category: "operations",
    severity: "high",
    likelihood: "almost-certain",
    mttrMinutes: { min: 30, max: 480 },
    businessImpact: `${names.join(", ")} send${found.length === 1 ? "s" : ""} mail (password resets, notifications) through ${[...new Set(found.map((s) => HOW[s.outboundMail!.via]))].join(" and ")}. Moved to Cloud Run as they are, no message leaves and no error reaches a user: people cannot reset passwords and stop getting notified.`,
    evidence: found.map(
      (s) =>
        `services.${s.name}.outboundMail: ${s.outboundMail!.via}${s.outboundMail!.settings?.length ? ` (${s.outboundMail!.settings.join(", ")})` : ""}`,
    ),
    mitigation:
      "Send through a mail provider's submission port 587 or 465 with credentials in Secret Manager, or its HTTP API; the design lists it as a decision naming the settings to change.",
    affects: names,
    growthSensitive: false,
  };
};
