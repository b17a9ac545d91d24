// `celery multi start` under systemd (Type=forking, the nodes and options in an EnvironmentFile, as
// Celery's daemonizing guide and Weblate's celery-weblate.service write it): one worker per node,
// each with the command it runs in the foreground, read from a VM's disk and over ssh alike.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { celeryMultiFindings, celeryMultiNodes, expandUnitVariables } from "../../src/detect/celery-multi.js";
import { attachEnvValues } from "../../src/detect/systemd.js";
import { splitCommand } from "../../src/detect/command.js";
import { readFromDisk, readOverSsh } from "../helpers/host-reads.js";

const WEBLATE = path.resolve(import.meta.dirname, "../fixtures/real/weblate");

describe("expandUnitVariables", () => {
  it.each([
    ["${BIN} multi start ${NODES}", { BIN: "/v/bin/celery", NODES: "a b" }, "/v/bin/celery multi start a b"],
    ["$BIN worker", { BIN: "celery" }, "celery worker"],
    ["${UNSET} stays", {}, "${UNSET} stays"],
  ])("%s", (command, values, want) => {
    expect(expandUnitVariables(command, values)).toBe(want);
  });
});

describe("celeryMultiNodes", () => {
  const nodes = (line: string) => celeryMultiNodes(splitCommand(line))?.map((n) => [n.name, n.argv.join(" ")]);

  it.each([
    [
      "named nodes, options scoped by name, beat on one node, pid and log files dropped",
      "/v/bin/celery multi start celery notify -A app --pidfile=/run/%n.pid --logfile=/var/log/%n%I.log --loglevel=INFO --beat:celery --queues:celery=celery --queues:notify=notify --concurrency:notify=1",
      [
        ["celery", "/v/bin/celery -A app worker --hostname=celery@%h --loglevel=INFO --beat --queues=celery"],
        ["notify", "/v/bin/celery -A app worker --hostname=notify@%h --loglevel=INFO --queues=notify --concurrency=1"],
      ],
    ],
    [
      "a count of nodes, short options scoped by index ranges and lists",
      "celery multi start 3 -A proj -Q:1-2 images -Q:3 default -c 2 -c:3 8",
      [
        ["celery1", "celery -A proj worker --hostname=celery1@%h -c 2 -Q images"],
        ["celery2", "celery -A proj worker --hostname=celery2@%h -c 2 -Q images"],
        ["celery3", "celery -A proj worker --hostname=celery3@%h -c 2 -Q default -c 8"],
      ],
    ],
    [
      "the global app option before `multi` stays before `worker`",
      "celery -A proj multi start w1 -l INFO",
      [["w1", "celery -A proj worker --hostname=w1@%h -l INFO"]],
    ],
  ])("%s", (_label, line, want) => {
    expect(nodes(line)).toEqual(want);
  });

  it.each([
    ["a stop is not a start", "celery multi stopwait w1 --pidfile=/run/%n.pid"],
    ["a plain worker", "celery -A proj worker -Q default"],
    ["no nodes named", "celery multi start -A proj"],
  ])("%s: undefined", (_label, line) => {
    expect(nodes(line)).toBeUndefined();
  });
});

