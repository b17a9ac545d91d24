// A settings file the app's code reads from a fixed path under /etc, on no command line (pretix's
// settings.py reads /etc/pretix/pretix.cfg): with a secret or the database connection in it, it
// becomes a secret file of the processes of the code's runtime.
import { describe, expect, it } from "vitest";
import {
  codeSettingsFiles,
  folderSettings,
  redisSettings,
  settingsPathsInCode,
  settingsRedisUses,
} from "../../src/detect/code-settings-file.js";

const PRETIX_SETTINGS = `_config = configparser.RawConfigParser()
if 'PRETIX_CONFIG_FILE' in os.environ:
    _config.read_file(open(os.environ.get('PRETIX_CONFIG_FILE'), encoding='utf-8'))
else:
    _config.read(['/etc/pretix/pretix.cfg', os.path.expanduser('~/.pretix.cfg'), 'pretix.cfg'],
                 encoding='utf-8')
`;
const PRETIX_CFG = `[pretix]
datadir=/var/pretix/data

[database]
; For MySQL, replace with "mysql"
backend=postgresql
name=pretix
user=pretix
password=
host=
`;
const SERVICES = [
  { name: "web", runtime: "python" },
  { name: "worker", runtime: "python" },
  { name: "assets", runtime: "node" },
];

describe("settingsPathsInCode", () => {
  it.each([
    [PRETIX_SETTINGS, ["/etc/pretix/pretix.cfg"]],
    [`CONFIG = "/etc/sentry/config.yml"\nOTHER = '/etc/sentry/config.yml'`, ["/etc/sentry/config.yml"]],
    // The system's own files, code (not settings), relative paths and unquoted prose are not taken.
    [`ssl = "/etc/ssl/certs/ca.pem"; nginx = '/etc/nginx/nginx.conf'`, []],
    [`exec(open("/etc/app/settings.py").read())`, []],
    [`read('app.cfg')  # see /etc/app/app.cfg`, []],
  ])("%s → %j", (text, paths) => expect(settingsPathsInCode(text)).toEqual(paths));
});

describe("codeSettingsFiles", () => {
  const vm: Record<string, string> = { "/etc/pretix/pretix.cfg": PRETIX_CFG };
  const read = async (file: string) => vm[file];

  it("takes a file the VM has, with its database section, for the processes of the code's runtime", async () => {
    const found = await codeSettingsFiles([{ file: "src/pretix/settings.py", text: PRETIX_SETTINGS }], SERVICES, read);
    expect(found).toEqual([
      {
        file: { path: "/etc/pretix/pretix.cfg", services: ["web", "worker"], database: { section: "database" } },
        namedIn: "src/pretix/settings.py",
        secrets: [],
        redisUses: [],
      },
    ]);
  });

  it("names the secrets a file holds, never their values", async () => {
    const text = `[app]\nsecret_key = FAKE-not-a-real-key\n`;
    const found = await codeSettingsFiles(
      [{ file: "app/settings.py", text: `"/etc/app/app.ini"` }],
      SERVICES,
      async () => text,
    );
    expect(found.map((f) => [f.file.path, f.secrets, f.file.database])).toEqual([
      ["/etc/app/app.ini", ["[app] secret_key"], undefined],
    ]);
  });

  it("leaves out a file the VM lacks, one of neither secrets nor a database, and code no process runs", async () => {
    const plain = async () => "[features]\nbeta = on\n";
    expect(await codeSettingsFiles([{ file: "src/settings.py", text: `'/etc/x/x.cfg'` }], SERVICES, read)).toEqual([]);
    expect(await codeSettingsFiles([{ file: "src/settings.py", text: `'/etc/x/x.cfg'` }], SERVICES, plain)).toEqual([]);
    expect(await codeSettingsFiles([{ file: "config/app.rb", text: PRETIX_SETTINGS }], SERVICES, read)).toEqual([]);
  });
});

describe("settingsRedisUses", () => {
  it.each([
    // pretix's documented [redis] and [celery] sections: one Redis, four uses.
    [
      "[redis]\nlocation=redis://127.0.0.1/0\nsessions=true\n\n[celery]\nbackend=redis://127.0.0.1/1\nbroker=redis://127.0.0.1/2\n",
      ["sessions", "results", "broker"],
    ],
    ["[cache]\nurl = redis://cache:6379/3\n[sessions]\nstore = rediss://cache:6380/4\n", ["cache", "sessions"]],
    // Not Redis, or switched off: nothing.
    ["[celery]\nbroker = amqp://mq//\n[redis]\nsessions = false\n", []],
  ])("%#", (text, uses) => expect(settingsRedisUses(text, "/etc/app/app.cfg", "python")).toEqual(uses));
});

describe("folderSettings", () => {
  it.each([
    // pretix's datadir holds the uploads folder (media/); a folder of its own is taken too.
    ["[pretix]\ndatadir=/var/pretix/data\n", ["/var/pretix/data/media"], [["pretix", "datadir", "/var/pretix/data"]]],
    ["[storage]\nroot = /srv/uploads/\n", ["/srv/uploads"], [["storage", "root", "/srv/uploads"]]],
    // A folder beside the uploads, or inside them, is not theirs to move.
    ["[pretix]\nlogdir=/var/log/pretix\ndatadir=/var/pretix/data/media/x\n", ["/var/pretix/data/media"], []],
  ])("%#", (text, storage, want) =>
    expect(folderSettings(text, "/etc/app/app.cfg", "python", storage).map((f) => [f.section, f.key, f.value])).toEqual(
      want,
    ),
  );
});

describe("redisSettings", () => {
  it("names the settings that hold a Redis URL, never their values", () => {
    const text =
      "[redis]\nlocation=redis://127.0.0.1/0\nsessions=true\n[celery]\nbackend=rediss://:FAKE@cache:6380/1\nbroker=amqp://mq//\n";
    expect(redisSettings(text, "/etc/app/app.cfg", "python")).toEqual([
      { section: "redis", key: "location" },
      { section: "celery", key: "backend" },
    ]);
  });
});
