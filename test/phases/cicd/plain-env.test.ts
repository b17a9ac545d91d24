// Plain settings carried from the VM (the design's plainEnv) reach Cloud Run as plain env vars:
// the deploy reads deploy/cloud-run.env in one step that refuses a missing, empty or unsafe value,
// and passes each with a list delimiter a value cannot contain (ALLOWED_HOSTS holds commas).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { offlineCicd } from "../../../src/phases/cicd/offline.js";
import { cicdPlanSteps } from "../../../src/phases/cicd/plan-steps.js";
import { loadPlainEnvStep, plainEnvVars, plainSettingsCommand } from "../../../src/phases/cicd/plain-env.js";
import { chainYaml } from "../../helpers/chain.js";
import { renderOffline, repoFor } from "../../helpers/offline-output.js";
import { ROOT } from "../../helpers/phase-input.js";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

type Step = { name: string; run?: string };

describe("plain settings (healthchecks: ALLOWED_HOSTS, SITE_ROOT, and the mail settings plain by their value)", async () => {
  const file = path.join(ROOT, "test/fixtures/real/healthchecks/inventory.yaml");
  const out = await renderOffline(file, repoFor(file));
  const get = (p: string) => out.artifacts.find((a) => a.path === p);
  const steps = parse(get(".github/workflows/deploy.yml")!.content).jobs.deploy.steps as Step[];
  const load = steps.find((s) => s.name.startsWith("Load the plain settings"))!;
  const names = [...load.run!.matchAll(/^load (\S+) PLAIN_\S+$/gm)].map((m) => m[1]!);
  // The settings the cases below do not look at, each with a value the deploy accepts.
  const others = names.filter((n) => n !== "ALLOWED_HOSTS" && n !== "SITE_ROOT").map((n) => `${n}=x`);

  /** Runs the loading step against a deploy/cloud-run.env with these lines; returns exit code and $GITHUB_ENV. */
  async function runLoad(lines: string[] | undefined): Promise<{ code: number; env: string; stdout: string }> {
    const dir = mkdtempSync(path.join(os.tmpdir(), "im-plain-"));
    dirs.push(dir);
    if (lines) {
      mkdirSync(path.join(dir, "deploy"));
      writeFileSync(path.join(dir, "deploy/cloud-run.env"), `# comment\n${[...others, ...lines].join("\n")}\n`);
    }
    writeFileSync(path.join(dir, "github.env"), "");
    const run = await execa("bash", ["-e", "-c", load.run!], {
      cwd: dir,
      env: { GITHUB_ENV: path.join(dir, "github.env") },
      reject: false,
    });
    return { code: run.exitCode ?? -1, env: readFileSync(path.join(dir, "github.env"), "utf8"), stdout: run.stdout };
  }

  it("writes the file once, with the names to fill in, and plans the step that fills it", () => {
    const env = get("deploy/cloud-run.env")!;
    expect(env.policy).toBe("create-only");
    expect(env.content).toMatch(/^ALLOWED_HOSTS=$/m);
    expect(env.content).toMatch(/^SITE_ROOT=$/m);
    // Healthchecks' mail settings are plain by their values on the VM; its password is not.
    expect(names).toEqual(expect.arrayContaining(["EMAIL_HOST", "EMAIL_PORT", "EMAIL_USE_TLS"]));
    expect(names).not.toContain("EMAIL_HOST_PASSWORD");
    const step = out.steps.find((s) => s.title === "Plain settings")!;
    // The unit's EnvironmentFile= (the inventory's envFile), not a placeholder to fill in; the units
    // set nothing else (no Environment= value of their own), so they are not read again.
    expect(step.commands).toEqual([plainSettingsCommand("hc-vm-01", names, ["/etc/healthchecks.env"], [])]);
  });

  // The plan's command prints the plain settings as NAME=value, and only them, from each format a
  // VM keeps settings in (the secrets beside them stay on the VM, a commented line is no value) and
  // from a unit's Environment=: run here with a fake ssh, sudo and systemctl.
  it.each([
    [
      "an env file",
      "SECRET_KEY=s3cret\nALLOWED_HOSTS=example.org\n# SITE_ROOT=https://old.example.org\n  #SITE_ROOT=x\nSITE_ROOT=https://example.org\n",
      "",
    ],
    [
      "a PHP-FPM pool",
      "[www]\nuser = www-data\n;env[ALLOWED_HOSTS] = old.example.org\nenv[SECRET_KEY] = s3cret\nenv[ALLOWED_HOSTS] = example.org\nenv[SITE_ROOT] = https://example.org ; root\n",
      "",
    ],
    [
      "a Supervisor program",
      '[program:web]\ncommand=/usr/bin/app\nenvironment=ALLOWED_HOSTS="example.org",SECRET_KEY="s3cret", SITE_ROOT="https://example.org"\n',
      "",
    ],
    [
      "a unit's Environment= beside an env file",
      "SECRET_KEY=s3cret\nALLOWED_HOSTS=example.org\n",
      "SECRET_X=s3cret SITE_ROOT=https://example.org",
    ],
  ])("the plan's command prints the plain settings of %s, never a secret", async (_name, text, unitEnv) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "im-plain-vm-"));
    dirs.push(dir);
    const file = path.join(dir, "vm-settings");
    writeFileSync(file, text);
    const fake = (name: string, body: string) =>
      writeFileSync(path.join(dir, name), `#!/bin/bash\n${body}\n`, { mode: 0o755 });
    fake("ssh", 'exec bash -c "$2"');
    fake("sudo", 'exec "$@"');
    fake("systemctl", 'printf "%s\\n" "$FAKE_UNIT_ENV"');
    const command = plainSettingsCommand("vm", ["ALLOWED_HOSTS", "SITE_ROOT"], [file], ["app.service"]);
    const run = await execa("bash", ["-c", command], {
      env: { PATH: `${dir}:/usr/bin:/bin`, FAKE_UNIT_ENV: unitEnv },
      reject: false,
    });
    expect(run.stdout.split("\n")).toEqual(["ALLOWED_HOSTS=example.org", "SITE_ROOT=https://example.org"]);
    expect(run.stdout).not.toContain("s3cret");
  });

  it("loads the values before any deploy or migration step", () => {
    expect(steps.indexOf(load)).toBeLessThan(steps.findIndex((s) => /^(Deploy|Migrate) /.test(s.name)));
  });

  it("passes each value as a plain env var, with | as the list delimiter", () => {
    const web = steps.find((s) => s.name === "Deploy healthchecks (api)")!.run!;
    expect(web).toMatch(
      /"--set-env-vars=\^\|\^[^"]*\|ALLOWED_HOSTS=\$\{PLAIN_ALLOWED_HOSTS\}\|[^"]*\|SITE_ROOT=\$\{PLAIN_SITE_ROOT\}[|"]/,
    );
    expect(web).not.toMatch(/--set-secrets=[^ ]*ALLOWED_HOSTS/);
    expect(get("scripts/setup-secrets.sh")!.content).not.toMatch(/SECRETS=\([^)]*ALLOWED_HOSTS/);
  });

  it("runs the migration job with the app's settings: engine flag, socket and plain settings", () => {
    const migrate = steps.find((s) => s.name.startsWith("Migrate the database"))!.run!;
    // Without DB=postgres, Healthchecks' settings fall back to SQLite and migrate a file in the container:
    // the VM's value (its database server stays PostgreSQL) comes in with the plain settings.
    expect(migrate).toMatch(
      /--set-env-vars=\^\|\^DB_HOST=\/cloudsql\/[^|]+\|ALLOWED_HOSTS=\$\{PLAIN_ALLOWED_HOSTS\}\|DB=\$\{PLAIN_DB\}\|/,
    );
  });

  it("accepts a host list with commas", async () => {
    const run = await runLoad(["ALLOWED_HOSTS=hc.example.com,www.hc.example.com", "SITE_ROOT=https://hc.example.com"]);
    expect(run.code).toBe(0);
    expect(run.env).toContain("PLAIN_ALLOWED_HOSTS=hc.example.com,www.hc.example.com\n");
    expect(run.env).toContain("PLAIN_SITE_ROOT=https://hc.example.com\n");
  });

  it.each([
    ["the file is missing", undefined, /is missing/],
    ["a value is empty", ["ALLOWED_HOSTS=", "SITE_ROOT=https://hc.example.com"], /ALLOWED_HOSTS has no value/],
    ["a name is absent", ["ALLOWED_HOSTS=hc.example.com"], /SITE_ROOT has no value/],
    [
      "a value is *",
      ["ALLOWED_HOSTS=*", "SITE_ROOT=https://hc.example.com"],
      /ALLOWED_HOSTS: a plain env var may hold/,
    ],
    ["a value holds |", ["ALLOWED_HOSTS=a|b", "SITE_ROOT=x"], /ALLOWED_HOSTS: a plain env var may hold/],
    ["a value holds a space", ["ALLOWED_HOSTS=a b", "SITE_ROOT=x"], /ALLOWED_HOSTS: a plain env var may hold/],
  ])("stops the deploy when %s", async (_why, lines, message) => {
    const run = await runLoad(lines);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(message);
  });
});

