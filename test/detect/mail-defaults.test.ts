// Where a framework sends an app's mail when no setting names a host: only for an app that sends
// mail (settings or mail code of its own), and never when its settings name a host of their own.
import { describe, expect, it } from "vitest";
import { emptyContext } from "../../src/detect/app-context.js";
import { frameworkMailDefault } from "../../src/detect/mail-defaults.js";

function app(texts: Record<string, string>, files: string[] = []) {
  const context = emptyContext();
  context.configTexts = Object.entries(texts).map(([file, text]) => ({ file, text }));
  context.files = new Set([...Object.keys(texts), ...files]);
  return context;
}

describe("frameworkMailDefault", () => {
  it.each([
    // Django: the SMTP backend to localhost:25 unless EMAIL_HOST says otherwise.
    [
      "Django with a sender and no host",
      "django",
      app({ "app/settings.py": 'DEFAULT_FROM_EMAIL = "x@example.org"' }),
      [],
      "local-mta",
    ],
    [
      "Django reading EMAIL_HOST with a localhost default",
      "django",
      app({ "app/settings.py": 'EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")' }),
      [],
      "local-mta",
    ],
    [
      "Django with EMAIL_* names in its env only",
      "django",
      app({ "app/settings.py": "DEBUG = False" }),
      ["EMAIL_HOST_USER"],
      "local-mta",
    ],
    [
      "Django code calling send_mail",
      "django",
      app({ "app/settings.py": "from django.core.mail import send_mail" }),
      [],
      "local-mta",
    ],
    // Rails: delivery_method :smtp to localhost:25, or :sendmail when the app says so.
    ["Rails with a mailer of its own", "rails", app({}, ["app/mailers/user_mailer.rb"]), [], "local-mta"],
    [
      "Rails choosing sendmail",
      "rails",
      app({ "config/environments/production.rb": "config.action_mailer.delivery_method = :sendmail" }),
      [],
      "sendmail",
    ],
    [
      "Rails smtp_settings with an ENV default of localhost",
      "rails",
      app({
        "config/initializers/mailer.rb":
          "config.action_mailer.smtp_settings = { address: ENV.fetch('SMTP_ADDRESS', 'localhost') }",
      }),
      [],
      "local-mta",
    ],
    // Laravel: config/mail.php's own defaults, else the framework's (log).
    [
      "Laravel whose mail.php defaults to sendmail",
      "laravel",
      app({ "config/mail.php": "'default' => env('MAIL_MAILER', 'sendmail')," }),
      ["MAIL_FROM_ADDRESS"],
      "sendmail",
    ],
    [
      "Laravel 11's smtp on 127.0.0.1 with MAIL_MAILER=smtp and no host",
      "laravel",
      app({ "config/mail.php": "'default' => env('MAIL_MAILER', 'log'), 'host' => env('MAIL_HOST', '127.0.0.1')," }),
      ["MAIL_MAILER"],
      "local-mta",
    ],
  ])("%s: %s", (_name, framework, context, env, via) => {
    expect(frameworkMailDefault(framework, context, env)).toEqual({ framework, via });
  });

  it.each([
    ["Django with no mail setting or code", "django", app({ "app/settings.py": "DEBUG = False" }), []],
    ["Django naming its own host", "django", app({ "app/settings.py": 'EMAIL_HOST = "smtp.example.org"' }), []],
    [
      "Django with an empty host default",
      "django",
      app({ "app/settings.py": 'EMAIL_HOST = os.getenv("EMAIL_HOST", "")' }),
      [],
    ],
    [
      "Django's console backend",
      "django",
      app({ "app/settings.py": 'EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"' }),
      [],
    ],
    ["Rails with only the generated ApplicationMailer", "rails", app({}, ["app/mailers/application_mailer.rb"]), []],
    [
      "Rails on a provider's delivery method",
      "rails",
      app({ "config/environments/production.rb": "config.action_mailer.delivery_method = :postmark" }),
      [],
    ],
    [
      "Rails naming its own SMTP server",
      "rails",
      app({
        "config/environments/production.rb": "config.action_mailer.smtp_settings = { address: 'smtp.example.org' }",
      }),
      [],
    ],
    ["Laravel without its own mail.php (the framework logs)", "laravel", app({}), ["MAIL_FROM_ADDRESS"]],
    [
      "Laravel's older skeleton (smtp.mailgun.org)",
      "laravel",
      app({
        "config/mail.php": "'driver' => env('MAIL_DRIVER', 'smtp'), 'host' => env('MAIL_HOST', 'smtp.mailgun.org'),",
      }),
      ["MAIL_FROM_ADDRESS"],
    ],
    [
      "Laravel with no MAIL_ setting or mailable",
      "laravel",
      app({ "config/mail.php": "'default' => env('MAIL_MAILER', 'sendmail')," }),
      [],
    ],
    ["a framework without a rule", "express", app({}, ["app/mailers/user_mailer.rb"]), ["SMTP_FROM"]],
    ["no framework", undefined, app({ "app/settings.py": 'DEFAULT_FROM_EMAIL = "x@example.org"' }), []],
  ])("nothing for %s", (_name, framework, context, env) => {
    expect(frameworkMailDefault(framework, context, env)).toBeUndefined();
  });
});
