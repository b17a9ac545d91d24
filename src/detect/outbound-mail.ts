// How an app process sends mail, where its settings on the VM say so: through an MTA on the VM
// itself (EMAIL_HOST=localhost, MAIL_HOST=127.0.0.1, Rails' smtp address left blank), through
// /usr/sbin/sendmail (MAIL_MAILER=sendmail, SMTP_DELIVERY_METHOD=sendmail, MAILER_DSN=sendmail://default),
// or to a relay on port 25. None of these works on Cloud Run: a container has no MTA on localhost
// and no sendmail binary, and Google Cloud blocks outbound connections to TCP port 25
// (https://cloud.google.com/compute/docs/tutorials/sending-mail). A provider's submission port
// (587, 465, 2525) or an HTTP mail API is fine: nothing is recorded for those.
import type { OutboundMail } from "../inventory/schema.js";

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

const LOCAL_HOST = /^(localhost|127(\.\d{1,3}){3}|::1|\[::1\]|0\.0\.0\.0)$/i;

/** The mail settings of one process and what they say, or undefined when mail would still go out. */
export function outboundMailOf(names: readonly string[], values: Record<string, string>): OutboundMail | undefined {
  const set = names.filter((n) => n in values);
  const pick = (re: RegExp, alt?: RegExp) => set.filter((n) => re.test(n) || (alt?.test(n) ?? false));
  const methods = pick(METHOD, NCONF_METHOD);
  const sendmail = methods.filter((n) => /sendmail|^native\b/i.test(values[n]!));
  if (sendmail.length) return { via: "sendmail", settings: sendmail };
  // Another way set explicitly (an API mailer, a log, SES over HTTP): not SMTP, nothing to say.
  const smtpMethod = methods.filter((n) => /smtp/i.test(values[n]!));
  if (methods.length > smtpMethod.length) return undefined;
  for (const n of pick(URL_KEY)) {
    const parsed = mailUrl(values[n]!);
    if (parsed === "sendmail") return { via: "sendmail", settings: [n] };
    if (parsed && parsed !== "other") {
      const found = judge(parsed.host, parsed.port);
      if (found) return { via: found, settings: [n] };
      return undefined;
    }
  }
  const hosts = pick(HOST, NCONF_HOST);
  const ports = pick(PORT, NCONF_PORT);
  const host = hosts.map((n) => values[n]!.trim()).find((v) => v !== "");
  const port = ports.map((n) => values[n]!.trim()).find((v) => v !== "");
  if (host !== undefined) {
    const found = judge(host, port);
    return found ? { via: found, settings: [...hosts, ...ports] } : undefined;
  }
  // The host setting is there but empty: the framework's default takes over, localhost (Django,
  // Rails' smtp_settings) or sendmail (Chatwoot with SMTP_ADDRESS blank): a local MTA either way.
  if (hosts.length) return { via: "local-mta", settings: [...hosts, ...ports] };
  return undefined;
}

function judge(host: string, port: string | undefined): OutboundMail["via"] | undefined {
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
