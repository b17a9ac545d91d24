// Mail the app sends through the VM (an MTA on localhost, /usr/sbin/sendmail) or to a relay on
// port 25 stops at the cut-over without an error anyone sees: a Cloud Run container has no MTA and
// no sendmail, and Google Cloud blocks outbound TCP port 25
// (https://cloud.google.com/compute/docs/tutorials/sending-mail). Password resets and
// notifications stop. It is decided, not dropped, beside the first process that sends mail.
import type { Service } from "../../../inventory/schema.js";
import type { MappingEntry } from "../schema.js";
import type { Draft } from "./draft.js";
import { listNames } from "../../../contracts/held-targets.js";
import { cleanName } from "./names.js";
import { frameworkDefaultText } from "../../../contracts/process-homes.js";

const HOW = {
  "local-mta":
    "through a mail server on the VM itself (localhost, or the framework's default when the host is left empty)",
  sendmail: "through the VM's sendmail program (/usr/sbin/sendmail)",
  "port-25": "to a relay on port 25",
  "dev-catcher": "to a development mail catcher (Mailpit, MailHog, MailDev, smtp4dev, MailCatcher or port 1025)",
} as const;

/** What to change when a framework's default sends the mail (no setting of the app names a host). */
const FRAMEWORK_SETTINGS: Record<string, string> = {
  django: "EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD and EMAIL_USE_TLS in the Django settings",
  rails: "config.action_mailer.smtp_settings (address, port, user_name, password) in config/environments/production.rb",
  laravel: "MAIL_MAILER=smtp, MAIL_HOST, MAIL_PORT, MAIL_USERNAME and MAIL_PASSWORD",
};

/** The processes that send mail where Cloud Run cannot, when this is the first of them. */
export function mailSenders(d: Draft, s: Service): Service[] | undefined {
  const senders = d.inv.services.filter((x) => x.outboundMail);
  return senders[0] === s ? senders : undefined;
}

export function outboundMailDecision(senders: Service[]): MappingEntry {
  const first = senders[0]!;
  const names = listNames(senders.map((s) => s.name));
  const mail = senders.map((s) => s.outboundMail!);
  const ways = [...new Set(mail.map((m) => m.via))];
  const keys = [...new Set(mail.flatMap((m) => m.settings ?? []))];
  const mtas = [...new Set(mail.map((m) => m.mta).filter((m) => m !== undefined))];
  const frameworks = [...new Set(mail.map((m) => m.frameworkDefault).filter((f) => f !== undefined))];
  const toChange = [...keys, ...frameworks.map((f) => FRAMEWORK_SETTINGS[f] ?? `${f}'s mail settings`)];
  const change = toChange.length ? toChange.join(", ") : "the app's mail settings";
  const plural = senders.length > 1;
  const as = [
    keys.length
      ? `as ${keys.length > 1 ? "the settings" : "the setting"} (${keys.join(", ")}) ${keys.length > 1 ? "say" : "says"}`
      : "",
    frameworks.length ? `as ${frameworks.map(frameworkDefaultText).join(" and ")} does when no mail host is set` : "",
  ]
    .filter(Boolean)
    .join(", and ");
  const port25 = ways.includes("port-25");
  const local = ways.includes("local-mta") || ways.includes("sendmail");
  const why = [
    local
      ? `a container has no mail server on localhost and no /usr/sbin/sendmail${mtas.length ? ` (${mtas.join(" and ")} ${mtas.length > 1 ? "stay" : "stays"} on the VM: ${mtas.length > 1 ? "they do" : "it does"} not move)` : ""}`
      : "",
    port25 ? "Google Cloud blocks outbound connections to port 25" : "",
    ways.includes("dev-catcher") ? "a development mail catcher delivers nothing (not even on the VM today)" : "",
  ].filter(Boolean);
  return {
    service: first.name,
    target: { kind: "needs-decision", name: cleanName(`${first.name}-mail`, 62) },
    subject: `${listNames(
      senders.map((s) => s.name),
      3,
    )}'s outgoing mail`,
    reason: `${names} ${plural ? "send" : "sends"} mail ${ways.map((w) => HOW[w]).join(" and ")}${as ? `, ${as}` : " on the VM"}. On Cloud Run ${why.join(", and ")}, so password resets and notifications stop at the cut-over unless the settings change. Providers' submission ports 587 and 465 are open.`,
    settings: {},
    appChanges: [],
    options: [
      {
        option: "A mail provider's SMTP submission port (587 or 465) with credentials (recommended)",
        change: `Set ${change} to the provider's host (SendGrid, Mailgun, Postmark, Amazon SES, your own provider) and port 587 (STARTTLS) or 465 (TLS)${ways.includes("sendmail") ? ", with the app's SMTP mailer instead of sendmail" : ""}${mtas.length ? `, straight to the provider rather than through ${mtas.join(" or ")}, which stays on the VM (if it relays today, its relay host and credentials are the ones to use)` : ""}; the user name and password go to Secret Manager as the other secrets do, and the sending domain gets the provider's SPF and DKIM records. Send a password reset from staging before the cut-over.`,
        cost: "the provider's plan (free tiers cover a few thousand messages a month); nothing on Google Cloud",
      },
      {
        option: "The provider's HTTP API",
        change: `Where the app or its framework has a mailer for the provider's API (Laravel and Symfony mailers, django-anymail, Rails' provider gems, nodemailer transports), switch to it and keep its API key in Secret Manager; ${toChange.length ? change : "the SMTP settings"} then go.`,
        cost: "the provider's plan; nothing on Google Cloud",
      },
    ],
  };
}
