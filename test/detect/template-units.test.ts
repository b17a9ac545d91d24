// Template units enabled more than once (`systemctl enable n8n-worker@1 n8n-worker@2`): the same
// command N times is one kind of process with `instances: N`, named once; a command that names
// its instance (`--queues=%i`) is different work per instance, one service each. Read from a
// VM's disk and over ssh (the fake ssh runs the read script against the same tree).
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type detectRepo } from "../../src/detect/detect-repo.js";
import { listHostFiles } from "../../src/detect/host.js";
import { templateInstances } from "../../src/detect/systemd.js";
import type { ServiceFinding } from "../../src/detect/types.js";
import { readFromDisk, readOverSsh } from "../helpers/host-reads.js";

const N8N = path.resolve(import.meta.dirname, "../fixtures/real/n8n/vm");
const temps: string[] = [];
afterAll(() => Promise.all(temps.map((d) => rm(d, { recursive: true, force: true }))));

const unit = (over: Partial<ServiceFinding>): ServiceFinding => ({
  name: "worker",
  role: "worker",
  software: "celery",
  systemdUnit: "worker@.service",
  command: "celery -A shop worker --concurrency=4",
  listen: [],
  source: "/etc/systemd/system/worker@.service",
  ...over,
});

describe("templateInstances", () => {
  it.each([
    ["the same command twice: one service, 2 instances", unit({}), ["1", "2"], [["worker", undefined, 2]]],
    ["enabled once: one service as it is", unit({}), ["1"], [["worker", undefined, undefined]]],
    [
      "%i in ExecStart: one service per instance, its command filled in",
      unit({ command: "celery -A shop worker --queues=%i" }),
      ["default", "mail"],
      [
        ["worker-default", "celery -A shop worker --queues=default", undefined],
        ["worker-mail", "celery -A shop worker --queues=mail", undefined],
      ],
    ],
    [
      "%I is the unescaped instance",
      unit({ command: "/srv/app/bin/consume --path %I" }),
      ["var-spool-in", "var-spool-out"],
      [
        ["worker-var-spool-in", "/srv/app/bin/consume --path var/spool/in", undefined],
        ["worker-var-spool-out", "/srv/app/bin/consume --path var/spool/out", undefined],
      ],
    ],
    [
      "a store's template (postgresql@16-main) is one server",
      unit({ name: "postgresql", role: "database", software: "postgres", systemdUnit: "postgresql@.service" }),
      ["16-main", "17-main"],
      [["postgresql", undefined, undefined]],
    ],
  ] as const)("%s", (_label, finding, instances, want) => {
    const got = templateInstances({ ...finding }, instances);
    expect(got.map((f) => [f.name, f.command === finding.command ? undefined : f.command, f.instances])).toEqual(want);
  });
});

/** A VM with n8n's worker template enabled twice and a Celery template enabled per queue. */
async function templatedVm(): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), "im-template-"));
  temps.push(root);
  const etc = path.join(root, "etc/systemd/system");
  await mkdir(path.join(etc, "multi-user.target.wants"), { recursive: true });
  await mkdir(path.join(root, "srv/shop"), { recursive: true });
  await writeFile(path.join(root, "srv/shop/requirements.txt"), "celery[redis]==5.4.0\n");
  await writeFile(
    path.join(etc, "celery@.service"),
    "[Service]\nWorkingDirectory=/srv/shop\nExecStart=/srv/shop/.venv/bin/celery -A shop worker --queues=%i --concurrency=4\n",
  );
  await writeFile(
    path.join(etc, "beat@.service"),
    "[Service]\nWorkingDirectory=/srv/shop\nExecStart=/srv/shop/.venv/bin/celery -A shop beat\n",
  );
  for (const i of ["default", "mail"])
    await symlink(`/etc/systemd/system/celery@.service`, path.join(etc, `multi-user.target.wants/celery@${i}.service`));
  await symlink(`/etc/systemd/system/beat@.service`, path.join(etc, `multi-user.target.wants/beat@main.service`));
  return root;
}

const summary = (facts: Awaited<ReturnType<typeof detectRepo>>) =>
  facts.services
    .filter((s) => ["worker", "scheduler"].includes(s.role))
    .map((s) => [s.name, s.systemdUnit, s.command, s.instances]);

describe("template units on a VM", () => {
  it("n8n's disk: the worker template holds the instances its .wants links enable", async () => {
    const files = await listHostFiles(N8N);
    expect(files.find((f) => f.file.endsWith("n8n-worker@.service"))?.instances).toEqual(["1", "2"]);
    expect(files.filter((f) => f.file.includes("n8n-worker@"))).toHaveLength(1);
  });

  it.each([
    ["disk", readFromDisk],
    ["ssh", readOverSsh],
  ])("n8n read from its %s: one n8n-worker with 2 instances", async (_how, read) => {
    const facts = await read(N8N, path.join(N8N, "opt/n8n"));
    expect(summary(facts)).toEqual([
      ["n8n-worker", "n8n-worker@.service", "/opt/n8n/packages/cli/bin/n8n worker --concurrency=10", 2],
    ]);
  });

  it.each([
    ["disk", readFromDisk],
    ["ssh", readOverSsh],
  ])("a Celery template per queue read from its %s: one worker per queue, beat once", async (_how, read) => {
    const root = await templatedVm();
    const facts = await read(root, path.join(root, "srv/shop"));
    expect(summary(facts)).toEqual([
      [
        "celery-default",
        "celery@default.service",
        "/srv/shop/.venv/bin/celery -A shop worker --queues=default --concurrency=4",
        undefined,
      ],
      [
        "celery-mail",
        "celery@mail.service",
        "/srv/shop/.venv/bin/celery -A shop worker --queues=mail --concurrency=4",
        undefined,
      ],
      ["beat", "beat@.service", "/srv/shop/.venv/bin/celery -A shop beat", undefined],
    ]);
  });
});
