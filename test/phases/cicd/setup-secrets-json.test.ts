// scripts/setup-secrets.sh --from-vm reads a JSON settings file as nconf reads it: Ghost keeps its
// site settings in config.production.json (ghost-cli writes it; no env file exists), and reads
// each from the environment first as the nested keys joined by `__`, in the keys' own case
// (ghost.org/docs/config "Running Ghost with config env variables"). A string is copied as it is,
// a number, boolean or array as JSON (nconf's parseValues reads it back). The database user's
// settings are never copied from the VM. The plain ones (the site's URL, the mail host, flags) go to
// deploy/cloud-run.env instead of Secret Manager, filled the same way. Run for real against a
// recording gcloud and a fake ssh.
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { offlineCicd } from "../../../src/phases/cicd/offline.js";
import { PLAIN_ENV_FILE } from "../../../src/phases/cicd/plain-env.js";
import { CICD_PATHS, renderCicd } from "../../../src/phases/cicd/render.js";
import { chainFile } from "../../helpers/chain.js";
import { ROOT } from "../../helpers/phase-input.js";
import { RECORDING_GCLOUD, writePrograms } from "../../helpers/recording-gcloud.js";

const GHOST = path.join(ROOT, "test/fixtures/real/ghost");
const CONFIG = "/var/www/ghost/config.production.json";

let dir: string;
let script: string;
let stored: Map<string, string>;
let plain: string;
let run: Awaited<ReturnType<typeof execa>>;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "setup-secrets-json-"));
  const { input } = chainFile(path.join(GHOST, "inventory.yaml"));
  const artifacts = renderCicd(offlineCicd(input), input);
  script = path.join(dir, CICD_PATHS.setupSecrets);
  await mkdir(path.join(dir, path.dirname(CICD_PATHS.vmSettingsLib)), { recursive: true });
  for (const file of [CICD_PATHS.setupSecrets, CICD_PATHS.vmSettingsLib])
    await writeFile(path.join(dir, file), artifacts.find((a) => a.path === file)!.content);
  await mkdir(path.join(dir, "deploy"));
  await writeFile(path.join(dir, PLAIN_ENV_FILE), artifacts.find((a) => a.path === PLAIN_ENV_FILE)!.content);
  const fakes = await writePrograms(dir, {
    gcloud: RECORDING_GCLOUD,
    ssh: ["#!/usr/bin/env bash", `printf '%s' "$FAKE_VM_FILE"`, ""].join("\n"),
  });
  run = await execa("bash", [script, "--from-vm", "deploy@vm", "--env-file", CONFIG], {
    // The Cloud SQL database, password and user (typed: never the VM's).
    input: "typed-db\ntyped-password\ntyped-user\n",
    reject: false,
    extendEnv: false,
    env: {
      ...fakes,
      PATH: `${dir}:/usr/bin:/bin`,
      LOG_DIR: dir,
      FAKE_VM_FILE: readFileSync(path.join(GHOST, "vm", CONFIG), "utf8"),
    },
  });
  const log = await readFile(path.join(dir, "stdin.log"), "utf8").catch(() => "");
  stored = new Map([...log.matchAll(/^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
  plain = await readFile(path.join(dir, PLAIN_ENV_FILE), "utf8");
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("setup-secrets.sh --from-vm: a JSON settings file (Ghost's config.production.json)", () => {
  it("runs to the end and never prints a value", () => {
    expect(run.exitCode, String(run.stderr)).toBe(0);
    expect(String(run.stdout) + String(run.stderr)).not.toMatch(/fake-mailgun|fake-mysql|postmaster@/);
  });

  it.each([
    ["a nested string", "mail__options__auth__pass", "fake-mailgun-smtp-password"],
    ["the mail login", "mail__options__auth__user", "postmaster@mg.example.com"],
    ["the database user's name: typed, never the VM's", "database__connection__user", "typed-user"],
    ["the database password: typed, never the VM's", "database__connection__password", "typed-password"],
  ])("a secret, %s: %s", (_name, secret, value) => {
    expect(stored.get(secret)).toBe(value);
  });

  it.each([
    ["a nested number, as JSON", "mail__options__port", "465"],
    ["a boolean, as JSON", "mail__options__secure", "true"],
    ["a camelCase key keeps its case", "security__staffDeviceVerification", "true"],
    ["a top-level string", "url", "https://blog.example.com"],
    ["a folder", "paths__contentPath", "/var/www/ghost/content"],
  ])("a plain setting in deploy/cloud-run.env, %s: %s", (_name, name, value) => {
    expect(plain).toContain(`\n${name}=${value}\n`);
    expect(stored.has(name)).toBe(false);
  });
});