describe("Weblate's celery-weblate.service on a VM", () => {
  it.each([
    ["disk", readFromDisk],
    ["ssh", readOverSsh],
  ])("read from its %s: five workers, one per node, beat on node celery only", async (_how, read) => {
    const facts = await read(path.join(WEBLATE, "vm"), path.join(WEBLATE, "vm/home/weblate/weblate-src"));
    const workers = facts.services.filter((s) => s.systemdUnit === "celery-weblate.service");
    expect(workers.map((s) => [s.name, s.role, s.framework])).toEqual(
      ["celery", "notify", "memory", "backup", "translate"].map((n) => [`celery-weblate-${n}`, "worker", "celery"]),
    );
    // celery's WorkingDirectory (/home/weblate) holds the checkout: its data/media is not the
    // checkout's (assemble.ts readAppContext); DATA_DIR in settings.py is the state, media inside it.
    expect(facts.storage?.map((s) => s.path)).toEqual(["/home/weblate/data"]);
    const bin = "/home/weblate/weblate-env/bin/celery -A weblate.utils worker";
    expect(workers.map((s) => s.command)).toEqual([
      `${bin} --hostname=celery@%h --loglevel=INFO --beat --queues=celery --prefetch-multiplier=4`,
      `${bin} --hostname=notify@%h --loglevel=INFO --queues=notify --prefetch-multiplier=10`,
      `${bin} --hostname=memory@%h --loglevel=INFO --queues=memory --prefetch-multiplier=10`,
      `${bin} --hostname=backup@%h --loglevel=INFO --concurrency=1 --queues=backup --prefetch-multiplier=2`,
      `${bin} --hostname=translate@%h --loglevel=INFO --queues=translate --prefetch-multiplier=4`,
    ]);
    // /etc/default/celery-weblate sets only what the unit's `celery multi` line reads (the pid and
    // log files with celery's %n among them): none of it is a worker's setting, secret or plain.
    for (const w of workers)
      expect([w.name, w.env, w.plainEnv, w.envFile]).toEqual([w.name, undefined, undefined, undefined]);
  });

  // The names the unit's command line read are the launcher's; the rest of its environment file
  // (what the app reads: DJANGO_SETTINGS_MODULE) stays each worker's, in that file.
  it("drops the variables the command line read, keeps the others", () => {
    const unit = {
      name: "celery",
      role: "other" as const,
      software: "$CELERY_BIN",
      systemdUnit: "celery.service",
      command: "/bin/sh -c '${CELERY_BIN} multi start $CELERYD_NODES -A app --pidfile=${CELERYD_PID_FILE}'",
      env: ["CELERYD_NODES", "CELERYD_PID_FILE", "CELERY_BIN", "DJANGO_SETTINGS_MODULE", "SENTRY_DSN"],
      unitEnv: ["SENTRY_DSN", "CELERY_BIN"],
      envFile: "/etc/default/celery",
      listen: [],
      source: "/etc/systemd/system/celery.service",
    };
    const values = {
      CELERY_BIN: "/v/bin/celery",
      CELERYD_NODES: "a",
      CELERYD_PID_FILE: "/run/celery/%n.pid",
      DJANGO_SETTINGS_MODULE: "app.settings",
    };
    attachEnvValues(unit, values);
    const [a] = celeryMultiFindings(unit)!;
    expect([a!.command, a!.env, a!.unitEnv, a!.envFile]).toEqual([
      "/v/bin/celery -A app worker --hostname=a@%h",
      ["DJANGO_SETTINGS_MODULE", "SENTRY_DSN"],
      ["SENTRY_DSN"],
      "/etc/default/celery",
    ]);
    // Only the unit's own lines left: no environment file holds a worker's setting.
    const only = { ...unit, env: [...unit.env.slice(0, 3), "SENTRY_DSN"] };
    attachEnvValues(only, values);
    const [b] = celeryMultiFindings(only)!;
    expect([b!.env, b!.unitEnv, b!.envFile]).toEqual([["SENTRY_DSN"], ["SENTRY_DSN"], undefined]);
  });

  // A value the ssh read keeps on the VM (a node list under another name, an option holding a URL)
  // leaves the nodes unknown: the unit stays as it was read, no worker is made up from a placeholder.
  it("a node list the read could not send: no nodes", () => {
    const unit = {
      name: "celery",
      role: "other" as const,
      software: "$CELERY_BIN",
      systemdUnit: "celery.service",
      command: "/bin/sh -c '${CELERY_BIN} multi start ${WORKERS} -A app --pidfile=${PIDS}'",
      listen: [],
      source: "/etc/systemd/system/celery.service",
    };
    attachEnvValues(unit, { CELERY_BIN: "/v/bin/celery", WORKERS: "<redacted:vm>", PIDS: "<redacted:vm>" });
    expect(celeryMultiFindings(unit)).toBeUndefined();
    attachEnvValues(unit, { WORKERS: "a b" });
    expect(celeryMultiFindings(unit)?.map((f) => [f.name, f.command])).toEqual([
      ["celery-a", "/v/bin/celery -A app worker --hostname=a@%h"],
      ["celery-b", "/v/bin/celery -A app worker --hostname=b@%h"],
    ]);
  });
});
