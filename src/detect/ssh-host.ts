// `init --from-host ssh://[user@]host[:port]`: the same reading as `--from-host` on the VM, for a
// VM without Node. One `ssh` session runs a read-only POSIX sh script that streams a tar of the
// files host.ts reads (units with their link targets, nginx sites, crontabs, the app's dependency
// files) and, after a marker, the CPU count, memory and `ss -ltnpH`. Nothing is written on the VM.
// The tar is unpacked into a temporary root and read by detectRepo like a mounted disk.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { InputError } from "../errors.js";
import { HOST_DIRS, HOST_FILES } from "./host.js";

export interface SshTarget {
  /** `user@host` or `host`, as ssh takes it. */
  destination: string;
  port?: number;
}

/** `ssh://deploy@app-vm-01:2222` → { destination: "deploy@app-vm-01", port: 2222 }; undefined when not an ssh URL. */
export function parseSshTarget(text: string): SshTarget | undefined {
  // Neither part may start with "-": ssh would take it as an option (-oProxyCommand=…).
  const m =
    /^ssh:\/\/(?:([A-Za-z0-9_][A-Za-z0-9._-]*)@)?([A-Za-z0-9][A-Za-z0-9.-]*|\[[0-9A-Fa-f:]+\])(?::(\d{1,5}))?\/?$/.exec(
      text,
    );
  if (!m) return undefined;
  const port = m[3] === undefined ? undefined : Number(m[3]);
  if (port !== undefined && (port < 1 || port > 65535)) return undefined;
  return { destination: m[1] ? `${m[1]}@${m[2]}` : m[2]!, ...(port ? { port } : {}) };
}

const MARKER = "--infra-migrate-facts--";

/**
 * Runs on the VM with `sh -s`. Read-only: it only lists and reads. `IM_ROOT` (unset on a real VM)
 * lets tests point it at a fixture tree. Link targets are taken inside the root, like host.ts does.
 * The folders are host.ts's, plus sites-available (where sites-enabled's relative links lead).
 */
export const REMOTE_SCRIPT = `set -u
root="\${IM_ROOT:-/}"
cd "$root" || exit 3
list() {
  for d in ${[...HOST_DIRS, "etc/nginx/sites-available"].join(" ")}; do
    [ -d "$d" ] && [ -r "$d" ] && printf '%s\\n' "$d"
  done
  for f in ${[...HOST_FILES, "etc/hostname", "etc/os-release"].join(" ")}; do [ -r "$f" ] && printf '%s\\n' "$f"; done
  find etc/systemd/system etc/nginx/sites-enabled -type l 2>/dev/null | while read -r link; do
    target=$(readlink "$link") || continue
    case "$target" in /*) target=\${target#/} ;; *) target=$(dirname "$link")/$target ;; esac
    [ -f "$target" ] && printf '%s\\n' "$target"
  done
  grep -hs '^WorkingDirectory=' etc/systemd/system/*.service etc/systemd/system/*.service.d/*.conf | cut -d= -f2- | sed 's/^-//' | while read -r dir; do
    for f in requirements.txt pyproject.toml package.json; do
      case "$dir" in /*) [ -f "\${dir#/}/$f" ] && printf '%s\\n' "\${dir#/}/$f" ;; esac
    done
  done
}
list | sort -u | tar -cf - -T - 2>/dev/null | base64
echo "${MARKER}"
for d in ${HOST_DIRS.join(" ")}; do
  [ -d "$d" ] && [ ! -r "$d" ] && echo "unreadable=/$d"
done
echo "cpus=$(grep -c '^processor' "\${IM_ROOT:-}/proc/cpuinfo" 2>/dev/null || echo 0)"
echo "memkb=$(awk '/^MemTotal:/ {print $2}' "\${IM_ROOT:-}/proc/meminfo" 2>/dev/null)"
# EnvironmentFile= files: only the variable NAMES leave the VM, never the values.
grep -hs '^EnvironmentFile=' etc/systemd/system/*.service etc/systemd/system/*.service.d/*.conf | cut -d= -f2- | sed 's/^-//' | sort -u | while read -r file; do
  case "$file" in /*) [ -r "\${file#/}" ] && printf 'envfile=%s:%s\\n' "$file" "$(sed -nE 's/^[[:space:]]*(export[[:space:]]+)?([A-Za-z_][A-Za-z0-9_]*)[[:space:]]*=.*/\\2/p' "\${file#/}" | tr '\\n' ' ')" ;; esac
done
echo "${MARKER}"
ss -ltnpH 2>/dev/null || true
`;

