// Settings the move re-points (deployment.repointed): the VM address of a store the design leaves
// to a decision (Taiga's RABBITMQ_URL), an S3-compatible store's endpoint and keys (MinIO), the URL
// of a second database that stays where it is. Their VM values reach nothing from Cloud Run, so
// scripts/setup-secrets.sh never copies them: it asks for each secret, saying where its new value
// comes from, leaves a plain one's line in deploy/cloud-run.env empty, and the plan says which.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Deployment } from "../../../src/contracts/deployment.js";
import { renderOffline, type OfflineOutput } from "../../helpers/offline-output.js";
import { ROOT } from "../../helpers/phase-input.js";
import { findShellcheck, shellcheck } from "../../../src/validate/shellcheck.js";
import { RECORDING_GCLOUD, writePrograms } from "../../helpers/recording-gcloud.js";

const MINIO = `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: parcelmap }
host: { hostname: parcel-vm, os: "Ubuntu 24.04", cpus: 4, memoryGiB: 16 }
services:
  - name: api
    role: web
    software: uvicorn
    runtime: python
    framework: fastapi
    command: /opt/parcelmap/.venv/bin/uvicorn parcelmap.main:app --host 127.0.0.1 --port 8000
    listen: ["127.0.0.1:8000"]
    dependsOn: [postgres, minio]
    env: [DATABASE_URL, S3_ENDPOINT_URL, S3_ACCESS_KEY, S3_SECRET_KEY, S3_BUCKET, JWT_SECRET]
    plainEnv: [S3_ENDPOINT_URL, S3_BUCKET]
  - name: minio
    role: other
    software: minio
    command: /usr/local/bin/minio server /srv/minio --address 127.0.0.1:9000
    listen: ["127.0.0.1:9000"]
  - { name: postgres, role: database, software: postgresql, version: "16", listen: ["127.0.0.1:5432"] }
data: [{ service: postgres, engine: postgresql, version: "16", sizeGiB: 20, backups: daily }]
storage: [{ path: /srv/minio, sizeGiB: 50, services: [minio] }]
deploy: { method: ci-ssh, durationMinutes: 8, perWeek: 4, rollback: manual, downtime: true }
traffic: { peakRps: 20, growth: 3 }
team: { engineers: 2, kubernetes: false }
target: { project: parcelmap-prod, region: europe-west4, service: parcelmap, github: acme/parcelmap }
`;

const TWO_DATABASES = `apiVersion: infra-migrate/v1
kind: Inventory
metadata: { name: acme-web }
host: { hostname: web-1, os: "Ubuntu 20.04", cpus: 4, memoryGiB: 8 }
services:
  - name: shop
    role: web
    software: gunicorn
    runtime: python
    framework: django
    command: gunicorn shop.wsgi --bind 127.0.0.1:8001
    listen: ["127.0.0.1:8001"]
    dependsOn: [mysql]
    env: [DATABASE_URL, SECRET_KEY]
  - name: app
    role: web
    software: gunicorn
    runtime: python
    framework: django
    command: gunicorn acme.wsgi --bind 127.0.0.1:8000
    listen: ["127.0.0.1:8000"]
    dependsOn: [postgres]
    env: [PG_DATABASE_URL, APP_SECRET_KEY]
  - { name: mysql, role: database, software: mysql, version: "8.0", listen: ["127.0.0.1:3306"] }
  - { name: postgres, role: database, software: postgres, version: "13", listen: ["127.0.0.1:5432"] }
data:
  - { service: mysql, engine: mysql, version: "8.0", sizeGiB: 3, backups: daily }
  - { service: postgres, engine: postgres, version: "13", sizeGiB: 25, backups: daily }
deploy: { method: manual, durationMinutes: 30, perWeek: 1, rollback: none, downtime: true }
traffic: { peakRps: 30, growth: 5 }
team: { engineers: 2, kubernetes: false }
target: { project: acme-web-prod, region: europe-west2, service: acme, github: acme/web }
`;

