// A file on the VM that holds a secret the repository lacks (inventory secretFiles, wallabag's
// site-credentials key): one Secret Manager secret per file, mounted by the app's targets as a file
// in a folder of its own, the image linking the app's path to it, and setup-secrets.sh --from-vm
// copying the VM's bytes into it without printing them. Run for real against a recording gcloud
// and a fake ssh.
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planImages } from "../../../src/image/plan.js";
import { deployFlags } from "../../../src/phases/cicd/deploy-flags.js";
import { secretsView } from "../../../src/phases/cicd/setup-views.js";
import { offlineCicd } from "../../../src/phases/cicd/offline.js";
import { cicdPlanSteps } from "../../../src/phases/cicd/plan-steps.js";
import { shellcheck } from "../../../src/validate/shellcheck.js";
import { chainFile } from "../../helpers/chain.js";
import { renderOffline } from "../../helpers/offline-output.js";
import { ROOT } from "../../helpers/phase-input.js";
import { type SecretsHarness, secretsHarness } from "../../helpers/secrets-harness.js";

const APP = path.join(ROOT, "test/fixtures/real/wallabag");
const INVENTORY = path.join(APP, "inventory.yaml");
const KEY = "/var/www/wallabag/data/site-credentials-secret-key.txt";
const ID = "site-credentials-secret-key-txt";
const MOUNT = `/secrets/${ID}/site-credentials-secret-key.txt`;
const POOL = "/etc/php/8.2/fpm/pool.d/www.conf";

describe.skipIf(!existsSync(APP))("a secret file on the VM", () => {
  const { design } = chainFile(INVENTORY);
  const dep = design.deployment;

  it("is one secret, mounted as a file in a folder of its own by the app's targets", () => {
    expect(dep.secretFiles?.map((f) => ({ ...f, targets: [...f.targets].sort() }))).toEqual([
      { secret: ID, sourcePath: KEY, mountPath: MOUNT, targets: ["wallabag", "wallabag-import-pocket"] },
    ]);
    for (const name of ["wallabag", "wallabag-import-pocket"]) {
      const flags = deployFlags(
        dep.services.find((t) => t.name === name)!,
        dep,
      );
      expect(flags.find((f) => f.startsWith("--set-secrets="))).toContain(`,${MOUNT}=${ID}:latest`);
    }
    const view = secretsView(dep)!;
    expect(view.fileSecrets).toEqual([`${ID}=${KEY}`]);
    expect(view.grants.filter((g) => g.startsWith(`${ID}:`))).toEqual([
      `${ID}:wallabag-import-pocket-sa`,
      `${ID}:wallabag-sa`,
    ]);
  });

  it("the image links the app's path to the mount", () => {
    const { inventory } = chainFile(INVENTORY).input;
    const dockerfile = planImages(inventory, path.join(APP, "vm/var/www/wallabag")).images[0]!.content!;
    expect(dockerfile).toContain(
      `RUN mkdir -p /app/data \\\n && ln -sfn ${MOUNT} /app/data/site-credentials-secret-key.txt\nUSER www-data`,
    );
  });
});

describe.skipIf(!existsSync(APP))("the build context's .dockerignore", () => {
  // Git lacks the key, but a build from a copy of the VM's folder would put it in every image.
  it.each([
    {
      name: "wallabag: its key file in the app's folder",
      inventory: INVENTORY,
      kept: ["data/site-credentials-secret-key.txt"],
    },
    {
      name: "healthchecks: no secret files",
      inventory: path.join(ROOT, "test/fixtures/real/healthchecks/inventory.yaml"),
      kept: [],
    },
  ])("$name", async ({ inventory, kept }) => {
    const { artifacts } = await renderOffline(inventory);
    const ignore = artifacts.find((a) => a.path === ".dockerignore")!.content;
    const section = ignore.split("# The VM's secret files")[1];
    expect(section === undefined ? [] : section.split("\n").slice(1).filter(Boolean)).toEqual(kept);
  });
});

describe.skipIf(!existsSync(APP))("setup-secrets.sh and a secret file", () => {
  let harness: SecretsHarness;
  let vm: string;
  beforeAll(async () => {
    harness = await secretsHarness(INVENTORY, "setup-secrets-file-");
    vm = await mkdtemp(path.join(tmpdir(), "fake-vm-"));
    await mkdir(path.join(vm, path.dirname(KEY)), { recursive: true });
    await writeFile(path.join(vm, KEY), "def00000-the-vm-key-bytes");
    await mkdir(path.join(vm, path.dirname(POOL)), { recursive: true });
    await writeFile(path.join(vm, POOL), "[www]\nenv[APP_SECRET] = from-pool\n");
  });
  afterAll(() => Promise.all([harness.dispose(), rm(vm, { recursive: true, force: true })]));
  const typed = "typed\n".repeat(20);

  it.each([
    {
      name: "--from-vm copies the file's bytes into its secret, never printing them",
      args: ["--from-vm", "deploy@vm", "--env-file", POOL],
      exit: 0,
      stored: "def00000-the-vm-key-bytes",
      said: `${ID}: new version added from ${KEY} on deploy@vm`,
    },
    {
      name: "without --from-vm the file cannot be typed: no version, and the script says how",
      args: [],
      exit: 1,
      stored: undefined,
      said: "No value yet: site-credentials-secret-key-txt (files on the VM): run again with --from-vm USER@HOST.",
    },
    {
      name: "--dry-run shows the copy, not the bytes",
      args: ["--dry-run"],
      exit: 0,
      stored: undefined,
      said: `+ ssh USER@HOST cat -- ${KEY} | gcloud secrets versions add ${ID} --project wallabag-prod --data-file=-`,
    },
  ])("$name", async ({ args, exit, stored, said }) => {
    const r = await harness.run(args, typed, { FAKE_VM_DIR: vm });
    expect(r.exitCode, r.output).toBe(exit);
    expect(new RegExp(`^${ID}=(.*)$`, "m").exec(r.values)?.[1]).toBe(stored);
    expect(r.output).toContain(said);
    expect(r.output).not.toContain("the-vm-key-bytes");
    // A dry run calls no gcloud: it prints what it would run.
    expect(args.includes("--dry-run") ? r.output : r.calls).toContain(`secrets create ${ID} --project wallabag-prod`);
  });
});

