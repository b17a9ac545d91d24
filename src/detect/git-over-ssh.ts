// Git over the VM's own sshd: Gitea, Gogs and Forgejo (and GitLab's gitlab-shell) write each user's
// key into the service user's ~/.ssh/authorized_keys as `command="/usr/local/bin/gitea
// --config=/etc/gitea/app.ini serv key-1",no-port-forwarding… ssh-ed25519 AAAA…`: sshd hands every
// git push and pull to the app's binary. That is a raw TCP listener (port 22) the app needs beside
// HTTP, which Cloud Run cannot take, like the app's own SSH server: it joins that open decision.
// https://docs.gitea.com/installation/install-from-binary (SSH passthrough, authorized_keys)
// Read from the VM's disk only, and only whether such lines exist: never a key.
import path from "node:path";
import { readHostFile } from "./host.js";
import type { ServiceFinding } from "./types.js";

/** The home folder of a unit's User= from the VM's /etc/passwd, or HOME in its Environment=. */
async function homeOf(hostRoot: string, s: ServiceFinding): Promise<string | undefined> {
  const fromEnv = s.envValues?.HOME;
  if (fromEnv?.startsWith("/")) return fromEnv;
  if (!s.unitUser) return undefined;
  const passwd = (await readHostFile(hostRoot, "etc/passwd")) ?? "";
  const line = passwd.split("\n").find((l) => l.split(":")[0] === s.unitUser);
  const home = line?.split(":")[5];
  return home?.startsWith("/") ? home : undefined;
}

/** Whether `text` (an authorized_keys file) hands sessions to `binary` with a forced command. */
export function forcesAppCommand(text: string, binary: string): boolean {
  const name = path.posix.basename(binary).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const forced = new RegExp(`(^|,)\\s*command="[^"]*(^|/|\\s)${name}(\\s[^"]*)?"`);
  return text.split("\n").some((l) => !l.trim().startsWith("#") && forced.test(l.trim()));
}

/**
 * True when the process's unit user's authorized_keys hands SSH sessions to the process's own
 * binary (git over the system sshd), read from the VM's disk under `hostRoot`.
 */
export async function gitOverSystemSsh(hostRoot: string, s: ServiceFinding): Promise<boolean> {
  const binary = (s.command ?? "").trim().split(/\s+/)[0];
  if (!binary?.startsWith("/")) return false;
  const home = await homeOf(hostRoot, s);
  if (!home) return false;
  const text = await readHostFile(hostRoot, `${home.slice(1)}/.ssh/authorized_keys`);
  return text !== undefined && forcesAppCommand(text, binary);
}
