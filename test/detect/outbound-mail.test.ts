// How an app process sends mail, from its settings on the VM: through the VM (an MTA on localhost,
// sendmail) or to port 25 is recorded, since none of it works on Cloud Run; a provider's port
// 587/465 or an HTTP API is not.
import { describe, expect, it } from "vitest";
import { outboundMailOf } from "../../src/detect/outbound-mail.js";

const of = (values: Record<string, string>) => outboundMailOf(Object.keys(values), values);

describe("outboundMailOf", () => {
  it.each([
    ["Django to localhost", { EMAIL_HOST: "localhost", EMAIL_PORT: "25" }, "local-mta", ["EMAIL_HOST", "EMAIL_PORT"]],
    [
      "Laravel to 127.0.0.1",
      { MAIL_MAILER: "smtp", MAIL_HOST: "127.0.0.1", MAIL_PORT: "25" },
      "local-mta",
      ["MAIL_HOST", "MAIL_PORT"],
    ],
    // Development mail catchers: by their host names, or their SMTP port 1025 (Mailpit, MailHog, MailCatcher, MailDev).
    ["Mailpit by its host", { EMAIL_HOST: "mailpit", EMAIL_PORT: "1025" }, "dev-catcher", ["EMAIL_HOST", "EMAIL_PORT"]],
    [
      "MailHog as a compose host",
      { MAIL_HOST: "mailhog", MAIL_PORT: "8025" },
      "dev-catcher",
      ["MAIL_HOST", "MAIL_PORT"],
    ],
    ["MailDev in an SMTP URL", { MAILER_DSN: "smtp://maildev:1025" }, "dev-catcher", ["MAILER_DSN"]],
    ["smtp4dev on a domain", { SMTP_HOST: "smtp4dev.internal" }, "dev-catcher", ["SMTP_HOST"]],
    [
      "MailCatcher on localhost:1025",
      { SMTP_ADDRESS: "localhost", SMTP_PORT: "1025" },
      "dev-catcher",
      ["SMTP_ADDRESS", "SMTP_PORT"],
    ],
    [
      "a catcher's port on another host",
      { MAIL_HOST: "10.0.0.9", MAIL_PORT: "1025" },
      "dev-catcher",
      ["MAIL_HOST", "MAIL_PORT"],
    ],
    ["Laravel sendmail", { MAIL_MAILER: "sendmail", MAIL_HOST: "smtp.example.org" }, "sendmail", ["MAIL_MAILER"]],
    ["old Laravel MAIL_DRIVER", { MAIL_DRIVER: "sendmail" }, "sendmail", ["MAIL_DRIVER"]],
    [
      "Mastodon delivery method",
      { SMTP_DELIVERY_METHOD: "sendmail", SMTP_SERVER: "localhost" },
      "sendmail",
      ["SMTP_DELIVERY_METHOD"],
    ],
    [
      "Rails address left blank (Chatwoot)",
      { SMTP_ADDRESS: "", SMTP_PORT: "1025" },
      "local-mta",
      ["SMTP_ADDRESS", "SMTP_PORT"],
    ],
    ["Symfony sendmail DSN", { MAILER_DSN: "sendmail://default" }, "sendmail", ["MAILER_DSN"]],
    ["Symfony native DSN", { MAILER_DSN: "native://default" }, "sendmail", ["MAILER_DSN"]],
    ["SMTP URL to a relay on 25", { MAILER_URL: "smtp://relay.example.org:25" }, "port-25", ["MAILER_URL"]],
    [
      "Go app to a relay on 25",
      { SMTP_HOST: "mail.corp.example", SMTP_PORT: "25" },
      "port-25",
      ["SMTP_HOST", "SMTP_PORT"],
    ],
    ["Node nodemailer sendmail transport", { MAIL_TRANSPORT: "sendmail" }, "sendmail", ["MAIL_TRANSPORT"]],
    [
      "Ghost's nconf names",
      { mail__transport: "SMTP", mail__options__host: "localhost" },
      "local-mta",
      ["mail__options__host"],
    ],
    [
      "Java spring.mail as env",
      { SPRING_MAIL_HOST: "localhost", SPRING_MAIL_PORT: "25" },
      "local-mta",
      ["SPRING_MAIL_HOST", "SPRING_MAIL_PORT"],
    ],
  ])("%s", (_name, values, via, settings) => {
    expect(of(values)).toEqual({ via, settings });
  });

  it.each([
    ["a provider on 587 (Mastodon)", { SMTP_SERVER: "smtp.example.org", SMTP_PORT: "587", SMTP_LOGIN: "x" }],
    [
      "a provider on 465 (Ghost)",
      { mail__transport: "SMTP", mail__options__host: "smtp.eu.mailgun.org", mail__options__port: "465" },
    ],
    ["an SMTP URL on 587 (Kimai)", { MAILER_URL: "smtp://user:pass@smtp.example.com:587" }],
    ["an API mailer", { MAIL_MAILER: "postmark", MAIL_HOST: "localhost" }],
    ["Django's console backend", { EMAIL_BACKEND: "django.core.mail.backends.console.EmailBackend" }],
    ["an inbound listener's port only (Healthchecks' SMTPD_PORT)", { SMTPD_PORT: "2525" }],
    ["a sender address only", { MAIL_FROM_ADDRESS: "hello@example.org", PING_EMAIL_DOMAIN: "hc.example.org" }],
    ["no mail setting", { DATABASE_URL: "postgres://localhost/app" }],
    ["a host merely named like a catcher", { SMTP_HOST: "smtp.mailhogger.example.org", SMTP_PORT: "587" }],
  ])("nothing for %s", (_name, values) => {
    expect(of(values)).toBeUndefined();
  });

  it("a blank host keeps the framework's local default, whatever port 1025 says (Chatwoot's .env)", () => {
    expect(of({ SMTP_ADDRESS: "", SMTP_PORT: "1025" })?.via).toBe("local-mta");
  });

  it("reads only the process's own env names", () => {
    expect(outboundMailOf(["DATABASE_URL"], { EMAIL_HOST: "localhost" })).toBeUndefined();
  });

  describe("with an MTA on the VM", () => {
    const mta = { name: "postfix" as const, source: "/etc/postfix/main.cf" };
    const django = { framework: "django", via: "local-mta" as const };

    it.each([
      ["localhost:25", { EMAIL_HOST: "localhost", EMAIL_PORT: "25" }, "local-mta", ["EMAIL_HOST", "EMAIL_PORT"]],
      ["sendmail", { MAIL_MAILER: "sendmail" }, "sendmail", ["MAIL_MAILER"]],
    ])("mail through it (%s) names it", (_name, values, via, settings) => {
      expect(outboundMailOf(Object.keys(values), values, { mta })).toEqual({ via, settings, mta: "postfix" });
    });

    it("a relay on port 25 or a catcher does not name it: the mail does not go through it", () => {
      const values = { SMTP_HOST: "relay.example.org", SMTP_PORT: "25" };
      expect(outboundMailOf(Object.keys(values), values, { mta })).toEqual({
        via: "port-25",
        settings: ["SMTP_HOST", "SMTP_PORT"],
      });
    });

    it("no mail host set: the framework's default sends through it", () => {
      expect(
        outboundMailOf(
          ["DEFAULT_FROM_EMAIL"],
          { DEFAULT_FROM_EMAIL: "x@example.org" },
          { mta, frameworkDefault: django },
        ),
      ).toEqual({
        via: "local-mta",
        settings: [],
        mta: "postfix",
        frameworkDefault: "django",
      });
    });

    it.each([
      ["no MTA on the VM", {}, { frameworkDefault: django }],
      ["no default that applies (the app sends no mail, or names its own host)", {}, { mta }],
      [
        "a provider's host in the settings",
        { EMAIL_HOST: "smtp.sendgrid.net", EMAIL_PORT: "587" },
        { mta, frameworkDefault: django },
      ],
      ["a provider's API key beside it", { POSTMARK_API_TOKEN: "x" }, { mta, frameworkDefault: django }],
      [
        "a non-SMTP backend",
        { EMAIL_BACKEND: "anymail.backends.mailgun.EmailBackend" },
        { mta, frameworkDefault: django },
      ],
    ])("nothing with %s", (_name, values: Record<string, string>, context) => {
      expect(outboundMailOf(Object.keys(values), values, context)).toBeUndefined();
    });
  });
});