describe("services that read different env files on the VM", () => {
  // Healthchecks' units all read /etc/healthchecks.env; here its sendalerts worker reads its own.
  const file = path.join(ROOT, "test/fixtures/real/healthchecks/inventory.yaml");
  const yamlText = readFileSync(file, "utf8").replace(
    /(- name: healthchecks-sendalerts\n(?:\s{4}.*\n)*?\s{4}envFile: )\/etc\/healthchecks\.env/,
    "$1/etc/sendalerts.env",
  );
  const { input } = chainYaml(yamlText);
  const steps = cicdPlanSteps(offlineCicd(input), input);

  it("reads every file: setup-secrets.sh gets one --env-file each, the plain settings' grep both", () => {
    expect(yamlText).toContain("envFile: /etc/sendalerts.env");
    const secrets = steps.find((s) => s.title === "Secrets")!;
    expect(secrets.commands?.at(-1)).toMatch(/--env-file \/etc\/healthchecks\.env --env-file \/etc\/sendalerts\.env$/);
    expect(secrets.body).toContain("reads each");
    const plain = steps.find((s) => s.title === "Plain settings")!;
    expect(plain.commands?.[0]).toContain('"sudo cat -- /etc/healthchecks.env /etc/sendalerts.env"');
  });
});

describe("each plain setting has a workflow variable of its own", () => {
  it.each<[string, string[], Record<string, string>]>([
    ["upper case, and the app's own case", ["DEBUG", "url"], { DEBUG: "PLAIN_DEBUG", url: "PLAIN__URL" }],
    ["two names that differ only in case", ["url", "Url"], { Url: "PLAIN__URL", url: "PLAIN__URL_2" }],
    ["a leading _ against lower case", ["_FOO", "foo"], { _FOO: "PLAIN__FOO", foo: "PLAIN__FOO_2" }],
    [
      "a suffix another name already has",
      ["Url", "url", "url_2"],
      { Url: "PLAIN__URL", url: "PLAIN__URL_2", url_2: "PLAIN__URL_2_2" },
    ],
  ])("%s", (_name, names, expected) => {
    const vars = plainEnvVars(names);
    expect(Object.fromEntries(vars)).toEqual(expected);
    expect(new Set(vars.values()).size).toBe(vars.size);
    // The deploy's loading step writes each name's value to its own variable.
    const loads = [...loadPlainEnvStep(names).run.matchAll(/^load (\S+) (\S+)$/gm)].map((m) => [m[1], m[2]]);
    expect(Object.fromEntries(loads)).toEqual(expected);
  });
});
