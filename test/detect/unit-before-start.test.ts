// A unit's ExecStartPre= lines that run the app's code (a migrate, collectstatic) are kept on its
// process as `beforeStart`, systemd's prefixes read as systemd reads them; the unit's housekeeping
// (mkdir, chown, install -d, a sleep) and the system's own programs (nginx -t) are not. The ssh read
// sends the unit's lines whole, so a VM read from its disk and over ssh says the same.
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseSystemdUnit, templateInstances } from "../../src/detect/systemd.js";
import type { Inventory } from "../../src/inventory/schema.js";
import { beforeStartCommands, unitCommandLine } from "../../src/detect/unit-before-start.js";
import { buildInitPlan } from "../../src/init/init-plan.js";
import { withDetectedFacts } from "../../src/init/provenance.js";
import { resolveAnswers } from "../../src/init/resolve.js";
import { parseInventory } from "../../src/inventory/load.js";
// @ts-expect-error plain JS shared with the benchmark
import { inventoryFor } from "../../bench/fidelity-score.mjs";
import { readFromDisk, readOverSsh } from "../helpers/host-reads.js";

const HEALTHCHECKS = path.resolve(import.meta.dirname, "../fixtures/real/healthchecks/vm");
const temps: string[] = [];
afterAll(() => Promise.all(temps.map((d) => rm(d, { recursive: true, force: true }))));

describe("unitCommandLine", () => {
  it.each([
    ["/opt/app/venv/bin/python manage.py migrate", "/opt/app/venv/bin/python manage.py migrate"],
    ["-/opt/app/venv/bin/python manage.py migrate", "/opt/app/venv/bin/python manage.py migrate"],
    ["+!/usr/bin/yarn db:migrate", "/usr/bin/yarn db:migrate"],
    ["!!/usr/bin/yarn db:migrate", "/usr/bin/yarn db:migrate"],
    ["@/opt/app/venv/bin/python app-migrate manage.py migrate", "/opt/app/venv/bin/python manage.py migrate"],
    ['-@/usr/bin/node "my app" cli.js upgrade', "/usr/bin/node cli.js upgrade"],
    ["@/usr/local/bin/server server", "/usr/local/bin/server"],
  ])("%s -> %s", (value, line) => {
    expect(unitCommandLine(value)).toBe(line);
  });
});

const PY = "/opt/app/venv/bin/python manage.py";
describe("beforeStartCommands", () => {
  it.each([
    [
      [`${PY} migrate --noinput`, `-${PY} collectstatic --noinput`],
      [`${PY} migrate --noinput`, `${PY} collectstatic --noinput`],
    ],
    [["/usr/bin/mkdir -p /run/app", "+/bin/chown app:app /run/app", "/usr/bin/install -d -o app /var/log/app"], []],
    [
      ["/bin/sleep 5", "/usr/bin/test -f /opt/app/.env", "/bin/rm -f /run/app/app.pid", "/usr/bin/touch /run/app/ok"],
      [],
    ],
    // A venv's own tool, a program in the app's folder, the system's python running the app.
    [["/opt/app/venv/bin/alembic upgrade head"], ["/opt/app/venv/bin/alembic upgrade head"]],
    [["/opt/app/bin/migrate --all"], ["/opt/app/bin/migrate --all"]],
    [["/usr/bin/python3 /opt/app/manage.py migrate"], ["/usr/bin/python3 /opt/app/manage.py migrate"]],
    [
      ["/usr/bin/env DJANGO_SETTINGS_MODULE=app.settings /opt/app/venv/bin/python manage.py migrate"],
      ["/usr/bin/env DJANGO_SETTINGS_MODULE=app.settings /opt/app/venv/bin/python manage.py migrate"],
    ],
    // A program outside the app: not the app's step.
    [["/usr/local/bin/wait-for-it db:5432", "/usr/bin/docker pull redis", "/usr/sbin/iptables -F"], []],
    // A shell line is kept as its script when it runs the app's code.
    [
      ["/bin/sh -c 'cd /opt/app && venv/bin/python manage.py migrate'"],
      ["cd /opt/app && venv/bin/python manage.py migrate"],
    ],
    [["/bin/bash -c 'mkdir -p /run/app && chown app /run/app'"], []],
  ])("%j -> %j", (values, kept) => {
    expect(beforeStartCommands(values, "/opt/app/venv/bin/gunicorn app.wsgi", "/opt/app")).toEqual(kept);
  });

  it("the unit's own program is the app's, wherever it lives (mattermost db migrate)", () => {
    expect(
      beforeStartCommands(
        ["/usr/local/bin/mattermost db migrate", "/usr/local/bin/other x"],
        "/usr/local/bin/mattermost",
        undefined,
      ),
    ).toEqual(["/usr/local/bin/mattermost db migrate"]);
  });
});

