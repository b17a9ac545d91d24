// ssh failures in ssh's own words, with the command a person runs to check by hand.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { describeSshFailure, sshCheckCommand, sshMessageLines } from "../../src/detect/ssh-errors.js";

const CHANGED = readFileSync(path.resolve(import.meta.dirname, "../fixtures/ssh/host-key-changed.txt"), "utf8");
const VM = { destination: "deploy@app-vm-01", port: 2222 };

describe("sshCheckCommand", () => {
  it.each([
    [{ destination: "deploy@app-vm-01", port: 2222 }, false, "ssh -p 2222 deploy@app-vm-01 true"],
    [{ destination: "app-vm-01" }, false, "ssh app-vm-01 true"],
    [{ destination: "deploy@app-vm-01" }, true, "ssh deploy@app-vm-01 sudo -n true"],
  ])("%j sudo=%s → %s", (target, sudo, command) => expect(sshCheckCommand(target, sudo)).toBe(command));
});

describe("describeSshFailure", () => {
  it("a changed host key: ssh's words inside the @ frame and its verdict, the ssh-keygen line, the real command", () => {
    expect(sshMessageLines(CHANGED).some((l) => l.includes("@"))).toBe(false);
    const failure = describeSshFailure(CHANGED, 255, { destination: "deploy@rekeyed-vm", port: 2222 }, false);
    expect(failure.reason).toBe("WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! … Host key verification failed.");
    expect(failure.hint).toContain('`ssh-keygen -f "/home/dev/.ssh/known_hosts" -R "[rekeyed-vm]:2222"`');
    expect(failure.hint).toContain("`ssh -p 2222 deploy@rekeyed-vm true`");
  });

  it.each([
    ["Host key verification failed.\n", /never accepts one for you: run `ssh -p 2222 deploy@app-vm-01 true` once/],
    ["deploy@app-vm-01: Permission denied (publickey).\n", /works without a password prompt .*BatchMode=yes/],
    ["ssh: connect to host app-vm-01 port 2222: Connection refused\n", /Check the host name and port/],
    [
      "sudo: a password is required\n",
      /passwordless sudo for this user: check that `ssh -p 2222 deploy@app-vm-01 true`/,
    ],
  ])("%s", (stderr, hint) => {
    const failure = describeSshFailure(stderr, 255, VM, false);
    expect(failure.reason).toBe(stderr.trim());
    expect(failure.hint).toMatch(hint);
  });

  it("drops ssh's routine notices and says something when ssh said nothing", () => {
    const noisy =
      "Warning: Permanently added 'app-vm-01' (ED25519) to the list of known hosts.\nsh: 3: cd: can't cd to /\n";
    expect(describeSshFailure(noisy, 3, VM, false).reason).toBe("sh: 3: cd: can't cd to /");
    expect(describeSshFailure("", 255, VM, false).reason).toBe("ssh failed (exit 255) without saying why");
    expect(describeSshFailure("", 3, VM, true)).toMatchObject({
      reason: "the read script stopped with exit 3",
      hint: expect.stringContaining("`ssh -p 2222 deploy@app-vm-01 sudo -n true`"),
    });
  });
});
