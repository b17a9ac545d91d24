// `init --from-host ssh://[user@]host[:port]`: the same reading as `--from-host` on the VM, for a
// VM without Node. One `ssh` session runs templates/host/read-host.sh, a read-only POSIX sh script
// that sends the files detection reads (units with their link targets, nginx sites, crontabs, env
// files, the server packages, and from the app folders the file names, manifests, settings and the
// configs the commands name, which files are SQLite, the code files of plugin folders at any depth;
// the forced commands of the unit users' authorized_keys) with every secret already taken out, then the machine's size and
// `ss -ltnp`. ssh-stream.ts writes them into a temporary
// root as they arrive; detectRepo reads it like a mounted disk; the root is removed on every path.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { InputError } from "../errors.js";
import { packageRoot } from "../package-root.js";
import { HOST_APP_SCAN, HOST_DIRS, HOST_FILES } from "./host.js";
import { FIREWALL_FILES } from "./firewall.js";
import { CODE_BUDGET, CODE_EXTENSIONS, CODE_HOMES, CODE_SKIP } from "./build-inputs.js";
import { PM2_DUMP_GLOBS } from "./pm2.js";
import { PHP_INI_GLOBS } from "./php-ini.js";
import { PHP_CLI_DIRECTIVES, PHP_DIRECTIVES, PHP_SESSION_DIRECTIVES } from "./php-ini-parse.js";
import { DATABASE_VERSION_FILES, PACKAGE_DATABASES, SERVER_PACKAGES } from "./host-packages.js";
import { createScratchDir } from "./scratch-dir.js";
import { MTA_FILES } from "./local-mta.js";
import type { SshTarget } from "./ssh-target.js";
import { describeSshFailure, sshCheckCommand, sshMessageLines } from "./ssh-errors.js";
import { readHostStream, StreamTooLarge, type HostStream } from "./ssh-stream.js";
import { MAX_DEPTH, MAX_FILE_BYTES, SKIP_DIRS } from "./walk.js";

export { parseSshTarget, type SshTarget } from "./ssh-target.js";

/** Files larger than this are skipped on the VM and named: config and manifests are far smaller. */
export const REMOTE_FILE_CAP = MAX_FILE_BYTES;
/** The most a read may send: far above any VM's setup, far below a laptop's memory. */
const STREAM_LIMIT = 64 * 1024 * 1024;

let scriptBody: string | undefined;
/** The script run on the VM: its lists (from host.ts and host-packages.ts), then its body. */
export function remoteScript(): string {
  scriptBody ??= readFileSync(path.join(packageRoot(), "templates/host/read-host.sh"), "utf8");
  const words = (list: readonly string[]) => `'${list.join(" ")}'`;
  const mtaFiles = MTA_FILES.map(([file]) => file);
  return [
    `im_dirs=${words(HOST_DIRS)}`,
    `im_files=${words(HOST_FILES)}`,
    `im_extra=${words(["etc/hostname", "etc/os-release", ...FIREWALL_FILES, ...PACKAGE_DATABASES, ...DATABASE_VERSION_FILES, ...mtaFiles])}`,
    `im_bare=${words(mtaFiles)}`,
    `im_cap=${REMOTE_FILE_CAP}`,
    `im_packages='${SERVER_PACKAGES}'`,
    `im_depth=${MAX_DEPTH}`,
    `im_skip=${words([...SKIP_DIRS])}`,
    `im_app_manifests='${HOST_APP_SCAN.manifests}'`,
    `im_app_env='${HOST_APP_SCAN.envFiles}'`,
    `im_app_settings='${HOST_APP_SCAN.settings}'`,
    `im_app_pm2='${HOST_APP_SCAN.pm2}'`,
    `im_code_homes=${words(CODE_HOMES)}`,
    `im_code_skip=${words(CODE_SKIP)}`,
    `im_code_ext=${words(CODE_EXTENSIONS)}`,
    `im_code_budget=${CODE_BUDGET}`,
    `im_pm2=${words(PM2_DUMP_GLOBS)}`,
    `im_php=${words(PHP_INI_GLOBS)}`,
    // Of PHP's configuration only section headers, pools' listen and pm.max_children, the extensions it loads, and the limit lines php-ini-parse.ts reads.
    `im_php_keys='^[ \t]*([[]|listen[ \t]*=|pm[.]max_children[ \t]*=|(zend_)?extension[ \t]*=|(php_(admin_)?value[ \t]*[[][ \t]*)?(${[...PHP_DIRECTIVES, ...PHP_SESSION_DIRECTIVES, ...PHP_CLI_DIRECTIVES].join("|")})[ \t]*[]= \t])'`,
    // Of an app's .htaccess only <IfModule> lines and php_value / php_flag lines of those limits (php-htaccess.ts).
    `im_hta_keys='^[ \t]*(</?ifmodule[ \t>]|php_(value|flag)[ \t]+(${PHP_DIRECTIVES.join("|")})[ \t])'`,
    scriptBody,
  ].join("\n");
}

export interface SshCollection {
  /** Temporary root holding the VM's files; remove it with `cleanup`. */
  root: string;
  listeners: string;
  /** VM folders the ssh user could not read (crontabs need root). */
  unreadable: string[];
  /** What makes this reading incomplete (a tool missing on the VM, a file too large, …), said plainly. */
  warnings: string[];
  cleanup: () => Promise<void>;
}

