// The laptop's side of an ssh read: records → files under a temporary root, and the VM is not
// trusted (paths, links and sizes are checked here too).
import { lstat, mkdir, mkdtemp, readFile, readlink, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { insideRoot, readHostStream, StreamTooLarge } from "../../src/detect/ssh-stream.js";

const temps: string[] = [];
afterAll(() => Promise.all(temps.map((d) => rm(d, { recursive: true, force: true }))));
/** A copy's root one level inside a folder of the test's own, so `../x` names nothing another process made. */
async function root(): Promise<string> {
  const parent = await mkdtemp(path.join(tmpdir(), "im-stream-"));
  temps.push(parent);
  const dir = path.join(parent, "root");
  await mkdir(dir);
  return dir;
}
async function* chunks(text: string, size = 7): AsyncGenerator<Buffer> {
  // Small chunks: records and UTF-8 characters are split across reads, as on a real pipe.
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}
const LIMITS = { fileBytes: 1000, totalBytes: 100_000 };
const exists = (file: string) =>
  lstat(file).then(
    () => true,
    () => false,
  );

describe("insideRoot", () => {
  it.each([
    ["etc/systemd/system/api.service", "etc/systemd/system/api.service"],
    ["etc/nginx/sites-enabled/../sites-available/app", "etc/nginx/sites-available/app"],
    ["etc/systemd/system/openvpn-client@my\\x2dvpn.service", "etc/systemd/system/openvpn-client@my\\x2dvpn.service"],
    ["/etc/passwd", undefined],
    ["../outside", undefined],
    ["etc/../../outside", undefined],
    ["etc/\u0007bell", undefined],
    ["", undefined],
  ])("%s → %s", (file, expected) => expect(insideRoot(file)).toBe(expected));
});

describe("readHostStream", () => {
  it("writes files as sent, links to sent files, and reads the machine's facts and sockets", async () => {
    const dir = await root();
    const text = [
      "Welcome to the VM (a login banner)",
      "infra-migrate-read 1",
      "missing=readlink",
      "link=etc/os-release\tetc/../usr/lib/os-release",
      "file=usr/lib/os-release",
      '|PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"',
      "file=etc/app/env",
      "|SECRET_KEY=",
      "|Ünïcode=",
      "file=etc/empty",
      "unreadable=/var/spool/cron/crontabs",
      "toolarge=/srv/app/package.json 73400320",
      "cpus=4",
      "memkb=16370120",
      "listeners",
      "|State Recv-Q",
      '|LISTEN 0 511 0.0.0.0:80 0.0.0.0:* users:(("nginx",pid=1,fd=6))',
      "end",
      "",
    ].join("\n");
    const stream = await readHostStream(chunks(text), dir, LIMITS);
    expect(stream).toEqual({
      started: true,
      complete: true,
      missing: ["readlink"],
      unreadable: ["/var/spool/cron/crontabs"],
      tooLarge: [{ file: "/srv/app/package.json", bytes: 73400320 }],
      cpus: 4,
      memKiB: 16370120,
      listeners: 'State Recv-Q\nLISTEN 0 511 0.0.0.0:80 0.0.0.0:* users:(("nginx",pid=1,fd=6))',
    });
    expect(await readFile(path.join(dir, "etc/os-release"), "utf8")).toBe(
      'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n',
    );
    expect(await readlink(path.join(dir, "etc/os-release"))).toBe("../usr/lib/os-release");
    expect(await readFile(path.join(dir, "etc/app/env"), "utf8")).toBe("SECRET_KEY=\nÜnïcode=\n");
    expect(await readFile(path.join(dir, "etc/empty"), "utf8")).toBe("");
  });

  it("keeps a hostile VM inside the root: no absolute or escaping paths, no link to what was not sent", async () => {
    const dir = await root();
    const text = [
      "infra-migrate-read 1",
      "file=../escape",
      "|x",
      "file=/abs",
      "|x",
      "link=etc/shadow-link\t../../etc/shadow",
      "link=etc/unsent\tetc/never-sent",
      "file=etc/sent",
      "|ok",
      "file=etc/sent",
      "|second copy",
      "link=etc/sent\tetc/other",
      "end",
    ].join("\n");
    const stream = await readHostStream(chunks(text), dir, LIMITS);
    expect(stream.complete).toBe(true);
    expect(await exists(path.join(dir, "../escape"))).toBe(false);
    expect(await exists(path.join(dir, "abs"))).toBe(false);
    expect(await exists(path.join(dir, "etc/shadow-link"))).toBe(false);
    expect(await exists(path.join(dir, "etc/unsent"))).toBe(false);
    expect(await readFile(path.join(dir, "etc/sent"), "utf8")).toBe("ok\n");
  });

  it("an app file sent by name only becomes an empty stand-in; a sent file keeps its content", async () => {
    const dir = await root();
    const text =
      "infra-migrate-read 1\nfile=srv/app/Gemfile\n|gem 'rails'\nentry=srv/app/Gemfile\nentry=srv/app/Gemfile.lock\nentry=../x\nend\n";
    await readHostStream(chunks(text), dir, LIMITS);
    expect(await readFile(path.join(dir, "srv/app/Gemfile"), "utf8")).toBe("gem 'rails'\n");
    expect(await readFile(path.join(dir, "srv/app/Gemfile.lock"), "utf8")).toBe("");
    expect(await exists(path.join(dir, "../x"))).toBe(false);
  });

  it("a SQLite file sent by name becomes a stand-in holding SQLite's header only, inside the root", async () => {
    const dir = await root();
    const text =
      "infra-migrate-read 1\nsqlite=var/lib/app/data.db\nsqlite=../y.db\nentry=var/lib/app/data.db\nentry=var/lib/app/other.db\nend\n";
    await readHostStream(chunks(text), dir, LIMITS);
    expect(await readFile(path.join(dir, "var/lib/app/data.db"), "latin1")).toBe("SQLite format 3\0");
    expect(await readFile(path.join(dir, "var/lib/app/other.db"), "utf8")).toBe("");
    expect(await exists(path.join(dir, "../y.db"))).toBe(false);
  });

  it.each([
    [
      "a linked folder into the release, not sent: a link to the same place",
      "srv/g/content/themes/casper",
      "srv/g/current/content/themes/casper",
      "../../current/content/themes/casper",
    ],
    ["a target escaping the root: no link", "srv/g/content/x", "../../etc", undefined],
    ["an absolute target: no link", "srv/g/content/y", "/etc", undefined],
  ])("applink: %s", async (_name, link, target, want) => {
    const dir = await root();
    await readHostStream(chunks(`infra-migrate-read 1\napplink=${link}\t${target}\nend\n`), dir, LIMITS);
    expect(await readlink(path.join(dir, link)).catch(() => undefined)).toBe(want);
  });

  it("cuts a file over the size limit and stops a stream over the total limit", async () => {
    const dir = await root();
    const big = `infra-migrate-read 1\nfile=etc/big\n${"|0123456789\n".repeat(200)}file=etc/small\n|ok\nend\n`;
    const stream = await readHostStream(chunks(big, 64), dir, LIMITS);
    expect(stream.tooLarge).toEqual([{ file: "/etc/big" }]);
    expect(await exists(path.join(dir, "etc/big"))).toBe(false);
    expect(await readFile(path.join(dir, "etc/small"), "utf8")).toBe("ok\n");
    await expect(readHostStream(chunks(big, 64), await root(), { fileBytes: 1000, totalBytes: 500 })).rejects.toThrow(
      StreamTooLarge,
    );
  });

  it("says when the script never started or stopped before its end", async () => {
    expect(await readHostStream(chunks("sh: 1: syntax error\n"), await root(), LIMITS)).toMatchObject({
      started: false,
      complete: false,
    });
    expect(await readHostStream(chunks("infra-migrate-read 1\nfile=etc/a\n|x\n"), await root(), LIMITS)).toMatchObject({
      started: true,
      complete: false,
    });
  });
});
