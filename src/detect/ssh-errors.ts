// Why an ssh read failed, in ssh's own words, and the command to try by hand. ssh frames its
// loudest message (a changed host key) in lines of "@": the reason is the words inside the frame
// and the verdict at the end, never the frame itself.
import type { SshTarget } from "./ssh-target.js";

export interface SshFailure {
  reason: string;
  hint: string;
}

/** The command a person runs to check the connection: `ssh -p 2222 deploy@vm true`. */
export function sshCheckCommand(target: SshTarget, sudo: boolean): string {
  return `ssh ${target.port ? `-p ${target.port} ` : ""}${target.destination} ${sudo ? "sudo -n true" : "true"}`;
}

// Lines ssh prints on every run that say nothing about the failure.
const NOISE = /^(Warning: Permanently added|Pseudo-terminal will not be allocated|Connection to \S+ closed)/;

/** ssh's stderr as meaningful lines: frames of "@" removed, noise dropped. */
export function sshMessageLines(stderr: string): string[] {
  return stderr
    .split(/\r?\n/)
    .map((line) =>
      line
        .trim()
        .replace(/^@+\s*/, "")
        .replace(/\s*@+$/, "")
        .trim(),
    )
    .filter((line) => line !== "" && !NOISE.test(line));
}

export function describeSshFailure(
  stderr: string,
  exitCode: number | undefined,
  target: SshTarget,
  sudo: boolean,
): SshFailure {
  const lines = sshMessageLines(stderr);
  const text = lines.join("\n");
  const check = `\`${sshCheckCommand(target, sudo)}\``;
  const first = lines[0];
  const last = lines.at(-1);
  const reason =
    first === undefined
      ? exitCode === 255
        ? "ssh failed (exit 255) without saying why"
        : `the read script stopped with exit ${exitCode ?? "unknown"}`
      : first === last
        ? first
        : `${first} … ${last}`;

  if (/REMOTE HOST IDENTIFICATION HAS CHANGED/i.test(text)) {
    const keygen = /ssh-keygen\s+-f\s+("[^"]+"|\S+)\s+-R\s+("[^"]+"|\S+)/.exec(text)?.[0];
    return {
      reason,
      hint:
        `The VM's host key is not the one in your known_hosts: a rebuilt VM, or someone in between. ` +
        `Check the new key's fingerprint with the VM's admin; once it is right, remove the old key` +
        `${keygen ? ` (\`${keygen}\`)` : ""} and accept the new one by running ${check} once.`,
    };
  }
  if (/Host key verification failed/i.test(text))
    return {
      reason,
      hint: `ssh does not know this VM's host key yet, and init never accepts one for you: run ${check} once, check the fingerprint and accept it.`,
    };
  if (/Permission denied|Too many authentication failures/i.test(text))
    return {
      reason,
      hint: `Check that ${check} works without a password prompt (a key in ssh-agent or ~/.ssh/config; init runs ssh with BatchMode=yes).`,
    };
  if (/sudo:.*(password is required|terminal is required|not in the sudoers|may not run)/i.test(text))
    return {
      reason,
      hint: `--host-sudo needs passwordless sudo for this user: check that ${check} works, or drop --host-sudo (crontabs and process names are then left out).`,
    };
  if (
    /Could not resolve hostname|Connection refused|Connection timed out|No route to host|Network is unreachable/i.test(
      text,
    )
  )
    return {
      reason,
      hint: `Check the host name and port (ssh://user@host:port) and that ${check} reaches the VM from here (VPN, bastion or ProxyJump in ~/.ssh/config).`,
    };
  return {
    reason,
    hint: sudo
      ? `Check that ${check} works without any prompt (a key or an agent, and passwordless sudo), or drop --host-sudo.`
      : `Check that ${check} works without a password prompt (a key or an agent); --host-sudo also reads crontabs and process names.`,
  };
}