let dir: string;
let fakes: Record<string, string>;
const outputs: Record<string, OfflineOutput> = {};

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "repointed-"));
  fakes = await writePrograms(dir, {
    gcloud: RECORDING_GCLOUD,
    ssh: `#!/usr/bin/env bash\nprintf '%s' "$FAKE_VM_ENV"\n`,
  });
  for (const [name, yaml] of Object.entries({ minio: MINIO, two: TWO_DATABASES })) {
    await writeFile(path.join(dir, `${name}.yaml`), yaml);
    outputs[name] = await renderOffline(path.join(dir, `${name}.yaml`));
  }
  outputs.taiga = await renderOffline(path.join(ROOT, "test/fixtures/real/taiga/inventory.yaml"));
  outputs.celery = await renderOffline(path.join(ROOT, "test/fixtures/real/fastapi-celery/inventory.yaml"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const deploymentOf = (app: string) => (outputs[app]!.results.design as { deployment: Deployment }).deployment;
const file = (app: string, p: string) => outputs[app]!.artifacts.find((a) => a.path === p)?.content ?? "";
const repointed = (app: string) =>
  Object.fromEntries((deploymentOf(app).repointed ?? []).map((r) => [r.name, r.newValue]));

let n = 0;
/** Runs the app's setup-secrets.sh as scripts/setup-secrets.sh of a repository whose deploy/cloud-run.env is `plainFile`. */
async function setupSecrets(app: string, vmEnv: string, input: string, plainFile = "") {
  const root = path.join(dir, `run-${n++}`);
  await mkdir(path.join(root, "scripts/lib"), { recursive: true });
  await mkdir(path.join(root, "deploy"));
  for (const a of outputs[app]!.artifacts.filter((x) => x.path.startsWith("scripts/lib/")))
    await writeFile(path.join(root, a.path), a.content);
  await writeFile(path.join(root, "scripts/setup-secrets.sh"), file(app, "scripts/setup-secrets.sh"));
  if (plainFile) await writeFile(path.join(root, "deploy/cloud-run.env"), plainFile);
  const r = await execa(
    "bash",
    [path.join(root, "scripts/setup-secrets.sh"), "--from-vm", "deploy@vm", "--env-file", "/etc/app/env"],
    {
      input,
      reject: false,
      extendEnv: false,
      env: { ...fakes, PATH: `${dir}:/usr/bin:/bin`, LOG_DIR: root, FAKE_VM_ENV: vmEnv },
    },
  );
  const read = (f: string) => readFile(path.join(root, f), "utf8").catch(() => "");
  return { ...r, values: await read("stdin.log"), plain: await read("deploy/cloud-run.env") };
}

describe("settings the move re-points are never copied from the VM", () => {
  it("Taiga: RABBITMQ_URL (RabbitMQ left to a decision) is asked for, with where its value comes from", async () => {
    expect(repointed("taiga").RABBITMQ_URL).toMatch(/rabbitmq-server/);
    const vm = "RABBITMQ_URL=amqp://taiga:vm-rabbit-pass@127.0.0.1:5672/taiga\nSECRET=vm-secret\nSECRET_KEY=vm-key\n";
    const r = await setupSecrets("taiga", vm, "typed-db-url\ntyped-rabbit-url\n");
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.values).toContain("RABBITMQ_URL=typed-rabbit-url\n");
    expect(r.values).toContain("SECRET=vm-secret\n");
    expect(r.values).not.toContain("vm-rabbit-pass");
    expect(r.stderr).toContain("RABBITMQ_URL: not copied from the VM (the move re-points it)");
    expect(r.stderr).toContain(repointed("taiga").RABBITMQ_URL);
    expect(file("taiga", "scripts/setup-secrets.sh")).not.toMatch(/^VM_ENV_NAMES=\(.* RABBITMQ_URL /m);
  });

  it("MinIO: the S3 endpoint's plain line stays empty and the keys are asked for (Cloud Storage's HMAC key)", async () => {
    const r = repointed("minio");
    expect(Object.keys(r).sort()).toEqual(["S3_ACCESS_KEY", "S3_ENDPOINT_URL", "S3_SECRET_KEY"]);
    expect(r.S3_ENDPOINT_URL).toContain("https://storage.googleapis.com");
    expect(r.S3_ACCESS_KEY).toContain("gcloud storage hmac create");
    const vm =
      "S3_ENDPOINT_URL=http://127.0.0.1:9000\nS3_BUCKET=parcels\nS3_ACCESS_KEY=vm-minio-user\nS3_SECRET_KEY=vm-minio-pass\nJWT_SECRET=vm-jwt\n";
    const run = await setupSecrets(
      "minio",
      vm,
      "typed-db\ntyped-hmac-id\ntyped-hmac-secret\n",
      "S3_BUCKET=\nS3_ENDPOINT_URL=\n",
    );
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.plain).toBe("S3_BUCKET=parcels\nS3_ENDPOINT_URL=\n");
    expect(run.values).toContain("JWT_SECRET=vm-jwt\n");
    expect(run.values).toContain("S3_ACCESS_KEY=typed-hmac-id\n");
    expect(run.values).toContain("S3_SECRET_KEY=typed-hmac-secret\n");
    expect(run.values).not.toMatch(/vm-minio/);
    expect(run.stderr).toContain("S3_ENDPOINT_URL: not copied from the VM (the move re-points it)");
    const mapping = JSON.stringify(outputs.minio!.results.design);
    expect(mapping).not.toContain("the secrets setup copies the VM's values first");
  });

  it("a second database that does not move: its URL is asked for as that database's, not as the Cloud SQL form", async () => {
    expect(repointed("two").PG_DATABASE_URL).toMatch(/postgres/);
    const script = file("two", "scripts/setup-secrets.sh");
    expect(script).toMatch(/^DB_URL_SECRETS=\( DATABASE_URL \)$/m);
    const vm = "PG_DATABASE_URL=postgres://app:vm-pg-pass@127.0.0.1/acme\nAPP_SECRET_KEY=vm-app\nSECRET_KEY=vm-shop\n";
    const r = await setupSecrets("two", vm, "typed-cloud-sql\ntyped-pg-url\n");
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.values).toContain("PG_DATABASE_URL=typed-pg-url\n");
    expect(r.values).not.toContain("vm-pg-pass");
    expect(r.stderr).not.toMatch(/PG_DATABASE_URL: not copied .*Cloud SQL form/);
  });

  it("the scripts that ask for them pass shellcheck", async () => {
    if (!(await findShellcheck())) return;
    for (const app of ["taiga", "minio", "two"])
      expect(await shellcheck(file(app, "scripts/setup-secrets.sh")), app).toEqual([]);
  });

  it("the plan names the settings the deploy fills itself (Memorystore's address), never copied either", () => {
    const network = outputs.celery!.steps.find((s) => s.title.startsWith("Private network"))?.body ?? "";
    expect(network).toContain(
      "under their own variable name (`CELERY_BROKER_URL`, `CELERY_RESULT_BACKEND`: looked up at each deploy, never copied from the VM)",
    );
    const secrets = file("celery", "scripts/setup-secrets.sh");
    expect(secrets).not.toMatch(/^(SECRETS|PLAIN_NAMES)=\(.*CELERY_BROKER_URL/m);
  });

  it("the plan's secrets and plain settings steps name each re-pointed setting and where its value comes from", () => {
    const body = (app: string, title: string) => outputs[app]!.steps.find((s) => s.title === title)?.body ?? "";
    expect(body("taiga", "Secrets")).toContain("`RABBITMQ_URL`");
    expect(body("taiga", "Secrets")).toMatch(/re-point/);
    expect(body("minio", "Secrets")).toMatch(/`S3_ACCESS_KEY`, `S3_SECRET_KEY`.*re-point/);
    expect(body("minio", "Plain settings")).toMatch(/`S3_ENDPOINT_URL`.*storage\.googleapis\.com/);
  });
});
