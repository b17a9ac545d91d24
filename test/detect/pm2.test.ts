// pm2's apps as services: the saved process list (`dump.pm2`, as pm2 7.0.4 itself wrote it for the
// fixtures: a cluster with cron_restart and a Python worker), the ecosystem file read without
// running it, and the command pm2 really runs. test/detect/pm2-host.test.ts reads whole VMs.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseEcosystem } from "../../src/detect/pm2-ecosystem.js";
import { parsePm2Dump, pm2Command } from "../../src/detect/pm2.js";

const FIXTURES = path.resolve(import.meta.dirname, "../fixtures/pm2");
const DUMP = readFileSync(path.join(FIXTURES, "cluster-python-cron.dump.pm2"), "utf8");
const ECOSYSTEM = readFileSync(path.join(FIXTURES, "cluster-python-cron.ecosystem.config.js"), "utf8");

describe("parsePm2Dump", () => {
  const { apps, notices } = parsePm2Dump(DUMP, "/home/shop/.pm2/dump.pm2");

  it("reads one service per app: a 2-process cluster is one service with its instances, cron_restart kept", () => {
    expect(notices).toEqual([]);
    expect(apps.map((a) => [a.name, a.command, a.workingDirectory, a.pm2])).toEqual([
      [
        "api",
        "node --max-old-space-size=512 /srv/shop/server.js --port 8080",
        "/srv/shop",
        { instances: 2, cluster: true, restartSchedule: "0 3 * * *" },
      ],
      ["emails", "python3 /srv/shop/worker.py --queue emails", "/srv/shop", { instances: 1, cluster: false }],
    ]);
    expect(apps[0]).toMatchObject({ software: "node", source: "/home/shop/.pm2/dump.pm2", line: 3 });
    expect(apps[1]).toMatchObject({ software: "python", line: 132 });
  });

  it("keeps the app's variable names without the shell's or pm2's; values stay off the finding", () => {
    expect(apps[0]!.env).toEqual(["DATABASE_URL", "NODE_ENV", "PORT"]);
    expect(apps[1]!.env).toEqual(["PYTHONUNBUFFERED", "REDIS_URL", "SESSION_SECRET"]);
    expect(apps[0]!.envValues).toMatchObject({ PORT: "8080" });
    expect(JSON.stringify(apps)).not.toMatch(/s3cret|hunter2|PM2_HOME|unique_id/);
  });

  it.each([
    ["not JSON", '[{"name": "x"', /is not valid JSON/],
    ["an object, not a list", '{"name": "x"}', /not a list of processes/],
    ["an entry without a script", '[{"name": "x"}]', /process 1 \(x\) names no script/],
  ])("says what it could not read: %s", (_case, text, notice) => {
    const reading = parsePm2Dump(text, "/root/.pm2/dump.pm2");
    expect(reading.apps).toEqual([]);
    expect(reading.notices.join("\n")).toMatch(notice);
  });

  it("skips pm2's own modules (pm2-logrotate) and reads `pm2 jlist`'s pm2_env shape", () => {
    const list = [
      { pm2_env: { name: "pm2-logrotate", pm_exec_path: "/x/app.js", pmx_module: true } },
      { pm2_env: { name: "web", pm_exec_path: "/srv/web/index.js", exec_interpreter: "node", pm_cwd: "/srv/web" } },
    ];
    expect(parsePm2Dump(JSON.stringify(list), "jlist").apps.map((a) => a.command)).toEqual(["node /srv/web/index.js"]);
  });
});

describe("pm2Command", () => {
  it.each([
    [{ pm_exec_path: "/srv/a/app.js", exec_interpreter: "node", args: [] }, "node /srv/a/app.js"],
    // `pm2 start "gunicorn app:app -b 127.0.0.1:8000"`: pm2 runs it as `bash -c …`.
    [
      { pm_exec_path: "/usr/bin/bash", exec_interpreter: "none", args: ["-c", "gunicorn app:app -b 127.0.0.1:8000"] },
      "gunicorn app:app -b 127.0.0.1:8000",
    ],
    // `pm2 start npm -- start`: npm is a program on PATH, the node pm2 names is not part of the command.
    [{ pm_exec_path: "/usr/bin/npm", exec_interpreter: "/usr/bin/node", args: ["start"] }, "/usr/bin/npm start"],
    [
      { pm_exec_path: "/srv/bin/server", exec_interpreter: "none", args: "--port 9000 --name 'a b'" },
      "/srv/bin/server --port 9000 --name 'a b'",
    ],
    [{ script: "gunicorn app:app", interpreter: "none" }, "gunicorn app:app"],
    [{ name: "no script" }, undefined],
  ])("%j → %s", (entry, command) => {
    expect(pm2Command(entry)).toBe(command);
  });
});

