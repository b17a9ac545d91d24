// A .deb of the app installs its unit in /lib/systemd/system, beside the distribution's (Odoo's
// debian/odoo.service): kept when the repository ships that unit (shipped-unit.ts), run on the
// runtime its program's `#!` line names (shebang.ts), listening on the bare ports and keeping its
// files in the data folder its settings file names (settings-data-dir.ts).
import { afterAll, describe, expect, it } from "vitest";
import { detectRepo } from "../../src/detect/detect-repo.js";
import { shebangRuntime } from "../../src/detect/shebang.js";
import { dataDirFacts, settingsDataDir, settingsFilePorts } from "../../src/detect/settings-data-dir.js";
import { TempTrees } from "../helpers/file-tree.js";

const UNIT = `[Service]\nUser=odoo\nExecStart=/usr/bin/odoo --config /etc/odoo/odoo.conf --logfile /var/log/odoo/odoo-server.log\n`;
const CONF = `[options]\nadmin_passwd = FAKE\ndb_user = odoo\ndb_port = 5432\ndata_dir = /var/lib/odoo\nhttp_port = 8069\ngevent_port = 8072\nworkers = 4\n`;
const SITE = `upstream odoo { server 127.0.0.1:8069; }
upstream odoochat { server 127.0.0.1:8072; }
server {
  listen 80;
  location /websocket {
    proxy_pass http://odoochat;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection "upgrade";
  }
  location / { proxy_pass http://odoo; }
}
`;

const trees = new TempTrees("im-packaged-");
afterAll(() => trees.removeAll());
const tree = (files: Record<string, string>, links: Record<string, string> = {}) => trees.make(files, links);

async function detect(repoFiles: Record<string, string>, vmExtra: Record<string, string> = {}) {
  const vm = await tree(
    {
      "lib/systemd/system/odoo.service": UNIT,
      "usr/bin/odoo": "#!/usr/bin/env python3\nimport odoo\n",
      "etc/odoo/odoo.conf": CONF,
      "etc/nginx/sites-enabled/odoo": SITE,
      "var/lib/odoo/filestore/db1/ab/abcdef": "FAKE",
      "var/lib/odoo/sessions/s1": "FAKE",
      "var/lib/odoo/addons/18.0/.keep": "",
      ...vmExtra,
    },
    { "etc/systemd/system/multi-user.target.wants/odoo.service": "/lib/systemd/system/odoo.service" },
  );
  const repo = await tree({ "requirements.txt": "gevent==24.2.1\npsycopg2==2.9.9\n", ...repoFiles });
  return detectRepo(repo, {
    host: { root: vm, readListeners: async () => undefined },
    readRemote: async () => undefined,
  });
}

describe("a unit the app's own package installed in /lib", () => {
  it("is the app when the repository ships it: Python by its #! line, both proxied ports, the websocket route", async () => {
    const facts = await detect({ "debian/odoo.service": UNIT });
    const odoo = facts.services.find((s) => s.name === "odoo");
    expect(odoo).toMatchObject({
      role: "web",
      runtime: "python",
      listen: ["127.0.0.1:8069", "127.0.0.1:8072"],
      protocols: ["http", "websocket"],
      sessionStore: "file",
    });
    // data_dir's filestore/ is user files; sessions/ the session files, addons/ code: not mounted.
    expect(facts.storage?.map((s) => s.path)).toEqual(["/var/lib/odoo/filestore"]);
  });

  it("is the distribution's, and left out, when the repository ships no such unit or one running another program", async () => {
    const repos: Record<string, string>[] = [
      {},
      { "debian/odoo.service": UNIT.replace("/usr/bin/odoo ", "/usr/bin/python3 ") },
    ];
    for (const repo of repos) {
      const facts = await detect(repo);
      expect(facts.services.map((s) => s.name)).not.toContain("odoo");
    }
  });
});

describe("shebangRuntime", () => {
  it.each([
    ["#!/usr/bin/env python3\nimport odoo", "python"],
    ["#!/usr/bin/python3.12 -u\n", "python"],
    ["#!/usr/bin/env ruby\n", "ruby"],
    ["#!/usr/bin/env -S node --max-old-space-size=4096\n", "node"],
    ["#!/usr/bin/php8.2\n", "php"],
    ["#!/bin/sh\nexec python3 app.py", undefined],
    ["\x7fELF\x02\x01", undefined],
  ])("%j → %s", (text, runtime) => {
    expect(shebangRuntime(text)).toBe(runtime);
  });
});

describe("a settings file's bare ports and data folder", () => {
  it("takes the port keys the proxy reaches, never a client's port or one no proxy sends to", () => {
    const text = `${CONF}longpolling_port = 9999\nsmtp_port = 8069\n`;
    expect(settingsFilePorts(text, "/etc/odoo/odoo.conf", "python", new Set([8069, 8072, 5432]))).toEqual([
      { port: 8069, section: "options", key: "http_port" },
      { port: 8072, section: "options", key: "gevent_port" },
    ]);
  });

  it("names the data folder, and sorts its subfolders into user files, sessions and code", () => {
    const dir = settingsDataDir(CONF, "/etc/odoo/odoo.conf", "python")!;
    expect(dir).toEqual({ key: "data_dir", path: "/var/lib/odoo" });
    expect(dataDirFacts(dir, "/etc/odoo/odoo.conf", ["addons", "filestore", "logs", "sessions"])).toEqual({
      folders: [
        {
          path: "/var/lib/odoo/filestore",
          purpose: "filestore/ in data_dir in odoo.conf",
          absoluteSetting: true,
          dataDir: "/var/lib/odoo",
        },
      ],
      sessionStore: "file",
    });
    // Nothing read: the whole folder.
    expect(dataDirFacts(dir, "/etc/odoo/odoo.conf", undefined).folders.map((f) => f.path)).toEqual(["/var/lib/odoo"]);
    expect(settingsDataDir("[options]\ndata_dir = relative/path\n", "x.conf")).toBeUndefined();
  });
});