const webUnit = (pre: string) =>
  `[Unit]\nAfter=network.target\n\n[Service]\nUser=app\nWorkingDirectory=/opt/app\n${pre}ExecStart=/opt/app/venv/bin/gunicorn app.wsgi -b 127.0.0.1:8000\n\n[Install]\nWantedBy=multi-user.target\n`;

describe("parseSystemdUnit", () => {
  it("keeps an app process's ExecStartPre= commands in order, a cleared list cleared", () => {
    const unit = webUnit(
      `ExecStartPre=/usr/bin/mkdir -p /run/app\nExecStartPre=-${PY} migrate --noinput\nExecStartPre=${PY} collectstatic --noinput\n`,
    );
    expect(parseSystemdUnit(unit, "/etc/systemd/system/app.service")?.beforeStart).toEqual([
      `${PY} migrate --noinput`,
      `${PY} collectstatic --noinput`,
    ]);
    const cleared = `${unit}\n[Service]\nExecStartPre=\nExecStartPre=${PY} check --deploy\n`;
    expect(parseSystemdUnit(cleared, "/etc/systemd/system/app.service")?.beforeStart).toEqual([`${PY} check --deploy`]);
    expect(parseSystemdUnit(webUnit(""), "/etc/systemd/system/app.service")?.beforeStart).toBeUndefined();
  });

  it("a proxy's or a store's checks are never the app's", () => {
    const nginx =
      "[Service]\nType=forking\nExecStartPre=/usr/sbin/nginx -t -q -g 'daemon on; master_process on;'\nExecStart=/usr/sbin/nginx -g 'daemon on; master_process on;'\n";
    expect(parseSystemdUnit(nginx, "/lib/systemd/system/nginx.service")?.beforeStart).toBeUndefined();
    const mysql = "[Service]\nExecStartPre=/usr/share/mysql/mysql-systemd-start pre\nExecStart=/usr/sbin/mysqld\n";
    expect(parseSystemdUnit(mysql, "/lib/systemd/system/mysql.service")?.beforeStart).toBeUndefined();
  });

  it("a template's instances get the instance in their commands", () => {
    const unit = parseSystemdUnit(
      "[Service]\nWorkingDirectory=/opt/app\nExecStartPre=/opt/app/venv/bin/python manage.py prepare_queue %i\nExecStart=/opt/app/venv/bin/celery -A app worker -Q %i\n",
      "/etc/systemd/system/worker@.service",
    )!;
    expect(templateInstances(unit, ["mail", "reports"]).map((f) => f.beforeStart)).toEqual([
      ["/opt/app/venv/bin/python manage.py prepare_queue mail"],
      ["/opt/app/venv/bin/python manage.py prepare_queue reports"],
    ]);
  });
});

describe("a VM whose web unit migrates before it starts", () => {
  it.each([
    ["disk", readFromDisk],
    ["ssh", readOverSsh],
  ])("read from its %s: the web process carries the app's ExecStartPre= commands", async (_how, read) => {
    const root = await mkdtemp(path.join(tmpdir(), "im-before-start-"));
    temps.push(root);
    await cp(HEALTHCHECKS, root, { recursive: true });
    const file = path.join(root, "etc/systemd/system/healthchecks-web.service");
    const py = "/opt/healthchecks/venv/bin/python manage.py";
    const text = (await readFile(file, "utf8")).replace(
      "ExecStart=",
      `ExecStartPre=+/usr/bin/install -d -o healthchecks /run/healthchecks\nExecStartPre=-${py} migrate --noinput\nExecStart=`,
    );
    await writeFile(file, text);
    // A drop-in adds one after the unit's own (systemctl edit).
    await mkdir(`${file}.d`, { recursive: true });
    await writeFile(path.join(`${file}.d`, "override.conf"), `[Service]\nExecStartPre=${py} collectstatic --noinput\n`);
    const facts = await read(root, path.join(root, "opt/healthchecks"));
    const web = facts.services.find((s) => s.systemdUnit === "healthchecks-web.service");
    expect(web?.beforeStart).toEqual([`${py} migrate --noinput`, `${py} collectstatic --noinput`]);
    expect(facts.services.filter((s) => s.beforeStart).map((s) => s.name)).toEqual([web!.name]);
    // init writes them to the inventory, which the loader reads back.
    const engine = { detectRepo: async () => facts, resolveAnswers, buildInitPlan, parseInventory, withDetectedFacts };
    const inventory = (await inventoryFor(engine, {
      app: "healthchecks",
      dir: root,
      truth: { from: "opt/healthchecks" },
    })) as Inventory;
    expect(inventory.services.find((s) => s.name === web!.name)?.beforeStart).toEqual(web!.beforeStart);
  });
});
