// Which protocol uWSGI serves the app in, from its command line, its config file (ini, YAML, XML,
// an emperor's vassal) and its UWSGI_* environment: `socket` is the uwsgi binary protocol nginx's
// uwsgi_pass speaks, `http-socket` and the `http` router are HTTP.
import { describe, expect, it } from "vitest";
import { classifyCommand } from "../../src/detect/command.js";
import { listenFromConfig } from "../../src/detect/server-config.js";
import {
  mergeBinds,
  servedBind,
  uwsgiBindsFromArgs,
  uwsgiBindsFromConfig,
  uwsgiBindsFromEnv,
} from "../../src/detect/uwsgi-mode.js";

describe("uWSGI's served socket from its command line", () => {
  it.each([
    ["--socket 127.0.0.1:3031", { mode: "socket", address: "127.0.0.1:3031", protocol: "uwsgi" }],
    ["-s /run/uwsgi/app.sock", { mode: "socket", address: "/run/uwsgi/app.sock", protocol: "uwsgi" }],
    ["--uwsgi-socket=:3031", { mode: "socket", address: ":3031", protocol: "uwsgi" }],
    ["--http-socket 127.0.0.1:8000", { mode: "http-socket", address: "127.0.0.1:8000", protocol: "http" }],
    ["--http :8000", { mode: "http", address: ":8000", protocol: "http" }],
    // `protocol` forces what a plain socket speaks.
    ["--socket :3031 --protocol=http", { mode: "socket", address: ":3031", protocol: "http" }],
    // DefectDojo: the socket behind nginx, an HTTP router only for liveness checks.
    [
      "--socket 0.0.0.0:3031 --protocol uwsgi --http 0.0.0.0:8081 --http-to 0.0.0.0:3031",
      { mode: "socket", address: "0.0.0.0:3031", protocol: "uwsgi" },
    ],
    // An http-socket is served as it is, whatever else is bound.
    ["--socket /tmp/a.sock --http-socket :8000", { mode: "http-socket", address: ":8000", protocol: "http" }],
  ])("%s", (args, served) => {
    expect(servedBind(uwsgiBindsFromArgs(args.split(" ")))).toEqual(served);
  });

  it("gives nothing when no socket option is given (the --ini says)", () => {
    expect(servedBind(uwsgiBindsFromArgs(["--ini", "uwsgi.ini", "--master"]))).toBeUndefined();
  });

  it.each([
    ["/srv/app/venv/bin/uwsgi --socket 127.0.0.1:3031 --module app:app", ["uwsgi"], "127.0.0.1:3031"],
    ["uwsgi -s /run/uwsgi/app.sock --module app:app", ["uwsgi"], undefined],
    ["uwsgi --http-socket 127.0.0.1:8000 --module app:app", undefined, "127.0.0.1:8000"],
    ["uwsgi --http :8000 --module app:app", undefined, "127.0.0.1:8000"],
  ])("the process rule: %s", (command, protocols, listen) => {
    const facts = classifyCommand(command);
    expect(facts).toMatchObject({ software: "uwsgi", role: "web" });
    expect(facts.protocols).toEqual(protocols);
    expect(facts.listen).toEqual(listen);
    expect(facts.uwsgiSocket).toEqual(protocols ? { setIn: "command" } : undefined);
  });
});

const VASSAL = `[uwsgi]
; /etc/uwsgi/apps-enabled/app.ini, started by the emperor
plugins = python3
chdir = /srv/app
module = app.wsgi:application
socket = /run/uwsgi/app/app/socket
chmod-socket = 660
`;

describe("uWSGI's served socket from its config file", () => {
  it.each([
    ["an ini's unix socket", "[uwsgi]\nsocket = /run/uwsgi/app.sock\nmaster = true\n", "socket", "uwsgi"],
    ["an ini's TCP socket", "[uwsgi]\n# socket = :9999\nsocket = :3031\n", "socket", "uwsgi"],
    ["an emperor's vassal", VASSAL, "socket", "uwsgi"],
    ["an ini's http-socket", "[uwsgi]\nhttp-socket = :8000\nmodule = app\n", "http-socket", "http"],
    ["YAML", "uwsgi:\n  socket: 127.0.0.1:3031\n  module: app\n", "socket", "uwsgi"],
    ["XML", "<uwsgi>\n  <socket>127.0.0.1:3031</socket>\n</uwsgi>\n", "socket", "uwsgi"],
    ["a socket made HTTP", "[uwsgi]\nsocket = :3031\nprotocol = http\n", "socket", "http"],
  ])("%s", (_what, text, mode, protocol) => {
    expect(servedBind(uwsgiBindsFromConfig(text))).toMatchObject({ mode, protocol });
  });

  it("takes the listen address from the served socket, an http-socket before a socket", () => {
    expect(listenFromConfig("[uwsgi]\nsocket = 127.0.0.1:3031\nhttp-socket = 127.0.0.1:8000\n", {})).toBe(
      "127.0.0.1:8000",
    );
    expect(listenFromConfig("[uwsgi]\nsocket = 127.0.0.1:3031\n", {})).toBe("127.0.0.1:3031");
  });
});

describe("uWSGI's served socket from its environment", () => {
  it.each([
    [{ UWSGI_SOCKET: "/run/uwsgi/app.sock" }, "socket", "uwsgi"],
    [{ UWSGI_HTTP_SOCKET: ":8000" }, "http-socket", "http"],
    [{ UWSGI_SOCKET: ":3031", UWSGI_PROTOCOL: "http" }, "socket", "http"],
  ])("%o", (env, mode, protocol) => {
    expect(servedBind(uwsgiBindsFromEnv(env))).toMatchObject({ mode, protocol });
  });

  it("adds the environment's sockets to the file's (uWSGI binds every one)", () => {
    const merged = mergeBinds(uwsgiBindsFromEnv({ UWSGI_HTTP_SOCKET: ":8000" }), uwsgiBindsFromConfig(VASSAL));
    expect(servedBind(merged)).toMatchObject({ mode: "http-socket", protocol: "http" });
    expect(servedBind(uwsgiBindsFromEnv({}))).toBeUndefined();
  });
});
