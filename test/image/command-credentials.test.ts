import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { CREDENTIAL, carryCredentials } from "../../src/image/command-credentials.js";
import { processArgv } from "../../src/image/process-argv.js";
import { cronArgv } from "../../src/phases/design/rules/cron-command.js";
import { CREDENTIAL_SCRIPT } from "../../src/contracts/deployment.js";
import { CREDENTIAL_ARGS_FLAG, DEPLOY_FLAG } from "../../src/phases/cicd/deploy-flags.js";
import { redactText } from "../../src/inventory/redact.js";

const IMAP =
  "cd /opt/redmine && bundle exec rake redmine:email:receive_imap RAILS_ENV=production host=imap.example.com username=redmine@example.com password=S3cr3tPw";

describe("a redacted credential on a command line keeps its place", () => {
  const redacted = redactText(IMAP).text;

  it("is redacted by the inventory loader", () => {
    expect(redacted).toContain("password=<redacted:password>");
  });

  it.each([
    ["processArgv", () => processArgv(redacted)],
    ["cronArgv", () => cronArgv(redacted)],
  ])("%s reads the marker as a word, not as a redirection", (_, read) => {
    const r = read();
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.argv.at(-1)).toBe(`password=${CREDENTIAL}`);
    expect(r.dropped.join(" ")).not.toMatch(/[<>]/);
  });
});

describe("carryCredentials", () => {
  it.each([
    // [VM command (redacted), process, expected script, secrets]
    [
      "bundle exec rake mail:receive host=imap.example.com password=<redacted:password>",
      "rake-mail-receive",
      'exec bundle exec rake mail:receive host=imap.example.com password="$RAKE_MAIL_RECEIVE_PASSWORD"',
      ["RAKE_MAIL_RECEIVE_PASSWORD"],
    ],
    [
      "python manage.py fetchmail --password=<redacted:password> --user=bot",
      "fetchmail",
      'exec python manage.py fetchmail --password="$FETCHMAIL_PASSWORD" --user=bot',
      ["FETCHMAIL_PASSWORD"],
    ],
    [
      "mysqldump -u backup -p<redacted:password> app",
      "db-dump",
      'exec mysqldump -u backup -p"$DB_DUMP_PASSWORD" app',
      ["DB_DUMP_PASSWORD"],
    ],
    [
      "node worker.js --api-key <redacted:token>",
      "worker",
      'exec node worker.js --api-key "$WORKER_API_KEY"',
      ["WORKER_API_KEY"],
    ],
  ])("%s", (command, name, script, secrets) => {
    const argv = cronArgv(command);
    expect(argv.ok).toBe(true);
    if (!argv.ok) return;
    const carried = carryCredentials(name, argv.argv);
    expect(carried).toMatchObject({ ok: true, argv: ["sh", "-c", script], secrets });
    expect(script).toMatch(CREDENTIAL_SCRIPT);
    // What the deploy passes, and what canary.sh lets through.
    const flag = `--args=-c,${script}`;
    expect(DEPLOY_FLAG.test(flag)).toBe(false);
    expect(flag).toMatch(CREDENTIAL_ARGS_FLAG);
  });

  it("runs in sh with the value from the environment, never expanded twice", () => {
    const carried = carryCredentials("job", ["printf", "%s", `password=${CREDENTIAL}`]);
    expect(carried.ok).toBe(true);
    if (!carried.ok) return;
    const out = execFileSync(carried.argv[0]!, carried.argv.slice(1), {
      env: { PATH: process.env.PATH, JOB_PASSWORD: "p w$(id)`x`" },
    }).toString();
    expect(out).toBe("password=p w$(id)`x`");
  });

  it.each([
    [["%CREDENTIAL%", "x"], "not the value of a named argument"],
    [["tool", "%CREDENTIAL%"], "not the value of a named argument"],
    [["tool", "a=%CREDENTIAL%:%CREDENTIAL%"], "not the value of a named argument"],
    [["tool", "--x", "%CREDENTIAL%", "a b"], "would need quoting"],
  ])("holds %j back: %s", (argv, reason) => {
    const carried = carryCredentials("job", argv);
    expect(carried.ok).toBe(false);
    if (!carried.ok) expect(carried.reason).toContain(reason);
  });

  it.each([
    '--args=-c,exec tool password="$X"; rm -rf /',
    "--args=-c,exec tool `id`",
    "--args=-c,exec tool $(id)",
    "--args=-c,exec tool password=$X",
    "--args=-c,exec tool password=\"$X\" 'a'",
    '--args=-c,rm password="$X"',
  ])("lets no other shell through: %s", (flag) => {
    expect(CREDENTIAL_ARGS_FLAG.test(flag)).toBe(false);
  });
});
