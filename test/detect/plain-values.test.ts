// Which VM settings are plain by their value (plain env vars, in a committed file) and which stay
// secrets: both the name and the value must say plain, and only shapes the ssh read sends
// unchanged count, so an ssh read and a disk read agree (read-host.sh's plain() is run on each
// value here to check it).
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { isPlainValue } from "../../src/detect/plain-values.js";
import { remoteScript } from "../../src/detect/ssh-host.js";

describe("isPlainValue", () => {
  it.each([
    // Ghost's config.production.json (nconf names) and wallabag's FPM pool.
    ["url", "https://blog.example.com", true],
    ["url", "https://blog.example.com/", true],
    ["process", "systemd", true],
    ["mail__transport", "SMTP", true],
    ["mail__options__service", "Mailgun", true],
    ["mail__options__host", "smtp.eu.mailgun.org", true],
    ["mail__options__port", "465", true],
    ["mail__options__secure", "true", true],
    ["paths__contentPath", "/var/www/ghost/content", true],
    ["WALLABAG_CAPTCHA_ENABLED", "0", true],
    ["WALLABAG_BASE_URL", "https://read.example.org", true],
    ["DEFAULT_LOCALE", "en", true],
    ["BIND", "0.0.0.0:8000", true],
    // A relative folder that says so (Twenty's STORAGE_LOCAL_PATH), not a bare dot or a dotted secret.
    ["STORAGE_LOCAL_PATH", ".local-storage", true],
    ["UPLOAD_DIR", "./uploads/", true],
    ["DATA_DIR", "../data", true],
    ["WORK_DIR", ".", false],
    ["STORAGE_LOCAL_PATH", ".a+b/c=", false],
    // A name that hints at a credential stays secret, whatever the value.
    ["mail__options__auth__user", "postmaster", false],
    ["MAIL_PASSWORD", "mailgun", false],
    ["WALLABAG_OAUTH_ACCESS_TOKEN_LIFETIME", "3600", false],
    ["MAILER_DSN", "smtp://smtp.example.org:587", false],
    ["SECRET_KEY_BASE", "true", false],
    ["ADMIN_PW", "letmein", false],
    ["MAIL_USERNAME", "mailer", false],
    ["SMTP_LOGIN", "mailer", false],
    ["OIDC_CLIENT_ID", "outline", false],
    // Values that may hold one: credentials, paths or queries in a URL, mixed case, digits, spaces, e-mail.
    ["SITE_URL", "https://user:pw@example.org", false],
    ["NOTIFY_URL", "https://hooks.example.com/services/T0/B0/x", false],
    ["SITE_URL", "https://example.org/?t=abc", false],
    ["APP_NAME", "Shop2024", false],
    ["APP_NAME", "ShopTwentyFour", false],
    ["SERVER_NAME", "Our wallabag", false],
    ["FROM_EMAIL", "wallabag@read.example.org", false],
    ["MAX_AGE", "1209600", false],
    ["EMPTY", "", false],
    ["MARKED", "https://example.org/<redacted:vm>", false],
    // A server's flags (gunicorn's GUNICORN_CMD_ARGS): plain while no flag or value can hold a credential.
    ["GUNICORN_CMD_ARGS", "--bind=127.0.0.1:8000 --workers=3 --threads 2 --access-logfile -", true],
    ["GUNICORN_CMD_ARGS", "-k gthread --timeout 60 --chdir /srv/app", true],
    ["GUNICORN_CMD_ARGS", "--keyfile=/etc/ssl/app.key", false],
    ["JAVA_OPTS", "-Dspring.datasource.password=hunter2", false],
    ["APP_ARGS", "--api-user=Admin2024", false],
    ["APP_ARGS", "--limit=1234567", false],
    // celery multi: flags scoped to nodes (CELERYD_OPTS), and node names only under a *_NODES name.
    ["CELERYD_OPTS", "--beat:celery --queues:celery=celery --concurrency:backup=1 -c:1-3 10", true],
    ["CELERYD_OPTS", "--broker:celery=redis://:pw@host/0", false],
    ["CELERYD_NODES", "celery notify memory", true],
    // A path with the placeholders celery multi or systemd fill in: a path still, not a secret.
    ["CELERYD_PID_FILE", "/run/celery/weblate-%n.pid", true],
    ["LOG_FILE", "/var/log/celery/weblate-%n%I.log", true],
    ["LOG_FILE", "/var/log/100%", false],
    ["CELERYD_NODES", "celery Notify", false],
    ["BACKUP_PHRASE", "correct horse battery staple", false],
  ])("%s=%s: plain %s", (name, value, plain) => {
    expect(isPlainValue(name, value)).toBe(plain);
  });
});

/** read-host.sh's plain() of each NAME=value, as the ssh read sends an env file's lines. */
async function sentOverSsh(lines: string[]): Promise<string[]> {
  const fn = /^function plain\(.*?^}\n/ms.exec(remoteScript())![0];
  const program = `${fn}\nBEGIN { M = "<redacted:vm>"; q = sprintf("%c", 39) }\n{ i = index($0, "="); print plain(substr($0, 1, i - 1), substr($0, i + 1)) }`;
  const r = await execa("awk", [program], { input: lines.join("\n") });
  return r.stdout.split("\n");
}

describe("an ssh read and a disk read agree", () => {
  const cases = [
    "url=https://blog.example.com",
    "SITE_URL=https://user:pw@example.org",
    "SITE_URL=https://example.org/a",
    "HOOK_URL=https://example.org?x=1",
    "DB_URL=postgres://db:5432",
    "MAILER_DSN=smtp://user:pass@relay.example.org:25",
    "SENTRY_DSN=https://key@o1.ingest.example.com/4",
    "MODE=production",
    "FLAG=True",
    "NAME=Shop2024",
    "SMTP=SMTP",
    "LONG=ABCDEFGHIJ",
    "N=123456",
    "P=/srv/app",
    "A=127.0.0.1:8000",
    "AUTH_MODE=ldap",
    "GUNICORN_CMD_ARGS=--bind=127.0.0.1:8000 --workers=3 --threads 2",
    "GUNICORN_CMD_ARGS=-k gthread --chdir /srv/app --access-logfile -",
    "GUNICORN_CMD_ARGS=--keyfile=/etc/ssl/app.key",
    "JAVA_OPTS=-Dspring.datasource.password=hunter2",
    "APP_ARGS=--user=Admin2024",
    "CELERYD_OPTS=--beat:celery --queues:celery=celery --prefetch-multiplier:celery=4     --concurrency:backup=1",
    "CELERYD_NODES=celery notify memory backup translate",
    "CELERYD_NODES=celery Notify",
    "CELERYD_PID_FILE=/run/celery/weblate-%n.pid",
    "CELERYD_LOG_FILE=/var/log/celery/weblate-%n%I.log",
    "LOG_FILE=/var/log/100%",
    "BACKUP_PHRASE=correct horse battery staple",
  ];
  it("plain by the value the VM holds exactly when plain by the value the ssh read sends", async () => {
    const sent = await sentOverSsh(cases);
    cases.forEach((line, i) => {
      const [name, value] = [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)];
      expect(isPlainValue(name, sent[i]!), line).toBe(isPlainValue(name, value));
    });
  });
});
