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

const HOW = {
  "local-mta":
    "through a mail server on the VM itself (localhost, or the framework's default when the host is left empty)",
  sendmail: "through the VM's sendmail program (/usr/sbin/sendmail)",
  "port-25": "to a relay on port 25",
} as const;

/** The processes that send mail where Cloud Run cannot, when this is the first of them. */
export function mailSenders(d: Draft, s: Service): Service[] | undefined {
  const senders = d.inv.services.filter((x) => x.outboundMail);
  return senders[0] === s ? senders : undefined;
}

export function outboundMailDecision(senders: Service[]): MappingEntry {
  const first = senders[0]!;
  const names = listNames(senders.map((s) => s.name));
  const ways = [...new Set(senders.map((s) => s.outboundMail!.via))];
  const keys = [...new Set(senders.flatMap((s) => s.outboundMail!.settings ?? []))];
  const setting = keys.length ? ` (${keys.join(", ")})` : "";
  const port25 = ways.includes("port-25");
  return {
    service: first.name,
    target: { kind: "needs-decision", name: cleanName(`${first.name}-mail`, 62) },
    reason: `${names} ${senders.length > 1 ? "send" : "sends"} mail ${ways.map((w) => HOW[w]).join(" and ")}, as ${keys.length > 1 ? "the settings" : "the setting"}${setting || " on the VM"} ${keys.length > 1 ? "say" : "says"}. On Cloud Run ${port25 ? "Google Cloud blocks outbound connections to port 25" : "a container has no mail server on localhost and no /usr/sbin/sendmail"}${port25 && ways.length > 1 ? ", and a container has no local mail server or sendmail" : ""}, so password resets and notifications stop at the cut-over unless the settings change. Providers' submission ports 587 and 465 are open.`,
    settings: {},
    appChanges: [],
    options: [
      {
        option: "A mail provider's SMTP submission port (587 or 465) with credentials (recommended)",
        change: `Set ${keys.length ? keys.join(", ") : "the app's mail settings"} to the provider's host (SendGrid, Mailgun, Postmark, Amazon SES, your own provider) and port 587 (STARTTLS) or 465 (TLS)${ways.includes("sendmail") ? ", with the app's SMTP mailer instead of sendmail" : ""}; the user name and password go to Secret Manager as the other secrets do, and the sending domain gets the provider's SPF and DKIM records. Send a password reset from staging before the cut-over.`,
        cost: "the provider's plan (free tiers cover a few thousand messages a month); nothing on Google Cloud",
      },
      {
        option: "The provider's HTTP API",
        change: `Where the app or its framework has a mailer for the provider's API (Laravel and Symfony mailers, django-anymail, Rails' provider gems, nodemailer transports), switch to it and keep its API key in Secret Manager; ${keys.length ? keys.join(", ") : "the SMTP settings"} then go.`,
        cost: "the provider's plan; nothing on Google Cloud",
      },
    ],
  };
}
