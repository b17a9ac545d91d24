// scripts/setup-secrets.sh --from-vm reads a JSON settings file as nconf reads it: Ghost keeps its
// site settings in config.production.json (ghost-cli writes it; no env file exists), and reads
// each from the environment first as the nested keys joined by `__`, in the keys' own case
// (ghost.org/docs/config "Running Ghost with config env variables"). A string is copied as it is,
// a number, boolean or array as JSON (nconf's parseValues reads it back). The database user's
// settings are never copied from the VM. Run for real against a recording gcloud and a fake ssh.
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../helpers/phase-input.js";
import { type SecretsHarness, type SecretsRun, secretsHarness } from "../../helpers/secrets-harness.js";

const GHOST = path.join(ROOT, "test/fixtures/real/ghost");
const CONFIG = "/var/www/ghost/config.production.json";

let harness: SecretsHarness;
let stored: Map<string, string>;
let run: SecretsRun;

beforeAll(async () => {
  harness = await secretsHarness(path.join(GHOST, "inventory.yaml"), "setup-secrets-json-");
  run = await harness.run(
    ["--from-vm", "deploy@vm", "--env-file", CONFIG],
    // The Cloud SQL database, password and user (typed: never the VM's).
    "typed-db\ntyped-password\ntyped-user\n",
    { FAKE_VM_ENV: readFileSync(path.join(GHOST, "vm", CONFIG), "utf8") },
  );
  stored = new Map([...run.values.matchAll(/^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
});
afterAll(() => harness.dispose());

describe("setup-secrets.sh --from-vm: a JSON settings file (Ghost's config.production.json)", () => {
  it("runs to the end and never prints a value", () => {
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.output).not.toMatch(/fake-mailgun|fake-mysql|postmaster@/);
  });

  it.each([
    ["a nested string", "mail__options__auth__pass", "fake-mailgun-smtp-password"],
    ["a nested number, as JSON", "mail__options__port", "465"],
    ["a boolean, as JSON", "mail__options__secure", "true"],
    ["a camelCase key keeps its case", "security__staffDeviceVerification", "true"],
    ["a top-level string", "url", "https://blog.example.com"],
    ["a folder", "paths__contentPath", "/var/www/ghost/content"],
    ["the database user's name: typed, never the VM's", "database__connection__user", "typed-user"],
    ["the database password: typed, never the VM's", "database__connection__password", "typed-password"],
  ])("%s: %s", (_name, secret, value) => {
    expect(stored.get(secret)).toBe(value);
  });
});
