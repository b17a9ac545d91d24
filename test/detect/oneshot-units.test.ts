// A `Type=oneshot` unit runs its program once and exits (Twenty's `yarn command:prod upgrade` or
// `cron:register:all` at boot): never a web server given the port nginx proxies to (which clashed
// with the real server's and stopped init) nor an always-on worker. It stays an app process that
// exits, which the design names as an open decision; one started by a timer is a cron job as before.
// Read from a VM's disk and over ssh (the fake ssh runs the read script against the same tree).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseSystemdUnit } from "../../src/detect/systemd.js";
import { readFromDisk, readOverSsh } from "../helpers/host-reads.js";
import { twentyUnit, writeTwentyOneShots } from "../helpers/twenty-oneshots.js";

const temps: string[] = [];
afterAll(() => Promise.all(temps.map((d) => rm(d, { recursive: true, force: true }))));

const unit = (type: string, command: string) => twentyUnit(type, command);

describe("parseSystemdUnit", () => {
  it.each([
    ["oneshot", true],
    ["simple", undefined],
    ["exec", undefined],
  ])("Type=%s -> oneShot %s", (type, oneShot) => {
    expect(
      parseSystemdUnit(unit(type, "/usr/bin/yarn command:prod upgrade"), "/etc/systemd/system/x.service")?.oneShot,
    ).toBe(oneShot);
  });
});

/** Twenty's VM with two oneshot units of its CLI and a third started daily by a timer. */
async function twentyWithOneShots(): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), "im-oneshot-"));
  temps.push(root);
  await writeTwentyOneShots(root);
  return root;
}

describe("oneshot units on a VM", () => {
  it.each([
    ["disk", readFromDisk],
    ["ssh", readOverSsh],
  ])("read from its %s: run-once commands serve nothing and keep nothing running", async (_how, read) => {
    const root = await twentyWithOneShots();
    const facts = await read(root, path.join(root, "opt/twenty"));
    const row = (name: string) => {
      const s = facts.services.find((x) => x.name === name);
      return s && [s.role, s.listen, s.longRunning ?? false, s.schedule];
    };
    expect(row("twenty-upgrade")).toEqual(["other", [], false, undefined]);
    expect(row("twenty-cron-register")).toEqual(["other", [], false, undefined]);
    expect(row("twenty-cleanup")).toEqual(["cron", [], false, "0 0 * * *"]);
    // The real server keeps its port, alone.
    expect(facts.services.filter((s) => s.listen.some((l) => l.endsWith(":3000"))).map((s) => s.name)).toEqual([
      "twenty-server",
    ]);
  });
});
