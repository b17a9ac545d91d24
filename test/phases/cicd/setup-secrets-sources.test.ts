// scripts/setup-secrets.sh --from-vm reads the settings where a VM keeps them besides NAME=value
// env files: a PHP-FPM pool's `env[NAME] = value` lines (wallabag's production settings, per
// doc.wallabag.org "Parameters") and a Supervisor program's `environment=KEY="val",…` (its
// import worker's), with each format's quoting rules (php.ini syntax; Supervisor's shlex split,
// `%%` for %). A value the file does not hold (FPM's `$VAR`, Supervisor's `%(ENV_X)s`) is asked
// for instead. Run for real against a recording gcloud and a fake ssh.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXAMPLE } from "../../helpers/chain.js";
import { type SecretsHarness, secretsHarness } from "../../helpers/secrets-harness.js";

let harness: SecretsHarness;
// The seed's secrets: DATABASE_URL (never copied: typed) and SECRET_KEY (from the VM).
beforeAll(async () => {
  harness = await secretsHarness(EXAMPLE("seed-vm"), "setup-secrets-sources-");
});
afterAll(() => harness.dispose());

/** SECRET_KEY's stored value when the VM's one file holds `text` ("typed" when the script asked). */
async function storedKey(file: string, text: string, unit?: { name: string; env: string }) {
  const sources = [...(file ? ["--env-file", file] : []), ...(unit ? ["--unit", unit.name] : [])];
  const r = await harness.run(["--from-vm", "deploy@vm", ...sources], "typed-cloud-sql-url\ntyped\n", {
    FAKE_VM_ENV: text,
    FAKE_VM_UNIT: unit?.env ?? "",
  });
  return { ...r, key: /^SECRET_KEY=(.*)$/m.exec(r.values)?.[1] };
}

const POOL = "/etc/php/8.2/fpm/pool.d/www.conf";
const PROGRAM = "/etc/supervisor/conf.d/worker.conf";
const pool = (line: string) => `[www]\nuser = www-data\nlisten = /run/php/php8.2-fpm.sock\n${line}\nenv[OTHER] = 1\n`;
const program = (lines: string) =>
  `[program:worker]\ncommand=/usr/bin/php bin/console worker\n${lines}\nautostart=true\n`;

describe("setup-secrets.sh --from-vm: a quoted value over several lines in an env file", () => {
  // Saleor's RSA_PRIVATE_KEY: a PEM in an EnvironmentFile=, quoted over several lines (systemd
  // keeps the newlines). The secret is the whole key, never its first line with a stray quote.
  it.each([
    ["double quotes", '"'],
    ["single quotes", "'"],
  ])("%s: the whole value, newlines kept, and the next names still read", async (_name, q) => {
    const pem =
      "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEF\nS2V5Tm90QVJlYWxLZXk==\n-----END PRIVATE KEY-----";
    const text = `DEBUG=False\nSECRET_KEY=${q}${pem}${q}\nOTHER=1\n`;
    const r = await storedKey("/etc/saleor/saleor.env", text);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.values).toContain(`SECRET_KEY=${pem}\n`);
    expect(r.stdout + r.stderr).not.toMatch(/MIIEvQ|S2V5/);
  });
});

describe("setup-secrets.sh --from-vm: a PHP-FPM pool's env[NAME] lines", () => {
  it.each([
    ["a plain value", "env[SECRET_KEY] = pool-value", "pool-value"],
    ["double quotes, spaces kept", 'env[SECRET_KEY] = "Our pool value"', "Our pool value"],
    ["single quotes", "env[SECRET_KEY] = 'a;b'", "a;b"],
    ["a quoted name", 'env["SECRET_KEY"] = quoted-name', "quoted-name"],
    ["a ; comment after the value", "env[SECRET_KEY] = pool-value   ; the key", "pool-value"],
    ["no space around =", "env[SECRET_KEY]=tight", "tight"],
    ["a commented line: not set, so asked for", ";env[SECRET_KEY] = old", "typed"],
    ["$VAR: FPM's own environment, so asked for", "env[SECRET_KEY] = $SECRET_KEY", "typed"],
  ])("%s", async (_name, line, want) => {
    const r = await storedKey(POOL, pool(line));
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.key).toBe(want);
    expect(r.stdout + r.stderr).not.toMatch(/pool-value|Our pool|tight|quoted-name/);
  });
});

