// A settings file a process names on its command line, outside the app's folder, that holds
// secrets (Gitea's app.ini) becomes a secret file of that process, with its database section noted.
import { describe, expect, it } from "vitest";
import {
  settingsFileIn,
  settingsFileOf,
  settingsSecretFiles,
  readSettings,
  settingsSecrets,
  settingsFileListen,
} from "../../src/detect/settings-file.js";
import { isPlainValue } from "../../src/detect/plain-values.js";

describe("settingsFileOf", () => {
  it.each([
    ["/usr/local/bin/gitea web --config /etc/gitea/app.ini", "/etc/gitea/app.ini"],
    ["/opt/app/bin/server -c /etc/app/config.yml", "/etc/app/config.yml"],
    ["/usr/bin/x --config=/etc/x.toml", "/etc/x.toml"],
    ["/usr/bin/app --config-file /etc/app/../app/settings.json", "/etc/app/settings.json"],
    // Code, not settings: the repository holds it; a relative path is the app folder's.
    ["gunicorn -c /etc/gunicorn/conf.py app:app", undefined],
    ["/usr/bin/app --config config/app.yml", undefined],
    ["/usr/bin/app serve", undefined],
  ])("%s → %s", (command, file) => {
    expect(settingsFileOf(command)).toBe(file);
  });

  it("is the one finder app.ini's reader uses too: every flag of the list", () => {
    for (const flag of ["--config", "-c", "--config-file", "--configfile", "--conf"])
      expect(settingsFileIn(["/usr/local/bin/gitea", "web", flag, "/etc/gitea/app.ini"])).toBe("/etc/gitea/app.ini");
    expect(settingsFileIn(["gitea", "web", "--config=custom/app.ini"])).toBe("custom/app.ini");
  });
});