/** Collects the VM's files over ssh into a temporary root. Throws InputError when ssh fails. */
export async function collectOverSsh(
  target: SshTarget,
  options: { sudo?: boolean; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<SshCollection> {
  const sudo = options.sudo === true;
  // With sudo the script reads crontabs and ss shows process names; -n: fail rather than prompt.
  const remote = sudo ? ["sudo", "-n", "sh", "-s"] : ["sh", "-s"];
  const args = [
    "-o",
    "BatchMode=yes",
    "-o",
    "ConnectTimeout=15",
    ...(target.port ? ["-p", String(target.port)] : []),
    target.destination,
    ...remote,
  ];
  const scratch = await createScratchDir("infra-migrate-host-");
  try {
    const child = spawn("ssh", args, { env: options.env ?? process.env, stdio: ["pipe", "pipe", "pipe"] });
    const abort = new AbortController();
    let reading: Promise<HostStream> | undefined;
    scratch.onAbort(async () => {
      abort.abort();
      child.kill("SIGTERM");
      await reading?.catch(() => undefined);
    });
    const exited = new Promise<{ code: number | null; error?: NodeJS.ErrnoException }>((resolve) => {
      child.on("error", (error) => resolve({ code: null, error }));
      child.on("close", (code) => resolve({ code }));
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      if (stderr.length < 64 * 1024) stderr += chunk.toString("utf8");
    });
    child.stdin.on("error", () => undefined); // ssh may exit before reading the script
    child.stdin.end(remoteScript());
    const timeoutMs = options.timeoutMs ?? 120_000;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGTERM");
    }, timeoutMs);
    let stream: HostStream;
    try {
      const limits = { fileBytes: REMOTE_FILE_CAP, totalBytes: STREAM_LIMIT, signal: abort.signal };
      reading = readHostStream(child.stdout, scratch.dir, limits);
      stream = await reading;
      // What follows is not read: ssh must not block on a full pipe; a script that never started is stopped.
      child.stdout.resume();
      if (!stream.started) child.kill("SIGTERM");
    } catch (error) {
      child.kill("SIGTERM");
      clearTimeout(timer);
      if (error instanceof StreamTooLarge)
        throw sshError(
          target,
          `the VM sent ${error.message}, more than any setup holds`,
          "Report this: the read script skips large files, so this VM's output is not what it sends.",
          args,
        );
      throw error;
    }
    const { code, error } = await exited;
    clearTimeout(timer);
    if (error)
      throw sshError(
        target,
        error.code === "ENOENT" ? "ssh is not installed on this machine" : error.message,
        "Install the OpenSSH client (apt-get install openssh-client), or run init on the VM itself with --from-host.",
        args,
      );
    if (timedOut)
      throw sshError(
        target,
        `no answer within ${timeoutMs / 1000} s`,
        `Check that ${sshCheckCommand(target, sudo)} answers quickly.`,
        args,
      );
    if (!stream.started && sshMessageLines(stderr).length === 0)
      throw sshError(
        target,
        "the VM's shell did not run the read script",
        `Check that ${sshCheckCommand(target, sudo)} works and that the login shell prints nothing.`,
        args,
      );
    if (code !== 0 || !stream.started) {
      const failure = describeSshFailure(stderr, code ?? undefined, target, sudo);
      throw sshError(target, failure.reason, failure.hint, args);
    }
    await writeMachineFacts(scratch.dir, stream);
    return {
      root: scratch.dir,
      listeners: stream.listeners ?? "",
      unreadable: stream.unreadable,
      warnings: streamWarnings(stream, target, sudo),
      cleanup: () => scratch.dispose(),
    };
  } catch (error) {
    await scratch.dispose();
    throw error;
  }
}

function sshError(target: SshTarget, reason: string, hint: string, args: string[]): InputError {
  return new InputError(
    `Could not read ${target.destination} over ssh: ${reason}`,
    [{ file: "command line", path: "--from-host", message: `ssh ${args.join(" ")} failed` }],
    hint,
    "init.ssh",
  );
}

/** CPU count and memory as the files host.ts reads on a real root. */
async function writeMachineFacts(root: string, stream: HostStream): Promise<void> {
  await mkdir(path.join(root, "proc"), { recursive: true });
  if (stream.cpus)
    await writeFile(
      path.join(root, "proc/cpuinfo"),
      Array.from({ length: Math.min(stream.cpus, 4096) }, (_, i) => `processor\t: ${i}\n`).join(""),
    );
  if (stream.memKiB) await writeFile(path.join(root, "proc/meminfo"), `MemTotal:       ${stream.memKiB} kB\n`);
}

const WHAT_IS_LOST: Record<string, string> = {
  awk: "no file was read (values could not be taken out on the VM, so nothing was sent)",
  ls: "file sizes could not be checked on the VM (large files are cut off here instead)",
  readlink: "linked units and sites (the distribution's nginx, database and Redis units) were not followed",
  ss: "listening ports were not read (install iproute2); stores are placed at their default ports",
};

function streamWarnings(stream: HostStream, target: SshTarget, sudo: boolean): string[] {
  const out = stream.missing.map(
    (tool) =>
      `${tool} is not installed on ${target.destination}: ${WHAT_IS_LOST[tool] ?? "part of the VM was not read"}`,
  );
  for (const dir of stream.unreadable)
    out.push(
      `${dir} on ${target.destination} is not readable as this user${sudo ? "" : ": add --host-sudo (passwordless sudo) or connect as root"}`,
    );
  for (const { file, bytes } of stream.tooLarge)
    out.push(
      `${file} on ${target.destination} was skipped: ${bytes ? `${(bytes / 1024 / 1024).toFixed(1)} MiB, ` : ""}over the ${REMOTE_FILE_CAP / 1024} KiB limit`,
    );
  if (!stream.complete)
    out.push(`the read of ${target.destination} stopped before its end: the inventory may be incomplete`);
  return out;
}