describe("setup-secrets.sh --from-vm: a Supervisor program's environment=", () => {
  it.each([
    ["quoted, among others (wallabag's)", 'environment=APP_ENV="prod",SECRET_KEY="sv-value",B="2"', "sv-value"],
    ["unquoted", "environment=A=1,SECRET_KEY=sv_value/x.y", "sv_value/x.y"],
    ["a comma inside single quotes", "environment=SECRET_KEY='a,b',C=3", "a,b"],
    ["spaces around = and after commas", 'environment = A="1", SECRET_KEY = "spaced"', "spaced"],
    ["on a continuation line", 'environment=A="1",\n    SECRET_KEY="continued"', "continued"],
    ["%% is a literal %", 'environment=SECRET_KEY="100%%sure"', "100%sure"],
    ["a ; comment after white space", 'environment=SECRET_KEY="sv-value" ; worker settings', "sv-value"],
    ["%(ENV_X)s: expanded by Supervisor, so asked for", 'environment=SECRET_KEY="%(ENV_KEY)s"', "typed"],
    ["another name only: asked for", 'environment=SECRET_KEY_OLD="old"', "typed"],
  ])("%s", async (_name, lines, want) => {
    const r = await storedKey(PROGRAM, program(lines));
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.key).toBe(want);
    expect(r.stdout + r.stderr).not.toMatch(/sv-value|sv_value|spaced|continued|100%/);
  });

  it("the [supervisord] section's environment= counts too (programs inherit it)", async () => {
    const r = await storedKey(
      "/etc/supervisor/supervisord.conf",
      '[supervisord]\nlogfile=/var/log/supervisor/supervisord.log\nenvironment=SECRET_KEY="global"\n',
    );
    expect(r.key).toBe("global");
  });
});

describe("setup-secrets.sh --from-vm: Symfony's .env.local.php (composer dump-env's var_export array)", () => {
  it.each([
    ["a dumped value", "  'SECRET_KEY' => 'dumped-value',", "dumped-value"],
    ["an escaped quote", "  'SECRET_KEY' => 'it\\'s',", "it's"],
    ["an escaped backslash", "  'SECRET_KEY' => 'C:\\\\dir',", "C:\\dir"],
    ["another name only: asked for", "  'SECRET_KEY_OLD' => 'old',", "typed"],
  ])("%s", async (_name, line, want) => {
    const text = `<?php\n\n// This file was generated by running "composer dump-env prod"\n\nreturn array (\n  'APP_ENV' => 'prod',\n${line}\n);\n`;
    const r = await storedKey("/var/www/app/.env.local.php", text);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.key).toBe(want);
    expect(r.stdout + r.stderr).not.toMatch(/dumped-value|it's/);
  });
});

// A unit's Environment= lines (ghost-cli's unit sets NODE_ENV there, beside its JSON settings file):
// `systemctl show --property=Environment --value` prints them merged, a space between entries.
describe("setup-secrets.sh --from-vm --unit: a systemd unit's Environment=", () => {
  it.each([
    ["alone", "", "NODE_ENV=production SECRET_KEY=unit-value", "unit-value"],
    ["beside an env file without it", "OTHER=1\n", "SECRET_KEY=unit-value", "unit-value"],
    // systemd applies EnvironmentFile= over Environment=: the file's value, and no stop for the clash.
    ["an env file's value wins", "SECRET_KEY=file-value\n", "SECRET_KEY=unit-value", "file-value"],
    ["a value with a space is [unprintable]: asked for", "", "NODE_ENV=production [unprintable]", "typed"],
  ])("%s", async (_name, fileText, unitEnv, want) => {
    const r = await storedKey(fileText ? "/etc/app.env" : "", fileText, { name: "app.service", env: unitEnv });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.key).toBe(want);
    expect(r.stdout + r.stderr).not.toMatch(/unit-value|file-value/);
  });

  it("refuses a unit name that is not one", async () => {
    const r = await storedKey("", "", { name: "app.service; rm -rf /", env: "" });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("--unit takes a systemd unit name");
  });
});