describe("settingsSecrets", () => {
  it("names an INI file's secrets (never values) and its database host", () => {
    const ini = [
      "APP_NAME = Gitea",
      "[server]",
      "HTTP_ADDR = 127.0.0.1",
      "HTTP_PORT = 3000",
      "LFS_JWT_SECRET = abc",
      "[database]",
      "HOST = 127.0.0.1:5432",
      "USER = gitea",
      "PASSWD = hunter2",
      "[security]",
      "INTERNAL_TOKEN = t0k",
      "SECRET_KEY =",
    ].join("\n");
    expect(settingsSecrets(ini)).toEqual({
      secrets: ["[server] LFS_JWT_SECRET", "[database] PASSWD", "[security] INTERNAL_TOKEN"],
      database: { section: "database", host: "127.0.0.1:5432" },
      server: { section: "server", addrKey: "HTTP_ADDR", addr: "127.0.0.1", portKey: "HTTP_PORT", port: 3000 },
    });
  });

  it("reads YAML and TOML the same way, and skips values taken from the environment", () => {
    const yaml = 'database:\n  host: db.internal\n  password: "s3cret"\nmail:\n  api_key: ${MAIL_KEY}\n';
    expect(settingsSecrets(yaml)).toEqual({
      secrets: ["[database] password"],
      database: { section: "database", host: "db.internal" },
    });
    expect(settingsSecrets('[app]\ntoken = "abc"\n')).toEqual({ secrets: ["[app] token"] });
  });

  it("reads JSON with the YAML parser and a TOML file by its sections, keys as written", () => {
    expect(settingsSecrets('{"db": {"host": "10.0.0.5", "password": "x"}, "port": 8080}', "/etc/a.json")).toEqual({
      secrets: ["[db] password"],
      database: { section: "db", host: "10.0.0.5" },
    });
    expect(settingsSecrets('[database]\nhost = "db" # primary\npassword = "p"\n', "/etc/a.toml")).toEqual({
      secrets: ["[database] password"],
      database: { section: "database", host: "db" },
    });
  });

  it("takes the listener's keys from the file and its values from the service's detected address", () => {
    const ini = "[server]\nHTTP_ADDR = 127.0.0.1\nHTTP_PORT = 3000\nSECRET_KEY = s\n";
    expect(settingsSecrets(ini, "/etc/gitea/app.ini", "127.0.0.1:3000").server).toEqual({
      section: "server",
      addrKey: "HTTP_ADDR",
      addr: "127.0.0.1",
      portKey: "HTTP_PORT",
      port: 3000,
    });
    // Only a port in the file: no address key to edit.
    expect(settingsSecrets("[server]\nHTTP_PORT = 3000\nTOKEN = t\n", "/x.ini", "0.0.0.0:3000").server).toEqual({
      section: "server",
      portKey: "HTTP_PORT",
      port: 3000,
    });
  });

  it("takes one host:port value as both the address and the port (listmonk's [app] address)", () => {
    const toml = '[app]\naddress = "localhost:9000"\n\n[db]\nhost = "localhost"\nport = 5432\npassword = "p"\n';
    expect(settingsSecrets(toml, "/etc/listmonk/main.toml", "127.0.0.1:9000").server).toEqual({
      section: "app",
      addrKey: "address",
      addr: "localhost:9000",
      portKey: "address",
      port: 9000,
    });
    // Another port than the one the service was found on: not its listener.
    expect(settingsSecrets(toml, "/etc/listmonk/main.toml", "127.0.0.1:8080").server).toBeUndefined();
  });

  it("takes prefixed connection keys as the database section, and a bare port key as the listener (Odoo's [options])", () => {
    const conf =
      "[options]\nadmin_passwd = FAKE\ndb_host = False\ndb_port = False\ndb_user = odoo\ndb_password = False\nhttp_port = 8069\ngevent_port = 8072\n";
    expect(settingsSecrets(conf, "/etc/odoo/odoo.conf", "127.0.0.1:8069", "python")).toEqual({
      secrets: ["[options] admin_passwd"],
      // `False` is configparser-Odoo's "not set": no host to name.
      database: { section: "options" },
      server: { section: "options", portKey: "http_port", port: 8069 },
    });
    expect(settingsSecrets(conf.replace("db_host = False", "db_host = 10.0.0.5"), "x.conf").database).toEqual({
      section: "options",
      host: "10.0.0.5",
    });
    // One prefixed key alone (a smtp-only file's db_name) is not a connection; a port nobody listens on is no listener.
    expect(settingsSecrets("[mail]\ndb_name = x\nsmtp_port = 25\n", "x.conf", "127.0.0.1:25")).toEqual({ secrets: [] });
  });

  it("counts the ssh read's <redacted:vm> as the secret it stands for, never a <placeholder>", () => {
    expect(settingsSecrets("[db]\npassword = <redacted:vm>\n", "/etc/app/config.toml").secrets).toEqual([
      "[db] password",
    ]);
    expect(settingsSecrets("[db]\npassword = <your-password>\n", "/etc/app/app.ini").secrets).toEqual([]);
  });

  it("finds nothing in a file of plain settings", () => {
    expect(settingsSecrets("[server]\nHTTP_PORT = 3000\nUSER = git\n").secrets).toEqual([]);
  });
});

describe("settingsSecretFiles", () => {
  const files: Record<string, string> = {
    "/etc/gitea/app.ini": "[database]\nHOST = 127.0.0.1:5432\nPASSWD = x\n",
    "/etc/plain.ini": "[server]\nHTTP_PORT = 3000\n",
    "/srv/app/config.yml": "secret_key: x\n",
  };
  const read = async (file: string) => files[file];

  it("keeps files with secrets outside the app's folders, once, for every process that names them", async () => {
    const found = await settingsSecretFiles(
      [
        { name: "gitea", command: "/usr/local/bin/gitea web --config /etc/gitea/app.ini" },
        { name: "gitea-hooks", command: "/usr/local/bin/gitea serv -c /etc/gitea/app.ini" },
        { name: "plain", command: "/usr/bin/plain --config /etc/plain.ini" },
        { name: "inside", command: "/usr/bin/app -c /srv/app/config.yml" },
      ],
      ["/srv/app"],
      read,
    );
    expect(found).toEqual([
      {
        file: {
          path: "/etc/gitea/app.ini",
          services: ["gitea", "gitea-hooks"],
          database: { section: "database", host: "127.0.0.1:5432" },
        },
        secrets: ["[database] PASSWD"],
      },
    ]);
  });
});

