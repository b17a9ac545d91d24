// Mail the app sends through the VM (its MTA on localhost, /usr/sbin/sendmail) or to a relay on
// port 25 (services[].outboundMail, read by init): on Cloud Run a container has neither, and
// Google Cloud blocks outbound TCP port 25 (https://cloud.google.com/compute/docs/tutorials/sending-mail).
// Nothing fails loudly: password resets and notifications just stop arriving. Mail sent to a
// development mail catcher (Mailpit, MailHog…) is a risk of its own: it never left, even on the VM.
import type { Service } from "../../inventory/schema.js";
import type { AuditRule } from "./rules.js";
import { DEV_MAIL_CATCHER_RISK, frameworkDefaultText, OUTBOUND_MAIL_RISK } from "../../contracts/process-homes.js";

const HOW = { "local-mta": "the VM's mail server on localhost", sendmail: "sendmail", "port-25": "port 25" } as const;

const evidenceOf = (s: Service) => {
  const m = s.outboundMail!;
  const extra = [...(m.settings ?? []), ...(m.mta ? [`${m.mta} on the VM`] : [])];
  const fw = m.frameworkDefault ? frameworkDefaultText(m.frameworkDefault) : "";
  const why = [fw, ...extra].filter(Boolean).join(", ");
  return `services.${s.name}.outboundMail: ${m.via}${why ? ` (${why})` : ""}`;
};

export const outboundMailRisk: AuditRule = (inv) => {
  const found = inv.services.filter((s) => s.outboundMail && s.outboundMail.via !== "dev-catcher");
  if (found.length === 0) return undefined;
  const names = found.map((s) => s.name);
  const mtas = [...new Set(found.map((s) => s.outboundMail!.mta).filter((m) => m !== undefined))];
  return {
    title: OUTBOUND_MAIL_RISK,
    category: "operations",
    severity: "high",
    likelihood: "almost-certain",
    mttrMinutes: { min: 30, max: 480 },
    businessImpact: `${names.join(", ")} send${found.length === 1 ? "s" : ""} mail (password resets, notifications) through ${[...new Set(found.map((s) => HOW[s.outboundMail!.via as keyof typeof HOW]))].join(" and ")}${mtas.length ? ` (${mtas.join(", ")}, which stays on the VM)` : ""}. Moved to Cloud Run as they are, no message leaves and no error reaches a user: people cannot reset passwords and stop getting notified.`,
    evidence: found.map(evidenceOf),
    mitigation:
      "Send through a mail provider's submission port 587 or 465 with credentials in Secret Manager, or its HTTP API; the design lists it as a decision naming the settings to change.",
    affects: names,
    growthSensitive: false,
  };
};

export const devMailCatcherRisk: AuditRule = (inv) => {
  const found = inv.services.filter((s) => s.outboundMail?.via === "dev-catcher");
  if (found.length === 0) return undefined;
  const names = found.map((s) => s.name);
  return {
    title: DEV_MAIL_CATCHER_RISK,
    category: "operations",
    severity: "high",
    likelihood: "almost-certain",
    mttrMinutes: { min: 30, max: 240 },
    businessImpact: `${names.join(", ")} send${found.length === 1 ? "s" : ""} mail to a development mail catcher (Mailpit, MailHog, MailDev, smtp4dev, MailCatcher, or their port 1025), which keeps every message for a developer to look at and delivers none: password resets and notifications never reach anyone, today already, and on Cloud Run the catcher's host is not even there.`,
    evidence: found.map(evidenceOf),
    mitigation:
      "Point the mail settings at a provider's submission port 587 or 465 with credentials in Secret Manager, or its HTTP API, and send a password reset to a real mailbox before the cut-over.",
    affects: names,
    growthSensitive: false,
  };
};
