// An app binary's app.ini named by `--config` (Gitea, Gogs, Forgejo): its HTTP listener, the SSH
// server it starts itself (raw TCP beside HTTP), its session provider and the data folders it writes.
import { describe, expect, it } from "vitest";
import { iniFacts, parseIni } from "../../src/detect/ini-settings.js";

// The shape Gitea's web installer writes (docs.gitea.com "Config Cheat Sheet").
const APP_INI = `APP_NAME = Gitea
RUN_MODE = prod

[repository]
ROOT = /var/lib/gitea/data/gitea-repositories

[server]
HTTP_ADDR = 127.0.0.1
HTTP_PORT = 3000
APP_DATA_PATH = /var/lib/gitea/data
START_SSH_SERVER = true
SSH_PORT = 22
SSH_LISTEN_PORT = 2222

[lfs]
PATH = /srv/lfs

[session]
PROVIDER = file
`;

describe("app.ini", () => {
  it("parses sections and keys, comments and quotes aside", () => {
    const ini = parseIni(`; comment\nA = 1\n[Server]\n# comment\nhttp_port = "3000"\n`);
    expect(ini.get("")?.get("A")).toBe("1");
    expect(ini.get("server")?.get("HTTP_PORT")).toBe("3000");
  });

  it("reads the HTTP listener, the built-in SSH server, the session provider and the data folders", () => {
    expect(iniFacts(APP_INI)).toEqual({
      listen: ["127.0.0.1:3000", "0.0.0.0:2222"],
      rawTcp: "0.0.0.0:2222",
      sessionStore: "file",
      folders: [
        {
          path: "/var/lib/gitea/data",
          purpose: "the app's data folder (APP_DATA_PATH in app.ini)",
          // Written in place, never mounted from a bucket (storage-in-place.ts).
          inPlace: [
            { path: "gitea-repositories", kind: "git" },
            { path: "queues", kind: "index" },
            { path: "indexers/issues.bleve", kind: "index" },
          ],
        },
        { path: "/srv/lfs", purpose: "lfs PATH in app.ini" },
      ],
      singleInstance: expect.stringContaining("[queue] TYPE is level (the default): its queues are LevelDB files"),
    });
  });

  it.each([
    ["the system's sshd serves git (START_SSH_SERVER off)", "START_SSH_SERVER = true", "START_SSH_SERVER = false"],
    ["SSH turned off altogether", "START_SSH_SERVER = true", "START_SSH_SERVER = true\nDISABLE_SSH = true"],
  ])("%s: no raw TCP listener of its own", (_name, from, to) => {
    const facts = iniFacts(APP_INI.replace(from, to))!;
    expect(facts.rawTcp).toBeUndefined();
    expect(facts.listen).toEqual(["127.0.0.1:3000"]);
  });

  it("the SSH port when no listen port is set; sessions in Redis; LFS in a bucket keeps nothing on disk", () => {
    const facts = iniFacts(
      APP_INI.replace("SSH_LISTEN_PORT = 2222\n", "")
        .replace("PROVIDER = file", "PROVIDER = redis")
        .replace("PATH = /srv/lfs", "PATH = /srv/lfs\nSTORAGE_TYPE = minio"),
    )!;
    expect(facts.rawTcp).toBe("0.0.0.0:22");
    expect(facts.sessionStore).toBe("redis");
    expect(facts.folders.map((f) => f.path)).toEqual(["/var/lib/gitea/data"]);
  });

  it("queues on Redis let several processes run; LevelDB queues, named or by default, keep one", () => {
    expect(
      iniFacts(`${APP_INI}\n[queue]\nTYPE = redis\nCONN_STR = redis://127.0.0.1:6379/0\n`)!.singleInstance,
    ).toBeUndefined();
    expect(iniFacts(`${APP_INI}\n[queue]\nTYPE = level\n`)!.singleInstance).toContain("[queue] TYPE is level:");
  });

  it("a unix socket has no port; an INI without [server] (uWSGI's) is not app.ini", () => {
    expect(iniFacts(APP_INI.replace("HTTP_PORT = 3000", "HTTP_PORT = 3000\nPROTOCOL = http+unix"))!.listen).toEqual([
      "0.0.0.0:2222",
    ]);
    expect(iniFacts("[uwsgi]\nhttp-socket = :8000\n")).toBeUndefined();
  });
});