describe("a unit's login name", () => {
  it.each([
    ["USER", "git", true],
    ["LOGNAME", "git", true],
    ["DB_USER", "gitea", false],
    ["SMTP_USERNAME", "mail", false],
  ])("%s=%s is plain: %s", (name, value, plain) => {
    expect(isPlainValue(name, value)).toBe(plain);
  });
});

describe("where a value ends: each format's own comment rule", () => {
  it.each([
    // Python's configparser (no inline comments by default): the value is the whole rest of the line.
    ["/etc/app/app.cfg", undefined, "host = db.internal ; primary", "db.internal ; primary"],
    ["/etc/app/settings.ini", "python", "host: db.internal # primary", "db.internal # primary"],
    // PHP's parse_ini_file: `;` starts a comment outside double quotes, `#` does not.
    ["/etc/app/app.ini", "php", "host = db.internal ; primary", "db.internal"],
    ["/etc/app/app.ini", "php", 'host = "db;internal" ; primary', "db;internal"],
    ["/etc/app/app.ini", "php", "host = db#internal", "db#internal"],
    // go-ini (Gitea's app.ini): `#` or `;` anywhere, unless quoted with backticks or """.
    ["/etc/gitea/app.ini", undefined, "host = db.internal;primary", "db.internal"],
    ["/etc/gitea/app.ini", "go", "host = `db#internal` # primary", "db#internal"],
    ["/etc/gitea/app.ini", "go", 'host = """db;internal"""', "db;internal"],
    // TOML: `#` outside a string.
    ["/etc/app/config.toml", undefined, 'host = "db#internal" # primary', "db#internal"],
    ["/etc/app/config.toml", "go", "port = 5432 # primary", "5432"],
  ])("%s (%s): %s → %s", (file, runtime, line, value) => {
    const sections = readSettings(`[database]\n${line}\n`, file, runtime);
    expect(sections.get("database")?.get(line.split(/\s*[=:]/)[0]!)).toBe(value);
  });

  it("keeps a key's spelling in the secrets list, lower case included", () => {
    expect(settingsSecrets("[database]\npassword = hunter2\nHost = db.internal\n", "/etc/app/app.cfg")).toEqual({
      secrets: ["[database] password"],
      database: { section: "database", host: "db.internal" },
    });
    expect(settingsSecrets("[mail]\nsmtp_Password = x ; old\n", "/etc/app/app.ini", undefined, "php").secrets).toEqual([
      "[mail] smtp_Password",
    ]);
  });

  it("a secret whose value is a comment only in the file's own format", () => {
    // configparser keeps `; set me` as the value: a value, so a secret; go-ini cuts it to nothing.
    expect(settingsSecrets("[app]\nsecret_key = ; set me\n", "/etc/app/app.cfg").secrets).toEqual(["[app] secret_key"]);
    expect(settingsSecrets("[app]\nSECRET_KEY = ; set me\n", "/etc/gitea/app.ini").secrets).toEqual([]);
  });
});

describe("settingsFileListen: the server's own host:port in a settings file the command names", () => {
  const proxied = new Set([9000]);
  it.each([
    ["listmonk's TOML [app] address", '[app]\naddress = "localhost:9000"\n', proxied, "127.0.0.1:9000"],
    ["YAML listen_addr on every interface", 'server:\n  listen_addr: ":9000"\n', proxied, "0.0.0.0:9000"],
    ["a bare port or host is not an address", '[app]\naddress = "localhost"\nport = 9000\n', proxied, undefined],
    ["the database's host:port is not the app's", '[db]\naddress = "10.0.0.5:5432"\n', proxied, undefined],
    [
      "of two, the one the proxy reaches",
      '[metrics]\nlisten = "127.0.0.1:9100"\n[http]\nbind = "127.0.0.1:9000"\n',
      proxied,
      "127.0.0.1:9000",
    ],
  ] as const)("%s", (_label, text, ports, want) => {
    const file = text.startsWith("[") ? "/etc/app/config.toml" : "/etc/app/config.yml";
    expect(settingsFileListen(text, file, "go", ports)?.listen).toBe(want);
  });
});
