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
    ["%h/data", undefined, undefined],
    ["/srv/100%%", undefined, "/srv/100%"],
  ] as const)("%s (instance %s) is %s", (value, instance, want) => {
    expect(expandSpecifiers(value, instance)).toBe(want);
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

  it("a plain unit's folder is final; a proxy's or a store's unit has none", () => {
    const plain = "[Service]\nExecStart=/usr/bin/app serve\nStateDirectory=app\n";
    expect(parseSystemdUnit(plain, "/lib/systemd/system/app.service")!.stateFolders?.map((f) => f.path)).toEqual([
      "/var/lib/app",
    ]);
    const proxy = "[Service]\nExecStart=/usr/sbin/nginx -g 'daemon off;'\nStateDirectory=nginx\n";
    expect(parseSystemdUnit(proxy, "/lib/systemd/system/nginx.service")!.stateFolders).toBeUndefined();
  });
});