describe("parseEcosystem", () => {
  it("reads the literal apps of a JavaScript ecosystem file (the one the fixture's dump came from)", () => {
    const { apps, notices } = parseEcosystem(ECOSYSTEM, "/srv/shop/ecosystem.config.js");
    expect(notices).toEqual([]);
    expect(apps.map((a) => [a.name, a.command, a.env, a.pm2])).toEqual([
      [
        "api",
        "node --max-old-space-size=512 server.js --port 8080",
        ["DATABASE_URL", "NODE_ENV", "PORT"],
        { instances: 2, cluster: true, restartSchedule: "0 3 * * *" },
      ],
      ["emails", "python3 worker.py --queue emails", ["REDIS_URL", "SESSION_SECRET"], { instances: 1, cluster: false }],
    ]);
  });

  it("never runs the file: code is named as not read, literals around it are still taken", () => {
    const marker = path.join(FIXTURES, "never-written");
    const text = [
      `require("fs").writeFileSync(${JSON.stringify(marker)}, "ran");`,
      "const base = { exec_mode: 'cluster' };",
      "module.exports = {",
      "  apps: [",
      "    { name: 'web', script: require('path').join(__dirname, 'app.js') },",
      "    { ...base, name: 'api', script: 'api.js', cwd: '/srv/api', env: { PORT: 3000, TOKEN: process.env.TOKEN } },",
      "  ],",
      "};",
    ].join("\n");
    const { apps, notices } = parseEcosystem(text, "/srv/ecosystem.config.js");
    expect(existsSync(marker)).toBe(false);
    expect(apps.map((a) => [a.name, a.command, a.workingDirectory, a.env])).toEqual([
      ["api", "node api.js", "/srv/api", ["PORT", "TOKEN"]],
    ]);
    expect(notices).toEqual([
      "/srv/ecosystem.config.js: apps[0] (web) script is computed: not evaluated",
      "/srv/ecosystem.config.js: apps[0] (web) has no literal `script`: not read",
      "/srv/ecosystem.config.js: apps[1] (api) ... is computed: not evaluated",
    ]);
  });

  it.each([
    [
      "ecosystem.json",
      '{"apps":[{"name":"gun","script":"gunicorn app:app -b 127.0.0.1:8000"}]}',
      "gunicorn app:app -b 127.0.0.1:8000",
    ],
    ["ecosystem.yml", "apps:\n  - name: api\n    script: ./bin/www\n    interpreter: none\n", "./bin/www"],
    ["ecosystem.config.mjs", "export default { apps: [{ name: 'm', script: 'main.mjs' }] };", "node main.mjs"],
    [
      "ecosystem.config.cjs",
      "const config = { apps: [{ name: 'c', script: 'c.py' }] };\nmodule.exports = config;",
      "python3 c.py",
    ],
  ])("reads %s", (file, text, command) => {
    expect(parseEcosystem(text, `/srv/${file}`).apps.map((a) => a.command)).toEqual([command]);
  });

  it.each([
    ["ecosystem.config.js", "module.exports = {", /could not be parsed/],
    ["ecosystem.config.js", "module.exports = { apps: load() };", /`apps` is computed/],
    ["ecosystem.config.js", "console.log('hi')", /declares no `apps` list/],
    ["ecosystem.json", "{ nope", /could not be parsed/],
  ])("says why %s cannot be read: %s", (file, text, notice) => {
    const reading = parseEcosystem(text, `/srv/${file}`);
    expect(reading.apps).toEqual([]);
    expect(reading.notices.join("\n")).toMatch(notice);
  });
});
