// collectOverSsh against the fake ssh: the temporary root holds what host.ts reads (links
// included), and every failure (ssh's, the script's, a VM that never answers) removes it.
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { readHostFacts } from "../../src/detect/host.js";
import { collectOverSsh } from "../../src/detect/ssh-host.js";

const FIXTURES = path.resolve(import.meta.dirname, "../fixtures/hosts");
const FAKE_BIN = path.resolve(import.meta.dirname, "../helpers/fake-bin");
const VM = { destination: "deploy@app-vm-01", port: 2222 };
const env = (extra: Record<string, string>) => ({
  PATH: `${FAKE_BIN}:${process.env.PATH}`,
  FAKE_SSH_ROOT: path.join(FIXTURES, "vm1"),
  ...extra,
});

// os.tmpdir() reads TMPDIR on each call: each test gets its own, to see what is left behind.
const savedTmp = process.env.TMPDIR;
let tmp: string;
const temps: string[] = [];
beforeEach(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), "im-collect-"));
  temps.push(tmp);
  process.env.TMPDIR = tmp;
});
afterEach(() => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
});
afterAll(() => Promise.all(temps.map((d) => rm(d, { recursive: true, force: true }))));

describe("collectOverSsh", () => {
  it("fills a temporary root host.ts reads like a disk, and removes it on cleanup", async () => {
    const collected = await collectOverSsh(VM, { env: env({}) });
    expect(collected.root.startsWith(path.join(tmp, "infra-migrate-host-"))).toBe(true);
    expect(await readHostFacts(collected.root)).toEqual({
      hostname: "app-vm-01",
      os: "Ubuntu 22.04.4 LTS",
      cpus: 4,
      memoryGiB: 15.6,
    });
    expect(collected.listeners).toContain('users:(("mysqld"');
    expect(collected.warnings).toEqual([]);
    await collected.cleanup();
    expect(await readdir(tmp)).toEqual([]);
  });

  it("a script that fails on the VM: ssh's words for it, and no copy left", async () => {
    const failure = collectOverSsh(VM, { env: env({ FAKE_SSH_ROOT: "/nonexistent-vm-root" }) });
    await expect(failure).rejects.toThrow(InputError);
    await expect(failure).rejects.toThrow(
      /Could not read deploy@app-vm-01 over ssh: .*can't cd to \/nonexistent-vm-root/,
    );
    expect(await readdir(tmp)).toEqual([]);
  });

  it("a VM that never finishes: stopped after the timeout, and no copy left", async () => {
    const failure = collectOverSsh(VM, { env: env({ FAKE_SSH_HANG: "1" }), timeoutMs: 500 });
    await expect(failure).rejects.toThrow(/no answer within 0.5 s/);
    expect(await readdir(tmp)).toEqual([]);
  });
});
