// A unit's data folders: StateDirectory= under /var/lib (%S), narrowed to what its ExecStartPre=
// makes there, with the unit's own variables and a template's instance filled in.
import { describe, expect, it } from "vitest";
import { expandSpecifiers, resolveStateFolders, unitStateFolders } from "../../src/detect/state-folders.js";
import { parseSystemdUnit, templateInstances } from "../../src/detect/systemd.js";

const keys = (entries: Record<string, string[]>) => new Map(Object.entries(entries));

describe("unitStateFolders", () => {
  it.each([
    ["no StateDirectory=: nothing", {}, {}, []],
    ["a StateDirectory= alone is the folder", { StateDirectory: ["app"] }, {}, ["%S/app"]],
    [
      "several, and a symlink's target dropped",
      { StateDirectory: ["app app/cache:old"] },
      {},
      ["%S/app", "%S/app/cache"],
    ],
    [
      "ExecStartPre= makes a folder in it from the unit's variable: that folder",
      { StateDirectory: ["listmonk-%i"], ExecStartPre: ['/usr/bin/mkdir -p "${HOME}/uploads"'] },
      { HOME: "%S/listmonk-%i" },
      ["%S/listmonk-%i/uploads"],
    ],
    [
      "a folder made under /var/lib by its own name counts too",
      { StateDirectory: ["app"], ExecStartPre: ["-/bin/mkdir -p /var/lib/app/media"] },
      {},
      ["/var/lib/app/media"],
    ],
    [
      "a cache, a folder outside, or an unknown variable does not narrow it",
      {
        StateDirectory: ["app"],
        ExecStartPre: ["/bin/mkdir -p /var/lib/app/cache /etc/app/uploads", "/bin/mkdir -p $DATA/x"],
      },
      {},
      ["%S/app"],
    ],
    ["an absolute StateDirectory= (refused by systemd) is not taken", { StateDirectory: ["/srv/app"] }, {}, []],
  ] as const)("%s", (_label, unit, env, want) => {
    expect(unitStateFolders(keys(unit as Record<string, string[]>), env, "app.service").map((f) => f.path)).toEqual(
      want,
    );
  });
});

describe("specifiers", () => {
  it.each([
    ["%S/app", undefined, "/var/lib/app"],
    ["%S/listmonk-%i", "main", "/var/lib/listmonk-main"],
    ["%S/x-%I", "a-b", "/var/lib/x-a/b"],
    ["%S/listmonk-%i", undefined, undefined],
    // The system manager's folders: %h is root's home (systemd.unit(5), "Specifiers").
    ["%h/data", undefined, "/root/data"],
    ["%C/app %L/app %E/app %t/app %T %V", undefined, "/var/cache/app /var/log/app /etc/app /run/app /tmp /var/tmp"],
    ["/srv/100%%", undefined, "/srv/100%"],
    ["%H/data", undefined, undefined],
  ] as const)("%s (instance %s) is %s", (value, instance, want) => {
    expect(expandSpecifiers(value, instance)).toBe(want);
  });

  it.each([
    ["/srv/%p", undefined, "app.service", "/srv/app"],
    ["/srv/%p/%i", "main", "app@.service", "/srv/app/main"],
    ["/srv/%n", "main", "app@.service", "/srv/app@main.service"],
    ["/srv/%N", undefined, "app.service", "/srv/app"],
    ["/srv/%n", undefined, "app@.service", undefined],
    ["/srv/%p", undefined, undefined, undefined],
  ] as const)("%s with the unit's name (instance %s, %s) is %s", (value, instance, unit, want) => {
    expect(expandSpecifiers(value, instance, unit)).toBe(want);
  });

  it("drops a folder whose path keeps a specifier", () => {
    expect(resolveStateFolders([{ path: "%S/a-%i" }, { path: "%S/b" }]).map((f) => f.path)).toEqual(["/var/lib/b"]);
  });
});

describe("a unit's state folders on its finding", () => {
  const template = [
    "[Service]",
    "Environment=HOME=%S/listmonk-%i",
    'ExecStartPre=/usr/bin/mkdir -p "${HOME}/uploads"',
    "ExecStart=/usr/bin/listmonk --config /etc/listmonk/%i.toml",
    "DynamicUser=True",
    "StateDirectory=listmonk-%i",
    "",
  ].join("\n");

  it("a template's instance fills in %i (listmonk@main: /var/lib/listmonk-main/uploads)", () => {
    const unit = parseSystemdUnit(template, "/etc/systemd/system/listmonk@.service")!;
    const [main] = templateInstances(unit, ["main"]);
    expect(main!.stateFolders?.map((f) => f.path)).toEqual(["/var/lib/listmonk-main/uploads"]);
  });

  it("a template whose command names no instance gets every instance's folders", () => {
    const unit = parseSystemdUnit(template.replace("%i.toml", "app.toml"), "/etc/systemd/system/app@.service")!;
    const [one] = templateInstances(unit, ["a", "b"]);
    expect(one!.stateFolders?.map((f) => f.path)).toEqual([
      "/var/lib/listmonk-a/uploads",
      "/var/lib/listmonk-b/uploads",
    ]);
  });

  it("a template's WorkingDirectory= is its instance's folder (listmonk@main runs in /var/lib/listmonk-main)", () => {
    const unit = parseSystemdUnit(
      `${template}WorkingDirectory=%S/listmonk-%i\n`,
      "/etc/systemd/system/listmonk@.service",
    )!;
    expect(unit.workingDirectory).toBeUndefined();
    const [main] = templateInstances(unit, ["main"]);
    expect(main!.workingDirectory).toBe("/var/lib/listmonk-main");
    expect(main!.workingDirectoryTemplate).toBeUndefined();
    // Run N times with one command: their folder when every instance has the same one.
    const own = (dir: string) =>
      templateInstances(
        parseSystemdUnit(
          `${template.replace("%i.toml", "app.toml")}WorkingDirectory=${dir}\n`,
          "/etc/systemd/system/app@.service",
        )!,
        ["a", "b"],
      )[0]!.workingDirectory;
    expect(own("%S/app")).toBe("/var/lib/app");
    expect(own("%S/app-%i")).toBeUndefined();
  });

  it.each([
    ["WorkingDirectory=/opt/app/", "/opt/app"],
    ["WorkingDirectory=-%S/app", "/var/lib/app"],
    ["WorkingDirectory=%h", "/root"],
    ["WorkingDirectory=~", undefined],
    ["", undefined],
  ])("a plain unit's %s runs in %s", (line, want) => {
    const unit = parseSystemdUnit(
      `[Service]\nExecStart=/usr/bin/app serve\n${line}\n`,
      "/lib/systemd/system/app.service",
    );
    expect(unit!.workingDirectory).toBe(want);
  });

  it("a plain unit's folder is final; a proxy's or a store's unit has none", () => {
    const plain = "[Service]\nExecStart=/usr/bin/app serve\nStateDirectory=app\n";
    expect(parseSystemdUnit(plain, "/lib/systemd/system/app.service")!.stateFolders?.map((f) => f.path)).toEqual([
      "/var/lib/app",
    ]);
    const proxy = "[Service]\nExecStart=/usr/sbin/nginx -g 'daemon off;'\nStateDirectory=nginx\n";
    expect(parseSystemdUnit(proxy, "/lib/systemd/system/nginx.service")!.stateFolders).toBeUndefined();
  });
});