export interface SshCollection {
  /** Temporary root holding the VM's files; remove it with `cleanup`. */
  root: string;
  listeners: string;
  /** VM folders the ssh user could not read (crontabs need root). */
  unreadable: string[];
  cleanup: () => Promise<void>;
}

/** Collects the VM's files over ssh into a temporary root. Throws InputError when ssh fails. */
export async function collectOverSsh(
  target: SshTarget,
  options: { sudo?: boolean; env?: NodeJS.ProcessEnv } = {},
): Promise<SshCollection> {
  const { execa } = await import("execa");
  const env = options.env ?? process.env;
  // With sudo the script reads crontabs and ss shows process names; -n: fail rather than prompt.
  const remote = options.sudo ? ["sudo", "-n", "sh", "-s"] : ["sh", "-s"];
  const args = [
    "-o",
    "BatchMode=yes",
    "-o",
    "ConnectTimeout=15",
    ...(target.port ? ["-p", String(target.port)] : []),
    target.destination,
    ...remote,
  ];
  const result = await execa("ssh", args, {
    input: REMOTE_SCRIPT,
    reject: false,
    env,
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
    stripFinalNewline: false,
  });
  if (result.exitCode !== 0) {
    const reason =
      (result.stderr || result.message || "")
        .split("\n")
        .find((l) => l.trim() !== "")
        ?.trim() ?? `exit ${result.exitCode}`;
    throw new InputError(
      `Could not read ${target.destination} over ssh: ${reason}`,
      [{ file: "command line", path: "--from-host", message: `ssh ${args.join(" ")} failed` }],
      options.sudo
        ? "Check that `ssh " +
            target.destination +
            " sudo -n true` works without any prompt (a key or an agent, and passwordless sudo), or drop --host-sudo."
        : "Check that `ssh " +
            target.destination +
            " true` works without a password prompt (a key or an agent); --host-sudo also reads crontabs and process names.",
      "init.ssh",
    );
  }
  const [archive = "", facts = "", listeners = ""] = result.stdout.split(`${MARKER}\n`);
  const root = await mkdtemp(path.join(tmpdir(), "infra-migrate-host-"));
  const cleanup = () => rm(root, { recursive: true, force: true });
  try {
    const tarball = Buffer.from(archive.replace(/\s+/g, ""), "base64");
    if (tarball.length > 0) {
      // --no-same-owner/permissions: plain files for reading; absolute and `..` names are refused by tar.
      await execa("tar", ["-xf", "-", "-C", root, "--no-same-owner", "--no-same-permissions"], { input: tarball });
    }
    const cpus = Number(/^cpus=(\d+)$/m.exec(facts)?.[1] ?? 0);
    const memKiB = Number(/^memkb=(\d+)$/m.exec(facts)?.[1] ?? 0);
    await mkdir(path.join(root, "proc"), { recursive: true });
    if (cpus > 0)
      await writeFile(
        path.join(root, "proc/cpuinfo"),
        Array.from({ length: cpus }, (_, i) => `processor\t: ${i}\n`).join(""),
      );
    if (memKiB > 0) await writeFile(path.join(root, "proc/meminfo"), `MemTotal:       ${memKiB} kB\n`);
    // Each EnvironmentFile comes back as its names only: written as `NAME=` lines where the unit looks.
    for (const [, file, names] of facts.matchAll(/^envfile=(\/[^:\n]+):([A-Za-z0-9_ ]*)$/gm)) {
      const rel = path.posix.normalize(file!).slice(1);
      if (rel.startsWith("..") || rel.split("/").includes("..")) continue;
      await mkdir(path.join(root, path.posix.dirname(rel)), { recursive: true });
      await writeFile(
        path.join(root, rel),
        names!
          .trim()
          .split(/\s+/)
          .filter(Boolean)
          .map((n) => `${n}=\n`)
          .join(""),
      );
    }
    const unreadable = [...facts.matchAll(/^unreadable=(\/\S+)$/gm)].map((m) => m[1]!);
    return { root, listeners, unreadable, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