// An app whose only secret is a file: --from-vm needs no --env-file or --unit then, and an app
// with secret env values gets a usage error naming them when --from-vm comes without either.
const FILE_ONLY = `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: keyed }
host: { hostname: app-vm, os: "Ubuntu 22.04", cpus: 2, memoryGiB: 4, diskGiB: 50 }
services:
  - { name: web, role: web, software: gunicorn, runtime: python, framework: flask, command: "gunicorn app:app", listen: ["127.0.0.1:8000"] }
data: []
deploy: { method: ssh-systemctl, durationMinutes: 10, perWeek: 1, rollback: none, downtime: true }
traffic: { peakRps: 5, growth: 2 }
team: { engineers: 1, kubernetes: false }
target: { cloud: gcp, project: keyed-prod, region: us-central1, service: keyed, github: acme/keyed }
secretFiles:
  - path: /srv/keyed/instance/signing.key
`;
const SIGNING = "/srv/keyed/instance/signing.key";

describe("setup-secrets.sh --from-vm with secret files only", () => {
  let harness: SecretsHarness;
  let vm: string;
  let inventoryFile: string;
  beforeAll(async () => {
    vm = await mkdtemp(path.join(tmpdir(), "fake-vm-"));
    inventoryFile = path.join(vm, "inventory.yaml");
    await writeFile(inventoryFile, FILE_ONLY);
    harness = await secretsHarness(inventoryFile, "setup-secrets-file-only-");
    await mkdir(path.join(vm, path.dirname(SIGNING)), { recursive: true });
    await writeFile(path.join(vm, SIGNING), "the-signing-key-bytes");
  });
  afterAll(() => Promise.all([harness.dispose(), rm(vm, { recursive: true, force: true })]));

  it("has no secret env value to read: the view says so, and the plan's command is --from-vm alone", () => {
    const { design, input } = chainFile(inventoryFile);
    const view = secretsView(design.deployment)!;
    expect([view.secrets, view.vmEnvNames, view.fileSecrets]).toEqual([[], [], [`signing-key=${SIGNING}`]]);
    const step = cicdPlanSteps(offlineCicd(input), input).find((s) => s.title === "Secrets")!;
    expect(step.commands).toContain("bash scripts/setup-secrets.sh --from-vm USER@app-vm");
    expect(step.body).toContain("There are no secret env values, so `--from-vm USER@HOST` alone copies the files.");
  });

  it("passes shellcheck", async () => {
    expect(await shellcheck(await readFile(harness.script, "utf8"))).toEqual([]);
  });

  it.each([
    {
      name: "--from-vm alone copies the file",
      args: ["--from-vm", "deploy@vm"],
      exit: 0,
      stored: "the-signing-key-bytes",
    },
    {
      name: "--sudo reads it as root",
      args: ["--from-vm", "deploy@vm", "--sudo"],
      exit: 0,
      stored: "the-signing-key-bytes",
    },
    {
      name: "an --env-file given anyway is read and harmless",
      args: ["--from-vm", "deploy@vm", "--env-file", SIGNING],
      exit: 0,
      stored: "the-signing-key-bytes",
    },
    {
      name: "--env-file without --from-vm is still a usage error",
      args: ["--env-file", SIGNING],
      exit: 2,
      stored: undefined,
    },
  ])("$name", async ({ args, exit, stored }) => {
    const r = await harness.run(args, "", { FAKE_VM_DIR: vm });
    expect(r.exitCode, r.output).toBe(exit);
    expect(/^signing-key=(.*)$/m.exec(r.values)?.[1]).toBe(stored);
    expect(r.output).not.toContain("the-signing-key-bytes");
    if (stored) {
      expect(r.output).toContain(`signing-key: new version added from ${SIGNING} on deploy@vm`);
      expect(r.ssh).toContain(`cat -- '${SIGNING}'`);
      if (args.includes("--sudo")) expect(r.ssh).toContain(`sudo -n cat -- '${SIGNING}'`);
    }
  });
});

describe.skipIf(!existsSync(APP))("setup-secrets.sh --from-vm when secret env values must be read", () => {
  let harness: SecretsHarness;
  beforeAll(async () => {
    harness = await secretsHarness(INVENTORY, "setup-secrets-needs-env-");
  });
  afterAll(() => harness.dispose());

  it("without --env-file or --unit: a usage error naming what it would read, before any ssh or gcloud", async () => {
    const r = await harness.run(["--from-vm", "deploy@vm"], "");
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^setup-secrets: --from-vm reads .*\bAPP_SECRET\b.* from the VM: add --env-file PATH/m);
    expect([r.ssh, r.calls]).toEqual(["", ""]);
  });
});
