// How an app process sends mail, where its settings on the VM say so: through an MTA on the VM
// itself (EMAIL_HOST=localhost, MAIL_HOST=127.0.0.1, Rails' smtp address left blank), through
// /usr/sbin/sendmail (MAIL_MAILER=sendmail, SMTP_DELIVERY_METHOD=sendmail, MAILER_DSN=sendmail://default),
// or to a relay on port 25. None of these works on Cloud Run: a container has no MTA on localhost
// and no sendmail binary, and Google Cloud blocks outbound connections to TCP port 25
// (https://cloud.google.com/compute/docs/tutorials/sending-mail). A provider's submission port
// (587, 465, 2525) or an HTTP mail API is fine: nothing is recorded for those. A development mail
// catcher (Mailpit, MailHog, MailDev, smtp4dev, MailCatcher: their hosts, or their SMTP port 1025)
// is recorded too: in production it delivers nothing, today already.
// With an MTA on the VM (local-mta.ts), mail through it names it, and a process whose settings name
// no mail host at all sends through it by its framework's default (mail-defaults.ts).
import type { OutboundMail } from "../inventory/schema.js";
import type { LocalMta } from "./local-mta.js";
import { LOCAL_HOST, type FrameworkMail } from "./mail-defaults.js";

/** The settings that name the mail server, its port, a whole mail URL, or the way mail is sent. */
const PREFIX = String.raw`^(?:[A-Z0-9]+_)??(SMTP|EMAIL|MAIL|MAILER)_`;
const HOST = new RegExp(`${PREFIX}(HOST|HOSTNAME|SERVER|ADDRESS|SMARTHOST|RELAY(?:_HOST)?)$`, "i");
const PORT = new RegExp(`${PREFIX}(PORT)$`, "i");
const URL_KEY = new RegExp(`${PREFIX}(URL|DSN)$`, "i");
// Laravel MAIL_MAILER/MAIL_DRIVER, Mastodon SMTP_DELIVERY_METHOD, Django EMAIL_BACKEND, nodemailer MAIL_TRANSPORT.
const METHOD = new RegExp(`${PREFIX}(MAILER|DRIVER|TRANSPORT|DELIVERY_METHOD|BACKEND)$`, "i");
// Ghost's nconf names (mail__transport, mail__options__host).
const NCONF_HOST = /^mail__options__host$/i;
const NCONF_PORT = /^mail__options__port$/i;
const NCONF_METHOD = /^mail__transport$/i;

/** The catchers' names as hosts (a compose service, mailhog.internal) and the SMTP port they all take. */
const CATCHER_HOST = /^(mailpit|mailhog|maildev|smtp4dev|mailcatcher)([.-]|$)/i;
const CATCHER_PORT = "1025";
/** Settings of a provider's HTTP API: the app mails through it, whatever else its SMTP settings say. */
const API_MAILER = /^(MAILGUN|SENDGRID|POSTMARK|RESEND|MANDRILL|SPARKPOST|BREVO|SENDINBLUE|MAILJET|ANYMAIL)_/i;

export interface MailContext {
  /** The MTA on the VM, when there is one. */
  mta?: LocalMta;
  /** What the process's framework does when its settings name no mail host (mail-defaults.ts). */
  frameworkDefault?: FrameworkMail;
}

/** The mail settings of one process and what they say, or undefined when mail would still go out. */
export function outboundMailOf(
  names: readonly string[],
  values: Record<string, string>,
  context: MailContext = {},
): OutboundMail | undefined {
  const said = fromSettings(names, values);
  const { mta, frameworkDefault } = context;
  if (said === "elsewhere") return undefined;
  if (said) return mta && (said.via === "local-mta" || said.via === "sendmail") ? { ...said, mta: mta.name } : said;
  // Nothing names a host: the framework's default applies, an MTA on the VM answers it.
  if (!mta || !frameworkDefault || names.some((n) => API_MAILER.test(n))) return undefined;
  return { via: frameworkDefault.via, settings: [], mta: mta.name, frameworkDefault: frameworkDefault.framework };
}

/** What the settings say: a way Cloud Run stops, "elsewhere" (a provider, an API), or undefined (silent). */
function fromSettings(
  names: readonly string[],
  values: Record<string, string>,
): OutboundMail | "elsewhere" | undefined {
  const set = names.filter((n) => n in values);
  const pick = (re: RegExp, alt?: RegExp) => set.filter((n) => re.test(n) || (alt?.test(n) ?? false));
  const methods = pick(METHOD, NCONF_METHOD);
  const sendmail = methods.filter((n) => /sendmail|^native\b/i.test(values[n]!));
  if (sendmail.length) return { via: "sendmail", settings: sendmail };
  // Another way set explicitly (an API mailer, a log, SES over HTTP): not SMTP, nothing to say.
  const smtpMethod = methods.filter((n) => /smtp/i.test(values[n]!));
  if (methods.length > smtpMethod.length) return "elsewhere";
  for (const n of pick(URL_KEY)) {
    const parsed = mailUrl(values[n]!);
    if (parsed === "sendmail") return { via: "sendmail", settings: [n] };
    if (parsed === "other") return "elsewhere";
    if (parsed) {
      const found = judge(parsed.host, parsed.port);
      if (found) return { via: found, settings: [n] };
      return "elsewhere";
    }
  }
  const hosts = pick(HOST, NCONF_HOST);
  const ports = pick(PORT, NCONF_PORT);
  const host = hosts.map((n) => values[n]!.trim()).find((v) => v !== "");
  const port = ports.map((n) => values[n]!.trim()).find((v) => v !== "");
  if (host !== undefined) {
    const found = judge(host, port);
    return found ? { via: found, settings: [...hosts, ...ports] } : "elsewhere";
  }
  // The host setting is there but empty: the framework's default takes over, localhost (Django,
  // Rails' smtp_settings) or sendmail (Chatwoot with SMTP_ADDRESS blank): a local MTA either way.
  if (hosts.length) return { via: "local-mta", settings: [...hosts, ...ports] };
  return undefined;
}

function judge(host: string, port: string | undefined): OutboundMail["via"] | undefined {
  if (CATCHER_HOST.test(host) || port === CATCHER_PORT) return "dev-catcher";
  if (LOCAL_HOST.test(host)) return "local-mta";
  if (port === "25") return "port-25";
  return undefined;
}

/** smtp://user:pass@host:587, sendmail://default, native://default (Symfony), null://null. */
function mailUrl(value: string): { host: string; port: string | undefined } | "sendmail" | "other" | undefined {
  const m = /^([a-z][a-z0-9+.-]*):\/\/(?:[^@/]*@)?(\[[^\]]+\]|[^:/?#]*)(?::(\d+))?/i.exec(value.trim());
  if (!m) return undefined;
  const scheme = m[1]!.toLowerCase();
  if (scheme === "sendmail" || scheme === "native") return "sendmail";
  if (!/^smtps?$/.test(scheme)) return "other";
  return { host: m[2]!, port: m[3] };
}
