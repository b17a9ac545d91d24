// Where a framework sends mail when the app's settings name no mail host, for an app that sends
// mail at all (mail settings or mail code of its own; never guessed from the framework alone):
// - Django: the SMTP backend to EMAIL_HOST "localhost", EMAIL_PORT 25
//   (https://docs.djangoproject.com/en/stable/ref/settings/#email-host, #email-backend);
// - Rails: Action Mailer's delivery_method :smtp, smtp_settings address "localhost", port 25
//   (actionmailer/lib/action_mailer/delivery_methods.rb; guides "Action Mailer Configuration");
// - Laravel: config/mail.php's own defaults, env('MAIL_MAILER', …) and env('MAIL_HOST', …)
//   (Laravel 11's framework copy: log, then 127.0.0.1:2525 for smtp; older skeletons: smtp to
//   smtp.mailgun.org:587, which leaves the VM).
// outbound-mail.ts uses it only when an MTA on the VM answers that default.
import type { AppContext } from "./app-context.js";

/** A host that is the VM itself: mail handed to it goes to a local MTA. */
export const LOCAL_HOST = /^(localhost|127(\.\d{1,3}){3}|::1|\[::1\]|0\.0\.0\.0)$/i;

export interface FrameworkMail {
  framework: string;
  via: "local-mta" | "sendmail";
}

/** What `framework`'s default does with this app's mail, or undefined (no mail, or a host of its own). */
export function frameworkMailDefault(
  framework: string | undefined,
  app: AppContext,
  envNames: readonly string[],
): FrameworkMail | undefined {
  const texts = (re: RegExp) => app.configTexts.filter((t) => re.test(t.file)).map((t) => t.text);
  const files = [...app.files];
  if (framework === "django") {
    const settings = texts(/\.py$/).join("\n");
    const sends =
      /\b(EMAIL_[A-Z_]+|DEFAULT_FROM_EMAIL|SERVER_EMAIL)\s*=|\b(send_mail|send_mass_mail|mail_admins|mail_managers)\b|\bEmail(Message|MultiAlternatives)\b/.test(
        settings,
      ) || envNames.some((n) => /^(EMAIL_|DEFAULT_FROM_EMAIL$|SERVER_EMAIL$)/.test(n));
    // The env's EMAIL_BACKEND, when set, was read by outbound-mail.ts (only an SMTP one comes here).
    const backend = envNames.includes("EMAIL_BACKEND") ? [] : assigned(settings, /\bEMAIL_BACKEND\s*=\s*(.+)/g);
    if (!sends || backend.some((b) => !/smtp/i.test(b))) return undefined;
    return ownHost(assigned(settings, /\bEMAIL_HOST\s*=\s*(.+)/g)) ? undefined : { framework, via: "local-mta" };
  }
  if (framework === "rails") {
    const config = texts(/\.rb$/).join("\n");
    const mailers = files.filter((f) => /(^|\/)app\/mailers\/.+\.rb$/.test(f) && !/application_mailer\.rb$/.test(f));
    const sends =
      mailers.length > 0 ||
      /\b(smtp_settings|delivery_method)\b/.test(config) ||
      envNames.some((n) => /^SMTP_/.test(n));
    // Development and test methods are another environment's; a provider's (postmark, ses…) is not the default.
    const methods = [...config.matchAll(/\bdelivery_method\s*=\s*:(\w+)/g)]
      .map((m) => m[1]!)
      .filter((m) => !/^(letter_opener\w*|test|file)$/.test(m));
    if (!sends || methods.some((m) => m !== "smtp" && m !== "sendmail")) return undefined;
    if (methods.includes("sendmail")) return { framework, via: "sendmail" };
    return ownHost(assigned(config, /:?\baddress\s*(?:=>|:)\s*(.+)/g)) ? undefined : { framework, via: "local-mta" };
  }
  if (framework === "laravel") {
    const mail = texts(/(^|\/)config\/mail\.php$/).join("\n");
    const sends = envNames.some((n) => /^MAIL_/.test(n)) || files.some((f) => /(^|\/)app\/Mail\/.+\.php$/.test(f));
    if (!sends) return undefined;
    // Without its own config/mail.php the framework's applies: log first, 127.0.0.1 for smtp.
    // A mailer the env picks was read by outbound-mail.ts: only an smtp one without a host comes here.
    const picked = envNames.some((n) => /^MAIL_(MAILER|DRIVER)$/.test(n));
    const mailer = picked ? "smtp" : mail ? envDefault(mail, /MAIL_(?:MAILER|DRIVER)/) : "log";
    if (mailer === "sendmail") return { framework, via: "sendmail" };
    if (mailer !== "smtp") return undefined;
    const host = mail ? envDefault(mail, /MAIL_HOST/) : "127.0.0.1";
    return host !== undefined && LOCAL_HOST.test(host) ? { framework, via: "local-mta" } : undefined;
  }
  return undefined;
}

/** The right-hand sides of the assignments `re` finds (its first group), comments cut. */
function assigned(text: string, re: RegExp): string[] {
  return [...text.matchAll(re)].map((m) => m[1]!.replace(/\s#.*$/, "").trim());
}

/** An assignment whose literals name a host other than the VM's own: the app's own mail server. */
function ownHost(values: string[]): boolean {
  return values.some((v) =>
    [...v.matchAll(/["']([^"']*)["']/g)].some((m) => !LOCAL_HOST.test(m[1]!) && !/^[A-Z][A-Z0-9_]*$/.test(m[1]!)),
  );
}

/** The default `env('NAME', 'default')` gives in a Laravel config file, for the first name `name` matches. */
function envDefault(text: string, name: RegExp): string | undefined {
  const re = new RegExp(String.raw`env\(\s*['"]${name.source}['"]\s*,\s*['"]([^'"]*)['"]`);
  return re.exec(text)?.[1];
}
